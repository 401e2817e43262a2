"""The trace events, built in the shape of the contract (src/lib/engine/events.ts).

Every event the engine emits is made by one function here, as the plain dict that becomes its
JSON, or for the events every task makes, as that JSON's text itself: the contract's snake_case
names, in the contract's order. TypeScript's validators are the
definition; the contract test (tests/engine/contract.spec.ts) fails when these two drift apart.

Times: every `t`, `until` and `duration` is in virtual seconds rounded to nanoseconds
(`trace_time`), so that 0.1 + 0.2 reads 0.3. Callers pass times already rounded: the clock keeps
its rounded reading up to date as it moves (session.VirtualClock), which is far cheaper than
rounding each of the tens of thousands of per-step events.

The per-step events (task_created, task_resumed, task_suspended, task_done) are built about
70,000 times for 10,000 tasks, and the loop's events (version 2: turn, ready, timer ...) about as
often, so each builder is a single dict display or a single formatted string, nothing more.

Version 2 adds the event loop itself, numbered: every handle the loop will run gets a number when
it joins the ready queue or the timers, and every later event names it by that number. Function
names ("Lock.release", "gather.<locals>._done_callback") are sent once, as `label` events, and
named by their label number after that.
"""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import Any, Literal, get_args

TRACE_VERSION = 2

# ---- the lists the contract names, each written once ------------------------------------------

AwaitKind = Literal[
    "sleep",
    "task",
    "gather",
    "wait",
    "wait_for",
    "as_completed",
    "taskgroup",
    "queue_get",
    "queue_put",
    "queue_join",
    "lock",
    "semaphore",
    "event",
    "condition",
    "thread",
    "future",
    "yield",
    "other",
]
LimitName = Literal["virtual_time", "steps", "interrupt"]
Stream = Literal["stdout", "stderr"]
TaskEndState = Literal["done", "raised", "cancelled"]
BlockCause = Literal["time.sleep"]

# The same lists as values, for the contract test to compare with TypeScript's.
AWAIT_KINDS: tuple[AwaitKind, ...] = get_args(AwaitKind)
LIMIT_NAMES: tuple[LimitName, ...] = get_args(LimitName)
OUTPUT_STREAMS: tuple[Stream, ...] = get_args(Stream)
TASK_END_STATES: tuple[TaskEndState, ...] = get_args(TaskEndState)
BLOCK_CAUSES: tuple[BlockCause, ...] = get_args(BlockCause)

# An event, an awaiting or a chain frame: the dict json.dumps writes.
Event = dict[str, Any]
# An event already written as its JSON text (see "Written as text" below).
EventText = str
Awaiting = dict[str, Any]
ChainFrame = dict[str, Any]


# The validator's limits on strings (TRACE_LIMITS in events.ts), in UTF-16 units as JavaScript
# counts them: a longer name or text is cut to fit, and the cut is marked with "…".
MAX_TEXT = 1_000_000
MAX_SHORT_TEXT = 10_000


def fit(text: str, limit: int = MAX_TEXT) -> str:
    """`text`, or its beginning and "…" when JavaScript would count more than `limit` units."""
    if len(text) * 2 <= limit:
        return text  # even all astral, it fits
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= limit * 2:
        return text
    # Cut on a code unit boundary; a pair split in two loses its first half too.
    return units[: (limit - 1) * 2].decode("utf-16-le", "ignore") + "…"


def short(text: str) -> str:
    """A name, label or category, cut to the validator's limit for short text."""
    return fit(text, MAX_SHORT_TEXT)


def trace_time(seconds: float) -> float:
    """Virtual seconds as the trace carries them: rounded to nanoseconds."""
    return round(seconds, 9)


# ---- what a suspended task waits for -----------------------------------------------------------
# Four shapes, one per optional field (none, `task`, `tasks`, `until`): a wait names at most one.


def awaiting(kind: AwaitKind, label: str) -> Awaiting:
    """A wait with nothing more to say than its kind and label."""
    return {"kind": kind, "label": short(label)}


def awaiting_task(kind: AwaitKind, label: str, task: int | None) -> Awaiting:
    """A wait on one task (None: an awaitable that is not one of the run's tasks)."""
    return {"kind": kind, "label": short(label), "task": task}


def awaiting_tasks(kind: AwaitKind, label: str, tasks: list[int]) -> Awaiting:
    """A wait on several tasks (gather, wait, TaskGroup, as_completed)."""
    return {"kind": kind, "label": short(label), "tasks": tasks}


def awaiting_until(kind: AwaitKind, label: str, until: float | None) -> Awaiting:
    """A wait that a timer ends at `until` (None: never, as sleep(math.inf))."""
    return {"kind": kind, "label": short(label), "until": until}


def chain_frame(fn: str, line: int) -> ChainFrame:
    """One user frame in the chain of awaits inside a task."""
    return {"fn": short(fn), "line": line}


def stuck_task(task: int, name: str, waits_for: Awaiting, line: int | None) -> Event:
    """A task that can never run again, in a deadlock report."""
    return {"task": task, "name": short(name), "awaiting": waits_for, "line": line}


def exception_info(type_name: str, message: str) -> Event:
    """An exception a task raised: its class name and message."""
    return {"type": short(type_name), "message": fit(message)}


# ---- events ------------------------------------------------------------------------------------


def run_start(python: str, limits: dict[str, float | int]) -> Event:
    """The first event of every trace."""
    return {
        "kind": "run_start",
        "t": 0,
        "version": TRACE_VERSION,
        "python": python,
        "limits": limits,
    }


# ---- Written as text: the events every task makes ----------------------------------------------
# A 100,000-task run makes 700,000 of these. Each is written here as the exact text json.dumps
# would write for its dict (compact separators, ensure_ascii=False: `_string`; ints and floats as
# their repr; None as null), which costs a third to a half of building the dict and encoding it,
# and leaves the collector nothing to track. The awaiting and chain of a task_suspended come as
# text too: the recorder keeps the text of the shared dicts that tracer.py hands out.


def _string(text: str) -> str:
    # A JSON string, as json.dumps writes it with ensure_ascii=False.
    return encode_basestring(text)


def _int_or_null(value: int | None) -> str:
    return "null" if value is None else repr(value)


def task_created(
    t: float,
    task: int,
    name: str,
    parent: int | None,
    coro: str,
    arguments: list[str] | None,
    line: int | None,
) -> EventText:
    """A task was created (before its first step); `arguments` are its call's (calls.py)."""
    written = "null" if arguments is None else "[" + ",".join(map(_string, arguments)) + "]"
    return (
        f'{{"kind":"task_created","t":{t!r},"task":{task!r},"name":{_string(short(name))},'
        f'"parent":{_int_or_null(parent)},"coro":{_string(short(coro))},'
        f'"arguments":{written},"line":{_int_or_null(line)}}}'
    )


def task_resumed(t: float, task: int, step: int) -> EventText:
    """The loop resumed a task: step `step` of the run begins."""
    return f'{{"kind":"task_resumed","t":{t!r},"task":{task!r},"step":{step!r}}}'


def task_suspended(
    t: float, task: int, waits_for: str, line: int | None, chain: str
) -> EventText:
    """A task's step ended at an await; `waits_for` is an awaiting and `chain` a list of chain
    frames, as JSON text."""
    return (
        f'{{"kind":"task_suspended","t":{t!r},"task":{task!r},"awaiting":{waits_for},'
        f'"line":{_int_or_null(line)},"chain":{chain}}}'
    )


def task_returned(t: float, task: int, result: str) -> EventText:
    """A task returned; `result` is the repr of what it returned."""
    return (
        f'{{"kind":"task_done","t":{t!r},"task":{task!r},"state":"done",'
        f'"result":{_string(result)},"line":null}}'
    )


def task_cancelled(t: float, task: int, line: int | None) -> Event:
    """A task ended by cancellation."""
    return {"kind": "task_done", "t": t, "task": task, "state": "cancelled", "line": line}


def task_raised(t: float, task: int, exception: Event, line: int | None) -> Event:
    """A task ended by raising `exception` (see `exception_info`) at `line`."""
    return {
        "kind": "task_done",
        "t": t,
        "task": task,
        "state": "raised",
        "exception": exception,
        "line": line,
    }


def blocked(
    t: float, duration: float, cause: BlockCause, line: int | None, task: int | None
) -> Event:
    """A blocking call held the whole loop from `t` for `duration`."""
    return {
        "kind": "blocked",
        "t": t,
        "duration": duration,
        "cause": cause,
        "line": line,
        "task": task,
    }


def output(t: float, stream: Stream, text: str, task: int | None, line: int | None) -> Event:
    """One line of output, without its newline; `line` is the user's line that wrote it."""
    return {"kind": "output", "t": t, "stream": stream, "text": fit(text), "task": task, "line": line}


def warning(t: float, category: str, message: str, line: int | None) -> Event:
    """A warning CPython showed."""
    return {
        "kind": "warning",
        "t": t,
        "category": short(category),
        "message": fit(message),
        "line": line,
    }


def note(t: float, code: str, message: str, line: int | None) -> Event:
    """Something the playground explains that is not CPython's own output."""
    return {"kind": "note", "t": t, "code": code, "message": message, "line": line}


def error(t: float, type_name: str, message: str, line: int | None, traceback: str) -> Event:
    """The program raised and nothing caught it."""
    return {
        "kind": "error",
        "t": t,
        "type": short(type_name),
        "message": fit(message),
        "line": line,
        "traceback": fit(traceback),
    }


def deadlock(t: float, stuck: list[Event]) -> Event:
    """Nothing can ever run again; `stuck` are `stuck_task`s."""
    return {"kind": "deadlock", "t": t, "stuck": stuck}


def limit(t: float, name: LimitName, message: str, line: int | None) -> Event:
    """A limit ended the run."""
    return {"kind": "limit", "t": t, "limit": name, "message": message, "line": line}


def run_end(t: float, steps: int, real_ms: float, dropped_events: int) -> Event:
    """The last event of every trace."""
    return {
        "kind": "run_end",
        "t": t,
        "steps": steps,
        "real_ms": round(real_ms, 3),
        "dropped_events": dropped_events,
    }


# ---- the event loop (version 2) ----------------------------------------------------------------
# The loop's own events: few (a turn, a label, a callback named, a loop closed), so dicts like the
# rest. What the loop schedules (one or more facts per handle, tens of thousands in a big run)
# goes into `handles` events as flat lists of numbers instead: a dict event costs several times
# more to build, encode and parse (docs/decisions/0100-recording-the-loop.md).

# A fact in `handles.facts` is one of these records, its kind first, each field a number:
# - READY [1, handle, task, fn, by, api, line, future, end]: `handle` joined the ready queue. A step
#   of `task` (fn 0), or a callback (task 0) whose function is label `fn`. A wakeup has `end` > 0:
#   the future the task awaited ended (END_RESULT, END_EXCEPTION, END_CANCELLED); `future` is its
#   task id when it is one of the run's tasks, else 0.
# - TIMER [2, handle, t, when, fn, by, api, line]: a timer set at `t` to run label `fn` at `when`
#   (-1: never, as sleep(math.inf)).
# - CANCELLED [3, handle, by]: a timer was cancelled while waiting in the heap.
# - SKIPPED [4, handle]: the turn took a handle out of the ready queue without running it: it was
#   cancelled while there.
# `by` is the number of the handle the loop was running (0: top-level code); `api` the label of the
# asyncio function the user's code called (tracer.describe_origin; 0: none) and `line` that call's
# line (0: none, or not the user's code).
READY, TIMER, CANCELLED, SKIPPED = 1, 2, 3, 4
END_RESULT, END_EXCEPTION, END_CANCELLED = 1, 2, 3
# Each fact's kind number and field names, for the contract test to compare with TypeScript's.
HANDLE_FACTS: dict[str, tuple[int, tuple[str, ...]]] = {
    "ready": (READY, ("handle", "task", "fn", "by", "api", "line", "future", "end")),
    "timer": (TIMER, ("handle", "t", "when", "fn", "by", "api", "line")),
    "cancelled": (CANCELLED, ("handle", "by")),
    "skipped": (SKIPPED, ("handle",)),
}


def label(t: float, number: int, text: str) -> Event:
    """A function name, sent once; later events and facts name it by `number`."""
    return {"kind": "label", "t": t, "label": number, "text": text}


def turn(
    t: float, loop: int, number: int, popped: int, timer: int | None, due: list[int]
) -> Event:
    """Loop `loop` begins a turn (`_run_once`); `number` counts turns across the run.

    `popped`: handles the loop took from its ready queue since its previous turn (run, or skipped
    as cancelled); `timer`: the timer the clock jumped to, if it jumped; `due`: the timers that
    became due and joined the ready queue, in order (filled in as they join).
    """
    return {
        "kind": "turn",
        "t": t,
        "loop": loop,
        "turn": number,
        "popped": popped,
        "timer": timer,
        "due": due,
    }


def handles(t: float, loop: int, facts: list[float]) -> Event:
    """What was scheduled on loop `loop` since the previous `handles` event: READY, TIMER,
    CANCELLED and SKIPPED records, in the order they happened."""
    return {"kind": "handles", "t": t, "loop": loop, "facts": facts}


def callback(t: float, handle: int) -> Event:
    """The loop runs callback `handle` (sent only before an event the callback made that does not
    name it: a print, a new task; what it schedules names it in `by`)."""
    return {"kind": "callback", "t": t, "handle": handle}


def loop_closed(t: float, loop: int, popped: int) -> Event:
    """Loop `loop` was closed: its ready queue and timers are dropped (`popped` as in turn)."""
    return {"kind": "loop_closed", "t": t, "loop": loop, "popped": popped}


def loop_snapshot(t: float, ready: list[int], timers: list[int]) -> Event:
    """Debug (option loop_snapshots): the real ready queue and live timers as a turn's handles
    are about to run, by number (-1: a handle the trace does not know)."""
    return {"kind": "loop_snapshot", "t": t, "ready": ready, "timers": timers}
