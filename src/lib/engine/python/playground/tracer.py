"""Descriptions for the trace: what a suspended task awaits, and what scheduled a handle.

`describe_wait` reads a suspended task's chain of awaits (its coroutine's `cr_await`) after each
step; `describe_origin` walks the frames of whoever is scheduling a handle or setting a timer, to
name the asyncio function the user's code called (Lock.release, sleep, gather ...) and the user's
line. Both run on the hot path, so they cache what they can per code object.
"""

from __future__ import annotations

import asyncio
import sys
from types import CodeType, CoroutineType, GeneratorType
from typing import Any

from . import events
from .events import Awaiting, AwaitKind, ChainFrame, Event, awaiting, trace_time
from .session import USER_FILE, RunSession

# What a suspended coroutine waits for, the line of its innermost user await, and its chain.
Wait = tuple[Awaiting, int | None, list[ChainFrame]]


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
    """Forget the previous run's await sites and frames (their code objects belong to it)."""
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
    waiter = getattr(task, "_fut_waiter", None)
    waits_for, line, _ = describe_wait(session, task.get_coro(), waiter)
    task_id = session.task_id_of(task) or 0
    return events.stuck_task(task_id, str(task.get_name()), waits_for, line)


# ---- who scheduled a handle --------------------------------------------------------------------

# What a module's frames are to `describe_origin`, by module name.
_USER, _LIBRARY, _THROUGH, _STOP = 0, 1, 2, 3
_MODULE_ROLES: dict[str, int] = {
    "__main__": _USER,
    # Where the loop runs a handle (`Handle._run`, the only function of asyncio.events that
    # calls out, and the turn that calls it): below is the loop, not whoever scheduled. And the
    # engine's entry point: below it is Pyodide.
    "asyncio.events": _STOP,
    "playground.turns": _STOP,
    "playground.run": _STOP,
}
# Library frames that never name what the user called: asyncio's `async with` plumbing (the user's
# code called the primitive's acquire or release).
_PLUMBING = frozenset(("_ContextManagerMixin.__aenter__", "_ContextManagerMixin.__aexit__"))
_module_at = sys._getframemodulename


def _module_role(name: str) -> int:
    # The engine's other modules are looked through; everything else is the library.
    role = _THROUGH if name.startswith("playground.") else _LIBRARY
    _MODULE_ROLES[name] = role
    return role


def describe_origin(skip: int) -> tuple[CodeType | None, int | None]:
    """Who is scheduling a handle or setting a timer: the asyncio function, and the user's line.

    Walks outwards from the caller's caller (past `skip` more frames, the caller's own
    machinery) and returns the outermost library function called from the user's code
    (`Lock.release` when the user released a lock and it woke a waiter; `sleep` for a sleep's
    timer; `BaseEventLoop.call_soon` when the user called it, or when C code did: a future
    completing) and the user's line that called it. Outside the user's code (a callback the loop
    runs) the line is None.

    Runs for most handles, so it reads module names (`sys._getframemodulename`, which makes no
    frame objects) and makes frame objects only for the frames it reports: a walk through frame
    objects costs several times more in Pyodide.
    """
    roles = _MODULE_ROLES
    depth = skip + 2
    # The depth of the outermost library frame passed (0: none yet).
    outer = 0
    name = _module_at(depth)
    while name is not None:
        role = roles.get(name)
        if role is None:
            role = _module_role(name)
        if role == _LIBRARY:
            outer = depth
        elif role == _USER:
            frame = sys._getframe(depth)
            if frame.f_code.co_filename == USER_FILE:
                return _outermost(skip + 2, outer), frame.f_lineno
            # A library function wrapped to look like the user's (functools.wraps).
            outer = depth
        elif role == _STOP:
            break
        depth += 1
        name = _module_at(depth)
    return _outermost(skip + 2, outer), None


def describe_sleep_timer(skip: int) -> tuple[CodeType | None, int | None] | None:
    """`describe_origin` for the commonest timer, the user's own `await asyncio.sleep(...)`.

    Only `asyncio.sleep` sets a timer that runs `_set_result_unless_cancelled` (the caller
    checked the callback), and its frames are fixed: the loop's `call_at`, `call_later`, `sleep`,
    then the user's line. Checking those two module names and reading one frame costs a third of
    the walk; anything else (a sleep inside a library) returns None, for the walk.
    """
    depth = skip + 2
    if _module_at(depth + 2) != "asyncio.tasks" or _module_at(depth + 3) != "__main__":
        return None
    frame = sys._getframe(depth + 3)
    if frame.f_code.co_filename != USER_FILE:
        return None
    return _SLEEP_CODE, frame.f_lineno


_SLEEP_CODE = asyncio.tasks.sleep.__code__
# The callback of the timer asyncio.sleep sets (typeshed does not declare it).
SLEEP_TIMER_CALLBACK: Any = getattr(asyncio.futures, "_set_result_unless_cancelled")


def _outermost(inner: int, outer: int) -> CodeType | None:
    # The outermost library frame passed that names something the user did (depths as seen by
    # describe_origin, from `inner` to `outer`; +1 for this function's own frame). Frames between
    # that are the user's own file or the engine's are not library frames.
    if outer == 0:
        return None
    code = sys._getframe(outer + 1).f_code
    if code.co_qualname not in _PLUMBING:
        return code
    for depth in range(outer - 1, inner - 1, -1):
        name = _module_at(depth + 1)
        role = _MODULE_ROLES.get(name) if name is not None else _STOP
        if role == _LIBRARY or role == _USER:
            code = sys._getframe(depth + 1).f_code
            if code.co_filename != USER_FILE and code.co_qualname not in _PLUMBING:
                return code
    return None


# asyncio's own callbacks that run no code of the user's: they complete futures (which schedules
# the waiters) or cancel a task. Whatever they schedule, they are its origin, with no line.
_QUIET_CALLBACKS = frozenset(
    (
        "_set_result_unless_cancelled",  # a sleep's timer
        "gather.<locals>._done_callback",
        "TaskGroup._on_task_done",
        "Timeout._on_timeout",
        "_release_waiter",  # asyncio.wait's timeout
        "_wait.<locals>._on_completion",
        "shield.<locals>._inner_done_callback",
        "shield.<locals>._outer_done_callback",
        "_AsCompletedIterator._handle_completion",
        "_run_until_complete_cb",
    )
)


def quiet_callback(callback: Any) -> CodeType | None:
    """The code of `callback` when it is one of asyncio's own that run no user code, else None.

    What such a callback schedules needs no walk (`describe_origin`): it is the origin.
    """
    code = getattr(callback, "__code__", None)
    if code is None or code.co_qualname not in _QUIET_CALLBACKS:
        return None
    if not code.co_filename.endswith(_ASYNCIO_SUFFIXES):
        return None
    return code


_ASYNCIO_SUFFIXES = tuple(
    f"asyncio/{name}.py" for name in ("futures", "tasks", "taskgroups", "timeouts", "base_events")
)
