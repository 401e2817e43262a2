"""The recording instrument: turns the engine's hooks into trace records.

Task events (created, resumed, suspended, done) count against max_events; beyond it they are
dropped and counted. Output, warnings, errors, deadlocks, limits and run_end are always kept.
"""

from __future__ import annotations

import asyncio
import json
import linecache
import os
import traceback
from types import TracebackType
from typing import Any

from .instrument import Instrument
from .limits import Limits, events_truncated_message
from .records import (
    Blocked,
    Deadlock,
    Error,
    LimitReached,
    Note,
    Output,
    Record,
    RunEnd,
    RunStart,
    StuckTask,
    WarningIssued,
)
from .session import USER_FILE, RunSession
from .tracer import describe_wait

# Frames from these files are the engine's own and never shown in a user's traceback.
ENGINE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

_RESULT_CHARS = 200
# Records are encoded to JSON text in batches of this many, so that the collector never has
# tens of thousands of live event dicts to traverse while the user's program runs.
_BATCH = 4096
# At most this many cpu_work notes per run: the first few make the point.
_MAX_LONG_STEP_NOTES = 5


class TraceRecorder(Instrument):
    """Records every hook as a trace record, in the order the hooks fire."""

    def __init__(self, limits: Limits) -> None:
        # Records, plus plain dicts for the per-step events (see records.py for why).
        self.records: list[Record | dict[str, Any]] = []
        self._limits = limits
        # How many more task events fit under max_events.
        self._room = limits.max_events
        self.dropped = 0
        self._last_line: int | None = None
        self._long_steps = 0
        # JSON text of records already encoded (see encode_so_far).
        self._encoded: list[str] = []
        self._names: dict[int, str] = {}
        self._session: RunSession | None = None

    def bind(self, session: RunSession) -> None:
        """Attach the run whose clock stamps the records."""
        self._session = session

    # -- run boundaries -------------------------------------------------------------------------

    def run_started(self, python: str) -> None:
        """The first record of every trace."""
        self.records.append(RunStart(python=python, limits=self._limits.as_dict()))

    def run_ended(self, steps: int, real_ms: float) -> None:
        """The last record of every trace."""
        self.records.append(RunEnd(self._now(), steps, real_ms, self.dropped))

    def to_dicts(self) -> list[dict[str, Any]]:
        """The records not yet encoded, as plain dicts with the contract's field names."""
        return [
            record if type(record) is dict else record.to_dict()  # type: ignore[union-attr]
            for record in self.records
        ]

    def encode_so_far(self) -> None:
        """Encode the records so far to JSON text and drop them.

        The final gc.collect() of a run (which flushes never-awaited warnings) would otherwise
        traverse every recorded event: 0.3 s for 3,000 tasks, more than the tracing itself.
        """
        if self.records:
            self._encoded.append(_encode(self.to_dicts())[1:-1])
            self.records = []

    def to_json(self) -> str:
        """The whole trace as a JSON list."""
        self.encode_so_far()
        return "[" + ",".join(self._encoded) + "]"

    # -- task events (capped) -------------------------------------------------------------------

    def mute(self) -> None:
        # Nothing more is recorded or counted as dropped: the run is over.
        self.muted = True
        self._room = 0

    def last_line(self) -> int | None:
        return self._last_line

    def task_spawned(
        self, task: int, name: str, parent: int | None, coro: str, line: int | None
    ) -> None:
        self._names[task] = name
        if self._room > 0:
            self._room -= 1
            self.records.append(
                {
                    "kind": "task_created",
                    "t": self._now(),
                    "task": task,
                    "name": name,
                    "parent": parent,
                    "coro": coro,
                    "line": line,
                }
            )
            if self._room == 0:
                self._note_truncated()
        elif not self.muted:
            self.dropped += 1

    def before_task_step(self, task: int, step: int) -> None:
        if len(self.records) >= _BATCH:
            self.encode_so_far()
        if self._room > 0:
            self._room -= 1
            self.records.append(
                {"kind": "task_resumed", "t": self._session.now, "task": task, "step": step}  # type: ignore[union-attr]
            )
            if self._room == 0:
                self._note_truncated()
        elif not self.muted:
            self.dropped += 1

    def after_task_step(self, task: int, coro: Any, yielded: Any) -> None:
        if self._room <= 0:
            if not self.muted:
                self.dropped += 1
            return
        session = self._session
        try:
            awaiting, line, chain = describe_wait(session, coro, yielded)  # type: ignore[arg-type]
        except Exception as failure:  # noqa: BLE001 - a failing hook is reported, never fatal
            self._hook_failed("after_task_step", failure)
            return
        self._last_line = line
        self._room -= 1
        self.records.append(
            {
                "kind": "task_suspended",
                "t": session.now,  # type: ignore[union-attr]
                "task": task,
                "awaiting": awaiting,
                "line": line,
                "chain": chain,
            }
        )
        if self._room == 0:
            self._note_truncated()

    def task_exited(self, task: int, error: BaseException | None, result: Any) -> None:
        if self._room <= 0:
            if not self.muted:
                self.dropped += 1
            return
        self._room -= 1
        record: dict[str, Any] = {"kind": "task_done", "t": self._now(), "task": task}
        if error is None:
            record["state"] = "done"
            record["result"] = _short_repr(result)
            record["line"] = None
        else:
            line = _user_line_of(error.__traceback__)
            if line is not None:
                self._last_line = line
            record["line"] = line
            if isinstance(error, asyncio.CancelledError):
                record["state"] = "cancelled"
            else:
                record["state"] = "raised"
                record["exception"] = {"type": type(error).__name__, "message": _message(error)}
        self.records.append(record)
        if self._room == 0:
            self._note_truncated()

    def long_step(self, task: int, real_seconds: float) -> None:
        if self.muted or self._long_steps >= _MAX_LONG_STEP_NOTES:
            return
        self._long_steps += 1
        name = self._names.get(task, f"task {task}")
        self.records.append(
            Note(
                self._now(),
                "cpu_work",
                f"{name} ran for {real_seconds * 1000:.0f} ms of real time without awaiting (CPU "
                "work). The virtual clock does not count CPU time, so the chart shows this step as "
                "an instant; in real asyncio every other task would have waited that long.",
                self._last_line,
            )
        )

    def _note_truncated(self) -> None:
        self.records.append(
            Note(self._now(), "events_truncated", events_truncated_message(self._limits), None)
        )

    def _hook_failed(self, hook: str, failure: Exception) -> None:
        # Disable task tracing for the rest of the run; output and errors still arrive.
        self._room = 0
        self.records.append(
            Note(
                self._now(),
                "engine_hook_failed",
                f"The playground stopped tracing tasks: its {hook} hook failed with "
                f"{type(failure).__name__}: {failure}. Your program kept running.",
                None,
            )
        )

    # -- always-kept events ---------------------------------------------------------------------

    def loop_blocked(self, start: float, duration: float, line: int | None, task: int | None) -> None:
        if self.muted:
            return
        self.records.append(Blocked(start, duration, "time.sleep", line, task))

    def output_written(self, t: float, stream: str, text: str, task: int | None) -> None:
        self.records.append(Output(t, stream, text, task))

    def warning_issued(self, category: str, message: str, line: int | None) -> None:
        if self.muted:
            return
        self.records.append(WarningIssued(self._now(), category, message, line))

    def note_added(self, code: str, message: str, line: int | None) -> None:
        self.records.append(Note(self._now(), code, message, line))

    def deadlocked(self, stuck: list[StuckTask]) -> None:
        self.records.append(Deadlock(self._now(), tuple(stuck)))

    def limit_reached(self, limit: str, message: str, line: int | None) -> None:
        self.records.append(LimitReached(self._now(), limit, message, line))

    def error_raised(self, error: BaseException) -> None:
        _strip_engine_frames(error)
        if isinstance(error, SyntaxError) and error.filename == USER_FILE:
            line = error.lineno
            if error.text is None and line:
                # Errors found after parsing ("'await' outside async function") carry no source
                # text; CPython's own traceback shows the line, so ours does too.
                error.text = linecache.getline(USER_FILE, line) or None
        else:
            line = _user_line_of(error.__traceback__)
        text = "".join(traceback.format_exception(error))
        self.records.append(
            Error(self._now(), type(error).__name__, _message(error), line, text)
        )

    def _now(self) -> float:
        return self._session.now if self._session is not None else 0.0


def _encode(values: list[dict[str, Any]]) -> str:
    return json.dumps(values, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as failure:  # noqa: BLE001 - a broken __repr__ must not break the trace
        text = f"<repr failed: {type(failure).__name__}>"
    if len(text) > _RESULT_CHARS:
        text = text[: _RESULT_CHARS - 1] + "…"
    return text


def _message(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:  # noqa: BLE001
        return ""


def _user_line_of(tb: TracebackType | None) -> int | None:
    """The line of the innermost user frame in a traceback."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == USER_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _strip_engine_frames(error: BaseException, seen: set[int] | None = None) -> None:
    """Remove the engine's own frames from an exception's traceback (and its causes)."""
    seen = seen if seen is not None else set()
    if id(error) in seen:
        return
    seen.add(id(error))
    entries: list[TracebackType] = []
    tb = error.__traceback__
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(ENGINE_DIR):
            entries.append(tb)
        tb = tb.tb_next
    rebuilt: TracebackType | None = None
    for entry in reversed(entries):
        rebuilt = TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    error.__traceback__ = rebuilt
    for linked in (error.__cause__, error.__context__):
        if linked is not None:
            _strip_engine_frames(linked, seen)
    for inner in getattr(error, "exceptions", ()) or ():
        if isinstance(inner, BaseException):
            _strip_engine_frames(inner, seen)
