"""The arguments a task's coroutine was called with, as text for its lane: `say_after(2, 'world')`.

Read from the coroutine's frame before its first step, when its locals are exactly the bound
arguments, in `co_varnames` order: the positional ones, then the keyword-only ones, then `*args`
and `**kwargs` when the code has them.

Values are written by this module alone, never by their own `__repr__`: a user's `__repr__` may
print, raise, loop or change state, and the recording must not change what the program does
(docs/decisions/0112-call-arguments-from-frame-locals.md). Built-in values are written like repr
writes them, with reprlib-like limits; anything else is named by its type, `<Point>`.
"""

from __future__ import annotations

import enum
import types
from typing import Any, Callable

# reprlib-like limits: each value is at most MAX_VALUE characters, a container shows MAX_ITEMS
# items and nests MAX_DEPTH deep, a call lists MAX_ARGUMENTS arguments.
MAX_VALUE = 60
MAX_ITEMS = 4
MAX_DEPTH = 2
MAX_ARGUMENTS = 12
# A keyword argument's text, name included (the contract allows more: TRACE_LIMITS).
MAX_ARGUMENT = 100
# An int wider than this many bits is not converted to decimal (slow, and refused past 4300 digits).
MAX_INT_BITS = 256

_CO_VARARGS = 0x04
_CO_VARKEYWORDS = 0x08


class CallArguments:
    """Reads the arguments of coroutines' calls; one per run, as it keeps each code's layout."""

    def __init__(self) -> None:
        # Each code's parameters, read once: 10,000 tasks of one function share one code object.
        # Keyed by id, since hashing a code object hashes its bytecode; the layout holds the
        # code, so the id is not reused by another during the run.
        self._layouts: dict[int, _Layout] = {}

    def of(self, coro: Any) -> list[str] | None:
        """The arguments `coro` was called with, each as text ("2", "'world'", "retries=3").

        None when they cannot be known: the awaitable is not a coroutine made by a function
        call, or it has already started (its locals are no longer its arguments).
        """
        if type(coro) is not types.CoroutineType or coro.cr_running or coro.cr_suspended:
            return None
        frame = coro.cr_frame
        if frame is None:
            return None
        try:
            code = coro.cr_code
            layout = self._layouts.get(id(code))
            if layout is None or layout.code is not code:
                layout = self._layouts[id(code)] = _Layout(code)
            return layout.arguments(frame.f_locals)
        except Exception:  # whatever goes wrong, the lane falls back to the coroutine's name
            return None


class _Layout:
    """Which locals of a code object are its parameters, and how a call writes each."""

    def __init__(self, code: types.CodeType) -> None:
        self.code = code
        positional = code.co_argcount
        keyword_only = code.co_kwonlyargcount
        names = code.co_varnames
        first = 0
        # A method's lane reads `Worker.run(3)`, as the call `worker.run(3)` does, not
        # `(<Worker>, 3)`.
        if positional and names[0] in ("self", "cls") and "." in code.co_qualname:
            first = 1
        self.positional = names[first:positional]
        self.keyword_only = names[positional : positional + keyword_only]
        extra = positional + keyword_only
        self.varargs: str | None = None
        self.varkw: str | None = None
        if code.co_flags & _CO_VARARGS:
            self.varargs = names[extra]
            extra += 1
        if code.co_flags & _CO_VARKEYWORDS:
            self.varkw = names[extra]

    def arguments(self, local: Any) -> list[str]:
        texts = [value_text(local[name]) for name in self.positional]
        if self.varargs is not None:
            texts.extend(value_text(item) for item in local[self.varargs][: MAX_ARGUMENTS + 1])
        for name in self.keyword_only:
            texts.append(_cut(f"{name}={value_text(local[name])}", MAX_ARGUMENT))
        if self.varkw is not None:
            for count, (key, item) in enumerate(local[self.varkw].items()):
                if count > MAX_ARGUMENTS:
                    break
                texts.append(_cut(f"{key}={value_text(item)}", MAX_ARGUMENT))
        if len(texts) > MAX_ARGUMENTS:
            texts[MAX_ARGUMENTS:] = ["…"]
        return texts


def value_text(value: object, depth: int = 0) -> str:
    """`value` as repr writes it when it is built in, else `<TypeName>`; at most MAX_VALUE chars."""
    try:
        writer = _WRITERS.get(type(value))
        text = writer(value, depth) if writer is not None else _other(value)
    except Exception:  # a value this module cannot write is named by its type
        text = _type_text(value)
    return _cut(text)


def _cut(text: str, limit: int = MAX_VALUE) -> str:
    if len(text) <= limit:
        return text
    # A string keeps its closing quote, so the cut reads as a string: 'a long te…'
    if text[-1] in "'\"":
        return text[: limit - 2] + "…" + text[-1]
    return text[: limit - 1] + "…"


def _type_text(value: object) -> str:
    return f"<{type.__dict__['__name__'].__get__(type(value))}>"


def _plain(value: Any, depth: int) -> str:
    return repr(value)  # only built-in types reach here: their repr runs no user code


def _string(value: str | bytes, depth: int) -> str:
    # Only the beginning is written (and then cut): a megabyte string is not copied whole.
    return repr(value[: MAX_VALUE + 1])


def _int(value: int, depth: int) -> str:
    if value.bit_length() > MAX_INT_BITS:
        return f"<int of {value.bit_length()} bits>"
    return str(value)


def _items(values: Any, depth: int) -> str:
    if depth >= MAX_DEPTH:
        return "…" if len(values) else ""
    texts: list[str] = []
    for count, item in enumerate(values):
        if count == MAX_ITEMS:
            texts.append("…")
            break
        texts.append(value_text(item, depth + 1))
    return ", ".join(texts)


def _list(value: list[Any], depth: int) -> str:
    return f"[{_items(value, depth)}]"


def _tuple(value: tuple[Any, ...], depth: int) -> str:
    return f"({_items(value, depth)},)" if len(value) == 1 else f"({_items(value, depth)})"


def _set(value: set[Any] | frozenset[Any], depth: int) -> str:
    if not value:
        return f"{type(value).__name__}()"
    inner = _items(value, depth)
    return f"{{{inner}}}" if type(value) is set else f"frozenset({{{inner}}})"


def _dict(value: dict[Any, Any], depth: int) -> str:
    if depth >= MAX_DEPTH:
        return "{…}" if value else "{}"
    texts: list[str] = []
    for count, (key, item) in enumerate(value.items()):
        if count == MAX_ITEMS:
            texts.append("…")
            break
        texts.append(f"{value_text(key, depth + 1)}: {value_text(item, depth + 1)}")
    return "{" + ", ".join(texts) + "}"


def _function(value: Any, depth: int) -> str:
    # `main.<locals>.helper` reads `helper`; a lambda reads `<lambda>`.
    return str(value.__qualname__).rpartition("<locals>.")[2]


def _coroutine(value: types.CoroutineType[Any, Any, Any], depth: int) -> str:
    return f"<coroutine {_function(value, depth)}>"


def _other(value: object) -> str:
    kind = type(value)
    if issubclass(kind, type):
        return str(type.__dict__["__qualname__"].__get__(value))
    if issubclass(kind, enum.Enum):
        member = object.__getattribute__(value, "_name_")
        return f"{type.__dict__['__name__'].__get__(kind)}.{member}"
    return _type_text(value)


_WRITERS: dict[type, Callable[[Any, int], str]] = {
    type(None): _plain,
    bool: _plain,
    int: _int,
    float: _plain,
    complex: _plain,
    str: _string,
    bytes: _string,
    list: _list,
    tuple: _tuple,
    set: _set,
    frozenset: _set,
    dict: _dict,
    types.FunctionType: _function,
    types.BuiltinFunctionType: _function,
    types.CoroutineType: _coroutine,
    type(Ellipsis): _plain,
}
