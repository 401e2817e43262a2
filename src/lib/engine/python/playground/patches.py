"""Everything the engine changes in the interpreter for one run, each change paired with its undo.

`Patches` is a context manager: entering installs the run's clock, output, warnings, loop policy
and interrupt handler, registering each undo on an ExitStack as it goes; leaving runs the undos in
reverse order. Each undo holds the functions and values it needs from install time, so it works
even when the user's code replaced builtins, the time module, asyncio or sys.stdout.
"""

from __future__ import annotations

import _thread
import asyncio
import builtins
import datetime
import io
import linecache
import logging
import re
import select
import selectors
import signal
import socket
import sys
import threading
import time
import warnings
from asyncio import events, runners
from contextlib import ExitStack
from types import FrameType, ModuleType, TracebackType
from typing import Any, Callable

from . import clocks, loopback, threads, unavailable
from . import kernel as kernel_module
from . import loop as loop_module
from .capture import OutputCapture
from .kernel import Kernel
from .limits import interrupt_message
from .session import USER_FILE, RunSession, user_line
from .tracebacks import ENGINE_DIR, strip_engine_frames

# Modules whose attributes the user's code may replace; each is put back exactly as it was.
_GUARDED_MODULES: tuple[ModuleType, ...] = (
    builtins,
    time,
    datetime,
    asyncio,
    events,
    runners,
    socket,
    select,
    selectors,
    threading,
    signal,
)

_ORIGIN_LINE = re.compile(r'File "main\.py", line (\d+)')

# How many frames of a coroutine's origin the engine tracks, for never-awaited warnings.
ENGINE_ORIGIN_DEPTH = 4

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
        # The simulated machine below the loop: timed events, threads, clock polling.
        self.kernel = Kernel(session)
        # Whether our SIGINT handler is installed (a Stop then halts the run before it raises).
        self.handles_interrupts = False
        # The SIGINT handler the program sees as installed (signal.getsignal), and how many
        # SIGINTs the program itself has sent (_thread.interrupt_main) that are still to arrive.
        self._program_handler: Any = None
        self._program_interrupts = 0
        # The coroutine origin tracking depth the program has set (0 until it sets one).
        self.origin_depth: Callable[[], int] = lambda: 0

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

        kernel = self.kernel
        kernel_module.activate(kernel)
        undo.callback(kernel_module.activate, None)
        clocks.install(undo, session, kernel)
        threads.install(undo)
        loopback.install(undo, kernel)
        unavailable.install(undo)

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
        self._install_warnings()
        self._install_origin_tracking()
        # Exceptions that logging prints (a task's exception never retrieved) show no frame of
        # the engine.
        factory = logging.getLogRecordFactory()
        undo.callback(logging.setLogRecordFactory, factory)
        logging.setLogRecordFactory(_engine_frames_stripped(factory))

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

    def _install_interrupt_handler(self) -> None:
        real_signal, real_getsignal = signal.signal, signal.getsignal
        try:
            previous = real_signal(signal.SIGINT, self._on_interrupt)
        except (ValueError, OSError, AttributeError):
            # No signals here (not the main thread, or a platform without them): a Stop then
            # arrives as a bare KeyboardInterrupt, which run.py handles.
            return
        self.handles_interrupts = True
        if previous is not None:
            self._undo.callback(_reset_signal, real_signal, previous)
        # The program keeps SIGINT as its own: signal.getsignal() and signal.signal() read and
        # set the handler the program chose (asyncio.Runner installs one), while ours, which
        # only Stop can trigger, stays installed underneath. Stop ends the run whatever the
        # program chose. The signal module is guarded, so these go when the run ends.
        self._program_handler = previous

        def getsignal(signalnum: int) -> Any:
            if signalnum == signal.SIGINT:
                return self._program_handler
            return real_getsignal(signalnum)

        def signal_(signalnum: int, handler: Any) -> Any:
            if signalnum != signal.SIGINT:
                return real_signal(signalnum, handler)
            if not callable(handler) and handler not in (signal.SIG_IGN, signal.SIG_DFL):
                raise TypeError(
                    "signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object"
                )
            previous_handler = self._program_handler
            self._program_handler = handler
            return previous_handler

        # A SIGINT the program sends itself goes to the program's handler, as in CPython
        # (asyncio.Runner's cancels the main task); only the Stop button's ends the run.
        real_interrupt_main = _thread.interrupt_main

        def interrupt_main(signum: signal.Signals = signal.SIGINT) -> None:
            if signum == signal.SIGINT:
                if self._program_handler in (signal.SIG_DFL, signal.SIG_IGN):
                    return
                self._program_interrupts += 1
            real_interrupt_main(signum)

        getsignal.__name__ = getsignal.__qualname__ = "getsignal"
        signal_.__name__ = signal_.__qualname__ = "signal"
        interrupt_main.__name__ = interrupt_main.__qualname__ = "interrupt_main"
        signal.getsignal = getsignal
        signal.signal = signal_
        _replace(self._undo, _thread, "interrupt_main", interrupt_main)

    def _install_origin_tracking(self) -> None:
        """Track where coroutines are created, while the program sees the depth it set.

        Never-awaited warnings fire where the coroutine is destroyed; its origin says where it
        was created, which is the line a learner needs, so the interpreter tracks at least
        ENGINE_ORIGIN_DEPTH frames. sys.get_coroutine_origin_tracking_depth() answers what the
        program (or asyncio's debug mode) set, 0 at first, and the printed warning shows the
        origin only when the program asked for it (docs/decisions/0095-patches-and-other-loops.md).
        """
        real_get = sys.get_coroutine_origin_tracking_depth
        real_set = sys.set_coroutine_origin_tracking_depth
        self._undo.callback(real_set, real_get())
        self._undo.callback(setattr, sys, "get_coroutine_origin_tracking_depth", real_get)
        self._undo.callback(setattr, sys, "set_coroutine_origin_tracking_depth", real_set)
        program_depth = [0]

        def get_coroutine_origin_tracking_depth() -> int:
            return program_depth[0]

        def set_coroutine_origin_tracking_depth(depth: int) -> None:
            if depth < 0:
                raise ValueError("depth must be >= 0")
            real_set(max(depth, ENGINE_ORIGIN_DEPTH))
            program_depth[0] = depth

        sys.get_coroutine_origin_tracking_depth = get_coroutine_origin_tracking_depth
        sys.set_coroutine_origin_tracking_depth = set_coroutine_origin_tracking_depth
        real_set(ENGINE_ORIGIN_DEPTH)
        self.origin_depth = get_coroutine_origin_tracking_depth

    def _install_warnings(self) -> None:
        """Show warnings as CPython does, on stderr, and record each in the trace.

        warnings._showwarnmsg receives every warning that is shown (with its source, which
        CPython's text needs); one that a `catch_warnings(record=True)` of the program collects
        is not shown, so it is not recorded either.
        """
        # The warnings module's hooks, which typeshed does not declare.
        show: Callable[[Any], None] = getattr(warnings, "_showwarnmsg")
        shown_by_cpython: object = getattr(warnings, "_showwarnmsg_impl")
        session = self._session

        def showwarnmsg(message: Any) -> None:
            text = str(message.message)
            where: int | None = message.lineno if message.filename == USER_FILE else None
            head, marker, origin = text.partition("\nCoroutine created at")
            if marker:
                created = _ORIGIN_LINE.findall(origin)
                if created:
                    where = int(created[-1])
                text = head
            if marker and not self.origin_depth():
                # The origin is the engine's own tracking: CPython at depth 0 shows none. The
                # message stays a warning instance, as code that records warnings checks it.
                message = warnings.WarningMessage(
                    message.category(text),
                    message.category,
                    message.filename,
                    message.lineno,
                    message.file,
                    message.line,
                    message.source,
                )
            if message.filename.startswith(ENGINE_DIR):
                # Set off by the engine itself (the run's last collection, which stands for the
                # interpreter's exit): CPython at exit has no frame to blame, and says "sys:1".
                message = warnings.WarningMessage(
                    message.message,
                    message.category,
                    "sys",
                    1,
                    message.file,
                    None,
                    message.source,
                )
            if getattr(warnings, "_showwarnmsg_impl") is shown_by_cpython:
                session.instrument.warning_issued(message.category.__name__, text, where)
            show(message)

        self._undo.callback(setattr, warnings, "_showwarnmsg", show)
        setattr(warnings, "_showwarnmsg", showwarnmsg)

    def _on_interrupt(self, signum: int, frame: FrameType | None) -> Any:
        # Our own handler, so that asyncio.Runner does not install its own (which only cancels
        # the main task on the first interrupt): the first Stop ends the whole run.
        if self._program_interrupts:
            self._program_interrupts -= 1
            if callable(self._program_handler):
                return self._program_handler(signum, frame)
            raise KeyboardInterrupt
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


def _engine_frames_stripped(factory: Callable[..., logging.LogRecord]) -> Callable[..., Any]:
    """A log record factory whose records carry tracebacks without the engine's frames."""

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        exc_info = record.exc_info
        if exc_info and exc_info[1] is not None:
            error = exc_info[1]
            strip_engine_frames(error)
            record.exc_info = (exc_info[0], error, error.__traceback__)
        return record

    return make_record


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
