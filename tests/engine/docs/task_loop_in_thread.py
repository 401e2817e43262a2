# Source: https://docs.python.org/3.14/library/asyncio-task.html#scheduling-from-other-threads
# Completed: the imports, which the page leaves out.
# CPython: runs an event loop in a worker thread while the main thread submits a coroutine to
# it, and prints nothing. The playground runs simulated threads one at a time, so the thread's
# loop cannot wait for the main thread: the thread gets ThreadCannotWait, noted in the run with
# what to do instead (docs/decisions/0093-simulated-threads.md), its loop closes, and the main
# thread then finds the loop closed.
# Expected note: thread_cannot_wait
# Expected error: RuntimeError: Event loop is closed
import asyncio
import concurrent.futures
import contextlib
from collections.abc import Generator

@contextlib.contextmanager
def loop_in_thread() -> Generator[asyncio.AbstractEventLoop]:
    loop_fut = concurrent.futures.Future[asyncio.AbstractEventLoop]()
    stop_event = asyncio.Event()

    async def main() -> None:
        loop_fut.set_result(asyncio.get_running_loop())
        await stop_event.wait()

    with concurrent.futures.ThreadPoolExecutor(1) as tpe:
        complete_fut = tpe.submit(asyncio.run, main())
        for fut in concurrent.futures.as_completed((loop_fut, complete_fut)):
            if fut is loop_fut:
                loop = loop_fut.result()
                try:
                    yield loop
                finally:
                    loop.call_soon_threadsafe(stop_event.set)
            else:
                fut.result()

# Create a loop in another thread
with loop_in_thread() as loop:
    # Create a coroutine
    coro = asyncio.sleep(1, result=3)

    # Submit the coroutine to a given loop
    future = asyncio.run_coroutine_threadsafe(coro, loop)

    # Wait for the result with an optional timeout argument
    assert future.result(timeout=2) == 3
