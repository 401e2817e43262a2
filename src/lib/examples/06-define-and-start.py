# ---
# title: Define a coroutine, then start it
# topic: Coroutines and await
# notice: async def defines a coroutine function. From synchronous code you start it with asyncio.run; inside a coroutine you await it and get its return value. fetch_data runs inside main's task: there is only one lane.
# ---
import asyncio


async def fetch_data():
    print("fetching...")
    await asyncio.sleep(2)
    return {"answer": 42}


async def main():
    data = await fetch_data()  # from a coroutine: await it
    print("got", data)


asyncio.run(main())  # from synchronous code: asyncio.run
