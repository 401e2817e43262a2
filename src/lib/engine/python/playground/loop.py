"""The virtual-clock event loop: CPython's own selector event loop, with time that jumps, recorded.

Only the parts that read or wait on the clock are replaced. `select(timeout)` is where a real loop
sleeps; here it moves the virtual clock to the next timer's deadline instead, so a program that
sleeps for an hour finishes in milliseconds and reads the same times on every run.

The loop is also where a run is recorded (docs/architecture.md, "Recording the loop"): every
handle is numbered as it is scheduled (`_call_soon`, `call_at`), each turn is CPython's own
`_run_once` with the recording added (turns.py), and tasks are numbered as they are created.
The user's coroutine goes to its task untouched.
"""

from __future__ import annotations

import asyncio
import collections
import heapq
import inspect
import linecache
import re
import signal
import sys
from asyncio import coroutines, events, selector_events
from types import FrameType, FunctionType
from typing import Any, Callable

from . import limits as limit_messages
from . import loopback, threads
from .events import LimitName
from .handles import NumberedHandle, OrderedTimerHandle, adopt, has_started, task_of
from .session import USER_FILE, RunHalted, RunSession, caller_line
from .tracer import coro_name, describe_origin, describe_stuck
from .turns import run_turn

#: The name CPython gives a task nobody named (from its process-wide counter).
_DEFAULT_NAME = re.compile(r"Task-\d+")

_active: RunSession | None = None


def activate(session: RunSession | None) -> None:
    """Make `session` the one loops built without an explicit session belong to."""
    global _active
    _active = session


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
        # The timer the clock last jumped to (None: the last select did not move it to a timer).
        self.jumped_to: OrderedTimerHandle | None = None

    def _wait(
        self, readers: set[int], writers: set[int], timeout: float | None
    ) -> tuple[set[int], set[int]]:
        loop = self._loop
        session = loop.session
        self.jumped_to = None
        if session.halted is not None:
            raise RunHalted(session.halted)
        if session.steps > session.limits.max_steps:
            loop._stop_at_limit("steps", limit_messages.steps_message(session.limits))
        if timeout is not None and timeout != timeout:
            # A NaN deadline first in the heap (`call_later(nan)` with nothing ready): CPython's
            # loop passes the NaN on, and Linux's epoll selector fails on it, with these words.
            raise ValueError("cannot convert float NaN to integer")
        timer: Any = loop._timers[0][2] if loop._timers else None
        before = session.clock.now
        ready = loop._network.wait(
            readers,
            writers,
            timeout,
            loop=loop,
            next_timer=timer._when if timer is not None else None,
            on_deadlock=loop._report_deadlock,
            on_limit=loop._stop_at_virtual_time,
        )
        now = session.clock.now
        # The clock moved to the next timer's deadline (not to a delivery or a thread's event).
        if timer is not None and before < now and timer._when <= now:
            if type(timer) is OrderedTimerHandle and not timer._cancelled:
                self.jumped_to = timer
        return ready


class VirtualClockLoop(selector_events.BaseSelectorEventLoop):
    """An asyncio event loop on the run's virtual clock, with every handle and task recorded."""

    # BaseEventLoop's own state and checks that this loop uses, which typeshed does not declare.
    _ready: collections.deque[Any]
    # The timers, as `heap_entry`s: CPython's `_scheduled` heap, compared natively.
    _timers: list[tuple[float, int, OrderedTimerHandle]]
    _closed: bool
    _stopping: bool
    _timer_cancelled_count: int
    _current_handle: Any
    _task_factory: Any
    _debug: bool
    _check_closed: Callable[[], None]
    _check_thread: Callable[[], None]
    _check_callback: Callable[[Callable[..., Any], str], None]
    # BaseSelectorEventLoop's, undeclared there too.
    _selector: _VirtualSelector
    _process_events: Callable[[list[Any]], None]

    def __init__(self, session: RunSession | None = None) -> None:
        chosen = session if session is not None else _active
        if chosen is None:
            raise RuntimeError("VirtualClockLoop needs an active playground run")
        self.session: RunSession = chosen
        self._clock = chosen.clock
        # The run's in-memory network, which the loop's select() waits on.
        self._network = loopback.active()
        super().__init__(_VirtualSelector(self))
        # Signal handlers the program registered (add_signal_handler); none ever fires.
        self._signal_handlers: dict[int, events.Handle] = {}
        # Timers due within this much of the clock run together; the clock is exact here.
        self._clock_resolution = 1e-9
        chosen.loops.append(self)
        # This loop's number in the run (the trace names loops by it).
        self.loop_id = len(chosen.loops)
        self.traced = chosen.limits.trace
        # Whether the loop itself is recorded (turns, handles: trace version 2) besides the tasks.
        self.recording = self.traced and chosen.limits.trace_loop
        # Handles the trace knows were taken from the ready queue since the last turn.
        self.taken = 0

    @property
    def _scheduled(self) -> list[Any]:
        """CPython's heap of timers, as its own loop holds it, for code that reads it.

        The loop's own heap is `_timers` (see `heap_entry`); CPython's code that uses this one
        (`_run_once`, `call_at`, cancelling a timer) is this class's own, except `close`'s clear.
        """
        return [entry[2] for entry in self._timers]

    @_scheduled.setter
    def _scheduled(self, timers: list[Any]) -> None:
        self._timers = [heap_entry(timer) for timer in timers]
        heapq.heapify(self._timers)

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

    def _add_callback(self, handle: events.Handle) -> None:
        """A reader or writer the selector found ready joins the ready queue (selector_events).

        CPython appends the handle add_reader made, which has no number; it is queued through
        `_call_soon` instead, numbered and recorded like any callback, and runs the reader's
        callback unless the reader was removed meanwhile (CPython skips a cancelled handle).
        """
        if not handle._cancelled:
            self._call_soon(_run_io_callback, (handle,), None)

    def _run_once(self) -> None:
        """One turn: CPython's own, recorded (turns.py)."""
        run_turn(self)

    def _call_soon(
        self, callback: Callable[..., Any], args: tuple[Any, ...], context: Any
    ) -> events.Handle:
        """Schedule a callback, numbered; a task's step remembers its task. CPython's, plus that."""
        handle = NumberedHandle(callback, args, self, context)
        if handle._source_traceback:
            del handle._source_traceback[-1]
        session = self.session
        session.next_handle += 1
        handle._number = session.next_handle
        # Most callbacks are plain functions, never a task's step: decided without a call.
        task = None if type(callback) is FunctionType else task_of(callback)
        task_id = None
        if task is not None:
            task_id = session.task_ids.get(id(task))
            if task_id is None:
                task_id = adopt(session, task)
        handle._task = task
        handle._task_id = task_id
        self._ready.append(handle)
        if self.recording:
            session.instrument.handle_ready(self.loop_id, handle._number, handle, task_id)
        return handle

    def call_at(
        self, when: float | None, callback: Callable[..., Any], *args: Any, context: Any = None
    ) -> events.TimerHandle:
        """Set a timer, numbered; equal deadlines fire in the order they were set."""
        if when is None:
            # CPython's own check, kept: a None deadline would fail later, far from the mistake.
            raise TypeError("when cannot be None")
        self._check_closed()
        if self._debug:
            self._check_thread()
            self._check_callback(callback, "call_at")
        timer = OrderedTimerHandle(when, callback, args, self, context)
        session = self.session
        session.next_handle += 1
        timer._number = session.next_handle
        timer._queued = False
        if timer._source_traceback:
            del timer._source_traceback[-1]
        heapq.heappush(self._timers, heap_entry(timer))
        timer._scheduled = True
        if self.recording:
            session.instrument.timer_added(self.loop_id, timer)
        return timer

    def _timer_handle_cancelled(self, handle: Any) -> None:
        """A timer was cancelled (CPython's two lines, which leave it in the heap); the trace
        drops it now. One that already left the heap (every sleep cancels its fired timer) is not
        a cancellation the trace shows: a due one still in the ready queue is skipped there."""
        if handle._scheduled:
            self._timer_cancelled_count += 1
            if self.recording and type(handle) is OrderedTimerHandle:
                session = self.session
                session.instrument.timer_cancelled(
                    self.loop_id, handle._number, session.running_handle
                )

    def turn_began(self) -> list[int] | None:
        """A turn begins (the selector has returned): count it and record it.

        Returns the list the turn's due timers go into, when the turn is recorded.
        """
        session = self.session
        session.turns += 1
        if not self.recording:
            return None
        jumped = self._selector.jumped_to
        taken = self.taken
        self.taken = 0
        return session.instrument.turn_began(
            self.loop_id, session.turns, taken, jumped._number if jumped is not None else None
        )

    def snapshot_queue(self) -> None:
        """Debug (loop_snapshots): record the real ready queue and live timers, by number."""
        ready: list[int] = []
        for handle in self._ready:
            kind = type(handle)  # pyright: ignore[reportUnknownVariableType]
            if kind is NumberedHandle or (kind is OrderedTimerHandle and handle._queued):
                ready.append(handle._number)
            elif not handle._cancelled:
                ready.append(-1)
        live = sorted(
            (entry[2] for entry in self._timers if not entry[2]._cancelled),
            key=lambda timer: (timer._when, getattr(timer, "_number", -1)),
        )
        timers = [getattr(timer, "_number", -1) for timer in live]
        self.session.instrument.loop_snapshot(ready, timers)

    def handle_skipped(self, handle: Any) -> None:
        """The turn skipped a handle that was cancelled while in the ready queue."""
        if self.recording:
            self.session.instrument.handle_skipped(self.loop_id, handle._number)

    def close(self) -> None:
        """Close the loop; its ready queue and timers are dropped, and the trace says so."""
        was_open = not self._closed
        super().close()
        if was_open and self._closed:
            # CPython's close clears `_scheduled`, which is a copy here.
            self._timers.clear()
        if was_open and self._closed and self.recording:
            taken = self.taken
            self.taken = 0
            self.session.instrument.loop_closed(self.loop_id, taken)

    def create_task(self, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        """Create a task: name it Task-N from this run's counter, number it and record it.

        The coroutine goes to the task (or the task factory) untouched. An eager task runs its
        first step inside this call (asyncio.eager_task_factory), which is recorded as a step.
        """
        self._check_closed()
        if not coroutines.iscoroutine(coro):
            # Let CPython raise its own TypeError for a non-coroutine.
            return super().create_task(coro, **kwargs)
        session = self.session
        task_id = session.next_task_id
        session.next_task_id += 1
        name = kwargs.get("name")
        numbered = name is None
        if numbered:
            name = f"Task-{session.next_task_name}"
            session.next_task_name += 1
            # A task factory gets exactly CPython's arguments (`def factory(loop, coro)` takes no
            # name=); its task is given the run's number once made, below.
            if self._task_factory is None:
                kwargs["name"] = name
        qualname = coro_name(coro)
        eager: _EagerStep | None = None
        # The loop's own shutdown coroutines (asyncio.run runs them as tasks after main()) are
        # numbered like CPython numbers them, but not drawn.
        if qualname.startswith("BaseEventLoop."):
            session.internal_tasks.add(task_id)
        else:
            if self.traced:
                api, line = describe_origin(0) if self.recording else (None, None)
                if line is None:
                    # Created by a callback the loop runs: the line that started the loop.
                    line = caller_line()
                session.instrument.task_spawned(
                    task_id, str(name), session.current_task, qualname, line, api, coro
                )
            # Only a task factory or eager_start=True can start a task inside create_task.
            if self._task_factory is not None or kwargs.get("eager_start"):
                eager = _EagerStep(session, task_id, self.traced)
        session.creating.append(task_id)
        task: asyncio.Task[Any] | None = None
        try:
            task = super().create_task(coro, **kwargs)
            if numbered and self._task_factory is not None and _DEFAULT_NAME.fullmatch(
                str(task.get_name())
            ):
                task.set_name(name)
            return task
        finally:
            if session.creating.pop() > 0 and task is not None:
                session.bind(task, task_id)
            if eager is not None:
                eager.finish(task, coro)
            # CPython drops its reference in a finally too (gh-128552): otherwise a task that
            # failed in an eager first step keeps this frame, and itself, alive in a cycle through
            # its exception's traceback.
            del task

    def run_in_executor(self, executor: Any, func: Callable[..., Any], *args: Any) -> Any:
        """CPython's, on simulated threads (threads.py); the future is labelled for the trace."""
        future = super().run_in_executor(executor, func, *args)
        name = getattr(func, "__qualname__", None) or type(func).__name__
        self.session.thread_futures[future] = (f"run_in_executor({name})", None)
        return future

    def call_soon_threadsafe(
        self, callback: Callable[..., Any], *args: Any, context: Any = None
    ) -> events.Handle:
        """From a simulated thread, the callback runs at the thread's own virtual time.

        When that time has come, it joins the ready queue through `_call_soon`, numbered and
        recorded like any callback: CPython's makes a `_ThreadSafeHandle` (a handle whose cancel
        takes a lock, which simulated threads never contend for) and appends it itself.
        """
        self._check_closed()
        if self._debug:
            self._check_callback(callback, "call_soon_threadsafe")
        when = threads.thread_time()
        if when is None or when <= self._clock.now:
            handle = self._call_soon(callback, args, context)
            if handle._source_traceback:
                del handle._source_traceback[-1]
            return handle
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
            "virtual_time", limit_messages.virtual_time_message(self.session.limits)
        )

    def _stop_at_limit(self, limit: LimitName, message: str) -> None:
        session = self.session
        if session.halted is None:
            session.instrument.limit_reached(limit, message, session.instrument.last_line())
        self._silence_pending_tasks()
        raise session.halt(limit)

    def _report_deadlock(self) -> None:
        session = self.session
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


class _EagerStep:
    """The first step an eager task may run inside create_task, counted and recorded if it did.

    Whether the task factory starts the task at once is known only afterwards, so the step is
    prepared before (its task is the current one, its step number taken, the recorder marks its
    place) and kept or given back after.
    """

    __slots__ = ("_session", "_task_id", "_traced", "_previous", "_step", "_mark")

    def __init__(self, session: RunSession, task_id: int, traced: bool) -> None:
        self._session = session
        self._task_id = task_id
        self._traced = traced
        self._previous = session.current_task
        # The mark first: it names the callback running, if any, before the task becomes current.
        self._mark: Any = session.instrument.eager_step_began() if traced else None
        session.steps += 1
        self._step = session.steps
        if traced:
            session.current_task = task_id

    def finish(self, task: Any, coro: Any) -> None:
        """The factory returned `task` (None if it raised): keep the step or give it back."""
        session = self._session
        session.current_task = self._previous
        started = task is not None and has_started(task, coro)
        if not started and session.steps == self._step:
            session.steps -= 1
        if not self._traced:
            return
        instrument = session.instrument
        instrument.eager_step_ended(self._mark, self._task_id if started else None, self._step)
        if started:
            instrument.after_task_step(self._task_id, task)


def heap_entry(timer: OrderedTimerHandle) -> tuple[float, int, OrderedTimerHandle]:
    """The loop's heap entry for `timer`: ordered by deadline, then by its number in the run.

    A tuple, so that the heap compares entries natively: a Python `__lt__` on the timers, called
    about 17 times a push or pop in a heap of 100,000, was most of what the heap cost.
    """
    when: float = timer._when
    # Only a float: another type that is not equal to itself (a Decimal NaN) keeps its own `<`.
    if when != when and type(when) is float:
        # A tuple takes items that are the same object as equal, which a NaN never is: a fresh NaN
        # leaves two timers set with one NaN object unordered, as their deadlines' `<` leaves them.
        return (float("nan"), timer._number, timer)
    entry: tuple[float, int, OrderedTimerHandle] = (when, timer._number, timer)
    return entry


def _run_io_callback(handle: events.Handle) -> None:
    """Run a ready reader's or writer's handle, unless it was cancelled after it was queued."""
    if not handle._cancelled:
        handle._run()


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
