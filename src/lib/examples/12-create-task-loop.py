# ---
# title: create_task in a loop
# topic: Several tasks at once
# notice: Each create_task call starts one task, so a loop starts them all; awaiting them afterwards collects the results. The three downloads overlap: 3 s in all. Compare with gather, which does the same in one call.
# compare: 13-gather-results
# ---
import asyncio


async def download(n):
    await asyncio.sleep(n)
    print(f"downloaded file {n}")
    return n * 10


async def main():
    tasks = []
    for n in [3, 1, 2]:
        tasks.append(asyncio.create_task(download(n)))
    results = []
    for task in tasks:
        results.append(await task)
    print(results)


asyncio.run(main())
