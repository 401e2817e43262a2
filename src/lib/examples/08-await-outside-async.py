# ---
# title: await only works inside async def
# topic: Coroutines and await
# notice: await inside a plain def is a SyntaxError, so nothing runs at all. Make the function async def (and await it), or call the coroutine from asyncio.run. The playground also accepts await at the top level, as a notebook does.
# ---
import asyncio


def wait_a_second():
    await asyncio.sleep(1)


wait_a_second()
