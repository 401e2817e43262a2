# ---
# title: gather returns results in order
# topic: Several tasks at once
# notice: gather wraps each coroutine in a task and waits for them all in one call. The downloads finish in the order 1, 2, 3, but the results come back in the order you passed them: [30, 10, 20].
# compare: 12-create-task-loop
# ---
import asyncio


async def download(n):
    await asyncio.sleep(n)
    print(f"downloaded file {n}")
    return n * 10


async def main():
    results = await asyncio.gather(*(download(n) for n in [3, 1, 2]))
    print(results)


asyncio.run(main())
