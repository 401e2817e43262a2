"""The instrumentation interface: hooks the engine calls as a run unfolds.

Every hook here does nothing; `recorder.TraceRecorder` overrides them to build the trace. Hooks
are named by the moment they fire. Instrumentation must never crash the user's program: when
describing a task's wait fails, the recorder stops tracing tasks and says so in a note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .events import Event, LimitName, Stream

if TYPE_CHECKING:
    from .tracer import TracedCoroutine


class Instrument:
    """No-op hooks, called by the loop, the task proxy and the patches."""

    # Set (by `mute`) when the run is halted: nothing the user's code does afterwards is recorded.
    muted: bool = False

    def mute(self) -> None:
        """The run was halted: record nothing more from the user's code."""
        self.muted = True

    def encode_so_far(self) -> None:
        """The user's code has finished: a recorder may compact what it holds."""

    def last_line(self) -> int | None:
        """The user's line where the last task step suspended, if known (for limit reports)."""
        return None

    def task_spawned(
        self, task: int, name: str, parent: int | None, coro: str, line: int | None
    ) -> None:
        """A task was created (before its first step)."""

    def before_task_step(self, task: int, step: int) -> None:
        """The loop is about to resume a task (a send or throw into its coroutine)."""

    def after_task_step(self, task: TracedCoroutine, yielded: Any) -> None:
        """A task's step ended with its coroutine suspended; `yielded` is what it awaits.

        Given the task's proxy rather than a description: describing the wait is the costly part
        of tracing, done only when it will be recorded (`task.describe_wait(yielded)`).
        """

    def long_step(self, task: int, real_seconds: float) -> None:
        """A task step ran `real_seconds` of real time without awaiting (CPU work)."""

    def task_exited(self, task: int, error: BaseException | None, result: Any) -> None:
        """A task's coroutine finished: returned `result`, or raised `error`."""

    def loop_blocked(
        self, start: float, duration: float, line: int | None, task: int | None
    ) -> None:
        """A blocking call (time.sleep) held the whole loop for `duration` virtual seconds."""

    def output_written(self, t: float, stream: Stream, text: str, task: int | None) -> None:
        """A full line of output was written."""

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

