# ---
# title: A race without a lock
# topic: Coordinating tasks
# notice: Each deposit reads the balance, awaits (say, a slow database), then writes. All three read 0 before any writes, so two deposits are lost: the final balance is 30, not 60.
# compare: 23-lock
# ---
import asyncio

balance = 0


async def deposit(name, amount):
    global balance
    current = balance
    await asyncio.sleep(1)  # another task runs here and reads the old balance
    balance = current + amount
    print(f"{name} deposited {amount}, balance {balance}")


async def main():
    await asyncio.gather(deposit("ann", 10), deposit("bob", 20), deposit("cy", 30))
    print("final balance", balance)


asyncio.run(main())
