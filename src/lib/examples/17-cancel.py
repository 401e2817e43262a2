# ---
# title: Cancelling a task
# topic: Time limits and cancellation
# notice: task.cancel() throws CancelledError into the task at the await where it is paused, here in the middle of a 2 s sleep at 3 s. The task can clean up, but should re-raise so it ends as cancelled.
# ---
import asyncio


async def worker():
    try:
        while True:
            print("working")
            await asyncio.sleep(2)
    except asyncio.CancelledError:
        print("cleaning up")
        raise


async def main():
    task = asyncio.create_task(worker())
    await asyncio.sleep(3)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("worker cancelled?", task.cancelled())


asyncio.run(main())
