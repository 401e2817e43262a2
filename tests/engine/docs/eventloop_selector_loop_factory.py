# Source: https://docs.python.org/3.14/library/asyncio-eventloop.html#asyncio.SelectorEventLoop
# Expected output: nothing. (Python 3.11's asyncio.run has no loop_factory yet: 3.12 added it.)
# Expected duration: 0
import asyncio
import selectors

async def main():
   ...

loop_factory = lambda: asyncio.SelectorEventLoop(selectors.SelectSelector())
asyncio.run(main(), loop_factory=loop_factory)
