# ---
# title: CPU-bound work holds the loop
# topic: Classic mistakes
# notice: crunch() computes without ever awaiting, so nothing else can run meanwhile: the heartbeat task cannot even start until main has finished crunching. The playground's clock counts only sleeps, so the crunch looks instant on the chart; a note says how long it really took. Move such work to a process pool, or await now and then.
# ---
import asyncio


def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


async def heartbeat():
    for beat in range(1, 4):
        print(f"beat {beat}")
        await asyncio.sleep(1)


async def main():
    beats = asyncio.create_task(heartbeat())
    print("crunching...")
    total = crunch(3_000_000)  # no await: the heartbeat has to wait
    print("crunched", total)
    await beats


asyncio.run(main())
