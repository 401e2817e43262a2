"""The loop's handles, numbered, and which of them are task steps.

Every handle the loop will run gets a number in the run when it is scheduled: `_call_soon` makes
a `NumberedHandle`, `call_at` an `OrderedTimerHandle` (loop.py); the trace names handles by these
numbers. A handle whose callback is bound to a Task (the C Task's step wrapper and its wakeup
method both carry the task as `__self__`) is a step of that task: the handle remembers the task and
its id, so running it (turns.py) needs no second look.
"""

from __future__ import annotations

from asyncio import events
from types import BuiltinMethodType, MethodType
from typing import TYPE_CHECKING, Any

from .session import caller_line
from .tracer import coro_name

if TYPE_CHECKING:
    from .session import RunSession

# The C Task schedules its first step, and each step after a bare `yield`, as a callable of this
# type, which _asyncio does not export: learned from its name the first time one is seen.
_step_wrapper_type: Any = None
# The pure-Python Task's private step and wakeup methods (the C Task's wakeup is `task_wakeup`, a
# done callback of the future it awaits).
_PY_TASK_METHODS = frozenset(("__step", "__wakeup"))


class NumberedHandle(events.Handle):
    """A handle from call_soon, with its number in the run and the task it is a step of."""

    __slots__ = ("_number", "_task", "_task_id")

    _number: int
    # The Task this is a step of (None: a plain callback), and its id (None: not one of ours).
    _task: Any
    _task_id: int | None


class OrderedTimerHandle(events.TimerHandle):
    """A timer with its number in the run, which orders it among timers of the same deadline.

    The stock heap compares deadlines only, so twenty sleep(1) calls made at the same virtual
    instant would wake in a scrambled order; on a real clock they never share a deadline. The
    loop's heap holds `(deadline, number, timer)` entries (loop.py, `heap_entry`), so equal
    deadlines fire in the order they were set, and the number also names the timer in the trace.
    """

    __slots__ = ("_number", "_queued")

    _number: int
    # Whether the trace listed it as due (joined the ready queue) in a turn.
    _queued: bool


# Their reprs (and a program printing a handle) show CPython's own class names.
NumberedHandle.__name__ = NumberedHandle.__qualname__ = "Handle"
OrderedTimerHandle.__name__ = OrderedTimerHandle.__qualname__ = "TimerHandle"


def task_of(callback: Any) -> Any:
    """The Task whose step `callback` is (its first step, a step after a yield, a wakeup), or None.

    `task.cancel` or `future.set_result` scheduled as callbacks are bound to a task too, but they
    are not its steps: only the step wrapper and the task's private methods are.
    """
    global _step_wrapper_type
    kind = type(callback)  # pyright: ignore[reportUnknownVariableType]
    if kind is _step_wrapper_type:
        return callback.__self__
    if kind is BuiltinMethodType:
        # Only the C Task has a method of this name.
        return callback.__self__ if callback.__name__ == "task_wakeup" else None
    if kind is MethodType:
        if callback.__name__ in _PY_TASK_METHODS and hasattr(callback.__self__, "get_coro"):
            return callback.__self__
        return None
    if kind.__name__ == "TaskStepMethWrapper":
        _step_wrapper_type = kind  # pyright: ignore[reportUnknownVariableType]
        return callback.__self__
    return None


def has_started(task: Any, coro: Any) -> bool:
    """Whether `task` has run a step (of `coro`, or of whatever coroutine a task factory gave it)."""
    if task.done():
        return True
    current = task.get_coro()
    if current is None:
        current = coro
    if getattr(current, "cr_suspended", False) or getattr(current, "gi_suspended", False):
        return True
    frame = getattr(current, "cr_frame", None) or getattr(current, "gi_frame", None)
    return frame is None


def adopt(session: RunSession, task: Any) -> int:
    """An id for a task seen for the first time: the one create_task is making, or a new one.

    A task built directly (`asyncio.Task(coro)`, or by a task factory called without
    create_task) is numbered, and recorded when the run is traced, when it first joins the
    ready queue.
    """
    task_id = session.claim(task)
    if task_id is not None:
        return task_id
    task_id = session.next_task_id
    session.next_task_id += 1
    session.bind(task, task_id)
    if session.limits.trace:
        coro = task.get_coro()
        session.instrument.task_spawned(
            task_id,
            str(task.get_name()),
            session.current_task,
            coro_name(coro),
            caller_line(),
            coroutine=coro,
        )
    return task_id
