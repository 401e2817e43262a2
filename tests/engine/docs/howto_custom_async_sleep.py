# Source: https://docs.python.org/3.14/howto/a-conceptual-overview-of-asyncio.html#a-homemade-asyncio-sleep
# Completed: "the full program" whose output the page shows, put together from its three
# snippets with the imports they use. It polls time.time() between turns of the loop: on the
# virtual clock each turn costs time while a program polls (docs/decisions/0094-clock-polling.md),
# so it ends after 3 s as in CPython. (Python 3.11 cannot parse the nested quotes in its
# f-strings; 3.12 and later can.)
# Expected output (the docs'; wall clock from 00:00:00):
#   Beginning asynchronous sleep at time: 00:00:00.
#   I like work. Work work.
#   I like work. Work work.
#   I like work. Work work.
#   Done asynchronous sleep at time: 00:00:03.
# Expected duration: 3
import asyncio
import datetime
import time

class YieldToEventLoop:
    def __await__(self):
        yield

async def _sleep_watcher(future, time_to_wake):
    while True:
        if time.time() >= time_to_wake:
            # This marks the future as done.
            future.set_result(None)
            break
        else:
            await YieldToEventLoop()

async def async_sleep(seconds: float):
    future = asyncio.Future()
    time_to_wake = time.time() + seconds
    # Add the watcher-task to the event loop.
    watcher_task = asyncio.create_task(_sleep_watcher(future, time_to_wake))
    # Block until the future is marked as done.
    await future

async def other_work():
    print("I like work. Work work.")

async def main():
    # Add a few other tasks to the event loop, so there's something
    # to do while asynchronously sleeping.
    work_tasks = [
        asyncio.create_task(other_work()),
        asyncio.create_task(other_work()),
        asyncio.create_task(other_work())
    ]
    print(
        "Beginning asynchronous sleep at time: "
        f"{datetime.datetime.now().strftime("%H:%M:%S")}."
    )
    await asyncio.create_task(async_sleep(3))
    print(
        "Done asynchronous sleep at time: "
        f"{datetime.datetime.now().strftime("%H:%M:%S")}."
    )
    # asyncio.gather effectively awaits each task in the collection.
    await asyncio.gather(*work_tasks)

asyncio.run(main())
