# Source: https://docs.python.org/3.14/library/asyncio-task.html#running-in-threads
# Completed: the page's example has no imports.
# Expected output (the docs'; wall clock from 00:00:00):
#   started main at 00:00:00
#   start blocking_io at 00:00:00
#   blocking_io complete at 00:00:01
#   finished main at 00:00:01
# Expected duration: 1
import asyncio
import time

def blocking_io():
    print(f"start blocking_io at {time.strftime('%X')}")
    # Note that time.sleep() can be replaced with any blocking
    # IO-bound operation, such as file operations.
    time.sleep(1)
    print(f"blocking_io complete at {time.strftime('%X')}")

async def main():
    print(f"started main at {time.strftime('%X')}")

    await asyncio.gather(
        asyncio.to_thread(blocking_io),
        asyncio.sleep(1))

    print(f"finished main at {time.strftime('%X')}")


asyncio.run(main())
