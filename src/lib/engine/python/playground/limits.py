"""Limits that end a runaway run cleanly, and the sentences that explain them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits in force for one run.

    The defaults are chosen so that a legitimate program never meets them: 100,000 tasks with a
    few awaits each take about 300,000 task steps and well under an hour of virtual time.
    """

    # One hour of virtual time: `while True: await asyncio.sleep(1)` stops after 3,600 steps.
    max_virtual_time: float = 3600.0
    # 100,000 tasks with two sleeps each take 300,001 steps; a `while True: await
    # asyncio.sleep(0)` spin reaches the limit in a few seconds of real time (about 15-25 us a
    # step in Pyodide).
    max_steps: int = 500_000
    # Task events beyond this are dropped (counted in run_end.dropped_events); the run goes on.
    max_events: int = 200_000
    # Output beyond this is dropped (with one note); the run goes on.
    max_output_chars: int = 1_000_000
    # False: output, errors, deadlocks and limits only (no task events), for benchmarks.
    trace: bool = True
    # False: task events without the event loop's (version 1's events only), for the benchmark
    # that measures what recording the loop costs.
    trace_loop: bool = True
    # Debug: also record the real ready queue and timers as each turn begins (loop_snapshot
    # events), for the engine test that checks the recorded queue against the real one.
    loop_snapshots: bool = False

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Limits:
        """Build limits from run options, taking the default for every field left out or null."""
        base = cls()
        return cls(
            max_virtual_time=float(_pick(options, "max_virtual_time", base.max_virtual_time)),
            max_steps=int(_pick(options, "max_steps", base.max_steps)),
            max_events=int(_pick(options, "max_events", base.max_events)),
            max_output_chars=int(_pick(options, "max_output_chars", base.max_output_chars)),
            trace=bool(_pick(options, "trace", base.trace)),
            trace_loop=bool(_pick(options, "trace_loop", base.trace_loop)),
            loop_snapshots=bool(_pick(options, "loop_snapshots", base.loop_snapshots)),
        )

    def as_dict(self) -> dict[str, float | int]:
        """The limits as run_start reports them."""
        return {
            "max_virtual_time": self.max_virtual_time,
            "max_steps": self.max_steps,
            "max_events": self.max_events,
            "max_output_chars": self.max_output_chars,
        }


def _pick(options: Mapping[str, Any], key: str, default: Any) -> Any:
    value = options.get(key)
    return default if value is None else value


def _seconds(value: float) -> str:
    return f"{value:g} s"


def virtual_time_message(limits: Limits) -> str:
    """Why a run stopped at the virtual-time limit, and how to raise it."""
    return (
        f"Stopped: the virtual clock would pass {_seconds(limits.max_virtual_time)}, the limit for "
        "one run. A loop like `while True: await asyncio.sleep(1)` never ends on its own. If the "
        "program really needs more time, raise the max_virtual_time option."
    )


def steps_message(limits: Limits) -> str:
    """Why a run stopped at the step limit, and how to raise it."""
    return (
        f"Stopped after {limits.max_steps:,} task steps, the limit for one run. A loop like "
        "`while True: await asyncio.sleep(0)` spins forever without the clock moving. If the "
        "program really needs more steps, raise the max_steps option."
    )


def interrupt_message() -> str:
    """Why a run stopped when the user pressed Stop (Pyodide's interrupt buffer)."""
    return (
        "Stopped by the user: the program was interrupted while it ran (KeyboardInterrupt). "
        "Code that never awaits, like `while True: pass`, can only be stopped this way."
    )


def output_truncated_message(limits: Limits) -> str:
    """What the note says when the output cap is reached."""
    return (
        f"Output was cut off after {limits.max_output_chars:,} characters; the program kept "
        "running. Raise the max_output_chars option to see more."
    )


def events_truncated_message(limits: Limits) -> str:
    """What the note says when the trace cap is reached."""
    return (
        f"The trace was cut off after {limits.max_events:,} events, so the chart is incomplete "
        "from here on; output and errors are still shown. Raise the max_events option to record "
        "more."
    )
