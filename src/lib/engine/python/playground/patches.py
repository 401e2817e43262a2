"""Everything the engine changes in the interpreter for one run, and its exact undoing.

Installed by `Patches.install`, removed by `Patches.restore`, which runs even when the user's code
raised, replaced builtins or patched the time module itself.
"""

from __future__ import annotations

import asyncio
import builtins
import io
import linecache
import re
import signal
import sys
import time
import warnings
from asyncio import events, runners
from types import FrameType, ModuleType
from typing import Any, TextIO

from . import loop as loop_module
from .limits import output_truncated_message
from .session import USER_FILE, RunSession, user_line

# time.time() reads the virtual clock plus this fixed epoch (2025-01-01 00:00:00 UTC), so dates
# made from it look ordinary and every run prints the same ones.
EPOCH = 1_735_689_600.0

# Modules whose attributes the user's code may replace; each is put back exactly as it was.
_GUARDED_MODULES: tuple[ModuleType, ...] = (builtins, time, asyncio, events, runners)

_ORIGIN_LINE = re.compile(r'File "main\.py", line (\d+)')


class OutputCapture:
    """sys.stdout / sys.stderr for one run: each full line becomes an output event.

    A line is stamped with the virtual time and the task at its first character. Output from a
    simulated thread is held back (`hold` / `release`) and replayed at its own virtual time.
    """

    def __init__(self, session: RunSession) -> None:
        self._session = session
        self._limit = session.limits.max_output_chars
        self._chars = 0
        self._truncated = False
        self._partial: dict[str, tuple[float, int | None, list[str]]] = {}
        self._held: list[tuple[float, str, str]] | None = None

    def stream(self, name: str) -> _CaptureStream:
        """A file-like object writing to this capture as stream `name`."""
        return _CaptureStream(self, name)

    def write(self, stream: str, text: str) -> None:
        """Split `text` into lines; emit each line when its newline arrives."""
        if not text:
            return
        session = self._session
        pending = self._partial.get(stream)
        if pending is None:
            pending = (session.time(), session.current_task, [])
            self._partial[stream] = pending
        parts = text.split("\n")
        pending[2].append(parts[0])
        for part in parts[1:]:
            t, task, pieces = pending
            self._emit(t, stream, "".join(pieces), task)
            pending = (session.time(), session.current_task, [part])
        if pending[2] == [""]:
            self._partial.pop(stream, None)
        else:
            self._partial[stream] = pending

    def flush_partial(self) -> None:
        """Emit unterminated lines (the last print(..., end="") of a run)."""
        for stream, (t, task, pieces) in list(self._partial.items()):
            self._emit(t, stream, "".join(pieces), task)
        self._partial.clear()

    def hold(self) -> list[tuple[float, str, str]] | None:
        """Start holding lines back (a simulated thread runs); returns the outer hold."""
        self.flush_partial()
        outer = self._held
        self._held = []
        return outer

    def release(self, outer: list[tuple[float, str, str]] | None) -> list[tuple[float, str, str]]:
        """Stop holding; return the held lines as (t, stream, text)."""
        self.flush_partial()
        lines = self._held or []
        self._held = outer
        return lines

    def replay(self, t: float, stream: str, text: str) -> None:
        """Emit a held line (a loop callback at the line's own virtual time)."""
        self._emit(t, stream, text, None)

    def _emit(self, t: float, stream: str, text: str, task: int | None) -> None:
        if self._held is not None:
            self._held.append((t, stream, text))
            return
        instrument = self._session.instrument
        if instrument.muted or self._truncated:
            return
        self._chars += len(text) + 1
        if self._chars > self._limit:
            self._truncated = True
            instrument.note_added(
                "output_truncated", output_truncated_message(self._session.limits), None
            )
            return
        instrument.output_written(t, stream, text, task)


class _CaptureStream:
    """A minimal text stream that forwards writes to an OutputCapture."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, capture: OutputCapture, name: str) -> None:
        self._capture = capture
        self.name = f"<{name}>"
        self._stream = name

    def write(self, text: str) -> int:
        self._capture.write(self._stream, str(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Lines are emitted as they complete; nothing is buffered beyond the current line."""

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False


class Patches:
    """Installs the run's clock, output, warnings, loop policy and interrupt handling."""

    def __init__(self, session: RunSession, source: str) -> None:
        self._session = session
        self._source = source
        self._saved_modules: list[tuple[ModuleType, dict[str, Any]]] = []
        self._installed_modules: list[tuple[ModuleType, dict[str, Any]]] = []
        self._streams: tuple[Any, Any] | None = None
        self._saved_stdout: TextIO | None = None
        self._saved_stderr: TextIO | None = None
        self._saved_stdin: TextIO | None = None
        self._saved_running_loop: Any = None
        self._saved_policy: Any = None
        self._saved_origin_depth = 0
        self._saved_sigint: Any = None
        self._warnings: warnings.catch_warnings[Any] | None = None
        self.capture = OutputCapture(session)
        # Whether our SIGINT handler is installed (a Stop then halts the run before it raises).
        self.handles_interrupts = False

    def install(self) -> None:
        """Patch the interpreter for the run. Call `restore` afterwards, always."""
        session = self._session
        self._saved_modules = [(module, dict(vars(module))) for module in _GUARDED_MODULES]
        self._saved_stdout, self._saved_stderr = sys.stdout, sys.stderr
        session.output = self.capture
        sys.stdout = self.capture.stream("stdout")  # type: ignore[assignment]
        sys.stderr = self.capture.stream("stderr")  # type: ignore[assignment]
        # Nobody can type into a run: input() gets end-of-file at once instead of waiting on
        # Pyodide's stdin (a blocking prompt, or Node's own stdin).
        self._saved_stdin = sys.stdin
        sys.stdin = io.StringIO("")

        self._install_clock()

        # Pyodide runs its own WebLoop as the running loop and replaces asyncio.run; every entry
        # point must reach our loop instead, and Pyodide's must come back afterwards.
        loop_module.activate(session)
        self._saved_running_loop = events._get_running_loop()
        events._set_running_loop(None)
        self._saved_policy = events._event_loop_policy
        events._set_event_loop_policy(loop_module.PlaygroundLoopPolicy())
        asyncio.run = runners.run
        asyncio.EventLoop = loop_module.VirtualClockLoop  # type: ignore[misc]

        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.resetwarnings()
        warnings.simplefilter("default")
        warnings.showwarning = self._show_warning
        self._saved_origin_depth = sys.get_coroutine_origin_tracking_depth()
        # Never-awaited warnings fire where the coroutine is destroyed; its origin says where
        # it was created, which is the line a learner needs.
        sys.set_coroutine_origin_tracking_depth(4)

        try:
            self._saved_sigint = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._on_interrupt)
            self.handles_interrupts = True
        except (ValueError, OSError, AttributeError):
            self._saved_sigint = None

        self._installed_modules = [(module, dict(vars(module))) for module in _GUARDED_MODULES]
        self._streams = (sys.stdout, sys.stderr)

        linecache.cache[USER_FILE] = (
            len(self._source),
            None,
            self._source.splitlines(keepends=True),
            USER_FILE,
        )

    def _install_clock(self) -> None:
        session = self._session

        def sleep(seconds: float) -> None:
            """time.sleep on the virtual clock: blocks the whole loop (nothing else runs)."""
            seconds = float(seconds)
            if seconds < 0:
                raise ValueError("sleep length must be non-negative")
            if session.thread_elapsed is not None:
                session.thread_elapsed += seconds
                return
            start = session.now
            line = user_line(sys._getframe(1))
            session.instrument.loop_blocked(start, seconds, line, session.current_task)
            if start + seconds > session.limits.max_virtual_time:
                from .limits import virtual_time_message

                session.instrument.limit_reached(
                    "virtual_time", virtual_time_message(session.limits), line
                )
                raise session.halt("virtual_time")
            session.now = start + seconds

        def monotonic() -> float:
            return session.time()

        def monotonic_ns() -> int:
            return int(round(session.time() * 1e9))

        def wall_time() -> float:
            return EPOCH + session.time()

        def wall_time_ns() -> int:
            return int(round((EPOCH + session.time()) * 1e9))

        # Named like the functions they replace, so reprs and labels read "sleep", not ours.
        for name, function in (
            ("sleep", sleep),
            ("monotonic", monotonic),
            ("monotonic_ns", monotonic_ns),
            ("time", wall_time),
            ("time_ns", wall_time_ns),
        ):
            function.__name__ = function.__qualname__ = name
            function.__module__ = "time"
        time.sleep = sleep
        time.monotonic = monotonic
        time.perf_counter = monotonic
        time.monotonic_ns = monotonic_ns
        time.perf_counter_ns = monotonic_ns
        time.time = wall_time
        time.time_ns = wall_time_ns

    def _show_warning(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        text = str(message)
        where: int | None = lineno if filename == USER_FILE else None
        head, marker, origin = text.partition("\nCoroutine created at")
        if marker:
            created = _ORIGIN_LINE.findall(origin)
            if created:
                where = int(created[-1])
            text = head
        self._session.instrument.warning_issued(category.__name__, text, where)

    def _on_interrupt(self, signum: int, frame: FrameType | None) -> None:
        # Our own handler, so that asyncio.Runner does not install its own (which only cancels
        # the main task on the first interrupt): the first Stop ends the whole run.
        session = self._session
        if session.halted is None:
            from .limits import interrupt_message

            session.instrument.limit_reached("interrupt", interrupt_message(), user_line(frame))
            session.halt("interrupt")
        raise KeyboardInterrupt

    def repair(self) -> None:
        """Put the run's own patches back as installed, undoing what the user's code replaced."""
        for module, installed in self._installed_modules:
            _restore_module(module, installed)
        if self._streams is not None:
            sys.stdout, sys.stderr = self._streams

    def restore(self) -> None:
        """Undo everything `install` did, in reverse order, whatever the user's code changed."""
        linecache.cache.pop(USER_FILE, None)
        if self._saved_sigint is not None:
            try:
                signal.signal(signal.SIGINT, self._saved_sigint)
            except (ValueError, OSError):
                pass
        sys.set_coroutine_origin_tracking_depth(self._saved_origin_depth)
        if self._warnings is not None:
            self._warnings.__exit__(None, None, None)
            self._warnings = None
        events._set_event_loop_policy(self._saved_policy)
        events._set_running_loop(self._saved_running_loop)
        loop_module.activate(None)
        for module, saved in reversed(self._saved_modules):
            _restore_module(module, saved)
        sys.stdout = self._saved_stdout  # type: ignore[assignment]
        sys.stderr = self._saved_stderr  # type: ignore[assignment]
        sys.stdin = self._saved_stdin  # type: ignore[assignment]
        self._session.output = None


def _restore_module(module: ModuleType, saved: dict[str, Any]) -> None:
    current = vars(module)
    for key in [key for key in current if key not in saved]:
        del current[key]
    for key, value in saved.items():
        if current.get(key, _MISSING) is not value:
            current[key] = value


_MISSING = object()
