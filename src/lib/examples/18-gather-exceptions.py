# ---
# title: Exceptions in gather
# topic: Errors
# notice: With return_exceptions=True, gather hands back the exception as a result. Without it, the first exception is raised in main at 4 s, but the other task is not cancelled: it is still sleeping when main returns, and asyncio.run cancels it at the end.
# ---
import asyncio


async def ok(n):
    await asyncio.sleep(n)
    return n


async def broken():
    await asyncio.sleep(1)
    raise ValueError("broken")


async def main():
    results = await asyncio.gather(ok(2), broken(), ok(3), return_exceptions=True)
    print(results)
    try:
        await asyncio.gather(ok(2), broken())
    except ValueError as error:
        print("gather raised:", repr(error))


asyncio.run(main())
