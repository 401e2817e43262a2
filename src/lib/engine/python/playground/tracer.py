"""Task tracing: a proxy around each task's coroutine, and descriptions of what a task awaits.

CPython's C Task accepts any object registered as `collections.abc.Coroutine`, and calls its
`send` and `throw` for every step. The proxy passes those calls through and tells the instrument
when a step starts and ends, and what the coroutine yielded: the future it now waits on.
"""

from __future__ import annotations

import asyncio
import collections.abc
from time import perf_counter as _real_clock
from types import CoroutineType, GeneratorType
from typing import Any, Callable

from . import events
from .events import Awaiting, AwaitKind, ChainFrame, Event, awaiting, trace_time
from .session import USER_FILE, RunSession

# What a suspended coroutine waits for, the line of its innermost user await, and its chain.
Wait = tuple[Awaiting, int | None, list[ChainFrame]]


class TracedCoroutine:
    """Wraps a task's coroutine; reports every resume, suspension and exit to the instrument."""

    __slots__ = ("_coro", "task_id", "_session")

    def __init__(self, coro: Any, task_id: int, session: RunSession) -> None:
        self._coro = coro
        self.task_id = task_id
        self._session = session

    def send(self, value: Any) -> Any:
        """Resume the coroutine with `value` (one task step)."""
        return self._step(self._coro.send, value)

    def throw(self, *args: Any) -> Any:
        """Resume the coroutine by raising an exception in it (cancellation, a failed await)."""
        return self._step(self._coro.throw, *args)

    def describe_wait(self, yielded: Any) -> Wait:
        """What this task waits for now that its step yielded `yielded` (see `describe_wait`)."""
        return describe_wait(self._session, self._coro, yielded)

    def _step(self, resume: Callable[..., Any], *args: Any) -> Any:
        session = self._session
        previous = session.current_task
        session.current_task = task_id = self.task_id
        session.steps += 1
        instrument = session.instrument
        instrument.before_task_step(task_id, session.steps)
        started = _real_clock()
        try:
            yielded = resume(*args)
        except StopIteration as stop:
            session.current_task = previous
            instrument.task_exited(task_id, None, stop.value)
            raise
        except BaseException as error:
            session.current_task = previous
            instrument.task_exited(task_id, error, None)
            raise
        else:
            session.current_task = previous
            instrument.after_task_step(self, yielded)
            return yielded
        finally:
            elapsed = _real_clock() - started
            if elapsed > CPU_NOTE_SECONDS:
                instrument.long_step(task_id, elapsed)

    def close(self) -> None:
        """Close the wrapped coroutine."""
        self._coro.close()

    def __await__(self) -> Any:
        return self._coro.__await__()

    def __getattr__(self, name: str) -> Any:
        # __name__, __qualname__, cr_frame, cr_await ...: the wrapped coroutine's own. Defined
        # here rather than as properties because properties in the class body break the C Task.
        return getattr(self._coro, name)

    def __repr__(self) -> str:
        return repr(self._coro)


# The C Task accepts any registered Coroutine; typeshed's Coroutine does not show ABC's register.
collections.abc.Coroutine.register(TracedCoroutine)  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]

# A task step that runs longer than this in real time is reported: CPU work costs no virtual
# time (docs/decisions/0001-virtual-time.md), so without a note it would be invisible. High
# enough that ordinary steps on a busy machine stay below it.
CPU_NOTE_SECONDS = 0.25


def coro_name(coro: Any) -> str:
    """A coroutine's qualified name, as the chart labels its task."""
    name = getattr(coro, "__qualname__", None) or getattr(coro, "__name__", None)
    return str(name) if name is not None else type(coro).__name__


def _num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _ids(session: RunSession, futures: Any) -> list[int]:
    ids: list[int] = []
    for fut in futures:
        task_id = session.task_id_of(fut)
        if task_id is not None:
            ids.append(task_id)
    ids.sort()
    return ids


def _finite(value: float) -> float | None:
    # JSON has no Infinity: sleep(math.inf) waits "until" nothing.
    return trace_time(value) if value - value == 0 else None


# An awaiting is built for every suspension (tens of thousands per run); the fixed ones are built
# once, here, and shared by every event that carries them (nothing mutates an event).
_YIELD = awaiting("yield", "yield")
_SLEEP0 = awaiting("yield", "sleep(0)")


def describe_wait(session: RunSession, coro: Any, yielded: Any) -> Wait:
    """What a suspended coroutine waits for, the line of its innermost user await, and its chain.

    The chain is walked through `cr_await` from the task's coroutine: user frames (main.py) go
    into the chain, outermost first; the first frame outside the user's code (asyncio.sleep,
    Queue.get, Lock.acquire ...) names the wait. When the user awaits a future directly, the
    yielded future names it.

    This runs after every task step, so its results are shared where they can be: chain entries
    and fixed "awaiting" dicts are cached and reused across events (they are never mutated).
    """
    chain: list[ChainFrame] = []
    line: int | None = None
    current: Any = coro
    while True:
        # type(), not isinstance: exact types only, and cheap. (Pyright reads type() of Any as
        # partly unknown.)
        kind = type(current)  # pyright: ignore[reportUnknownVariableType]
        if kind is CoroutineType:
            frame = current.cr_frame
        elif kind is GeneratorType:
            frame = current.gi_frame
        else:
            return _describe_future(session, yielded), line, chain
        if frame is None:
            return _describe_future(session, yielded), line, chain
        code = frame.f_code
        if code.co_filename != USER_FILE:
            return _describe_library_wait(session, code.co_qualname, frame, yielded), line, chain
        lineno = frame.f_lineno
        if lineno is None:
            # Only while an instruction without a line runs; never seen at an await, but the
            # contract's chain frame always has a line.
            lineno = code.co_firstlineno
        line = lineno
        key = (code, lineno)
        entry = _CHAIN_ENTRIES.get(key)
        if entry is None:
            entry = _CHAIN_ENTRIES[key] = events.chain_frame(code.co_qualname, lineno)
        chain.append(entry)
        current = current.cr_await if kind is CoroutineType else current.gi_yieldfrom


# (code object, line) -> its chain frame: one shared dict per await site. Cleared by each run.
_CHAIN_ENTRIES: dict[tuple[Any, int], ChainFrame] = {}
# delay -> "sleep(<delay>)"
_SLEEP_LABELS: dict[Any, str] = {}


class _SleepWaits:
    """The awaitings of the sleeps that began at one clock reading, by delay.

    The tasks of a gather that all sleep alike at one instant share one dict, instead of each
    building and rounding its own; the cache empties whenever the clock has moved.
    """

    def __init__(self) -> None:
        self.began = -1.0
        self.by_delay: dict[Any, Awaiting] = {}

    def clear(self) -> None:
        """Forget every sleep (a new run)."""
        self.began = -1.0
        self.by_delay.clear()

    def get(self, now: float, delay: Any) -> Awaiting:
        """The awaiting of sleep(delay) begun at `now`."""
        if self.began != now:
            self.by_delay.clear()
            self.began = now
        wait = self.by_delay.get(delay)
        if wait is None:
            label = _SLEEP_LABELS.get(delay)
            if label is None:
                label = _SLEEP_LABELS[delay] = f"sleep({_num(delay)})"
            # The timer was set in the step that just ended, so it fires at now + delay,
            # exactly as loop.call_later computed it.
            until = _finite(now + delay)
            wait = self.by_delay[delay] = events.awaiting_until("sleep", label, until)
        return wait


_SLEEP_WAITS = _SleepWaits()


def reset_caches() -> None:
    """Forget the previous run's await sites (their code objects belong to it)."""
    _CHAIN_ENTRIES.clear()
    _SLEEP_LABELS.clear()
    _SLEEP_WAITS.clear()


def _describe_library_wait(session: RunSession, name: str, frame: Any, yielded: Any) -> Awaiting:
    if name == "sleep":
        if yielded is None:
            return _SLEEP0
        return _SLEEP_WAITS.get(session.clock.now, frame.f_locals.get("delay"))
    simple = _SIMPLE_WAITS.get(name)
    if simple is not None:
        return simple
    if name == "_ContextManagerMixin.__aenter__":
        # `async with lock:` / semaphore / condition: name the primitive by its class.
        owner = type(frame.f_locals.get("self")).__name__
        kind = _PRIMITIVE_KINDS.get(owner, "other")
        return awaiting(kind, "Semaphore" if kind == "semaphore" else owner)
    if name in ("TaskGroup.__aexit__", "TaskGroup._aexit"):
        group = frame.f_locals.get("self")
        return events.awaiting_tasks(
            "taskgroup", "TaskGroup", _ids(session, getattr(group, "_tasks", ()))
        )
    if name == "wait_for":
        local = frame.f_locals
        return events.awaiting_task(
            "wait_for",
            f"wait_for(timeout={_num(local.get('timeout'))})",
            session.task_id_of(local.get("fut")),
        )
    if name in ("wait", "_wait"):
        fs = frame.f_locals.get("fs") or ()
        return events.awaiting_tasks("wait", f"wait({len(fs)})", _ids(session, fs))
    if name == "_AsCompletedIterator._wait_for_one":
        iterator = frame.f_locals.get("self")
        todo = getattr(iterator, "_todo", ())
        return events.awaiting_tasks("as_completed", "as_completed", _ids(session, todo))
    if name == "to_thread":
        func = frame.f_locals.get("func")
        thread = session.thread_futures.get(yielded)
        return events.awaiting_until(
            "thread", f"to_thread({coro_name(func)})", thread[1] if thread is not None else None
        )
    return awaiting("other", name)


_SIMPLE_WAITS: dict[str, Awaiting] = {
    "Queue.get": awaiting("queue_get", "Queue.get"),
    "Queue.put": awaiting("queue_put", "Queue.put"),
    "Queue.join": awaiting("queue_join", "Queue.join"),
    "Lock.acquire": awaiting("lock", "Lock"),
    "Semaphore.acquire": awaiting("semaphore", "Semaphore"),
    "Event.wait": awaiting("event", "Event.wait"),
    "Condition.wait": awaiting("condition", "Condition.wait"),
    "Condition.wait_for": awaiting("condition", "Condition.wait_for"),
    "Barrier.wait": awaiting("other", "Barrier.wait"),
}

_PRIMITIVE_KINDS: dict[str, AwaitKind] = {
    "Lock": "lock",
    "Semaphore": "semaphore",
    "BoundedSemaphore": "semaphore",
    "Condition": "condition",
}


def _describe_future(session: RunSession, yielded: Any) -> Awaiting:
    if yielded is None:
        return _YIELD
    task_id = session.task_id_of(yielded)
    if task_id is not None:
        return events.awaiting_task("task", str(yielded.get_name()), task_id)
    children = getattr(yielded, "_children", None)
    if children is not None:
        return events.awaiting_tasks(
            "gather", f"gather({len(children)})", _ids(session, children)
        )
    thread = session.thread_futures.get(yielded)
    if thread is not None:
        return events.awaiting_until("thread", thread[0], thread[1])
    if isinstance(yielded, asyncio.Task):
        return awaiting("task", str(yielded.get_name()))
    shielded = _shielded(yielded)
    if shielded is not None:
        inner_id = session.task_id_of(shielded)
        name = str(shielded.get_name()) if isinstance(shielded, asyncio.Task) else "Future"
        label = f"shield({name})"
        if inner_id is None:
            return awaiting("task", label)
        return events.awaiting_task("task", label, inner_id)
    return awaiting("future", "Future")


def _shielded(outer: Any) -> Any:
    """The future `asyncio.shield` protects, when `outer` is the future shield returned."""
    for callback, _context in getattr(outer, "_callbacks", None) or ():
        code = getattr(callback, "__code__", None)
        if code is None or code.co_name != "_outer_done_callback":
            continue
        cells = dict(zip(code.co_freevars, callback.__closure__ or ()))
        inner = cells.get("inner")
        return inner.cell_contents if inner is not None else None
    return None


def describe_stuck(session: RunSession, task: Any) -> Event:
    """A pending task in a deadlock report: what it waits for and the line where it waits."""
    coro = task.get_coro()
    waiter = getattr(task, "_fut_waiter", None)
    if isinstance(coro, TracedCoroutine):
        waits_for, line, _ = coro.describe_wait(waiter)
    else:
        waits_for, line, _ = describe_wait(session, coro, waiter)
    task_id = session.task_id_of(task) or 0
    return events.stuck_task(task_id, str(task.get_name()), waits_for, line)
