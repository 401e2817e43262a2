# ---
# title: Giving up with asyncio.timeout
# topic: Time limits and cancellation
# notice: asyncio.timeout(2) cancels whatever is awaited inside the block after 2 s and raises TimeoutError instead: the 5 s sleep is cut short and the run ends at 2 s.
# ---
import asyncio


async def slow_answer():
    await asyncio.sleep(5)
    return 42


async def main():
    try:
        async with asyncio.timeout(2):
            print(await slow_answer())
    except TimeoutError:
        print("gave up after 2 s")


asyncio.run(main())
