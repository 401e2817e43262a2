# Source: https://docs.python.org/3.14/howto/a-conceptual-overview-of-asyncio.html#awaiting-coroutines
# Completed: the page's own change to the previous program, "await coro_a()" becoming
# "await asyncio.create_task(coro_a())".
# Expected output (the docs'):
#   I am coro_b(). I sure hope no one hogs the event loop...
#   I am coro_a(). Hi!
#   I am coro_a(). Hi!
#   I am coro_a(). Hi!
# Expected duration: 0
import asyncio

async def coro_a():
   print("I am coro_a(). Hi!")

async def coro_b():
   print("I am coro_b(). I sure hope no one hogs the event loop...")

async def main():
   task_b = asyncio.create_task(coro_b())
   num_repeats = 3
   for _ in range(num_repeats):
      await asyncio.create_task(coro_a())
   await task_b

asyncio.run(main())
