# ---
# title: Gather: three waits at once
# topic: Several tasks at once
# notice: asyncio.gather starts say(1), say(2) and say(3) together, so their sleeps overlap: the run takes 3 s, the longest sleep, not 1 + 2 + 3 = 6 s. Pin this run, then open "One by one" to see the difference.
# compare: 02-one-by-one
# ---
import asyncio
import time


async def say(n):
    await asyncio.sleep(n)
    print(f"hello {n}")


async def main():
    start = time.perf_counter()
    await asyncio.gather(say(1), say(2), say(3))
    print(f"took {time.perf_counter() - start:.2f} s")


asyncio.run(main())
