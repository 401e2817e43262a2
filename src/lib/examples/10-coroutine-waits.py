# ---
# title: A coroutine does nothing until awaited
# topic: Tasks
# notice: job("a", 1) only makes a coroutine object; it starts when main awaits it, and main waits for it to finish before the next one starts: 1 s + 2 s = 3 s on a single lane.
# compare: 11-task-starts-now
# ---
import asyncio


async def job(name, seconds):
    print(f"{name} starts")
    await asyncio.sleep(seconds)
    print(f"{name} ends")
    return name.upper()


async def main():
    a = job("a", 1)
    b = job("b", 2)
    print("made", type(a).__name__, "objects; nothing has started")
    print(await a)
    print(await b)


asyncio.run(main())
