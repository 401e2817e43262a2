"""The engine's entry point: run one snippet on the virtual clock and return its trace."""

from __future__ import annotations

import ast
import builtins
import functools
import gc
import inspect
import json
import sys
from asyncio import runners
from time import perf_counter as _real_perf_counter
from typing import Any, Callable

from .integrity import InterpreterState, record as record_changes
from .limits import Limits, interrupt_message
from .loop import VirtualClockLoop
from .patches import Patches
from .progress import progress_reports
from .recorder import TraceRecorder
from .session import USER_FILE, RunHalted, RunSession, VirtualClock, traceback_line
from .threads import finish as finish_threads
from .tracer import reset_caches

PYTHON_VERSION = ".".join(str(part) for part in sys.version_info[:3])


def run(
    source: str, options_json: str = "{}", report: Callable[[str], object] | None = None
) -> str:
    """Run `source` as main.py and return the trace: a JSON list of events (events.ts).

    The clock starts at 0.0; the namespace is fresh; everything patched is restored afterwards.
    With `report`, the trace so far is also handed to it in increments while the run goes on,
    when the runner asks (progress.py).
    """
    started = _real_perf_counter()
    before = InterpreterState.capture()
    reset_caches()
    options: dict[str, Any] = json.loads(options_json) if options_json else {}
    limits = Limits.from_options(options)
    clock = VirtualClock()
    recorder = TraceRecorder(limits, clock)
    session = RunSession(limits, clock, recorder)
    recorder.run_started(PYTHON_VERSION)
    with progress_reports(recorder, report), Patches(session, source) as patches:
        failure = _execute_guarded(functools.partial(_execute, source, session), session, patches)
        # Undo whatever the user's code did to builtins, time, asyncio or sys.stdout before the
        # engine's own code runs again (formatting a traceback needs a working `len`).
        patches.repair()
        # A prompt or a print(..., end="") before the error comes before it in the output too.
        patches.capture.flush_partial()
        if failure is not None:
            recorder.error_raised(failure)
        if session.halted is None:
            # As CPython does at exit, after the main thread's traceback: let the program's
            # threads run to their end.
            _execute_guarded(functools.partial(finish_threads, patches.kernel), session, patches)
        _finish(session, patches)
    # Before the trace is encoded: a program that replaced the recorder or json must not write it.
    record_changes(before.restore())
    recorder.run_ended(session.steps, (_real_perf_counter() - started) * 1000.0)
    return recorder.to_json()


def _execute_guarded(
    execute: Callable[[], None], session: RunSession, patches: Patches
) -> BaseException | None:
    """Run the user's code; return the exception it raised, if that is the user's error."""
    try:
        execute()
    except RunHalted:
        pass
    except KeyboardInterrupt as interrupt:
        if session.halted is None and not patches.handles_interrupts:
            # No SIGINT handler of ours: a Stop arrives as a bare KeyboardInterrupt.
            session.instrument.limit_reached(
                "interrupt", interrupt_message(), traceback_line(interrupt.__traceback__)
            )
            session.halt("interrupt")
        elif session.halted is None:
            # Our handler did not fire, so the program raised KeyboardInterrupt itself.
            return interrupt
    except SystemExit:
        # sys.exit() in the user's code ends the program normally, as it would in CPython.
        pass
    except BaseException as error:  # the user's uncaught exception, whatever it is, is data
        return error
    return None


def _execute(source: str, session: RunSession) -> None:
    code = compile(
        source, USER_FILE, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
    )
    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "__file__": USER_FILE,
        "__builtins__": builtins,
    }
    if not code.co_flags & inspect.CO_COROUTINE:
        exec(code, namespace)
        return
    # Top-level await, as in a notebook: the module body is a coroutine, run as a task.
    loop = VirtualClockLoop(session)
    try:
        module = loop.create_task(eval(code, namespace), name="<module>")
        loop.run_until_complete(module)
        _shut_down(loop)
    finally:
        loop.close()


def _shut_down(loop: VirtualClockLoop) -> None:
    """What asyncio.run does after main() returns: cancel leftovers, close async generators."""
    # A private helper of asyncio.runners that typeshed does not declare.
    runners._cancel_all_tasks(loop)  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    loop.run_until_complete(loop.shutdown_asyncgens())


def _finish(session: RunSession, patches: Patches) -> None:
    """Close loops the program left open, flush output and late warnings."""
    for loop in session.loops:
        if not loop.is_closed() and not loop.is_running():
            loop.close()
    patches.capture.flush_partial()
    session.instrument.encode_so_far()
    # Never-awaited coroutines warn when collected; collect now, while warnings are captured.
    gc.collect()
    patches.capture.flush_partial()
