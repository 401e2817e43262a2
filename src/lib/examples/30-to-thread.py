# ---
# title: to_thread: blocking code off the loop
# topic: Classic mistakes
# notice: asyncio.to_thread runs a blocking function in a worker thread, so the loop stays free: the two blocking calls of 1 s and 2 s overlap and take 2 s. (Pyodide has no threads; the playground simulates them on the virtual clock.)
# ---
import asyncio
import time


def blocking_read(name, seconds):
    time.sleep(seconds)
    return f"{name} read"


async def main():
    results = await asyncio.gather(
        asyncio.to_thread(blocking_read, "disk", 1),
        asyncio.to_thread(blocking_read, "network", 2),
    )
    print(results)


asyncio.run(main())
