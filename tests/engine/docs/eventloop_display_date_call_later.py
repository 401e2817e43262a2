# Source: https://docs.python.org/3.14/library/asyncio-eventloop.html#display-the-current-date-with-call-later
# Expected output (five dates a second apart; wall clock from 2025-01-01 00:00:00 UTC):
#   2025-01-01 00:00:00
#   2025-01-01 00:00:01
#   2025-01-01 00:00:02
#   2025-01-01 00:00:03
#   2025-01-01 00:00:04
# Expected duration: 4
# (CPython's real clock also prints microseconds; the playground's dates fall on whole seconds.)
import asyncio
import datetime

def display_date(end_time, loop):
    print(datetime.datetime.now())
    if (loop.time() + 1.0) < end_time:
        loop.call_later(1, display_date, end_time, loop)
    else:
        loop.stop()

loop = asyncio.new_event_loop()

# Schedule the first call to display_date()
end_time = loop.time() + 5.0
loop.call_soon(display_date, end_time, loop)

# Blocking call interrupted by loop.stop()
try:
    loop.run_forever()
finally:
    loop.close()
