"""Runs one module of CPython's asyncio tests inside Pyodide, in one configuration.

Configurations (see README.md):
- "stock": Pyodide's own selector event loop, with what Pyodide lacks worked around: no
  self-pipe (socketpair() fails there) and a select() that sleeps for its timeout itself.
- "virtual": every loop asyncio makes is the playground's VirtualClockLoop, traced as in a run,
  without the run-time patches.
- "patched": the same, inside the run-time patches a user's run gets (playground.patches).

Each test gets a fresh playground session, so a test that ends its run (a deadlock report, a
limit) does not end the next one. `notify(kind, test_id)` tells the Node side when a test starts
and ends (and when an ended test's outcome is revised): its watchdog interrupts a test that takes
too long, which is reported as "timeout".
"""

from __future__ import annotations

import asyncio
import json
import selectors
import time
import traceback
import unittest
from asyncio import events, runners, selector_events, unix_events
from contextlib import ExitStack
from typing import Any, Callable

from test import support


def _stock() -> None:
    """Pyodide's own loop, made to run: no self-pipe, and an idle select() that sleeps."""

    def nothing(self: Any) -> None:
        pass

    selector_events.BaseSelectorEventLoop._make_self_pipe = nothing
    selector_events.BaseSelectorEventLoop._close_self_pipe = nothing
    selector_events.BaseSelectorEventLoop._write_to_self = nothing

    class SleepingSelector(selectors.DefaultSelector):
        def select(self, timeout: float | None = None) -> Any:
            ready = super().select(0 if timeout is None else timeout)
            if not ready and timeout is None:
                # Nothing can wake a loop with no timer: the watchdog ends the test.
                while True:
                    time.sleep(1)
            if not ready and timeout and timeout > 0:
                time.sleep(timeout)
            return ready

    selectors.DefaultSelector = SleepingSelector


class _Run:
    """A fresh playground session (and, patched, the run-time patches) around each test."""

    def __init__(self, mode: str) -> None:
        from playground import kernel, loopback, loop, patches
        from playground.limits import Limits
        from playground.recorder import TraceRecorder
        from playground.session import RunSession, VirtualClock

        self._mode = mode
        self._kernel = kernel
        self._loopback = loopback
        self._loop = loop
        self._patches = patches
        self._limits = Limits(max_virtual_time=1e9, max_steps=2_000_000, max_events=1_000)
        self._recorder = TraceRecorder
        self._session = RunSession
        self._clock = VirtualClock
        self._stack: ExitStack | None = None
        # Every loop asyncio makes, also after a test resets the policy, is the virtual one.
        unix_events._UnixDefaultEventLoopPolicy._loop_factory = loop.VirtualClockLoop
        asyncio.EventLoop = loop.VirtualClockLoop

    def begin(self) -> None:
        clock = self._clock()
        session = self._session(self._limits, clock, self._recorder(self._limits, clock))
        stack = self._stack = ExitStack()
        self._loop.activate(session)
        stack.callback(self._loop.activate, None)
        if self._mode == "patched":
            stack.enter_context(self._patches.Patches(session, ""))
        else:
            engine_kernel = self._kernel.Kernel(session)
            self._kernel.activate(engine_kernel)
            stack.callback(self._kernel.activate, None)
            self._loopback.activate(self._loopback.Network(engine_kernel))
            stack.callback(self._loopback.activate, None)

    def end(self) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.close()


class _Collector(unittest.TestResult):
    """Each test's outcome: passed, failed, errored, skipped (or timeout), with a short reason."""

    def __init__(self, begin: Callable[[], None], end: Callable[[], None], notify: Any) -> None:
        super().__init__()
        self.outcomes: dict[str, tuple[str, str]] = {}
        self.current: str | None = None
        # The last test that ended: an error can escape its run after its outcome is known.
        self.last: str | None = None
        self._begin = begin
        self._end = end
        self._notify = notify

    def startTest(self, test: unittest.TestCase) -> None:
        self.current = test.id()
        self._notify("start", self.current)
        # The last test's session ends here, not at its stopTest: IsolatedAsyncioTestCase closes
        # its runner (and joins the loop's executor threads) after stopTest.
        self._end()
        self._begin()
        super().startTest(test)

    def stopTest(self, test: unittest.TestCase) -> None:
        super().stopTest(test)
        test_id = test.id()
        outcome, detail = self.outcomes.setdefault(test_id, ("errored", "no outcome reported"))
        self._notify("done", test_id, outcome, detail)
        self.current = None
        self.last = test_id

    def escaped(self, outcome: str, detail: str) -> None:
        """An exception that unittest lets through ended the current test (the watchdog's
        interrupt) or escaped after the last one ended (an error in IsolatedAsyncioTestCase's
        runner teardown): record it as that test's outcome, unless it had already failed."""
        self._end()
        test_id = self.current or self.last
        if test_id is None:
            return
        known = self.outcomes.get(test_id, ("", ""))
        failed = known[0] in ("failed", "errored") and known[1] != "no outcome reported"
        if self.current or not failed:
            self.outcomes[test_id] = (outcome, detail)
            # "revised": a test that has already ended, which the watchdog must not count again.
            self._notify("done" if self.current else "revised", test_id, outcome, detail)
        self.current = None

    def finish(self) -> None:
        """End the last test's session."""
        self._end()

    def _set(self, test: Any, outcome: str, detail: str = "") -> None:
        test_id = test.id()
        previous = self.outcomes.get(test_id)
        # A failed subtest decides the test's outcome; a later success does not undo it.
        if previous is not None and previous[0] in ("failed", "errored") and outcome == "passed":
            return
        self.outcomes[test_id] = (outcome, detail)

    def addSuccess(self, test: Any) -> None:
        self._set(test, "passed")

    def addFailure(self, test: Any, err: Any) -> None:
        self._set(test, "failed", _reason(err))

    def addError(self, test: Any, err: Any) -> None:
        self._set(test, "errored", _reason(err))

    def addSkip(self, test: Any, reason: str) -> None:
        self._set(test, "skipped", reason)

    def addExpectedFailure(self, test: Any, err: Any) -> None:
        self._set(test, "passed", "expected failure")

    def addUnexpectedSuccess(self, test: Any) -> None:
        self._set(test, "failed", "unexpected success")

    def addSubTest(self, test: Any, subtest: Any, err: Any) -> None:
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._set(test, "failed" if failed else "errored", _reason(err))


def _reason(err: Any) -> str:
    kind, value, _ = err
    text = "".join(traceback.format_exception_only(kind, value)).strip().splitlines()
    return (text[-1] if text else kind.__name__)[:300]


def _flatten(suite: Any) -> list[unittest.TestCase]:
    tests: list[unittest.TestCase] = []
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            tests.extend(_flatten(item))
        else:
            tests.append(item)
    return tests


def run_module(name: str, mode: str, skip_json: str, notify: Any) -> str:
    """Run test.test_asyncio.<name> in `mode`, except the tests in `skip_json`.

    Each test's outcome goes to `notify("done", id, outcome, detail)` as soon as it is known;
    returns JSON with the number of tests, or the reason the module did not run.
    """
    # On Emscripten the package skips itself for want of sockets; its tests need none.
    support.has_socket_support = True
    skip = set(json.loads(skip_json))
    # Pyodide's own loop runs, and its asyncio.run stands, where CPython's should.
    events._set_running_loop(None)
    events._set_event_loop_policy(None)
    asyncio.run = runners.run
    asyncio.EventLoop = unix_events.SelectorEventLoop
    run = _Run(mode) if mode != "stock" else None
    if mode == "stock":
        _stock()
    begin = run.begin if run is not None else _nothing
    end = run.end if run is not None else _nothing
    result = _Collector(begin, end, notify)
    module = f"test.test_asyncio.{name}"
    try:
        tests = _flatten(unittest.defaultTestLoader.loadTestsFromName(module))
    except unittest.SkipTest as skipped:
        return json.dumps({"error": f"module skipped: {skipped}"})
    remaining = [test for test in tests if test.id() not in skip]
    while remaining:
        try:
            unittest.TestSuite(remaining).run(result)
            break
        except (KeyboardInterrupt, Exception) as error:
            # The watchdog interrupted a test that took too long (or the test raised it), or an
            # error escaped the test (unittest runs IsolatedAsyncioTestCase's teardown outside
            # its guard): note it, and go on after it.
            if isinstance(error, KeyboardInterrupt):
                result.escaped("timeout", "KeyboardInterrupt: the watchdog's, or the test's own")
            else:
                result.escaped("errored", _reason((type(error), error, error.__traceback__)))
            left = [test for test in remaining if test.id() not in result.outcomes]
            if len(left) == len(remaining):
                # Interrupted outside any test (a class or module fixture): skip the next one.
                result.outcomes[left[0].id()] = ("errored", "interrupted outside the test")
                left = left[1:]
            remaining = left
    result.finish()
    return json.dumps({"tests": len(tests)})


def _nothing() -> None:
    pass
