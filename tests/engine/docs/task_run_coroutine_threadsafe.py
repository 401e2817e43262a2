# Source: https://docs.python.org/3.14/library/asyncio-task.html#scheduling-from-other-threads
# Completed: the imports and `asyncio.run(amain())`, which the page leaves out.
# Expected output (native python3): nothing; the thread's assert passes after 1 second.
# Expected duration: 1
import asyncio
import pathlib

def in_thread(loop: asyncio.AbstractEventLoop) -> None:
    # Run some blocking IO
    pathlib.Path("example.txt").write_text("hello world", encoding="utf8")

    # Create a coroutine
    coro = asyncio.sleep(1, result=3)

    # Submit the coroutine to a given loop
    future = asyncio.run_coroutine_threadsafe(coro, loop)

    # Wait for the result with an optional timeout argument
    assert future.result(timeout=2) == 3

async def amain() -> None:
    # Get the running loop
    loop = asyncio.get_running_loop()

    # Run something in a thread
    await asyncio.to_thread(in_thread, loop)

asyncio.run(amain())
