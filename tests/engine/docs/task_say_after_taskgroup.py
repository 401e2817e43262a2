# Source: https://docs.python.org/3.14/library/asyncio-task.html#coroutines
# Completed: the page shows only this main(); the imports, say_after() and
# asyncio.run(main()) are the first example's.
# Expected output (the docs say it is the previous version's; wall clock from 00:00:00):
#   started at 00:00:00
#   hello
#   world
#   finished at 00:00:02
# Expected duration: 2
import asyncio
import time

async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)

async def main():
    async with asyncio.TaskGroup() as tg:
        task1 = tg.create_task(
            say_after(1, 'hello'))

        task2 = tg.create_task(
            say_after(2, 'world'))

        print(f"started at {time.strftime('%X')}")

    # The await is implicit when the context manager exits.

    print(f"finished at {time.strftime('%X')}")

asyncio.run(main())
