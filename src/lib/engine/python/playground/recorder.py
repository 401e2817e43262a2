"""The recording instrument: turns the engine's hooks into trace events (events.py).

Task events (created, resumed, suspended, done) and the loop's events (turn, ready, timer,
cancelled, loop_closed) count against max_events; beyond it they are dropped and counted
(`_room_left`). Output, warnings, errors, deadlocks, limits and run_end are always kept, as are
the events that only give meaning to others (label, loop, callback).
"""

from __future__ import annotations

import asyncio
import gc
import json
import linecache
import traceback
from types import CodeType
from typing import TYPE_CHECKING, Any, Callable, Sequence

from . import events
from .calls import CallArguments
from .events import Event, EventText, LimitName, Stream, trace_time
from .instrument import Instrument
from .limits import Limits, events_truncated_message
from .session import USER_FILE, VirtualClock, traceback_line
from .tracebacks import strip_engine_frames
from .tracer import (
    SLEEP_TIMER_CALLBACK,
    coro_name,
    describe_origin,
    describe_sleep_timer,
    describe_wait,
    quiet_callback,
)

if TYPE_CHECKING:
    from asyncio import events as asyncio_events

    from .handles import OrderedTimerHandle
    from .session import RunSession

_RESULT_CHARS = 200
# Events are encoded to JSON text in batches of this many, so that the collector never has
# tens of thousands of live event dicts to traverse while the user's program runs.
_BATCH_SIZE = 4096
# A `handles` event carries at most about this many numbers (the contract's longest list is
# 100,000); then the next one begins.
_FACTS_PER_EVENT = 65_536
# At most this many cpu_work notes per run: the first few make the point.
_MAX_LONG_STEP_NOTES = 5
# The JSON texts of awaitings and chain frames kept (`_SharedTexts`): far more than the await
# sites of a program, few enough that one made for a single event does not live long.
_SHARED_TEXTS = 4096


class TraceRecorder(Instrument):
    """Records every hook as a trace event, in the order the hooks fire."""

    def __init__(self, limits: Limits, clock: VirtualClock) -> None:
        self._limits = limits
        # Every event is stamped with the clock's reading, already rounded (clock.t).
        self._clock = clock
        # Events since the last encoding (see encode_so_far), and the JSON text of those before.
        self._batch: list[Event | EventText] = []
        self._encoded: list[str] = []
        # How many more task events fit under max_events.
        self._room = limits.max_events
        self.dropped = 0
        self._last_line: int | None = None
        self._long_steps = 0
        self._names: dict[int, str] = {}
        self._arguments = CallArguments()
        self._session: RunSession | None = None
        # Label numbers of the function names sent so far, by name and by code object.
        self._labels: dict[str, int] = {}
        self._code_labels: dict[CodeType, int] = {}
        # Facts (events.READY, TIMER, CANCELLED records) about loop `_facts_loop` not yet sent in
        # a `handles` event.
        self._facts: list[float] = []
        self._facts_loop = 0
        # The handle the last event named, in `by` or as a callback (see `_name_running`).
        self._named: int | None = None
        # The task create_task last recorded, and what created it (api, line): its first step is
        # scheduled next, from the same place.
        self._spawned: int | None = None
        self._spawned_origin: tuple[CodeType | None, int | None] = (None, None)
        # The running callback whose origin `_quiet` holds (tracer.quiet_callback).
        self._quiet_for: Any = None
        self._quiet: CodeType | None = None
        self._texts = _SharedTexts()
        # While above 0, the batch is not encoded: an eager first step is in progress, whose
        # task_resumed is inserted at a position marked in it (`eager_step_ended`), or a turn's
        # list of due timers is being filled (`turn_listed`).
        self._holding = 0

    def attach(self, session: RunSession) -> None:
        """Read tasks, the running handle and thread futures from `session`."""
        self._session = session

    # -- run boundaries -------------------------------------------------------------------------

    def run_started(self, python: str) -> None:
        """The first event of every trace."""
        self._batch.append(events.run_start(python, self._limits.as_dict()))

    def run_ended(self, steps: int, real_ms: float) -> None:
        """The last event of every trace."""
        self._batch.append(events.run_end(self._clock.t, steps, real_ms, self.dropped))

    def encode_so_far(self) -> None:
        """Encode the events so far to JSON text and drop them.

        The final gc.collect() of a run (which flushes never-awaited warnings) would otherwise
        traverse every recorded event: 0.3 s for 3,000 tasks, more than the tracing itself.
        """
        self._send_facts()
        if self._batch:
            self._encoded.append(_encode_batch(self._batch))
            self._batch = []

    def to_json(self) -> str:
        """The whole trace as a JSON list."""
        self.encode_so_far()
        return "[" + ",".join(self._encoded) + "]"

    def encoded_since(self, start: int) -> list[str]:
        """For progress reports: the encoded batches from `start` on, the pending events included.

        Each is a comma-joined list of events, and later ones never change: the final trace is the
        same batches joined. Nothing new while the batch is held (`_holding`).
        """
        if self._holding:
            return []
        self.encode_so_far()
        return self._encoded[start:]

    # -- task events (capped) -------------------------------------------------------------------

    def mute(self) -> None:
        """The run is over: nothing more is recorded or counted as dropped."""
        self.muted = True
        self._room = 0

    def last_line(self) -> int | None:
        """The user's line where the last task step suspended or raised."""
        return self._last_line

    def _room_left(self) -> bool:
        """Whether max_events has room for one more event; if not, count one dropped."""
        if self._room > 0:
            return True
        if not self.muted:
            self.dropped += 1
        return False

    def _keep(self, event: Event) -> None:
        """Keep a counted event; the caller checked `_room_left`."""
        self._batch.append(event)
        self._keep_counted()

    def _keep_counted(self) -> None:
        # One more event or fact was kept.
        self._room -= 1
        if self._room == 0:
            self._truncated()

    def _truncated(self) -> None:
        # The last counted event was kept: say that the trace is cut from here on.
        self._send_facts()
        self._batch.append(
            events.note(
                self._clock.t, "events_truncated", events_truncated_message(self._limits), None
            )
        )

    def _task_event(self, build: Callable[..., EventText | None], *args: Any) -> None:
        """Record the task event `build(*args)` while max_events has room; else count it dropped.

        The event is built only when it will be kept, because building one (describing a wait, the
        repr of a result) is most of what tracing costs. `build` returns None when it failed and
        tracing has stopped. Called for every task event, so the cap is kept inline here.
        """
        if self._room <= 0:
            if not self.muted:
                self.dropped += 1
            return
        session = self._session
        if session is not None and session.running_callback is not None:
            self._name_running()
        event = build(*args)
        if event is None:
            return
        self._batch.append(event)
        self._room -= 1
        if self._room == 0:
            self._truncated()

    def task_spawned(
        self,
        task: int,
        name: str,
        parent: int | None,
        coro: str,
        line: int | None,
        api: CodeType | None = None,
        coroutine: Any = None,
    ) -> None:
        """Record task_created; its first step's ready event will have the same origin."""
        self._names[task] = name
        self._spawned = task
        self._spawned_origin = (api, line)
        self._task_event(self._created, task, name, parent, coro, coroutine, line)

    def _created(
        self, task: int, name: str, parent: int | None, coro: str, coroutine: Any, line: int | None
    ) -> EventText:
        # The arguments are written only for an event that will be kept (see _task_event).
        arguments = self._arguments.of(coroutine)
        return events.task_created(self._clock.t, task, name, parent, coro, arguments, line)

    def before_task_step(self, task: int, step: int) -> None:
        """Record task_resumed (which also names the handle the loop runs)."""
        # Run for every step, so `_task_event` is written out here: no build callable, no *args.
        # Once per step is often enough to keep the batches near _BATCH_SIZE events.
        if len(self._batch) >= _BATCH_SIZE and not self._holding:
            self.encode_so_far()
        session = self._session
        assert session is not None
        # The step names its handle itself, so `_name_running` has nothing to say before it.
        self._named = session.running_handle
        if self._room <= 0:
            if not self.muted:
                self.dropped += 1
            return
        self._batch.append(events.task_resumed(self._clock.t, task, step))
        self._room -= 1
        if self._room == 0:
            self._truncated()

    def after_task_step(self, task_id: int, task: Any) -> None:
        """Record task_suspended, with what the task now waits for, or task_done."""
        # `_task_event` written out, as in before_task_step.
        if self._room <= 0:
            if not self.muted:
                self.dropped += 1
            return
        session = self._session
        assert session is not None
        if session.running_callback is not None:
            self._name_running()
        if task.done():
            event = self._exit(task_id, task)
        else:
            try:
                waits_for, line, chain = describe_wait(session, task.get_coro(), task._fut_waiter)
            except Exception as failure:  # whatever failed, it is reported, never fatal
                self._hook_failed("after_task_step", failure)
                return
            self._last_line = line
            texts = self._texts
            event = events.task_suspended(
                self._clock.t, task_id, texts.of(waits_for), line, texts.of_list(chain)
            )
        self._batch.append(event)
        self._room -= 1
        if self._room == 0:
            self._truncated()

    def eager_step_began(self) -> Any:
        """Mark where an eager first step's task_resumed goes, should the task run one."""
        self._name_running()
        self._holding += 1
        return (len(self._batch), self._clock.t)

    def eager_step_ended(self, mark: Any, task: int | None, step: int) -> None:
        """Insert the task_resumed of an eager first step before the events the step made."""
        self._holding -= 1
        if task is None or not self._room_left():
            return
        position, t = mark
        self._batch.insert(position, events.task_resumed(t, task, step))
        self._room -= 1

    def _exit(self, task_id: int, task: Any) -> Event | EventText:
        if task.cancelled():
            cancellation = _cancellation_of(task)
            line = traceback_line(cancellation.__traceback__) if cancellation else None
            if line is not None:
                self._last_line = line
            return events.task_cancelled(self._clock.t, task_id, line)
        error = task._exception
        if error is None:
            return events.task_returned(self._clock.t, task_id, _short_repr(task._result))
        line = traceback_line(error.__traceback__)
        if line is not None:
            self._last_line = line
        exception = events.exception_info(type(error).__name__, _message(error))
        return events.task_raised(self._clock.t, task_id, exception, line)

    # -- the event loop -------------------------------------------------------------------------

    def turn_began(
        self, loop: int, turn: int, popped: int, timer: int | None
    ) -> list[int] | None:
        """Record a turn; returns the list its due timers go into (None: not recorded).

        Nothing is encoded until `turn_listed`: a progress report in between would keep the turn
        with part of its list, and the final trace is the reported batches joined.
        """
        self._send_facts()
        if not self._room_left():
            return None
        due: list[int] = []
        self._keep(events.turn(self._clock.t, loop, turn, popped, timer, due))
        self._holding += 1
        return due

    def turn_listed(self) -> None:
        """The turn's due timers are all in its list: it may be encoded."""
        self._holding -= 1

    def handle_ready(
        self, loop: int, number: int, handle: asyncio_events.Handle, task: int | None
    ) -> None:
        """Record a READY fact: a task's step (woken, or first), or a callback, and its origin."""
        # The hottest hook with task_resumed: the cap, labels and facts are handled inline.
        if self._room <= 0:
            self._room_left()
            return
        if loop != self._facts_loop or len(self._facts) >= _FACTS_PER_EVENT:
            self._send_facts(loop)
        session = self._session
        assert session is not None
        by = self._named = session.running_handle
        if task is not None and task == self._spawned:
            self._spawned = None
            api, line = self._spawned_origin
        elif session.running_callback is self._quiet_for and self._quiet is not None:
            api, line = self._quiet, None
        else:
            # Past this hook: its caller is _call_soon.
            api, line = self._origin(1)
        api_label = 0 if api is None else (self._code_labels.get(api) or self._code_label(api))
        if task is None or task in session.internal_tasks:
            callback: Any = handle._callback
            fn = self._labels.get(getattr(callback, "__qualname__", ""))
            if fn is None or task is not None:
                fn = self._callable_label(callback, task)
            self._facts += (events.READY, number, 0, fn, by or 0, api_label, line or 0, 0, 0)
        else:
            args: Sequence[Any] = handle._args
            if args and not isinstance(args[0], BaseException):
                # A wakeup: args[0] is the future the task awaited, now done.
                future = args[0]
                awaited = session.task_ids.get(id(future), 0)
                if future.cancelled():
                    end = events.END_CANCELLED
                elif getattr(future, "_exception", None) is not None:
                    end = events.END_EXCEPTION
                else:
                    end = events.END_RESULT
            else:
                awaited = end = 0
            self._facts += (events.READY, number, task, 0, by or 0, api_label, line or 0, awaited, end)
        self._room -= 1
        if self._room == 0:
            self._truncated()

    def timer_added(self, loop: int, timer: OrderedTimerHandle) -> None:
        """Record a TIMER fact: when it is due, what it runs, and who set it."""
        if self._room <= 0:
            self._room_left()
            return
        if loop != self._facts_loop or len(self._facts) >= _FACTS_PER_EVENT:
            self._send_facts(loop)
        session = self._session
        assert session is not None
        by = self._named = session.running_handle
        callback: Any = timer._callback
        if session.running_callback is self._quiet_for and self._quiet is not None:
            api, line = self._quiet, None
        elif callback is SLEEP_TIMER_CALLBACK and session.running_callback is None:
            api, line = describe_sleep_timer(0) or self._origin(0)
        else:
            api, line = self._origin(0)
        api_label = 0 if api is None else (self._code_labels.get(api) or self._code_label(api))
        fn = self._labels.get(getattr(callback, "__qualname__", ""))
        if fn is None:
            fn = self._callable_label(callback, None)
        when: float = timer._when
        deadline = trace_time(when) if when - when == 0 else -1
        number = timer._number
        t = self._clock.t
        self._facts += (events.TIMER, number, t, deadline, fn, by or 0, api_label, line or 0)
        self._room -= 1
        if self._room == 0:
            self._truncated()

    def timer_cancelled(self, loop: int, handle: int, by: int | None) -> None:
        """Record a CANCELLED fact: a timer cancelled while in the heap."""
        if not self._room_left():
            return
        if loop != self._facts_loop:
            self._send_facts(loop)
        self._named = by
        self._facts += (events.CANCELLED, handle, by or 0)
        self._keep_counted()

    def handle_skipped(self, loop: int, handle: int) -> None:
        """Record a SKIPPED fact: the turn took out a handle cancelled in the ready queue."""
        if not self._room_left():
            return
        if loop != self._facts_loop:
            self._send_facts(loop)
        self._facts += (events.SKIPPED, handle)
        self._keep_counted()

    def _origin(self, skip: int) -> tuple[CodeType | None, int | None]:
        # Who schedules: the quiet callback running, or a walk past the hook and `skip` frames.
        session = self._session
        assert session is not None
        callback = session.running_callback
        if callback is not None:
            if callback is not self._quiet_for:
                self._quiet_for = callback
                self._quiet = quiet_callback(callback)
            if self._quiet is not None:
                return self._quiet, None
        return describe_origin(skip + 1)

    def _send_facts(self, loop: int | None = None) -> None:
        """Send the facts gathered so far in one `handles` event; the next concern `loop`."""
        if self._facts:
            self._batch.append(events.handles(self._clock.t, self._facts_loop, self._facts))
            self._facts = []
        if loop is not None:
            self._facts_loop = loop

    def loop_closed(self, loop: int, popped: int) -> None:
        """Record that a loop was closed, dropping its queue and timers."""
        self._send_facts()
        if self._room_left():
            self._keep(events.loop_closed(self._clock.t, loop, popped))

    def loop_snapshot(self, ready: list[int], timers: list[int]) -> None:
        """Record the real queue and timers (debug option loop_snapshots; never capped)."""
        self._batch.append(events.loop_snapshot(self._clock.t, ready, timers))

    def _name_running(self) -> None:
        """Say which callback the loop runs, before an event that does not say it itself.

        Most callbacks (a sleep's timer, gather's bookkeeping) make no event but the ready event of
        the task they wake, which names the callback in its `by`; a task step is named by its
        task_resumed. Only a callback that makes another kind of event (a print, a new task)
        needs this.
        """
        session = self._session
        if session is None:
            return
        running = session.running_handle
        if running is not None and running != self._named and session.current_task is None:
            self._named = running
            self._batch.append(events.callback(self._clock.t, running))

    def _label(self, text: str) -> int:
        number = self._labels.get(text)
        if number is None:
            number = self._labels[text] = len(self._labels) + 1
            self._batch.append(events.label(self._clock.t, number, text))
        return number

    def _code_label(self, code: CodeType) -> int:
        number = self._code_labels.get(code)
        if number is None:
            number = self._code_labels[code] = self._label(code.co_qualname)
        return number

    def _callable_label(self, callback: Any, task: int | None) -> int:
        if task is not None:
            # A step of one of the loop's own tasks: named by its coroutine.
            owner = getattr(callback, "__self__", None)
            coro = owner.get_coro() if owner is not None else None
            return self._label(coro_name(coro) if coro is not None else "Task step")
        name = getattr(callback, "__qualname__", None)
        return self._label(name if isinstance(name, str) else type(callback).__name__)

    def long_step(self, task: int, real_seconds: float) -> None:
        """Note (a few times per run) that a step computed without awaiting."""
        if self.muted or self._long_steps >= _MAX_LONG_STEP_NOTES:
            return
        self._long_steps += 1
        name = self._names.get(task, f"task {task}")
        self.note_added(
            "cpu_work",
            f"{name} ran for {real_seconds * 1000:.0f} ms of real time without awaiting (CPU "
            "work). The virtual clock does not count CPU time, so the chart shows this step as "
            "an instant; in real asyncio every other task would have waited that long.",
            self._last_line,
        )

    def _hook_failed(self, hook: str, failure: Exception) -> None:
        # Disable task tracing for the rest of the run; output and errors still arrive.
        self._room = 0
        self.note_added(
            "engine_hook_failed",
            f"The playground stopped tracing tasks: its {hook} hook failed with "
            f"{type(failure).__name__}: {failure}. Your program kept running.",
            None,
        )

    # -- always-kept events ---------------------------------------------------------------------

    def loop_blocked(
        self, start: float, duration: float, line: int | None, task: int | None
    ) -> None:
        """Record a blocked span (time.sleep)."""
        if self.muted:
            return
        self._always()
        self._batch.append(
            events.blocked(trace_time(start), trace_time(duration), "time.sleep", line, task)
        )

    def output_written(
        self, t: float, stream: Stream, text: str, task: int | None, line: int | None
    ) -> None:
        """Record one line of output, at the time its first character was written."""
        self._always()
        self._batch.append(events.output(trace_time(t), stream, text, task, line))

    def warning_issued(self, category: str, message: str, line: int | None) -> None:
        """Record a warning."""
        if self.muted:
            return
        self._always()
        self._batch.append(events.warning(self._clock.t, category, message, line))

    def note_added(self, code: str, message: str, line: int | None) -> None:
        """Record a note."""
        self._always()
        self._batch.append(events.note(self._clock.t, code, message, line))

    def deadlocked(self, stuck: list[Event]) -> None:
        """Record a deadlock report."""
        self._always()
        self._batch.append(events.deadlock(self._clock.t, stuck))

    def limit_reached(self, limit: LimitName, message: str, line: int | None) -> None:
        """Record the limit that ended the run."""
        self._always()
        self._batch.append(events.limit(self._clock.t, limit, message, line))

    def _always(self) -> None:
        # An always-kept event made by a callback: say which callback first.
        self._name_running()

    def error_raised(self, error: BaseException) -> None:
        """Record the program's uncaught exception, with a traceback of the user's frames only."""
        strip_engine_frames(error)
        if isinstance(error, SyntaxError) and error.filename == USER_FILE:
            line = error.lineno
            if error.text is None and line:
                # Errors found after parsing ("'await' outside async function") carry no source
                # text; CPython's own traceback shows the line, so ours does too.
                error.text = linecache.getline(USER_FILE, line) or None
        else:
            line = traceback_line(error.__traceback__)
        text = "".join(traceback.format_exception(error))
        self._batch.append(
            events.error(self._clock.t, type(error).__name__, _message(error), line, text)
        )


def _cancellation_of(task: Any) -> BaseException | None:
    """The CancelledError a cancelled task's coroutine raised, without consuming it.

    The pure-Python Task keeps it in `_cancelled_exc`; the C Task keeps it where only the garbage
    collector's view of the task reaches it (`_make_cancelled_error` would hand it over, and a
    later `await task` would then raise a fresh one without its traceback).
    """
    kept = getattr(task, "_cancelled_exc", None)
    if kept is not None:
        return kept
    for referent in gc.get_referents(task):
        if isinstance(referent, asyncio.CancelledError):
            return referent
    return None


class _SharedTexts:
    """The JSON text of the awaitings and chain frames in task_suspended events, by identity.

    tracer.py hands out one shared dict per await site and per kind of wait, never mutated
    (describe_wait), so each is written once, not once per event. An entry keeps its dict, so
    that its id is not reused meanwhile; the whole cache is dropped when it grows past
    _SHARED_TEXTS, as waits made for one event (a gather's, a task's) would fill it.
    """

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[object, str]] = {}

    def of(self, value: Event) -> str:
        """The JSON text of `value`, an awaiting or a chain frame."""
        kept = self._by_id.get(id(value))
        if kept is not None and kept[0] is value:
            return kept[1]
        if len(self._by_id) >= _SHARED_TEXTS:
            self._by_id.clear()
        text = _encode(value)
        self._by_id[id(value)] = (value, text)
        return text

    def of_list(self, values: list[Event]) -> str:
        """The JSON text of a list of chain frames."""
        if len(values) == 1:
            return "[" + self.of(values[0]) + "]"
        return "[" + ",".join([self.of(value) for value in values]) + "]"


def _encode_batch(batch: list[Event | EventText]) -> str:
    """The events of `batch` as JSON text, comma-joined: those written as text already as they are,
    each run of dicts between them in one json.dumps."""
    parts: list[str] = []
    dicts: list[Event] = []
    for event in batch:
        if type(event) is str:
            if dicts:
                parts.append(_encode(dicts)[1:-1])
                dicts = []
            parts.append(event)
        else:
            dicts.append(event)  # pyright: ignore[reportArgumentType]
    if dicts:
        parts.append(_encode(dicts)[1:-1])
    return ",".join(parts)


def _encode(value: Any) -> str:
    # No check for cycles: the engine builds every event from numbers, strings and its own
    # shared, never-mutated dicts, so none can hold itself; the check (an id-keyed dict entry
    # made and dropped for every dict and list written) was a quarter of a task_suspended's cost.
    return json.dumps(
        value, ensure_ascii=False, allow_nan=False, check_circular=False, separators=(",", ":")
    )


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as failure:  # a broken __repr__, whatever it raises, must not break the trace
        text = f"<repr failed: {type(failure).__name__}>"
    if len(text) > _RESULT_CHARS:
        text = text[: _RESULT_CHARS - 1] + "…"
    return text


def _message(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:  # a broken __str__ leaves the message empty, never the trace broken
        return ""
