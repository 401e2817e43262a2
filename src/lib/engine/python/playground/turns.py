"""One turn of the event loop, recorded: CPython 3.14's `BaseEventLoop._run_once`, statement for
statement, with the recording added where it happens.

The loop keeps the callbacks it will run next in `_ready`, a deque: `call_soon` appends a handle
(VirtualClockLoop._call_soon numbers it and reports it), each turn appends the timers that
became due and then pops and runs exactly the handles that were there when the turn began. Owning
the turn records the real queue at no extra cost per handle: no wrapper objects and no overridden
deque methods (docs/decisions/0100-recording-the-loop.md). `tests/engine/loop-replay.spec.ts`
checks that CPython's `_run_once` is still the one copied here.

The timers' heap holds `(deadline, number, timer)` entries (`loop._timers`, loop.heap_entry) where
CPython's holds the timers, so the statements that read it take the timer out of its entry.

Added to CPython's statements: the turn is reported after the selector (which moves the virtual
clock, loop.py) and the I/O callbacks it found, each due timer is listed in it, and each handle
runs in `run_handle`, where the session knows which handle (and which task's step) is running.
"""

from __future__ import annotations

import heapq
from asyncio import base_events
from asyncio.log import logger
from time import perf_counter as _real_clock
from typing import TYPE_CHECKING, Any, Callable

from .handles import NumberedHandle, OrderedTimerHandle

if TYPE_CHECKING:
    from .loop import VirtualClockLoop

# A task step that runs longer than this in real time is reported: CPU work costs no virtual
# time (docs/decisions/0001-virtual-time.md), so without a note it would be invisible. High
# enough that ordinary steps on a busy machine stay below it.
CPU_NOTE_SECONDS = 0.25

# CPython's own values and helper (typeshed does not declare them).
_MIN_SCHEDULED_TIMER_HANDLES: int = getattr(base_events, "_MIN_SCHEDULED_TIMER_HANDLES")
_MIN_CANCELLED_TIMER_HANDLES_FRACTION: float = getattr(
    base_events, "_MIN_CANCELLED_TIMER_HANDLES_FRACTION"
)
MAXIMUM_SELECT_TIMEOUT: float = getattr(base_events, "MAXIMUM_SELECT_TIMEOUT")
_format_handle: Callable[[Any], str] = getattr(base_events, "_format_handle")


def run_turn(loop: VirtualClockLoop) -> None:
    """Run one full iteration of the event loop (`_run_once`), recorded."""
    sched_count = len(loop._timers)
    if (
        sched_count > _MIN_SCHEDULED_TIMER_HANDLES
        and loop._timer_cancelled_count / sched_count > _MIN_CANCELLED_TIMER_HANDLES_FRACTION
    ):
        # Remove delayed calls that were cancelled if their number is too high.
        new_scheduled: list[Any] = []
        for entry in loop._timers:
            handle = entry[2]
            if handle._cancelled:
                handle._scheduled = False
            else:
                new_scheduled.append(entry)

        heapq.heapify(new_scheduled)
        loop._timers = new_scheduled
        loop._timer_cancelled_count = 0
    else:
        # Remove delayed calls that were cancelled from head of queue.
        while loop._timers and loop._timers[0][2]._cancelled:
            loop._timer_cancelled_count -= 1
            handle = heapq.heappop(loop._timers)[2]
            handle._scheduled = False

    timeout: Any = None
    if loop._ready or loop._stopping:
        timeout = 0
    elif loop._timers:
        # Compute the desired timeout.
        timeout = loop._timers[0][2]._when - loop.time()
        if timeout > MAXIMUM_SELECT_TIMEOUT:
            timeout = MAXIMUM_SELECT_TIMEOUT
        elif timeout < 0:
            timeout = 0

    event_list = loop._selector.select(timeout)
    loop._process_events(event_list)
    # Recorded: the turn begins; `due` collects the timers that join the ready queue. After the
    # I/O callbacks the selector found ready have joined it (like a callback of the code that ran
    # the loop, before the turn), before the due timers join it after them.
    due = loop.turn_began()
    # Needed to break cycles when an exception occurs.
    event_list = None

    # Handle 'later' callbacks that are ready.
    end_time = loop.time() + loop._clock_resolution
    while loop._timers:
        handle = loop._timers[0][2]
        if handle._when >= end_time:
            break
        handle = heapq.heappop(loop._timers)[2]
        handle._scheduled = False
        loop._ready.append(handle)
        # Recorded: a due timer (a cancelled one is skipped later, unlisted).
        if due is not None and not handle._cancelled and type(handle) is OrderedTimerHandle:
            due.append(handle._number)
            handle._queued = True
    # Recorded (debug option loop_snapshots): the real queue and heap, for the test that checks
    # the queue the replay rebuilds from the trace.
    if due is not None:
        loop.session.instrument.turn_listed()
        if loop.session.limits.loop_snapshots:
            loop.snapshot_queue()

    # This is the only place where callbacks are actually *called*. All other places just add
    # them to ready. Note: We run all currently scheduled callbacks, but not any callbacks
    # scheduled by callbacks run this time around -- they will be run the next time (after
    # another I/O poll). Use an idiom that is thread-safe without using locks.
    ntodo = len(loop._ready)
    # Recorded: how many handles the trace knows were taken out (reported at the next turn).
    taken = 0
    session = loop.session
    traced = loop.traced
    try:
        for _ in range(ntodo):
            handle = loop._ready.popleft()
            kind = type(handle)  # pyright: ignore[reportUnknownVariableType]
            known = kind is NumberedHandle or (kind is OrderedTimerHandle and handle._queued)
            if known:
                taken += 1
            if handle._cancelled:
                if known:
                    loop.handle_skipped(handle)
                continue
            if loop._debug:
                try:
                    loop._current_handle = handle
                    t0 = loop.time()
                    run_handle(loop, handle, known)
                    dt = loop.time() - t0
                    if dt >= loop.slow_callback_duration:
                        logger.warning("Executing %s took %.3f seconds", _format_handle(handle), dt)
                finally:
                    loop._current_handle = None
            elif traced and (kind is not NumberedHandle or handle._task_id is None):
                # Recorded: a callback (the common case, inline; run_handle does the rest).
                session.running_handle = handle._number if known else None
                session.running_callback = handle._callback
                try:
                    handle._run()
                finally:
                    session.running_handle = None
                    session.running_callback = None
            else:
                run_handle(loop, handle, known)
        handle = None  # Needed to break cycles when an exception occurs.
    finally:
        loop.taken += taken


def run_handle(loop: VirtualClockLoop, handle: Any, known: bool) -> None:
    """Run one handle, with the session knowing which it is; a task step is counted and traced.

    A step of one of the run's tasks counts against max_steps, traced or not; in a traced run it
    is reported before (task_resumed) and after (what the task now awaits, or how it ended).
    Anything else (a callback, a step of the loop's own tasks) runs as itself, the session knowing
    which handle runs.
    """
    session = loop.session
    task_id: int | None = handle._task_id if type(handle) is NumberedHandle else None
    if task_id is not None and task_id in session.internal_tasks:
        task_id = None
    if not loop.traced:
        if task_id is not None:
            session.steps += 1
        handle._run()
        return
    previous_handle = session.running_handle
    session.running_handle = handle._number if known else None
    if task_id is None:
        previous_callback = session.running_callback
        session.running_callback = handle._callback
        try:
            handle._run()
        finally:
            session.running_handle = previous_handle
            session.running_callback = previous_callback
        return
    previous_task = session.current_task
    session.current_task = task_id
    session.steps += 1
    instrument = session.instrument
    instrument.before_task_step(task_id, session.steps)
    started = _real_clock()
    try:
        handle._run()
    finally:
        elapsed = _real_clock() - started
        session.current_task = previous_task
        session.running_handle = previous_handle
        instrument.after_task_step(task_id, handle._task)
        if elapsed > CPU_NOTE_SECONDS:
            instrument.long_step(task_id, elapsed)
