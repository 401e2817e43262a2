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
        # The id of the task whose step is running, or None for top-level code and callbacks.
        self.current_task: int | None = None
        # The number of the handle the loop is running (loop.py numbers every handle), and its
        # callback when it is not a step of one of the run's tasks.
        self.running_handle: int | None = None
        self.running_callback: Any = None
        self.next_handle = 0
        self.turns = 0
        self.next_task_id = 1
        # CPython numbers unnamed tasks Task-1, Task-2 ... with a counter that only unnamed tasks
        # advance; ours restarts with every run.
        self.next_task_name = 1
        # id(task) -> its id, for every live task of the run. Weak (each entry goes when its task
        # dies): the engine must not keep a task alive, or change when CPython reports it
        # destroyed. Keyed by id() rather than a WeakKeyDictionary, as it is read for every step
        # (`task_ids.get(id(task))` is `task_id_of`, inline).
        self.task_ids: dict[int, int] = {}
        self._task_refs: dict[weakref.ref[Any], int] = {}
        # Ids of the loop's own tasks (asyncio.run's shutdown coroutines): numbered as CPython
        # numbers them, but neither traced nor counted as steps.
        self.internal_tasks: set[int] = set()
        # The ids create_task has given to tasks it is making, innermost last, until the task is
        # seen (a task factory may build it any way it likes): see `id_for_new_task`.
        self.creating: list[int] = []
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
        instrument.attach(self)

    def task_id_of(self, task: Any) -> int | None:
        """Our id for a task, or None when it is not one of this run's tasks (or not a task).

        Exact for any live object: an entry goes when its task dies, before its id can be reused.
        """
        return self.task_ids.get(id(task))

    def claim(self, task: Any) -> int | None:
        """The id create_task gave the task it is making, if `task` is that task; else None.

        While create_task runs, the first unknown task seen is the one it creates, whatever the
        task factory did with the coroutine.
        """
        if not self.creating or self.creating[-1] < 0:
            return None
        task_id = self.creating[-1]
        # Negative once claimed: a second unknown task inside the same create_task is another.
        self.creating[-1] = -task_id
        self.bind(task, task_id)
        return task_id

    def bind(self, task: Any, task_id: int) -> None:
        """Remember `task`'s id (nothing is remembered for an object that cannot be a task)."""
        key = id(task)
        try:
            reference = weakref.ref(task, self._forget)
        except TypeError:
            return
        self.task_ids[key] = task_id
        self._task_refs[reference] = key

    def _forget(self, reference: weakref.ref[Any]) -> None:
        # A task died: its id() may now be reused.
        key = self._task_refs.pop(reference, None)
        if key is not None:
            self.task_ids.pop(key, None)

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
