# ---
# title: wait: stop at the first one done
# topic: Several tasks at once
# notice: asyncio.wait with FIRST_COMPLETED returns as soon as one task is done, with the sets of done and pending tasks. Here the fastest mirror wins at 1 s and the others are cancelled.
# ---
import asyncio


async def fetch(mirror, seconds):
    await asyncio.sleep(seconds)
    return f"data from {mirror}"


async def main():
    tasks = [
        asyncio.create_task(fetch("eu", 2), name="eu"),
        asyncio.create_task(fetch("us", 1), name="us"),
        asyncio.create_task(fetch("asia", 3), name="asia"),
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print("done:", [task.result() for task in done])
    print("pending:", sorted(task.get_name() for task in pending))
    for task in pending:
        task.cancel()
    await asyncio.wait(pending)
    print("cancelled:", all(task.cancelled() for task in pending))


asyncio.run(main())
