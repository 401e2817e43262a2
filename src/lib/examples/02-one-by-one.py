# ---
# title: One by one: each await waits its turn
# topic: Several tasks at once
# notice: Awaiting the coroutines one after another runs them in turn on the main task's own lane: 1 s, then 2 s, then 3 s, 6 s in all. Nothing overlaps, so there is only one lane.
# compare: 01-gather
# ---
import asyncio
import time


async def say(n):
    await asyncio.sleep(n)
    print(f"hello {n}")


async def main():
    start = time.perf_counter()
    await say(1)
    await say(2)
    await say(3)
    print(f"took {time.perf_counter() - start:.2f} s")


asyncio.run(main())
