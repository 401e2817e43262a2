# Source: https://docs.python.org/3.14/library/asyncio-eventloop.html#hello-world-with-call-soon
# Expected output (native python3):
#   Hello World
# Expected duration: 0
import asyncio

def hello_world(loop):
    """A callback to print 'Hello World' and stop the event loop"""
    print('Hello World')
    loop.stop()

loop = asyncio.new_event_loop()

# Schedule a call to hello_world()
loop.call_soon(hello_world, loop)

# Blocking call interrupted by loop.stop()
try:
    loop.run_forever()
finally:
    loop.close()
