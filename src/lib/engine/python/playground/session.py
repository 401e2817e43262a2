"""The state of one run: the virtual clock, counters, limits and how the run ended."""

from __future__ import annotations

import sys
import weakref
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any

from .events import trace_time
from .limits import Limits

if TYPE_CHECKING:
    from .capture import OutputCapture
    from .instrument import Instrument

# The user's code is compiled under this file name; every "user line" is a line of this file.
USER_FILE = "main.py"


class RunHalted(SystemExit):
    """Ends a run from inside the loop (deadlock, limit, interrupt).

    A SystemExit subclass on purpose: asyncio's Task stores ordinary exceptions on the task, but
    lets SystemExit and KeyboardInterrupt through, so this reaches the engine from any depth.
    """


class VirtualClock:
    """The run's virtual clock, in seconds since the run started.

    Built before the recorder and the session, which both read it. `now` is exact, as the loop
    computes deadlines from it; `t` is the same reading rounded as the trace carries it, updated
    only when the clock moves, because rounding once per event would cost more than the events.
    """

    __slots__ = ("now", "t", "thread_elapsed")

    def __init__(self) -> None:
        self.now = 0.0
        self.t = 0.0
        # Seconds a simulated thread (to_thread) has slept on its private clock, or None.
        self.thread_elapsed: float | None = None

    def advance(self, to: float) -> None:
        """Move the clock to `to` (never backwards: callers only ever move it forwards)."""
        self.now = to
        self.t = trace_time(to)

    def time(self) -> float:
        """What the program's clocks read: the loop's clock, plus a simulated thread's own time."""
        if self.thread_elapsed is None:
            return self.now
        return self.now + self.thread_elapsed


class RunSession:
    """Everything one run shares: clock, limits, instrument, task numbering, halt state."""

    def __init__(self, limits: Limits, clock: VirtualClock, instrument: Instrument) -> None:
        self.limits = limits
        self.clock = clock
        self.instrument = instrument
        self.steps = 0
        # The id of the task whose step is running, or None for top-level code.
        self.current_task: int | None = None
        self.next_task_id = 1
        # CPython numbers unnamed tasks Task-1, Task-2 ... with a counter that only unnamed tasks
        # advance; ours restarts with every run.
        self.next_task_name = 1
        # Ids of untraced tasks (trace: false), for deadlock reports; traced ones carry theirs.
        self.task_ids: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self.loops: list[Any] = []
        # Futures of simulated threads (to_thread, run_in_executor): label, and when it completes
        # as the trace carries it.
        # (None until the thread has run: it starts at the loop's next turn.)
        self.thread_futures: dict[Any, tuple[str, float | None]] = {}
        # Why the run was halted ("deadlock", "virtual_time", "steps", "interrupt"), or None.
        self.halted: str | None = None
        self.get_event_loop_noted = False
        # The output capture while the run's patches are installed.
        self.output: OutputCapture | None = None

    def task_id_of(self, task: Any) -> int | None:
        """Our id for a task or future, or None when it is not one of this run's tasks."""
        get_coro = getattr(task, "get_coro", None)
        if get_coro is None:
            return None
        # A traced task's coroutine is our proxy, which carries the id.
        task_id = getattr(get_coro(), "task_id", None)
        if task_id is not None or self.limits.trace:
            return task_id
        try:
            return self.task_ids.get(task)
        except TypeError:
            return None

    def halt(self, reason: str) -> RunHalted:
        """Mark the run as ended (once) and return the exception that unwinds it."""
        if self.halted is None:
            self.halted = reason
            self.instrument.mute()
        return RunHalted(reason)


def user_line(frame: FrameType | None) -> int | None:
    """The line of the innermost user frame at or above `frame`, or None."""
    while frame is not None:
        if frame.f_code.co_filename == USER_FILE:
            return frame.f_lineno
        frame = frame.f_back
    return None


def caller_line() -> int | None:
    """The user's line that (directly or through the standard library) called the caller."""
    return user_line(sys._getframe(2))


def traceback_line(tb: TracebackType | None) -> int | None:
    """The line of the innermost user frame in a traceback (where the user's code raised)."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == USER_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
