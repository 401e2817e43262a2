"""Everything the engine changes in the interpreter for one run, each change paired with its undo.

`Patches` is a context manager: entering installs the run's clock, output, warnings, loop policy
and interrupt handler, registering each undo on an ExitStack as it goes; leaving runs the undos in
reverse order. Each undo holds the functions and values it needs from install time, so it works
even when the user's code replaced builtins, the time module, asyncio or sys.stdout.
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
from contextlib import ExitStack
from types import FrameType, ModuleType, TracebackType
from typing import Any, Callable

from . import loop as loop_module
from .capture import OutputCapture
from .limits import interrupt_message, virtual_time_message
from .session import USER_FILE, RunSession, user_line

# time.time() reads the virtual clock plus this fixed epoch (2025-01-01 00:00:00 UTC), so dates
# made from it look ordinary and every run prints the same ones.
EPOCH = 1_735_689_600.0

# Modules whose attributes the user's code may replace; each is put back exactly as it was.
_GUARDED_MODULES: tuple[ModuleType, ...] = (builtins, time, asyncio, events, runners)

_ORIGIN_LINE = re.compile(r'File "main\.py", line (\d+)')

# A module's namespace, and a copy of it to put back.
_Namespace = dict[str, Any]


class Patches:
    """The run's changes to the interpreter: `with Patches(session, source) as patches: ...`."""

    def __init__(self, session: RunSession, source: str) -> None:
        self._session = session
        self._source = source
        self._undo = ExitStack()
        # The guarded modules and the streams as installed, for `repair`.
        self._installed: list[tuple[_Namespace, _Namespace]] = []
        self._streams: tuple[Any, Any] = (sys.stdout, sys.stderr)
        self.capture = OutputCapture(session)
        # Whether our SIGINT handler is installed (a Stop then halts the run before it raises).
        self.handles_interrupts = False

    def __enter__(self) -> Patches:
        """Install every patch; if one fails, undo those already made and raise."""
        try:
            self._install()
        except BaseException:
            self._undo.close()
            raise
        return self

    def __exit__(
        self,
        error_type: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Undo every patch, last made first, whatever the user's code changed meanwhile."""
        self._undo.close()

    def _install(self) -> None:
        undo = self._undo
        session = self._session
        # First in, so last out: whatever the patches below or the user's code did to these
        # modules, they end the run exactly as they began it.
        for module in _GUARDED_MODULES:
            namespace = vars(module)
            undo.callback(_restore_namespace, namespace, dict(namespace))

        session.output = self.capture
        undo.callback(setattr, session, "output", None)
        _replace(undo, sys, "stdout", self.capture.stream("stdout"))
        _replace(undo, sys, "stderr", self.capture.stream("stderr"))
        # Nobody can type into a run: input() gets end-of-file at once instead of waiting on
        # Pyodide's stdin (a blocking prompt, or Node's own stdin).
        _replace(undo, sys, "stdin", io.StringIO(""))

        self._install_clock()

        # Pyodide runs its own WebLoop as the running loop and replaces asyncio.run; every entry
        # point must reach our loop instead, and Pyodide's must come back afterwards.
        loop_module.activate(session)
        undo.callback(loop_module.activate, None)
        undo.callback(events._set_running_loop, events._get_running_loop())
        events._set_running_loop(None)
        # The policy global itself, None when no policy was ever made (typeshed does not list it).
        undo.callback(events._set_event_loop_policy, vars(events)["_event_loop_policy"])
        events._set_event_loop_policy(loop_module.PlaygroundLoopPolicy())
        asyncio.run = runners.run
        asyncio.EventLoop = loop_module.VirtualClockLoop

        undo.enter_context(warnings.catch_warnings())
        warnings.resetwarnings()
        warnings.simplefilter("default")
        warnings.showwarning = self._show_warning
        depth = sys.get_coroutine_origin_tracking_depth()
        undo.callback(sys.set_coroutine_origin_tracking_depth, depth)
        # Never-awaited warnings fire where the coroutine is destroyed; its origin says where
        # it was created, which is the line a learner needs.
        sys.set_coroutine_origin_tracking_depth(4)

        self._install_interrupt_handler()

        linecache.cache[USER_FILE] = (
            len(self._source),
            None,
            self._source.splitlines(keepends=True),
            USER_FILE,
        )
        undo.callback(linecache.cache.pop, USER_FILE, None)

        self._installed = [(vars(module), dict(vars(module))) for module in _GUARDED_MODULES]
        self._streams = (sys.stdout, sys.stderr)

    def _install_clock(self) -> None:
        session = self._session
        clock = session.clock
        limits = session.limits

        def sleep(seconds: float) -> None:
            """time.sleep on the virtual clock: blocks the whole loop (nothing else runs)."""
            seconds = float(seconds)
            if seconds < 0:
                raise ValueError("sleep length must be non-negative")
            if clock.thread_elapsed is not None:
                clock.thread_elapsed += seconds
                return
            start = clock.now
            line = user_line(sys._getframe(1))
            session.instrument.loop_blocked(start, seconds, line, session.current_task)
            if start + seconds > limits.max_virtual_time:
                session.instrument.limit_reached("virtual_time", virtual_time_message(limits), line)
                raise session.halt("virtual_time")
            clock.advance(start + seconds)

        def monotonic() -> float:
            return clock.time()

        def monotonic_ns() -> int:
            return int(round(clock.time() * 1e9))

        def wall_time() -> float:
            return EPOCH + clock.time()

        def wall_time_ns() -> int:
            return int(round((EPOCH + clock.time()) * 1e9))

        # Named like the functions they replace, so reprs and labels read "sleep", not ours.
        for function, name in (
            (sleep, "sleep"),
            (monotonic, "monotonic"),
            (monotonic_ns, "monotonic_ns"),
            (wall_time, "time"),
            (wall_time_ns, "time_ns"),
        ):
            function.__name__ = function.__qualname__ = name
            function.__module__ = "time"
        # The time module is guarded: the namespace undo registered first puts these back.
        time.sleep = sleep
        time.monotonic = monotonic
        time.perf_counter = monotonic
        time.monotonic_ns = monotonic_ns
        time.perf_counter_ns = monotonic_ns
        time.time = wall_time
        time.time_ns = wall_time_ns

    def _install_interrupt_handler(self) -> None:
        try:
            previous = signal.signal(signal.SIGINT, self._on_interrupt)
        except (ValueError, OSError, AttributeError):
            # No signals here (not the main thread, or a platform without them): a Stop then
            # arrives as a bare KeyboardInterrupt, which run.py handles.
            return
        self.handles_interrupts = True
        if previous is not None:
            self._undo.callback(_reset_signal, signal.signal, previous)

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
            session.instrument.limit_reached("interrupt", interrupt_message(), user_line(frame))
            session.halt("interrupt")
        raise KeyboardInterrupt

    def repair(self) -> None:
        """Put the run's own patches back as installed, undoing what the user's code replaced.

        Called before the engine's own code runs again after the user's (formatting a traceback
        needs a working `len`); the undo on leaving then starts from a known state.
        """
        for namespace, installed in self._installed:
            _restore_namespace(namespace, installed)
        sys.stdout, sys.stderr = self._streams


def _replace(undo: ExitStack, owner: object, name: str, value: object) -> None:
    """Set `owner.name` to `value` for the run, and register putting the current value back."""
    undo.callback(setattr, owner, name, getattr(owner, name))
    setattr(owner, name, value)


def _reset_signal(set_handler: Callable[[int, Any], object], handler: Any) -> None:
    try:
        set_handler(signal.SIGINT, handler)
    except (ValueError, OSError):
        # Leaving from another thread cannot set a handler; the old one was never replaced there.
        pass


def _restore_namespace(current: _Namespace, saved: _Namespace) -> None:
    """Make a module's namespace hold exactly `saved` again.

    Takes the namespace dict itself, not the module, so it calls no builtin the user may have
    replaced (`vars`), and leaves untouched every entry that is already the saved object.
    """
    for key in [key for key in current if key not in saved]:
        del current[key]
    for key, value in saved.items():
        if current.get(key, _MISSING) is not value:
            current[key] = value


_MISSING = object()
