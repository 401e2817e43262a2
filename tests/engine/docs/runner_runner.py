# Source: https://docs.python.org/3.14/library/asyncio-runner.html#asyncio.Runner
# Completed: the page's example has no `import asyncio`.
# Expected output (native python3):
#   hello
# Expected duration: 1
import asyncio

async def main():
    await asyncio.sleep(1)
    print('hello')

with asyncio.Runner() as runner:
    runner.run(main())
