"""Trace records: frozen, slotted dataclasses for the event kinds of src/lib/engine/events.ts.

Records are converted to plain dicts once, at the boundary (`to_dict`), with the contract's
snake_case names. Times are rounded to nanoseconds there so that 0.1 + 0.2 reads 0.3.

The per-task events (task_created, task_resumed, task_suspended, task_done) are the exception: a
run of 10,000 tasks makes 70,000 of them, and building each as a dataclass and converting it
again cost more than the rest of the tracing (measured in Pyodide: 2.3 s of 4.1 s for 100,000
steps). The recorder builds those as plain dicts in the contract's shape (recorder.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

TRACE_VERSION = 1


def _t(value: float) -> float:
    return round(value, 9)


@dataclass(frozen=True, slots=True)
class StuckTask:
    """A task that can never run again, in a deadlock report."""

    task: int
    name: str
    # The same plain dict a task_suspended event carries (see tracer.describe_wait).
    awaiting: dict[str, Any]
    line: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "name": self.name,
            "awaiting": self.awaiting,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class RunStart:
    kind: ClassVar[str] = "run_start"
    python: str
    limits: dict[str, float | int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "t": 0,
            "version": TRACE_VERSION,
            "python": self.python,
            "limits": dict(self.limits),
        }


@dataclass(frozen=True, slots=True)
class Blocked:
    kind: ClassVar[str] = "blocked"
    t: float
    duration: float
    cause: str
    line: int | None
    task: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "t": _t(self.t),
            "duration": _t(self.duration),
            "cause": self.cause,
            "line": self.line,
            "task": self.task,
        }


@dataclass(frozen=True, slots=True)
class Output:
    kind: ClassVar[str] = "output"
    t: float
    stream: str
    text: str
    task: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "t": _t(self.t),
            "stream": self.stream,
            "text": self.text,
            "task": self.task,
        }


@dataclass(frozen=True, slots=True)
class WarningIssued:
    kind: ClassVar[str] = "warning"
    t: float
    category: str
    message: str
    line: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "t": _t(self.t),
            "category": self.category,
            "message": self.message,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class Note:
    kind: ClassVar[str] = "note"
    t: float
    code: str
    message: str
    line: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "t": _t(self.t),
            "code": self.code,
            "message": self.message,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class Error:
    kind: ClassVar[str] = "error"
    t: float
    type: str
    message: str
    line: int | None
    traceback: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "t": _t(self.t),
            "type": self.type,
            "message": self.message,
            "line": self.line,
            "traceback": self.traceback,
        }


@dataclass(frozen=True, slots=True)
class Deadlock:
    kind: ClassVar[str] = "deadlock"
    t: float
    stuck: tuple[StuckTask, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "t": _t(self.t),
            "stuck": [task.to_dict() for task in self.stuck],
        }


@dataclass(frozen=True, slots=True)
class LimitReached:
    kind: ClassVar[str] = "limit"
    t: float
    limit: str
    message: str
    line: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "t": _t(self.t),
            "limit": self.limit,
            "message": self.message,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class RunEnd:
    kind: ClassVar[str] = "run_end"
    t: float
    steps: int
    real_ms: float
    dropped_events: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "t": _t(self.t),
            "steps": self.steps,
            "real_ms": round(self.real_ms, 3),
            "dropped_events": self.dropped_events,
        }


Record = (
    RunStart
    | Blocked
    | Output
    | WarningIssued
    | Note
    | Error
    | Deadlock
    | LimitReached
    | RunEnd
)
