# Source: https://docs.python.org/3.14/howto/a-conceptual-overview-of-asyncio.html#event-loop
# CPython: the loop cycles for ever with nothing to do (stopped by the test's timeout). In the
# playground nothing can ever happen either, so the run ends at once with a deadlock report.
# Expected output: nothing.
# Expected deadlock: none
# Expected duration: 0
import asyncio

# This creates an event loop and indefinitely cycles through
# its collection of jobs.
event_loop = asyncio.new_event_loop()
event_loop.run_forever()
