# ---
# title: as_completed: results as they arrive
# topic: Several tasks at once
# notice: as_completed gives you each result as soon as it is ready, fastest first, whatever the order you passed them in: result 1 at 1 s, result 2 at 2 s, result 3 at 3 s.
# ---
import asyncio


async def fetch(n):
    await asyncio.sleep(n)
    return f"result {n}"


async def main():
    for next_done in asyncio.as_completed([fetch(3), fetch(1), fetch(2)]):
        print(await next_done)


asyncio.run(main())
