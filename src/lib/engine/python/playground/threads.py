"""asyncio.to_thread and loop.run_in_executor, simulated on the virtual clock.

Pyodide cannot start threads. A thread's function runs at once, on a private clock: its
time.sleep moves only that clock, and its prints are held back. The future completes at
start + elapsed, and the prints are replayed at their own virtual times, so two threads that
sleep 1 s and 2 s, gathered, take 2 s as they would with real threads.
"""

from __future__ import annotations

from typing import Any, Callable

from .events import trace_time
from .session import RunSession


def _settle(future: Any, result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def simulate_thread(
    loop: Any, session: RunSession, func: Callable[..., Any], args: tuple[Any, ...]
) -> Any:
    """Run `func(*args)` now as a simulated thread; return the future of its result."""
    future = loop.create_future()
    clock = session.clock
    start = clock.now
    outer_elapsed = clock.thread_elapsed
    outer_task = session.current_task
    output = session.output
    clock.thread_elapsed = 0.0
    session.current_task = None
    held = output.hold() if output is not None else None
    result: Any = None
    error: BaseException | None = None
    try:
        result = func(*args)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # the thread's exception, whatever it is, goes to its future
        error = exc
    finally:
        elapsed = clock.thread_elapsed or 0.0
        clock.thread_elapsed = outer_elapsed
        session.current_task = outer_task
        lines = output.release(held) if output is not None else []
    done_at = start + elapsed
    if output is not None:
        for t, stream, text in lines:
            loop.call_at(t, output.replay, t, stream, text)
    loop.call_at(done_at, _settle, future, result, error)
    name = getattr(func, "__qualname__", None) or type(func).__name__
    session.thread_futures[future] = (f"run_in_executor({name})", trace_time(done_at))
    return future
