# ---
# title: The older way: get_event_loop and run_until_complete
# topic: The event loop
# notice: Older tutorials get a loop with asyncio.get_event_loop() and drive it with run_until_complete. Python 3.14 raises RuntimeError for get_event_loop() when no loop exists; the playground runs it as Python 3.10-3.13 did and explains the change in a note. Prefer asyncio.run.
# compare: 03-event-loop
# ---
import asyncio


async def main():
    print("main is running")
    await asyncio.sleep(1)
    return "main's result"


loop = asyncio.get_event_loop()
result = loop.run_until_complete(main())
print(result)
loop.close()
