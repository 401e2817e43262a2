# ---
# title: A task starts on its own
# topic: Tasks
# notice: create_task schedules the coroutine at once: both jobs start as soon as main awaits, each on its own lane, so the run takes 2 s, not 3 s. A task also reports its state: done(), result(), cancel(), cancelled().
# compare: 10-coroutine-waits
# ---
import asyncio


async def job(name, seconds):
    print(f"{name} starts")
    await asyncio.sleep(seconds)
    print(f"{name} ends")
    return name.upper()


async def main():
    a = asyncio.create_task(job("a", 1))
    b = asyncio.create_task(job("b", 2))
    c = asyncio.create_task(job("c", 5))
    print("made", type(a).__name__, "objects; done?", a.done())
    print(await a, "| b done?", b.done())
    print(await b, "| a.result() =", a.result())
    c.cancel()  # we no longer need c
    await asyncio.sleep(0)  # give c a turn to be cancelled
    print("c cancelled?", c.cancelled())


asyncio.run(main())
