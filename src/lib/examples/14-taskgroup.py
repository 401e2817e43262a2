# ---
# title: TaskGroup: tasks that finish together
# topic: Several tasks at once
# notice: Leaving the async with block waits for every task the group started, so no task is forgotten. If one task fails, the group cancels the others and raises an ExceptionGroup.
# ---
import asyncio


async def download(name, seconds):
    await asyncio.sleep(seconds)
    print(f"{name} downloaded")
    return name


async def main():
    async with asyncio.TaskGroup() as group:
        a = group.create_task(download("a.txt", 1))
        b = group.create_task(download("b.txt", 2))
    print("both done:", a.result(), b.result())


asyncio.run(main())
