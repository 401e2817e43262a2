# Source: https://docs.python.org/3.14/library/asyncio-task.html#coroutines
# Completed: the page shows only this main(), "modifying the above example"; the imports,
# say_after() and asyncio.run(main()) are the previous example's.
# Expected output (the docs'; the playground's wall clock starts at 00:00:00, decision 0091):
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
    task1 = asyncio.create_task(
        say_after(1, 'hello'))

    task2 = asyncio.create_task(
        say_after(2, 'world'))

    print(f"started at {time.strftime('%X')}")

    # Wait until both tasks are completed (should take
    # around 2 seconds.)
    await task1
    await task2

    print(f"finished at {time.strftime('%X')}")

asyncio.run(main())
