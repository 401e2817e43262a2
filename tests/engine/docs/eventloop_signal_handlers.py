# Source: https://docs.python.org/3.14/library/asyncio-eventloop.html#set-signal-handlers-for-sigint-and-sigterm
# CPython: prints two lines, then waits an hour for a signal that nobody sends. No signal can
# arrive in the playground: the handlers are registered and never fire, and the hour passes on
# the virtual clock.
# Expected output (native python3; the pid differs):
#   Event loop running for 1 hour, press Ctrl+C to interrupt.
#   ~pid \d+: send SIGINT or SIGTERM to exit\.
# Expected duration: 3600
import asyncio
import functools
import os
import signal

def ask_exit(signame, loop):
    print("got signal %s: exit" % signame)
    loop.stop()

async def main():
    loop = asyncio.get_running_loop()

    for signame in {'SIGINT', 'SIGTERM'}:
        loop.add_signal_handler(
            getattr(signal, signame),
            functools.partial(ask_exit, signame, loop))

    await asyncio.sleep(3600)

print("Event loop running for 1 hour, press Ctrl+C to interrupt.")
print(f"pid {os.getpid()}: send SIGINT or SIGTERM to exit.")

asyncio.run(main())
