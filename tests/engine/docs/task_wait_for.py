# Source: https://docs.python.org/3.14/library/asyncio-task.html#timeouts
# Completed: the page's example has no `import asyncio`.
# Expected output (the docs'):
#   timeout!
# Expected duration: 1
import asyncio

async def eternity():
    # Sleep for one hour
    await asyncio.sleep(3600)
    print('yay!')

async def main():
    # Wait for at most 1 second
    try:
        await asyncio.wait_for(eternity(), timeout=1.0)
    except TimeoutError:
        print('timeout!')

asyncio.run(main())
