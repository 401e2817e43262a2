# Source: https://docs.python.org/3.14/library/asyncio-task.html#running-tasks-concurrently
# Expected output (the docs'):
#   Task A: Compute factorial(2), currently i=2...
#   Task B: Compute factorial(3), currently i=2...
#   Task C: Compute factorial(4), currently i=2...
#   Task A: factorial(2) = 2
#   Task B: Compute factorial(3), currently i=3...
#   Task C: Compute factorial(4), currently i=3...
#   Task B: factorial(3) = 6
#   Task C: Compute factorial(4), currently i=4...
#   Task C: factorial(4) = 24
#   [2, 6, 24]
# Expected duration: 3
import asyncio

async def factorial(name, number):
    f = 1
    for i in range(2, number + 1):
        print(f"Task {name}: Compute factorial({number}), currently i={i}...")
        await asyncio.sleep(1)
        f *= i
    print(f"Task {name}: factorial({number}) = {f}")
    return f

async def main():
    # Schedule three calls *concurrently*:
    L = await asyncio.gather(
        factorial("A", 2),
        factorial("B", 3),
        factorial("C", 4),
    )
    print(L)

asyncio.run(main())
