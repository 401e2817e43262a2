# Source: https://docs.python.org/3.14/library/asyncio-task.html#sleeping
# Expected output (five dates a second apart; the playground's wall clock starts at
# 2025-01-01 00:00:00 UTC, decision 0091):
#   2025-01-01 00:00:00
#   2025-01-01 00:00:01
#   2025-01-01 00:00:02
#   2025-01-01 00:00:03
#   2025-01-01 00:00:04
# Expected duration: 4
# (CPython's real clock also prints microseconds; the playground's dates fall on whole seconds.)
import asyncio
import datetime

async def display_date():
    loop = asyncio.get_running_loop()
    end_time = loop.time() + 5.0
    while True:
        print(datetime.datetime.now())
        if (loop.time() + 1.0) >= end_time:
            break
        await asyncio.sleep(1)

asyncio.run(display_date())
