# ---
# title: await at the top level, as in a notebook
# topic: Coroutines and await
# notice: Like a Jupyter notebook or python -m asyncio, the playground lets you await at the top level; it runs the whole program as one coroutine on the event loop. In a plain .py file this is a SyntaxError: there you write async def main() and asyncio.run(main()).
# ---
import asyncio


async def fetch(n):
    await asyncio.sleep(n)
    return n * 10


print("before")
print(await fetch(1))
print(await asyncio.gather(fetch(1), fetch(2)))
