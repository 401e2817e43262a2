# ---
# title: await asyncio.sleep lets others run
# topic: Classic mistakes
# notice: The same program with await asyncio.sleep: each task pauses and gives the loop to the others, so the sleeps overlap and the run takes 3 s instead of 6 s.
# compare: 26-blocking-sleep
# ---
import asyncio
import time


async def say(n):
    await asyncio.sleep(n)  # pauses this task only
    print(f"hello {n}")


async def main():
    start = time.perf_counter()
    await asyncio.gather(say(1), say(2), say(3))
    print(f"took {time.perf_counter() - start:.2f} s")


asyncio.run(main())
