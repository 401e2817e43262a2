# Source: https://docs.python.org/3.14/library/asyncio-sync.html#asyncio.Event
# Completed: the page's example has no `import asyncio`.
# Expected output (native python3):
#   waiting for it ...
#   ... got it!
# Expected duration: 1
import asyncio

async def waiter(event):
    print('waiting for it ...')
    await event.wait()
    print('... got it!')

async def main():
    # Create an Event object.
    event = asyncio.Event()

    # Spawn a Task to wait until 'event' is set.
    waiter_task = asyncio.create_task(waiter(event))

    # Sleep for 1 second and set the event.
    await asyncio.sleep(1)
    event.set()

    # Wait until the waiter task is finished.
    await waiter_task

asyncio.run(main())
