# Source: https://docs.python.org/3.14/library/asyncio-dev.html#detect-never-retrieved-exceptions
# Expected output (native python3 and the docs, on stderr; the docs wrap the second line):
#   Task exception was never retrieved
#   future: <Task finished name='Task-2' coro=<bug() done, defined at main.py:3> exception=Exception('not consumed')>
#   Traceback (most recent call last):
#     File "main.py", line 4, in bug
#       raise Exception("not consumed")
#   Exception: not consumed
# Expected duration: 0
import asyncio

async def bug():
    raise Exception("not consumed")

async def main():
    asyncio.create_task(bug())

asyncio.run(main())
