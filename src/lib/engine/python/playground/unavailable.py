"""What no program can do in the playground, said in one line instead of a bare error.

There are no other processes (WebAssembly in a browser tab), so subprocesses and process pools
cannot start, and no signal can be sent. Each raises NotImplementedError with a message that
names the facility, says it is not available here and what to use instead. Registering a
signal handler works: the handler never fires, since no signal can arrive (loop.py).
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
from asyncio import base_events, unix_events
from contextlib import ExitStack
from typing import Any, NoReturn

SUBPROCESSES = (
    "subprocesses are not available in the playground: a program here cannot start other "
    "programs"
)
PROCESS_POOLS = (
    "process pools are not available in the playground: there is only this one process; use "
    "concurrent.futures.ThreadPoolExecutor or asyncio.to_thread"
)
INTERPRETER_POOLS = (
    "interpreter pools are not available in the playground: use "
    "concurrent.futures.ThreadPoolExecutor or asyncio.to_thread"
)
SIGNALS = (
    "sending signals is not available in the playground: there are no other processes, and a "
    "signal handler never fires here"
)


def _refuse(message: str) -> NoReturn:
    raise NotImplementedError(message)


async def _no_subprocess_transport(*args: Any, **kwargs: Any) -> NoReturn:
    _refuse(SUBPROCESSES)


def _no_subprocess(*args: Any, **kwargs: Any) -> NoReturn:
    _refuse(SUBPROCESSES)


def _no_popen(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    # Popen.__del__ reads this, as CPython's own __init__ sets it first for that reason.
    self._child_created = False
    _refuse(SUBPROCESSES)


def _no_signal(*args: Any, **kwargs: Any) -> NoReturn:
    _refuse(SIGNALS)


class _UnavailablePool:
    """Stands for a pool class that cannot exist here: making one raises."""

    message = PROCESS_POOLS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _refuse(self.message)


class ProcessPoolExecutor(_UnavailablePool):
    """concurrent.futures.ProcessPoolExecutor in the playground."""


class InterpreterPoolExecutor(_UnavailablePool):
    """concurrent.futures.InterpreterPoolExecutor in the playground."""

    message = INTERPRETER_POOLS


def install(undo: ExitStack) -> None:
    """Make each unavailable facility raise its message for the run; `undo` restores them."""
    replacements: list[tuple[Any, str, Any]] = [
        (base_events.BaseEventLoop, "_make_subprocess_transport", _no_subprocess_transport),
        (
            unix_events._UnixSelectorEventLoop,
            "_make_subprocess_transport",
            _no_subprocess_transport,
        ),
        (subprocess.Popen, "__init__", _no_popen),
        (concurrent.futures, "ProcessPoolExecutor", ProcessPoolExecutor),
        (concurrent.futures, "InterpreterPoolExecutor", InterpreterPoolExecutor),
        (signal, "raise_signal", _no_signal),
        (signal, "pthread_kill", _no_signal),
        (os, "kill", _no_signal),
        (os, "killpg", _no_signal),
    ]
    for name in ("fork", "forkpty", "system", "popen", "posix_spawn", "posix_spawnp"):
        replacements.append((os, name, _no_subprocess))
    for owner, name, value in replacements:
        missing = name not in vars(owner)
        if missing and owner is not concurrent.futures:
            continue
        if missing:
            undo.callback(delattr, owner, name)
        else:
            undo.callback(setattr, owner, name, vars(owner)[name])
        setattr(owner, name, value)

