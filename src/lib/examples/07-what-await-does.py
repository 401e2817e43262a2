# ---
# title: What await does
# topic: Coroutines and await
# notice: Each await asyncio.sleep(1) suspends its task and hands the loop to the other one, so A and B take turns. Hover a waiting bar to see where each task paused.
# ---
import asyncio


async def worker(name):
    for step in range(1, 4):
        print(f"{name} step {step}")
        await asyncio.sleep(1)  # pause here; the loop runs the other task
    return f"{name} finished"


async def main():
    results = await asyncio.gather(worker("A"), worker("B"))
    print(results)


asyncio.run(main())
