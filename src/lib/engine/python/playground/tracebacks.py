"""The engine's own frames, kept out of every traceback a program prints or the trace carries."""

from __future__ import annotations

import os
from types import TracebackType

# Frames from these files are the engine's own and never shown in a user's traceback.
ENGINE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def strip_engine_frames(error: BaseException, seen: set[int] | None = None) -> None:
    """Remove the engine's own frames from an exception's traceback (and its causes)."""
    seen = seen if seen is not None else set()
    if id(error) in seen:
        return
    seen.add(id(error))
    entries: list[TracebackType] = []
    tb = error.__traceback__
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(ENGINE_DIR):
            entries.append(tb)
        tb = tb.tb_next
    rebuilt: TracebackType | None = None
    for entry in reversed(entries):
        rebuilt = TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    error.__traceback__ = rebuilt
    for linked in (error.__cause__, error.__context__):
        if linked is not None:
            strip_engine_frames(linked, seen)
    for inner in getattr(error, "exceptions", ()) or ():
        if isinstance(inner, BaseException):
            strip_engine_frames(inner, seen)
