# ---
# title: Lock: one at a time
# topic: Coordinating tasks
# notice: The Lock lets one deposit at a time through its read-await-write, so none is lost: the final balance is 60. The price is time: the deposits no longer overlap, 3 s instead of 1 s.
# compare: 22-race-without-lock
# ---
import asyncio

balance = 0


async def deposit(lock, name, amount):
    global balance
    async with lock:
        current = balance
        await asyncio.sleep(1)
        balance = current + amount
        print(f"{name} deposited {amount}, balance {balance}")


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(
        deposit(lock, "ann", 10), deposit(lock, "bob", 20), deposit(lock, "cy", 30)
    )
    print("final balance", balance)


asyncio.run(main())
