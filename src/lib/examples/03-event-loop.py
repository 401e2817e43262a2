# ---
# title: asyncio.run creates, runs and closes the loop
# topic: The event loop
# notice: asyncio.run makes a new event loop, runs main() on it until main returns, then closes it. The loop's clock (loop.time()) moves only when every task is waiting, here by the 1 s sleep.
# ---
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    print(f"loop.time() = {loop.time():.2f}")
    await asyncio.sleep(1)
    print(f"loop.time() = {loop.time():.2f}")
    return loop


loop = asyncio.run(main())
print("is the loop closed now?", loop.is_closed())
