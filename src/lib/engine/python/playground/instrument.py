"""The instrumentation interface: hooks the engine calls as a run unfolds.

Every hook here does nothing; `recorder.TraceRecorder` overrides them to build the trace. Hooks
are named by the moment they fire. Instrumentation must never crash the user's program: when
describing a task's wait fails, the recorder stops tracing tasks and says so in a note.
"""

from __future__ import annotations

from types import CodeType
from typing import TYPE_CHECKING, Any

from .events import Event, LimitName, Stream

if TYPE_CHECKING:
    from asyncio import events

    from .handles import OrderedTimerHandle
    from .session import RunSession


class Instrument:
    """No-op hooks, called by the loop (loop.py, turns.py, handles.py) and the patches."""

    # Set (by `mute`) when the run is halted: nothing the user's code does afterwards is recorded.
    muted: bool = False

    def attach(self, session: RunSession) -> None:
        """The run's session is made (with this instrument): hooks may read its tasks and clock."""

    def mute(self) -> None:
        """The run was halted: record nothing more from the user's code."""
        self.muted = True

    def encode_so_far(self) -> None:
        """The user's code has finished: a recorder may compact what it holds."""

    def last_line(self) -> int | None:
        """The user's line where the last task step suspended, if known (for limit reports)."""
        return None

    def task_spawned(
        self,
        task: int,
        name: str,
        parent: int | None,
        coro: str,
        line: int | None,
        api: CodeType | None = None,
        coroutine: Any = None,
    ) -> None:
        """A task was created (before its first step), by the asyncio function `api` if known.

        `coroutine` is the task's coroutine, not yet started, for the arguments of its call.
        """

    def before_task_step(self, task: int, step: int) -> None:
        """The loop is about to run a step of task `task` (a send or throw into its coroutine)."""

    def after_task_step(self, task_id: int, task: Any) -> None:
        """A step of `task` ended: it is suspended on `task._fut_waiter` (or yielded), or done.

        Given the Task rather than a description: describing the wait is the costly part of
        tracing, done only when it will be recorded.
        """

    def eager_step_began(self) -> Any:
        """create_task is about to call the task factory, which may run the first step at once.

        Returns a mark for `eager_step_ended`.
        """
        return None

    def eager_step_ended(self, mark: Any, task: int | None, step: int) -> None:
        """The task factory returned: `task` ran step `step` inside it (None: it did not)."""

    def long_step(self, task: int, real_seconds: float) -> None:
        """A task step ran `real_seconds` of real time without awaiting (CPU work)."""

    # -- the event loop ---------------------------------------------------------------------------

    def turn_began(
        self, loop: int, turn: int, popped: int, timer: int | None
    ) -> list[int] | None:
        """Loop `loop` begins turn `turn` (counted across the run), having taken `popped` known
        handles from its ready queue since its last turn; the clock jumped to timer `timer` (None:
        it did not jump). Returns a list the turn's due timers are added to, or None."""
        return None

    def turn_listed(self) -> None:
        """Every due timer is in the list `turn_began` returned (called only if it returned one)."""

    def handle_ready(self, loop: int, number: int, handle: events.Handle, task: int | None) -> None:
        """`handle` joined loop `loop`'s ready queue as `number`; a step of task `task` if not None.

        The session's running_handle, current_task and running_callback say who scheduled it.
        """

    def timer_added(self, loop: int, timer: OrderedTimerHandle) -> None:
        """A timer was set on loop `loop` (its number is `timer._number`)."""

    def timer_cancelled(self, loop: int, handle: int, by: int | None) -> None:
        """Timer `handle` of loop `loop` was cancelled while in the heap (by handle `by`)."""

    def handle_skipped(self, loop: int, handle: int) -> None:
        """The turn took `handle` out of loop `loop`'s ready queue without running it (cancelled)."""

    def loop_closed(self, loop: int, popped: int) -> None:
        """Loop `loop` was closed (after taking `popped` handles since its last turn)."""

    def loop_snapshot(self, ready: list[int], timers: list[int]) -> None:
        """Debug: the real ready queue and live timers (numbers) as a turn begins running."""

    def loop_blocked(
        self, start: float, duration: float, line: int | None, task: int | None
    ) -> None:
        """A blocking call (time.sleep) held the whole loop for `duration` virtual seconds."""

    def output_written(
        self, t: float, stream: Stream, text: str, task: int | None, line: int | None
    ) -> None:
        """A full line of output was written (by the user's `line`, when known)."""

    def warning_issued(self, category: str, message: str, line: int | None) -> None:
        """A warning was shown (never-awaited coroutines report their creation line)."""

    def note_added(self, code: str, message: str, line: int | None) -> None:
        """The engine explains something about the run that is not CPython's own output."""

    def deadlocked(self, stuck: list[Event]) -> None:
        """Nothing can ever run again but the main task has not finished."""

    def limit_reached(self, limit: LimitName, message: str, line: int | None) -> None:
        """A limit (virtual time, steps, interrupt) ended the run."""

    def error_raised(self, error: BaseException) -> None:
        """The user's program raised and nothing caught it."""

