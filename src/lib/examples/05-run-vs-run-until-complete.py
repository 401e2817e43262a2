# ---
# title: asyncio.run versus loop.run_until_complete
# topic: The event loop
# notice: Each asyncio.run call makes a fresh loop and closes it at the end. With new_event_loop you own the loop: run_until_complete can run it again and again, and it stays open until you close it.
# compare: 04-get-event-loop
# ---
import asyncio


async def tick(name):
    await asyncio.sleep(1)
    print(f"{name} ran")
    return asyncio.get_running_loop()


# asyncio.run: a new loop for every call, closed when the call returns.
first = asyncio.run(tick("asyncio.run #1"))
second = asyncio.run(tick("asyncio.run #2"))
print("same loop twice?", first is second, "| first closed?", first.is_closed())

# run_until_complete: one loop you created, run twice, closed by you.
loop = asyncio.new_event_loop()
a = loop.run_until_complete(tick("run_until_complete #1"))
b = loop.run_until_complete(tick("run_until_complete #2"))
print("same loop twice?", a is b, "| closed?", loop.is_closed())
loop.close()
print("closed after loop.close()?", loop.is_closed())
