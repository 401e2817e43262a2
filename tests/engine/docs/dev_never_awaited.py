# Source: https://docs.python.org/3.14/library/asyncio-dev.html#detect-never-awaited-coroutines
# Expected output (the docs', with the tracemalloc hint CPython 3.14 adds; on stderr):
#   main.py:7: RuntimeWarning: coroutine 'test' was never awaited
#     test()
#   RuntimeWarning: Enable tracemalloc to get the object allocation traceback
# Expected duration: 0
import asyncio

async def test():
    print("never scheduled")

async def main():
    test()

asyncio.run(main())
