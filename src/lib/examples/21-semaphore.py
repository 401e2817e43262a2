# ---
# title: Semaphore: at most two at a time
# topic: Coordinating tasks
# notice: Five downloads, but the Semaphore lets only two in at once; the others wait on their lanes (labelled Semaphore) for a free slot. 5 jobs of 1 s, 2 at a time: 3 s.
# ---
import asyncio


async def download(slots, n):
    async with slots:
        print(f"start {n}")
        await asyncio.sleep(1)


async def main():
    slots = asyncio.Semaphore(2)
    await asyncio.gather(*(download(slots, n) for n in range(1, 6)))


asyncio.run(main())
