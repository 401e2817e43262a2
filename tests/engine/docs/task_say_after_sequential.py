# Source: https://docs.python.org/3.14/library/asyncio-task.html#coroutines
# Expected output (the docs'; the playground's wall clock starts at 00:00:00, decision 0091):
#   started at 00:00:00
#   hello
#   world
#   finished at 00:00:03
# Expected duration: 3
import asyncio
import time

async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)

async def main():
    print(f"started at {time.strftime('%X')}")

    await say_after(1, 'hello')
    await say_after(2, 'world')

    print(f"finished at {time.strftime('%X')}")

asyncio.run(main())
