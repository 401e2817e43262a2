# Source: https://docs.python.org/3.14/library/asyncio-task.html#awaitables
# Expected output (native python3): nothing.
# Expected duration: 0
import asyncio

async def nested():
    return 42

async def main():
    # Schedule nested() to run soon concurrently
    # with "main()".
    task = asyncio.create_task(nested())

    # "task" can now be used to cancel "nested()", or
    # can simply be awaited to wait until it is complete:
    await task

asyncio.run(main())
