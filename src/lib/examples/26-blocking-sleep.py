# ---
# title: time.sleep blocks everyone
# topic: Classic mistakes
# notice: time.sleep does not pause the task, it stops the whole event loop: nobody else runs meanwhile (the red bands), so the three sleeps add up to 6 s even under gather. Use await asyncio.sleep instead.
# compare: 27-non-blocking-sleep
# ---
import asyncio
import time


async def say(n):
    time.sleep(n)  # blocks the loop
    print(f"hello {n}")


async def main():
    start = time.perf_counter()
    await asyncio.gather(say(1), say(2), say(3))
    print(f"took {time.perf_counter() - start:.2f} s")


asyncio.run(main())
