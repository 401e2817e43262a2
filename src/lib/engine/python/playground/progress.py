"""Progress reports: the trace recorded so far, handed out in increments while a run goes on.

A page that cannot interrupt Python in place (no cross-origin isolation) ends a run on Stop by
ending its worker, and sees what the run did only if the runner sent it before. When the runner
asks for reports (`report` given to run.run), each report is the events recorded since the last
one, as a JSON list: the reports of a run, joined, are the start of its final trace.

When to report is the runner's decision, made in JavaScript (engine.ts, progress.ts): Pyodide
polls its interrupt buffer between bytecodes, and the runner's buffer answers REPORT_SIGNAL once
a report is due. CPython then calls `on_signal` at the next bytecode, even inside a step that
never awaits (`while True: pass`), so such a run has reported everything before it. Without a
runner that asks, nothing here is installed and a run pays nothing.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Generator
from contextlib import contextmanager
from types import FrameType

from . import recorder as recorder_module
from .recorder import TraceRecorder

# A real-time signal: nothing sends it in Pyodide but the runner's buffer, and no program of the
# course handles it. engine.ts reads it from here.
REPORT_SIGNAL = 60

_RECORDER_FILE = recorder_module.__file__
# signal.signal as it was at import: the run's patches replace the module's during a run.
_set_handler = signal.signal


class _Reporter:
    """Hands the recorder's new events to `report` when the runner's signal arrives."""

    def __init__(self, recorder: TraceRecorder, report: Callable[[str], object]) -> None:
        self._recorder = recorder
        self._report: Callable[[str], object] | None = report
        # How many of the recorder's encoded batches were reported.
        self._sent = 0

    def on_signal(self, _signum: int, frame: FrameType | None) -> None:
        # The recorder may be halfway through changing its batches: report at the next signal,
        # which the runner sends shortly after, since no report answered this one.
        if self._report is None or _inside(frame, _RECORDER_FILE):
            return
        try:
            texts = self._recorder.encoded_since(self._sent)
            # An empty report still tells the runner that one was due and made.
            self._report("[" + ",".join(texts) + "]" if texts else "")
            self._sent += len(texts)
        except Exception:  # whatever failed, the program must not see it: reports stop instead
            self._report = None


def _inside(frame: FrameType | None, filename: str) -> bool:
    """Whether a frame of `filename` is on the stack that `frame` tops."""
    while frame is not None:
        if frame.f_code.co_filename == filename:
            return True
        frame = frame.f_back
    return False


@contextmanager
def progress_reports(
    recorder: TraceRecorder, report: Callable[[str], object] | None
) -> Generator[None]:
    """While the block runs, report `recorder`'s new events to `report` when the runner asks."""
    if report is None:
        yield
        return
    previous = _set_handler(REPORT_SIGNAL, _Reporter(recorder, report).on_signal)
    try:
        yield
    finally:
        _set_handler(REPORT_SIGNAL, previous)
