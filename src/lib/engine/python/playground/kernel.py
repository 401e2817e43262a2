"""The run's simulated machine below the event loop: what happens at virtual times outside it.

A real program's loop waits in `select()` for the operating system: a packet arrives, a thread
finishes and wakes the loop. Here the operating system is this object. It holds a queue of timed
events (a network delivery, a simulated thread's result or printed line), the simulated threads
waiting for their turn to run, and the clock-polling model (docs/decisions/0094-clock-polling.md).
Every wait in the run, the loop's `select()` included, asks it what happens next and moves the
clock there.
"""

from __future__ import annotations

import heapq
import sys
from asyncio import events
from collections import deque
from typing import Any, Callable, NoReturn

from .limits import steps_message, virtual_time_message
from .session import RunSession, user_line

# After this many loop turns in a row at one instant in which the program read a clock, the
# program is polling the clock (`while time.time() < end: await asyncio.sleep(0)`) ...
POLLING_TURNS = 100
# ... and each further such turn costs this much virtual time, as a turn of a real loop does,
POLLING_TURN_COST = 0.001
# ... except the few turns after the clock reaches a timer, which run what the timer woke.
FREE_TURNS = 10
# A loop that turns this many times in a row at one instant with callbacks ready and no task
# step (a callback that schedules itself again) polls the clock too: CPython's loop reads its
# own clock every turn, and there its timers come due while the callbacks spin.
IDLE_TURNS = 10_000
# After this many clock reads in a row at one instant, with no task step between them, the code
# is spinning on the clock (`while time.time() < end: pass`, or an event loop built by hand
# that waits for its next timer) ...
SPINNING_READS = 1000
# ... and each further read costs this much virtual time, as reading a real clock does.
SPINNING_READ_COST = 0.00001

_active: Kernel | None = None


def active() -> Kernel | None:
    """The kernel of the run in progress, or None outside a run."""
    return _active


def activate(kernel: Kernel | None) -> None:
    """Make `kernel` the run's kernel (None when the run ends)."""
    global _active
    _active = kernel


class Kernel:
    """Timed events, simulated threads waiting to start, and the clock-polling model of one run."""

    def __init__(self, session: RunSession) -> None:
        self.session = session
        self._clock = session.clock
        # A heap of timed events; equal times stay in the order they were queued.
        self._events: list[TimedEvent] = []
        self._sequence = 0
        # Simulated threads started but not yet run: they run at the next wait (deferred start).
        self._starting: deque[Callable[[], None]] = deque()
        # The event loop whose select() is starting threads now (they may run its turns).
        self.selecting: Any = None
        # Turns of event loops other than the run's own (which count task steps instead).
        self._turns = 0
        # Clock polling: reads since the last loop turn, and turns in a row that read it.
        self._reads = 0
        self._polling_turns = 0
        self._turn_time = -1.0
        self._free_turns = 0
        # Turns in a row with no task step, and the clock reading and task step they share.
        self._idle_turns = 0
        self._idle_at: tuple[float, int] = (-1.0, -1)
        # Spinning on a clock: reads in a row, and the clock reading and task step they share.
        self._spinning_reads = 0
        self._spinning_at: tuple[float, int] = (-1.0, -1)

    # -- timed events ---------------------------------------------------------------------------

    def at(
        self, when: float, action: Callable[[], None], *, thread: bool = False
    ) -> TimedEvent | None:
        """Run `action` when the clock reaches `when`: at once if it already has (None), else
        return the queued event, which can be cancelled. `thread`: it is part of a simulated
        thread's work, which the program's end waits for (a packet still on its way is not)."""
        # Rounded to the nanosecond, as trace times are: 0.1 + 0.05 is 0.15.
        when = round(when, 9)
        if when <= self._clock.now:
            action()
            return None
        self._sequence += 1
        event = TimedEvent(when, self._sequence, action, thread)
        heapq.heappush(self._events, event)
        return event

    def next_time(self) -> float | None:
        """When the next timed event is due, or None when there is none."""
        events = self._events
        while events and events[0].cancelled:
            heapq.heappop(events)
        return events[0].when if events else None

    def advance(self, to: float) -> None:
        """Move the clock forwards to `to`, running every timed event due on the way, in order."""
        clock = self._clock
        events = self._events
        while True:
            when = self.next_time()
            if when is None or when > to:
                break
            event = heapq.heappop(events)
            if when > clock.now:
                clock.advance(when)
            event.action()
        if to > clock.now:
            clock.advance(to)

    def advance_checked(self, to: float, on_limit: Callable[[], None] | None = None) -> None:
        """`advance`, unless `to` is past the run's virtual-time limit: then the run stops
        (through `on_limit` when given: an event loop reports its own limits)."""
        session = self.session
        limits = session.limits
        if to != to:
            # A NaN deadline (call_later(nan)): CPython's loop finds it due at once.
            to = session.clock.now
        if to > limits.max_virtual_time:
            if on_limit is not None:
                on_limit()
            line = user_line(sys._getframe(1))
            session.instrument.limit_reached("virtual_time", virtual_time_message(limits), line)
            raise session.halt("virtual_time")
        self.advance(to)

    def deadlock(self) -> NoReturn:
        """Nothing can ever happen again: report the deadlock and end the run."""
        loop = events._get_running_loop()
        report = getattr(loop, "_report_deadlock", None)
        if report is not None:
            report()
        session = self.session
        session.instrument.deadlocked([])
        raise session.halt("deadlock")

    # -- simulated threads waiting to run -------------------------------------------------------

    def soon(self, start: Callable[[], None]) -> None:
        """Run `start` (a simulated thread) at the next wait: the loop's or a blocking call's."""
        self._starting.append(start)

    def start_waiting_threads(self, loop: Any = None) -> bool:
        """Run every simulated thread waiting to start, in the order started; True if any ran.

        `loop` is the event loop whose select() calls this: those threads may run its turns.
        """
        ran = False
        outer = self.selecting
        self.selecting = loop
        try:
            while self._starting:
                self._starting.popleft()()
                ran = True
        finally:
            self.selecting = outer
        return ran

    def finish(self) -> None:
        """The program is over: run every thread still waiting, and their timed events.

        CPython waits for a program's threads before it exits, so their output and time count;
        a packet still on its way is lost with the process.
        """
        while True:
            self.start_waiting_threads()
            later = [event.when for event in self._events if event.thread and not event.cancelled]
            if not later:
                break
            self.advance(min(later))

    def count_loop_turn(self) -> None:
        """A turn of an event loop the program built itself, or of a spin of callbacks with no
        task step: the step limit applies to those."""
        self._turns += 1
        limits = self.session.limits
        if self._turns > limits.max_steps:
            session = self.session
            line = user_line(sys._getframe(1))
            session.instrument.limit_reached("steps", steps_message(limits), line)
            raise session.halt("steps")

    # -- clock polling --------------------------------------------------------------------------

    def clock_read(self) -> None:
        """The program read a clock: counted to recognise polling, and spinning on it.

        Code that reads a clock SPINNING_READS times in a row while the clock stands still and no
        task step runs is spinning, and would wait for ever on a clock that only moves when the
        program waits: from then on each read moves the clock (a simulated thread's own clock,
        in a thread) by SPINNING_READ_COST, as reading a real clock takes time. Nothing else
        runs meanwhile: a spin blocks whatever called it, as it does in CPython.
        """
        self._reads += 1
        clock = self._clock
        at = (clock.time(), self.session.steps)
        if at != self._spinning_at:
            self._spinning_at = at
            self._spinning_reads = 0
            return
        self._spinning_reads += 1
        if self._spinning_reads < SPINNING_READS:
            return
        if clock.thread_elapsed is not None:
            clock.thread_elapsed += SPINNING_READ_COST
        else:
            self.advance_checked(round(clock.now + SPINNING_READ_COST, 9))
        self._spinning_at = (clock.time(), self.session.steps)

    def loop_turn(self, next_timer: float | None, on_limit: Callable[[], None] | None) -> None:
        """An event loop turn with callbacks ready: it costs time only while the program polls.

        Once the program has read a clock in each of the last POLLING_TURNS turns while the
        clock stood still, it is polling, and each further such turn moves the clock by
        POLLING_TURN_COST, never past the loop's next timer (`next_timer`) or the next timed
        event. Landing on one of those gives FREE_TURNS free turns, so that what the timer wakes
        up runs at the timer's own time, as it would when nobody polls. IDLE_TURNS turns in a row
        at one instant with no task step between them count as polling, clock read or not.
        """
        clock = self._clock
        now = clock.now
        if self._reads and now == self._turn_time:
            self._polling_turns += 1
        else:
            self._polling_turns = 0
        self._reads = 0
        self._turn_time = now
        at = (now, self.session.steps)
        if at == self._idle_at:
            self._idle_turns += 1
        else:
            self._idle_at = at
            self._idle_turns = 0
        if self._polling_turns < POLLING_TURNS and self._idle_turns < IDLE_TURNS:
            return
        if self._idle_turns >= IDLE_TURNS:
            # No task step limits a spin of callbacks: its turns count as steps instead.
            self.count_loop_turn()
        if self._free_turns:
            self._free_turns -= 1
            return
        # Rounded to the nanosecond, as trace times are: a thousand turns of 1 ms land on 1.0.
        target = round(now + POLLING_TURN_COST, 9)
        for bound in (next_timer, self.next_time()):
            if bound is not None and bound <= target:
                target = bound
                self._free_turns = FREE_TURNS
        self.advance_checked(target, on_limit)
        self._turn_time = clock.now
        self._idle_at = (clock.now, self.session.steps)


class TimedEvent:
    """Something the kernel does at a virtual time; cancelled events are skipped."""

    __slots__ = ("when", "_sequence", "action", "thread", "cancelled")

    def __init__(
        self, when: float, sequence: int, action: Callable[[], None], thread: bool
    ) -> None:
        self.when = when
        self._sequence = sequence
        self.action = action
        self.thread = thread
        self.cancelled = False

    def cancel(self) -> None:
        """Do not run this event, and let the clock not stop for it."""
        self.cancelled = True

    def __lt__(self, other: TimedEvent) -> bool:
        return (self.when, self._sequence) < (other.when, other._sequence)
