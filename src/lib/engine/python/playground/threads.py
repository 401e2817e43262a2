"""Threads, simulated on the virtual clock (docs/decisions/0093-simulated-threads.md).

Pyodide cannot start threads. `threading.Thread`, `ThreadPoolExecutor` (and with it
`asyncio.to_thread` and `loop.run_in_executor`) start a simulated thread instead: its function
runs in the interpreter's one real thread, at the next moment the program waits (the event
loop's turn, a blocking call, the end of the program), on a clock of its own that starts at the
virtual time it was started. Its `time.sleep` moves only its own clock; what it prints appears at
its own virtual times; its result arrives at the virtual time it finished.

A simulated thread cannot be suspended in the middle of its function. When it must wait (a
`Future.result()`, an `Event`, a `Queue`, a `Lock`: everything built on `threading.Condition`
and the run's locks), the wait runs the rest of the program forward until the thread can go
on: the event loop's turns, when the loop started the thread, and other simulated threads and
timed events. A wait that only the code after the thread could end raises `ThreadCannotWait`.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import functools
import itertools
import sys
import threading
import weakref
from asyncio import events
from concurrent.futures import thread as futures_thread
from contextlib import ExitStack
from typing import Any, Callable

from . import kernel as kernel_module
from .kernel import Kernel
from .limits import virtual_time_message
from .session import RunHalted, user_line
from .tracebacks import strip_engine_frames

_real_current_thread = threading.current_thread
_real_get_ident = threading.get_ident


class ThreadCannotWait(RuntimeError):
    """A simulated thread waits for something only code that runs after it could do."""


def cannot_wait(message: str) -> ThreadCannotWait:
    """The error a simulated thread gets when it cannot wait, noted in the trace as well: the
    thread's exception may only reach a future that the program never reads."""
    active = kernel_module.active()
    if active is not None:
        line = user_line(sys._getframe(1))
        active.session.instrument.note_added("thread_cannot_wait", message, line)
    return ThreadCannotWait(message)


CANNOT_WAIT_MESSAGE = (
    "the playground cannot pause this thread: it runs simulated threads one at a time on the "
    "virtual clock, and this thread waits for something that only the rest of the program could "
    "do later, so here it would wait forever. Let the program do that before it starts the "
    "thread, or use asyncio tasks with asyncio.Queue or asyncio.Event instead of threads."
)

LOOP_STOPPED_MESSAGE = (
    "the playground cannot keep this thread waiting: the event loop it waits on stopped while "
    "the thread waited. Await what the thread returns (asyncio.to_thread) so that the loop "
    "keeps running until the thread is done."
)


class SimulatedThread:
    """One simulated thread: its function, its own clock and how it ends."""

    def __init__(
        self,
        name: str,
        target: Callable[[], Any],
        on_exit: Callable[[Any, BaseException | None], None],
        *,
        daemon: bool = False,
        thread: threading.Thread | None = None,
        pool: _Pool | None = None,
    ) -> None:
        self.name = name
        self.target = target
        self.on_exit = on_exit
        self.daemon = daemon
        self.ident = next(_idents)
        # The threading.Thread that current_thread() returns inside this thread.
        self.thread = thread if thread is not None else _thread_object(name, self.ident, daemon)
        self.pool = pool
        # This thread's own clock (absolute virtual seconds) while it is not running.
        self.time = 0.0
        # The event loop this thread may run while it waits: the loop whose turn started it.
        self.loop: Any = None
        self.done = False
        self.done_at: float | None = None
        # What _enter replaced, for _leave to put back.
        self.saved: tuple[Any, ...] = ()


_idents = itertools.count(1_000_001)

# The simulated thread running now (at most one: a thread that waits steps out first).
_running: list[SimulatedThread] = []


def current() -> SimulatedThread | None:
    """The simulated thread whose code is running, or None in the program's main thread."""
    return _running[-1] if _running else None


def thread_time() -> float | None:
    """The current simulated thread's own clock, or None in the main thread."""
    running = current()
    if running is None:
        return None
    active = _kernel()
    return active.session.clock.time()


def sleep_in_thread(seconds: float) -> bool:
    """time.sleep inside a simulated thread moves only the thread's clock. False in main."""
    if current() is None:
        return False
    active = _kernel()
    clock = active.session.clock
    limits = active.session.limits
    clock.thread_elapsed = (clock.thread_elapsed or 0.0) + seconds
    if clock.time() > limits.max_virtual_time:
        active.session.instrument.limit_reached(
            "virtual_time", virtual_time_message(limits), None
        )
        raise active.session.halt("virtual_time")
    return True


def start(simulated: SimulatedThread) -> None:
    """Start a simulated thread: it runs at the program's next wait, from the current time."""
    active = _kernel()
    simulated.time = active.session.clock.time()
    active.soon(functools.partial(_run, active, simulated))


def _kernel() -> Kernel:
    active = kernel_module.active()
    if active is None:
        raise RuntimeError("simulated threads need an active playground run")
    return active


def _run(active: Kernel, simulated: SimulatedThread) -> None:
    """Run a simulated thread's function to its end (its waits run the rest forward)."""
    simulated.loop = active.selecting
    simulated.time = max(simulated.time, active.session.clock.now)
    if simulated.pool is not None:
        simulated.pool.assign(simulated)
    result: Any = None
    error: BaseException | None = None
    _enter(active, simulated)
    try:
        result = simulated.target()
    except (RunHalted, KeyboardInterrupt):
        raise
    except BaseException as raised:  # the thread's own exception goes where CPython sends it
        strip_engine_frames(raised)
        error = raised
    finally:
        _leave(active, simulated)
    done_at = simulated.time
    simulated.done_at = done_at
    if simulated.pool is not None:
        simulated.pool.release(simulated)
    active.at(done_at, functools.partial(_finish, simulated, result, error), thread=True)


def _finish(simulated: SimulatedThread, result: Any, error: BaseException | None) -> None:
    simulated.done = True
    simulated.on_exit(result, error)


def _enter(active: Kernel, simulated: SimulatedThread) -> None:
    """Make `simulated` the running thread: its clock, no running loop, its output held."""
    session = active.session
    clock = session.clock
    output = session.output
    simulated.saved = (
        clock.thread_elapsed,
        session.current_task,
        events._get_running_loop(),
        output.hold() if output is not None else None,
    )
    clock.thread_elapsed = simulated.time - clock.now
    session.current_task = None
    # A thread has no running loop of its own (get_running_loop() raises there, as in CPython).
    events._set_running_loop(None)
    _running.append(simulated)


def _leave(active: Kernel, simulated: SimulatedThread) -> None:
    """Step out of `simulated`: keep its clock, put its printed lines at their own times."""
    session = active.session
    clock = session.clock
    output = session.output
    simulated.time = clock.time()
    _running.pop()
    elapsed, task, loop, held = simulated.saved
    clock.thread_elapsed = elapsed
    session.current_task = task
    events._set_running_loop(loop)
    if output is not None:
        for t, stream, text in output.release(held):
            active.at(t, functools.partial(output.replay, t, stream, text), thread=True)


def block_until(ready: Callable[[], bool], timeout: float | None) -> bool:
    """Wait, on the virtual clock, until `ready()` or `timeout` seconds pass; return `ready()`.

    The caller's thread stands still meanwhile. A simulated thread that the event loop started
    runs the loop's turns; otherwise the wait starts the threads waiting to start and moves the
    clock to the next timed event. When nothing can ever happen, the main thread is deadlocked
    (reported as such) and a simulated thread gets ThreadCannotWait.
    """
    if ready():
        return True
    active = _kernel()
    session = active.session
    clock = session.clock
    simulated = current()
    deadline = None if timeout is None else clock.time() + max(timeout, 0.0)
    if simulated is not None:
        _leave(active, simulated)
    wake = None
    try:
        loop = simulated.loop if simulated is not None else None
        if loop is not None and deadline is not None:
            # The loop's select() must not wait past the deadline, nor report a deadlock.
            wake = active.at(deadline, _nothing)
        while not ready():
            if deadline is not None and clock.now >= deadline:
                break
            if loop is not None and not loop.is_closed():
                if loop._stopping:
                    raise cannot_wait(LOOP_STOPPED_MESSAGE)
                loop._run_once()
                continue
            if active.start_waiting_threads():
                continue
            upcoming = active.next_time()
            if deadline is not None and (upcoming is None or upcoming > deadline):
                upcoming = deadline
            if upcoming is None:
                if simulated is not None:
                    raise cannot_wait(CANNOT_WAIT_MESSAGE)
                active.deadlock()
            active.advance_checked(upcoming)
    finally:
        if wake is not None:
            wake.cancel()
        if simulated is not None:
            simulated.time = max(simulated.time, clock.now)
            _enter(active, simulated)
    return ready()


def _nothing() -> None:
    """A timed event that only wakes a wait up."""


# ---- threading: Lock, RLock, Condition.wait, Thread ---------------------------------------------


class SimulatedLock:
    """threading.Lock for a run: a blocked acquire waits on the virtual clock (block_until)."""

    def __init__(self) -> None:
        self._locked = False

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Take the lock; wait for it (at most `timeout` seconds) when another holder has it."""
        if not blocking and timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        if self._take():
            return True
        if not blocking:
            return False
        return block_until(self._take, None if timeout < 0 else timeout)

    def _take(self) -> bool:
        if self._locked:
            return False
        self._locked = True
        return True

    def release(self) -> None:
        """Let the lock go."""
        if not self._locked:
            raise RuntimeError("release unlocked lock")
        self._locked = False

    def locked(self) -> bool:
        """Whether the lock is held."""
        return self._locked

    def _at_fork_reinit(self) -> None:
        self._locked = False

    __enter__ = acquire

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        state = "locked" if self._locked else "unlocked"
        return f"<{state} _thread.lock object at {id(self):#x}>"


class SimulatedRLock:
    """threading.RLock for a run: owned by a simulated thread or the main thread."""

    def __init__(self) -> None:
        self._owner: int | None = None
        self._count = 0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Take the lock, again if this thread holds it; wait when another thread does."""
        me = threading.get_ident()
        if self._owner == me:
            self._count += 1
            return True
        take = functools.partial(self._take, me)
        if take():
            return True
        if not blocking:
            return False
        return block_until(take, None if timeout < 0 else timeout)

    def _take(self, owner: int) -> bool:
        # The owner is named by the caller: block_until may call this from another context.
        if self._owner is not None:
            return False
        self._owner = owner
        self._count = 1
        return True

    def release(self) -> None:
        """Release one level of ownership."""
        if self._owner != threading.get_ident():
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1
        if not self._count:
            self._owner = None

    def locked(self) -> bool:
        """Whether any thread holds the lock."""
        return self._owner is not None

    def _is_owned(self) -> bool:
        return self._owner == threading.get_ident()

    def _release_save(self) -> tuple[int, int | None]:
        if not self._count:
            raise RuntimeError("cannot release un-acquired lock")
        state = (self._count, self._owner)
        self._owner = None
        self._count = 0
        return state

    def _acquire_restore(self, state: tuple[int, int | None]) -> None:
        block_until(functools.partial(self._take, threading.get_ident()), None)
        self._count, self._owner = state

    def _recursion_count(self) -> int:
        return self._count if self._owner == threading.get_ident() else 0

    def _at_fork_reinit(self) -> None:
        self._owner = None
        self._count = 0

    __enter__ = acquire

    def __exit__(self, *exc: object) -> None:
        self.release()


def _condition_wait(self: Any, timeout: float | None = None) -> bool:
    """threading.Condition.wait on the virtual clock: CPython's, with the wait simulated."""
    if not self._is_owned():
        raise RuntimeError("cannot wait on un-acquired lock")
    waiter = SimulatedLock()
    waiter.acquire()
    self._waiters.append(waiter)
    saved_state = self._release_save()
    gotit = False
    try:
        if timeout is not None and timeout <= 0:
            gotit = waiter.acquire(False)
        else:
            gotit = waiter.acquire(True, -1 if timeout is None else timeout)
        return gotit
    finally:
        self._acquire_restore(saved_state)
        if not gotit:
            try:
                self._waiters.remove(waiter)
            except ValueError:
                pass


def _thread_start(self: threading.Thread) -> None:
    """threading.Thread.start: a simulated thread that runs the Thread's run()."""
    # The Thread's private state, which typeshed does not declare.
    state: Any = self
    if not state._initialized:
        raise RuntimeError("thread.__init__() not called")
    if state._started.is_set():
        raise RuntimeError("threads can only be started once")
    context: contextvars.Context | None = state._context
    if context is None:
        context = state._context = contextvars.Context()
    thread = self

    def on_exit(result: Any, error: BaseException | None) -> None:
        _threads_done[thread] = True
        if error is None or isinstance(error, SystemExit):
            return
        if isinstance(error, ThreadCannotWait) and thread.daemon and _finishing:
            # The program has ended: CPython would drop a daemon thread that still waits.
            return
        threading.excepthook(
            threading.ExceptHookArgs([type(error), error, error.__traceback__, thread])
        )

    simulated = SimulatedThread(
        self.name, functools.partial(context.run, self.run), on_exit, daemon=self.daemon,
        thread=self,
    )
    state._ident = state._native_id = simulated.ident
    _threads_done[self] = False
    state._started.set()
    start(simulated)


# Simulated threading.Thread objects of the run, and whether each has finished.
_threads_done: weakref.WeakKeyDictionary[threading.Thread, bool] = weakref.WeakKeyDictionary()
# The program's end: daemon threads still waiting are dropped quietly, as CPython drops them.
_finishing = False


def _thread_join(self: threading.Thread, timeout: float | None = None) -> None:
    """threading.Thread.join on the virtual clock."""
    state: Any = self
    if not state._started.is_set():
        raise RuntimeError("cannot join thread before it is started")
    if self is threading.current_thread():
        raise RuntimeError("cannot join current thread")
    if self not in _threads_done:
        return
    block_until(lambda: _threads_done.get(self, True), timeout)


def _thread_is_alive(self: threading.Thread) -> bool:
    """threading.Thread.is_alive: started and not finished (by the virtual clock)."""
    if self not in _threads_done:
        return False
    return not _threads_done[self]


def _current_thread() -> threading.Thread:
    running = current()
    return running.thread if running is not None else _real_current_thread()


def _get_ident() -> int:
    running = current()
    return running.ident if running is not None else _real_get_ident()


def _thread_object(name: str, ident: int, daemon: bool) -> threading.Thread:
    """A threading.Thread that stands for a pool's worker inside current_thread()."""
    thread = threading.Thread(name=name, daemon=daemon)
    state: Any = thread
    state._ident = ident
    state._started.set()
    return thread


# ---- concurrent.futures.ThreadPoolExecutor ------------------------------------------------------


class _Pool:
    """A ThreadPoolExecutor's workers: when each is free, so that jobs queue as in CPython."""

    def __init__(self, executor: concurrent.futures.ThreadPoolExecutor) -> None:
        # ThreadPoolExecutor.__init__ always sets a prefix (its own when none is given).
        self.prefix: str = executor._thread_name_prefix or "ThreadPoolExecutor"
        self._max_workers: int = executor._max_workers
        # When each worker is free again (None while it runs a job that waits).
        self._free_at: list[float | None] = []
        self._workers: dict[SimulatedThread, int] = {}
        self.jobs: list[SimulatedThread] = []
        self.futures: list[concurrent.futures.Future[Any]] = []

    def assign(self, job: SimulatedThread) -> None:
        """Give `job` a worker: a free one, a new one, or the first to become free."""
        free = [
            (when, index) for index, when in enumerate(self._free_at) if when is not None
        ]
        idle = [(when, index) for when, index in free if when <= job.time]
        if idle:
            index = idle[0][1]
        elif len(self._free_at) < self._max_workers or not free:
            # A new worker; beyond max_workers only when every worker runs a job that waits.
            index = len(self._free_at)
            self._free_at.append(None)
        else:
            when, index = min(free)
            job.time = max(job.time, when)
        self._free_at[index] = None
        self._workers[job] = index
        job.name = job.thread.name = f"{self.prefix}_{index}"

    def release(self, job: SimulatedThread) -> None:
        """`job` has returned: its worker is free from the virtual time it finished."""
        self._free_at[self._workers.pop(job)] = job.done_at

    def all_done(self) -> bool:
        """Whether every job submitted so far has finished."""
        return all(job.done for job in self.jobs)


_pools: weakref.WeakKeyDictionary[Any, _Pool] = weakref.WeakKeyDictionary()


def _pool_of(executor: concurrent.futures.ThreadPoolExecutor) -> _Pool:
    pool = _pools.get(executor)
    if pool is None:
        pool = _pools[executor] = _Pool(executor)
    return pool


def _submit(
    self: concurrent.futures.ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any,
    **kwargs: Any
) -> concurrent.futures.Future[Any]:
    """ThreadPoolExecutor.submit: the job runs on a simulated worker thread."""
    with self._shutdown_lock:
        if self._broken:
            raise futures_thread.BrokenThreadPool(self._broken)
        if self._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def job() -> Any:
            if not future.set_running_or_notify_cancel():
                return None
            return fn(*args, **kwargs)

        def on_exit(result: Any, error: BaseException | None) -> None:
            if not future.running():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)

        pool = _pool_of(self)
        simulated = SimulatedThread(pool.prefix, job, on_exit, pool=pool)
        pool.jobs.append(simulated)
        pool.futures.append(future)
        start(simulated)
        return future


def _shutdown(
    self: concurrent.futures.ThreadPoolExecutor, wait: bool = True, *, cancel_futures: bool = False
) -> None:
    """ThreadPoolExecutor.shutdown: waits (on the virtual clock) for the simulated jobs."""
    with self._shutdown_lock:
        self._shutdown = True
    pool = _pools.get(self)
    if pool is None:
        return
    if cancel_futures:
        for future in pool.futures:
            if not future.running():
                future.cancel()
    if wait:
        block_until(pool.all_done, None)


def install(undo: ExitStack) -> None:
    """Simulate threads for the run: threading's locks, Condition, Thread, and thread pools."""
    global _finishing
    _running.clear()
    _finishing = False
    undo.callback(_running.clear)
    # Threads are named Thread-1, ThreadPoolExecutor-0 ... from the start in every run, as in a
    # new process. (The threading module is guarded: its counter comes back after the run.)
    setattr(threading, "_counter", itertools.count(1).__next__)
    pool_class = concurrent.futures.ThreadPoolExecutor
    undo.callback(setattr, pool_class, "_counter", vars(pool_class)["_counter"])
    setattr(pool_class, "_counter", itertools.count().__next__)
    for owner, name, value in (
        (threading, "Lock", SimulatedLock),
        (threading, "RLock", SimulatedRLock),
        (threading, "current_thread", _current_thread),
        (threading, "currentThread", _current_thread),
        (threading, "get_ident", _get_ident),
        (threading.Condition, "wait", _condition_wait),
        (threading.Thread, "start", _thread_start),
        (threading.Thread, "join", _thread_join),
        (threading.Thread, "is_alive", _thread_is_alive),
        (concurrent.futures.ThreadPoolExecutor, "submit", _submit),
        (concurrent.futures.ThreadPoolExecutor, "shutdown", _shutdown),
    ):
        undo.callback(setattr, owner, name, getattr(owner, name))
        setattr(owner, name, value)


def finish(active: Kernel) -> None:
    """The program has ended: let every simulated thread run to its end, as CPython waits."""
    global _finishing
    _finishing = True
    active.finish()

