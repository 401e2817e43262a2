"""The virtual-clock event loop: CPython's own BaseEventLoop, with time that jumps.

Only the parts that read or wait on the clock are replaced. `select(timeout)` is where a real loop
sleeps; here it moves the virtual clock to the next timer's deadline instead, so a program that
sleeps for an hour finishes in milliseconds and reads the same times on every run.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import linecache
import signal
import sys
from asyncio import coroutines, events, selector_events
from types import FrameType
from typing import Any, Callable

from . import limits as limit_messages
from . import loopback, threads
from .events import LimitName
from .session import USER_FILE, RunHalted, RunSession, caller_line
from .tracer import TracedCoroutine, coro_name, describe_stuck

_active: RunSession | None = None


def activate(session: RunSession | None) -> None:
    """Make `session` the one loops built without an explicit session belong to."""
    global _active
    _active = session


class _OrderedTimerHandle(events.TimerHandle):
    """A timer that breaks ties at equal deadlines by scheduling order.

    The stock heap compares deadlines only, so twenty sleep(1) calls made at the same virtual
    instant would wake in a scrambled order; on a real clock they never share a deadline.
    """

    __slots__ = ("_seq",)

    def __lt__(self, other: Any) -> bool:
        if self._when == other._when:
            return self._seq < other._seq
        return self._when < other._when


class _VirtualSelector(loopback.VirtualSelector):
    """The loop's selector: `select(timeout)` moves the clock instead of waiting.

    Called once per loop iteration, before the ready callbacks run. timeout 0: callbacks are
    ready, nothing to wait for. timeout > 0: nothing is ready; the clock jumps to the next
    timer's own deadline (not now + timeout, which rounds), or sooner to what the in-memory
    network or a simulated thread does (loopback.Network.wait). None: no timer is set, and when
    nothing else can happen either, that is a deadlock.
    """

    def __init__(self, loop: VirtualClockLoop) -> None:
        super().__init__()
        self._loop = loop

    def _wait(
        self, readers: set[int], writers: set[int], timeout: float | None
    ) -> tuple[set[int], set[int]]:
        loop = self._loop
        session = loop._session
        if session.halted is not None:
            raise RunHalted(session.halted)
        if session.steps > session.limits.max_steps:
            loop._stop_at_limit("steps", limit_messages.steps_message(session.limits))
        next_timer = loop._scheduled[0]._when if loop._scheduled else None
        return loop._network.wait(
            readers,
            writers,
            timeout,
            loop=loop,
            next_timer=next_timer,
            on_deadlock=loop._report_deadlock,
            on_limit=loop._stop_at_virtual_time,
        )


class VirtualClockLoop(selector_events.BaseSelectorEventLoop):
    """An asyncio event loop on the run's virtual clock, with every task traced."""

    # BaseEventLoop's own state and checks that this loop uses, which typeshed does not declare.
    _scheduled: list[events.TimerHandle]
    _debug: bool
    _check_closed: Callable[[], None]
    _check_thread: Callable[[], None]
    _check_callback: Callable[[Callable[..., Any], str], None]

    def __init__(self, session: RunSession | None = None) -> None:
        chosen = session if session is not None else _active
        if chosen is None:
            raise RuntimeError("VirtualClockLoop needs an active playground run")
        self._session: RunSession = chosen
        self._clock = chosen.clock
        # The run's in-memory network, which the loop's select() waits on.
        self._network = loopback.active()
        super().__init__(_VirtualSelector(self))
        self._timer_seq = 0
        # Signal handlers the program registered (add_signal_handler); none ever fires.
        self._signal_handlers: dict[int, events.Handle] = {}
        # Timers due within this much of the clock run together; the clock is exact here.
        self._clock_resolution = 1e-9
        chosen.loops.append(self)

    def time(self) -> float:
        """The virtual clock (seconds since the start of the run)."""
        if sys._getframe(1).f_code.co_filename == USER_FILE:
            # The program itself reads the loop's clock: it may be polling it (kernel.py).
            self._network.kernel.clock_read()
        return self._clock.now

    def _make_self_pipe(self) -> None:
        """No self-pipe: a simulated thread wakes the loop through the kernel (kernel.py)."""

    def _close_self_pipe(self) -> None:
        """No self-pipe to close."""

    def _write_to_self(self) -> None:
        """No real thread can wake this loop, so there is nothing to write to."""

    def call_at(
        self, when: float | None, callback: Callable[..., Any], *args: Any, context: Any = None
    ) -> events.TimerHandle:
        """Schedule a timer; equal deadlines fire in the order they were scheduled."""
        if when is None:
            # CPython's own check, kept: a None deadline would fail later, far from the mistake.
            raise TypeError("when cannot be None")
        self._check_closed()
        if self._debug:
            self._check_thread()
            self._check_callback(callback, "call_at")
        timer = _OrderedTimerHandle(when, callback, args, self, context)
        self._timer_seq += 1
        timer._seq = self._timer_seq
        if timer._source_traceback:
            del timer._source_traceback[-1]
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def create_task(self, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        """Create a task: name it Task-N from this run's counter, and trace its coroutine."""
        self._check_closed()
        if not coroutines.iscoroutine(coro):
            # Let CPython raise its own TypeError for a non-coroutine.
            return super().create_task(coro, **kwargs)
        session = self._session
        task_id = session.next_task_id
        session.next_task_id += 1
        name = kwargs.get("name")
        if name is None:
            name = f"Task-{session.next_task_name}"
            session.next_task_name += 1
            kwargs["name"] = name
        qualname = coro_name(coro) if session.limits.trace else ""
        # The loop's own shutdown coroutines (asyncio.run runs them as tasks after main()) are
        # numbered like CPython numbers them, but not drawn.
        task: asyncio.Task[Any]
        if qualname and not qualname.startswith("BaseEventLoop."):
            session.instrument.task_spawned(
                task_id, str(name), session.current_task, qualname, caller_line()
            )
            traced = TracedCoroutine(coro, task_id, session)
            # A registered Coroutine at run time (tracer.py), which no type checker can see.
            task = super().create_task(traced, **kwargs)  # pyright: ignore[reportArgumentType, reportUnknownVariableType]
        else:
            task = super().create_task(coro, **kwargs)
            session.task_ids[task] = task_id
        return task

    def run_in_executor(self, executor: Any, func: Callable[..., Any], *args: Any) -> Any:
        """CPython's, on simulated threads (threads.py); the future is labelled for the trace."""
        future = super().run_in_executor(executor, func, *args)
        name = getattr(func, "__qualname__", None) or type(func).__name__
        self._session.thread_futures[future] = (f"run_in_executor({name})", None)
        return future

    def call_soon_threadsafe(
        self, callback: Callable[..., Any], *args: Any, context: Any = None
    ) -> events.Handle:
        """From a simulated thread, the callback runs at the thread's own virtual time."""
        when = threads.thread_time()
        if when is None or when <= self._clock.now:
            return super().call_soon_threadsafe(callback, *args, context=context)
        self._check_closed()
        return self.call_at(when, callback, *args, context=context)

    def add_signal_handler(self, sig: int, callback: Callable[..., Any], *args: Any) -> None:
        """Register a handler, with CPython's checks. It never fires: no signal can arrive in
        the playground, so a program that waits for one behaves as CPython does when none comes.
        """
        if coroutines.iscoroutine(callback) or inspect.iscoroutinefunction(callback):
            raise TypeError("coroutines cannot be used with add_signal_handler()")
        _check_signal(sig)
        self._check_closed()
        self._signal_handlers[sig] = events.Handle(callback, args, self, None)

    def remove_signal_handler(self, sig: int) -> bool:
        """Forget a handler; whether there was one."""
        _check_signal(sig)
        return self._signal_handlers.pop(sig, None) is not None

    def _stop_at_virtual_time(self) -> None:
        self._stop_at_limit(
            "virtual_time", limit_messages.virtual_time_message(self._session.limits)
        )

    def _stop_at_limit(self, limit: LimitName, message: str) -> None:
        session = self._session
        if session.halted is None:
            session.instrument.limit_reached(limit, message, session.instrument.last_line())
        self._silence_pending_tasks()
        raise session.halt(limit)

    def _report_deadlock(self) -> None:
        session = self._session
        pending = sorted(
            asyncio.all_tasks(self), key=lambda task: session.task_id_of(task) or 0
        )
        stuck = [describe_stuck(session, task) for task in pending]
        session.instrument.deadlocked(stuck)
        self._silence_pending_tasks()
        raise session.halt("deadlock")

    def _silence_pending_tasks(self) -> None:
        # A halted run leaves tasks pending on purpose; CPython would log "Task was destroyed
        # but it is pending!" for each when they are collected.
        for task in asyncio.all_tasks(self):
            # A private flag of asyncio's Task (the C Task has it too); typeshed does not list it.
            task._log_destroy_pending = False  # pyright: ignore[reportAttributeAccessIssue]


def _check_signal(sig: Any) -> None:
    """CPython's own check of a signal number (unix_events._UnixSelectorEventLoop)."""
    if not isinstance(sig, int):
        raise TypeError(f"sig must be an int, not {sig!r}")
    if sig not in signal.valid_signals():
        raise ValueError(f"invalid signal number {sig}")


class PlaygroundLoopPolicy(events._BaseDefaultEventLoopPolicy):
    """Every loop asyncio creates is a VirtualClockLoop of the active run.

    `asyncio.get_event_loop()` called by the program itself with no loop set creates one, as
    Python 3.10-3.13 did, and notes that plain 3.14 raises instead
    (docs/decisions/0002-get-event-loop-on-3-14.md). asyncio's own calls (`Future()`,
    `ensure_future`, `gather`, `shield`, `as_completed` outside a loop) raise as 3.14 does.
    """

    _loop_factory = VirtualClockLoop
    # The base policy's thread-local holding the current loop (`_local._loop`), undeclared there.
    _local: Any

    def get_event_loop(self) -> Any:
        """The current loop; created (with a note) when none is set and the program asked."""
        if self._local._loop is None:
            # asyncio.get_event_loop is C code, so the frame above this one is its caller.
            if not _calls_get_event_loop(sys._getframe(1)):
                return super().get_event_loop()
            session = _active
            loop = self.new_event_loop()
            self.set_event_loop(loop)
            if session is not None and not session.get_event_loop_noted:
                session.get_event_loop_noted = True
                session.instrument.note_added(
                    "get_event_loop_314", GET_EVENT_LOOP_NOTE, caller_line()
                )
        return self._local._loop


def _calls_get_event_loop(frame: FrameType) -> bool:
    """Whether `frame` is the program's code calling get_event_loop() right now.

    asyncio.Future() and the other functions that need a loop are C code as well, so the
    caller's frame alone cannot tell them apart: the expression the frame is evaluating can.
    """
    code = frame.f_code
    if code.co_filename != USER_FILE:
        return False
    positions = list(code.co_positions())
    index = frame.f_lasti // 2
    if index >= len(positions):
        return False
    first, last, start, end = positions[index]
    if first is None or last is None:
        return False
    lines = [linecache.getline(USER_FILE, number) for number in range(first, last + 1)]
    if start is not None and end is not None:
        lines[-1] = lines[-1][:end]
        lines[0] = lines[0][start:]
    return "get_event_loop" in "".join(lines)


GET_EVENT_LOOP_NOTE = (
    "asyncio.get_event_loop() was called with no event loop running. Python 3.10 to 3.13 "
    "quietly created a loop here (3.12 and 3.13 with a DeprecationWarning); plain Python 3.14 "
    "raises RuntimeError: There is no current event loop. The playground created one so that "
    "this older form still runs. The modern form is asyncio.run(main()): it creates a loop, "
    "runs main() to the end and closes the loop."
)
