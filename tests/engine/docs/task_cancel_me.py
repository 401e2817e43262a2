# Source: https://docs.python.org/3.14/library/asyncio-task.html#asyncio.Task.cancel
# Completed: the page's example has no `import asyncio`.
# Expected output (the docs'):
#   cancel_me(): before sleep
#   cancel_me(): cancel sleep
#   cancel_me(): after sleep
#   main(): cancel_me is cancelled now
# Expected duration: 1
import asyncio

async def cancel_me():
    print('cancel_me(): before sleep')

    try:
        # Wait for 1 hour
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        print('cancel_me(): cancel sleep')
        raise
    finally:
        print('cancel_me(): after sleep')

async def main():
    # Create a "cancel_me" Task
    task = asyncio.create_task(cancel_me())

    # Wait for 1 second
    await asyncio.sleep(1)

    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("main(): cancel_me is cancelled now")

asyncio.run(main())
