# ---
# title: Event: wait for a signal
# topic: Coordinating tasks
# notice: Both waiters pause on event.wait() until main calls event.set() at 2 s; then both go on at once.
# ---
import asyncio


async def waiter(event, name):
    print(f"{name} waits")
    await event.wait()
    print(f"{name} goes")


async def main():
    event = asyncio.Event()
    waiters = [asyncio.create_task(waiter(event, name)) for name in ("a", "b")]
    await asyncio.sleep(2)
    print("main sets the event")
    event.set()
    await asyncio.gather(*waiters)


asyncio.run(main())
