# ---
# title: Forgetting await
# topic: Coroutines and await
# notice: fetch_data() without await only creates a coroutine object; its body never runs, so "Data fetched!" never appears and the run takes no time. Python warns "coroutine 'fetch_data' was never awaited", pointing at the line that created it.
# ---
import asyncio


async def fetch_data():
    print("Fetching data...")
    await asyncio.sleep(2)
    print("Data fetched!")


async def main():
    fetch_data()  # no await: nothing runs
    print("This will print immediately")


asyncio.run(main())
