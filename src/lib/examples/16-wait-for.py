# ---
# title: wait_for: one await with a deadline
# topic: Time limits and cancellation
# notice: wait_for returns the result when it comes in time (1 s < 2 s), and cancels the work and raises TimeoutError when it does not (5 s > 2 s). 1 s + 2 s = 3 s in all.
# ---
import asyncio


async def answer_after(seconds):
    await asyncio.sleep(seconds)
    return f"answer after {seconds} s"


async def main():
    print(await asyncio.wait_for(answer_after(1), timeout=2))
    try:
        print(await asyncio.wait_for(answer_after(5), timeout=2))
    except TimeoutError:
        print("too slow: cancelled after 2 s")


asyncio.run(main())
