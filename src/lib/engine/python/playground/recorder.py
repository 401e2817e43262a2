"""The recording instrument: turns the engine's hooks into trace events (events.py).

Task events (created, resumed, suspended, done) count against max_events; beyond it they are
dropped and counted (`_task_event`). Output, warnings, errors, deadlocks, limits and run_end are
always kept.
"""

from __future__ import annotations

import asyncio
import json
import linecache
import traceback
from typing import TYPE_CHECKING, Any, Callable

from . import events
from .events import Event, LimitName, Stream, trace_time
from .instrument import Instrument
from .limits import Limits, events_truncated_message
from .session import USER_FILE, VirtualClock, traceback_line
from .tracebacks import strip_engine_frames

if TYPE_CHECKING:
    from .tracer import TracedCoroutine

_RESULT_CHARS = 200
# Events are encoded to JSON text in batches of this many, so that the collector never has
# tens of thousands of live event dicts to traverse while the user's program runs.
_BATCH_SIZE = 4096
# At most this many cpu_work notes per run: the first few make the point.
_MAX_LONG_STEP_NOTES = 5


class TraceRecorder(Instrument):
    """Records every hook as a trace event, in the order the hooks fire."""

    def __init__(self, limits: Limits, clock: VirtualClock) -> None:
        self._limits = limits
        # Every event is stamped with the clock's reading, already rounded (clock.t).
        self._clock = clock
        # Events since the last encoding (see encode_so_far), and the JSON text of those before.
        self._batch: list[Event] = []
        self._encoded: list[str] = []
        # How many more task events fit under max_events.
        self._room = limits.max_events
        self.dropped = 0
        self._last_line: int | None = None
        self._long_steps = 0
        self._names: dict[int, str] = {}

    # -- run boundaries -------------------------------------------------------------------------

    def run_started(self, python: str) -> None:
        """The first event of every trace."""
        self._batch.append(events.run_start(python, self._limits.as_dict()))

    def run_ended(self, steps: int, real_ms: float) -> None:
        """The last event of every trace."""
        self._batch.append(events.run_end(self._clock.t, steps, real_ms, self.dropped))

    def encode_so_far(self) -> None:
        """Encode the events so far to JSON text and drop them.

        The final gc.collect() of a run (which flushes never-awaited warnings) would otherwise
        traverse every recorded event: 0.3 s for 3,000 tasks, more than the tracing itself.
        """
        if self._batch:
            self._encoded.append(_encode(self._batch)[1:-1])
            self._batch = []

    def to_json(self) -> str:
        """The whole trace as a JSON list."""
        self.encode_so_far()
        return "[" + ",".join(self._encoded) + "]"

    # -- task events (capped) -------------------------------------------------------------------

    def mute(self) -> None:
        """The run is over: nothing more is recorded or counted as dropped."""
        self.muted = True
        self._room = 0

    def last_line(self) -> int | None:
        """The user's line where the last task step suspended or raised."""
        return self._last_line

    def _task_event(self, build: Callable[..., Event | None], *args: Any) -> None:
        """Record the task event `build(*args)` while max_events has room; else count it dropped.

        The one place the cap is kept. The event is built only when it will be kept, because
        building one (describing a wait, the repr of a result) is most of what tracing costs.
        `build` returns None when it failed and tracing has stopped.
        """
        if self._room <= 0:
            if not self.muted:
                self.dropped += 1
            return
        event = build(*args)
        if event is None:
            return
        self._batch.append(event)
        self._room -= 1
        if self._room == 0:
            self._batch.append(
                events.note(
                    self._clock.t, "events_truncated", events_truncated_message(self._limits), None
                )
            )

    def task_spawned(
        self, task: int, name: str, parent: int | None, coro: str, line: int | None
    ) -> None:
        """Record task_created, and remember the name for notes about the task."""
        self._names[task] = name
        self._task_event(events.task_created, self._clock.t, task, name, parent, coro, line)

    def before_task_step(self, task: int, step: int) -> None:
        """Record task_resumed."""
        # Once per step is often enough to keep the batches near _BATCH_SIZE events.
        if len(self._batch) >= _BATCH_SIZE:
            self.encode_so_far()
        self._task_event(events.task_resumed, self._clock.t, task, step)

    def after_task_step(self, task: TracedCoroutine, yielded: Any) -> None:
        """Record task_suspended, with what the task now waits for."""
        self._task_event(self._suspension, task, yielded)

    def task_exited(self, task: int, error: BaseException | None, result: Any) -> None:
        """Record task_done: returned, cancelled or raised."""
        self._task_event(self._exit, task, error, result)

    def _suspension(self, task: TracedCoroutine, yielded: Any) -> Event | None:
        try:
            waits_for, line, chain = task.describe_wait(yielded)
        except Exception as failure:  # whatever failed, it is reported, never fatal
            self._hook_failed("after_task_step", failure)
            return None
        self._last_line = line
        return events.task_suspended(self._clock.t, task.task_id, waits_for, line, chain)

    def _exit(self, task: int, error: BaseException | None, result: Any) -> Event:
        if error is None:
            return events.task_returned(self._clock.t, task, _short_repr(result))
        line = traceback_line(error.__traceback__)
        if line is not None:
            self._last_line = line
        if isinstance(error, asyncio.CancelledError):
            return events.task_cancelled(self._clock.t, task, line)
        exception = events.exception_info(type(error).__name__, _message(error))
        return events.task_raised(self._clock.t, task, exception, line)

    def long_step(self, task: int, real_seconds: float) -> None:
        """Note (a few times per run) that a step computed without awaiting."""
        if self.muted or self._long_steps >= _MAX_LONG_STEP_NOTES:
            return
        self._long_steps += 1
        name = self._names.get(task, f"task {task}")
        self.note_added(
            "cpu_work",
            f"{name} ran for {real_seconds * 1000:.0f} ms of real time without awaiting (CPU "
            "work). The virtual clock does not count CPU time, so the chart shows this step as "
            "an instant; in real asyncio every other task would have waited that long.",
            self._last_line,
        )

    def _hook_failed(self, hook: str, failure: Exception) -> None:
        # Disable task tracing for the rest of the run; output and errors still arrive.
        self._room = 0
        self.note_added(
            "engine_hook_failed",
            f"The playground stopped tracing tasks: its {hook} hook failed with "
            f"{type(failure).__name__}: {failure}. Your program kept running.",
            None,
        )

    # -- always-kept events ---------------------------------------------------------------------

    def loop_blocked(
        self, start: float, duration: float, line: int | None, task: int | None
    ) -> None:
        """Record a blocked span (time.sleep)."""
        if self.muted:
            return
        self._batch.append(
            events.blocked(trace_time(start), trace_time(duration), "time.sleep", line, task)
        )

    def output_written(self, t: float, stream: Stream, text: str, task: int | None) -> None:
        """Record one line of output, at the time its first character was written."""
        self._batch.append(events.output(trace_time(t), stream, text, task))

    def warning_issued(self, category: str, message: str, line: int | None) -> None:
        """Record a warning."""
        if self.muted:
            return
        self._batch.append(events.warning(self._clock.t, category, message, line))

    def note_added(self, code: str, message: str, line: int | None) -> None:
        """Record a note."""
        self._batch.append(events.note(self._clock.t, code, message, line))

    def deadlocked(self, stuck: list[Event]) -> None:
        """Record a deadlock report."""
        self._batch.append(events.deadlock(self._clock.t, stuck))

    def limit_reached(self, limit: LimitName, message: str, line: int | None) -> None:
        """Record the limit that ended the run."""
        self._batch.append(events.limit(self._clock.t, limit, message, line))

    def error_raised(self, error: BaseException) -> None:
        """Record the program's uncaught exception, with a traceback of the user's frames only."""
        strip_engine_frames(error)
        if isinstance(error, SyntaxError) and error.filename == USER_FILE:
            line = error.lineno
            if error.text is None and line:
                # Errors found after parsing ("'await' outside async function") carry no source
                # text; CPython's own traceback shows the line, so ours does too.
                error.text = linecache.getline(USER_FILE, line) or None
        else:
            line = traceback_line(error.__traceback__)
        text = "".join(traceback.format_exception(error))
        self._batch.append(
            events.error(self._clock.t, type(error).__name__, _message(error), line, text)
        )


def _encode(values: list[Event]) -> str:
    return json.dumps(values, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as failure:  # a broken __repr__, whatever it raises, must not break the trace
        text = f"<repr failed: {type(failure).__name__}>"
    if len(text) > _RESULT_CHARS:
        text = text[: _RESULT_CHARS - 1] + "…"
    return text


def _message(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:  # a broken __str__ leaves the message empty, never the trace broken
        return ""
