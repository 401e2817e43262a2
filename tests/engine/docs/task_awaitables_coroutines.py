# Source: https://docs.python.org/3.14/library/asyncio-task.html#awaitables
# Expected output (native python3; CPython prints the script's full path before ":10:"):
#   main.py:10: RuntimeWarning: coroutine 'nested' was never awaited
#     nested()  # will raise a "RuntimeWarning".
#   RuntimeWarning: Enable tracemalloc to get the object allocation traceback
#   42
# Expected duration: 0
import asyncio

async def nested():
    return 42

async def main():
    # Nothing happens if we just call "nested()".
    # A coroutine object is created but not awaited,
    # so it *won't run at all*.
    nested()  # will raise a "RuntimeWarning".

    # Let's do it differently now and await it:
    print(await nested())  # will print "42".

asyncio.run(main())
