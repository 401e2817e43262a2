"""What a run must leave as it found it: the interpreter state every later run depends on.

`InterpreterState.capture()` before a run records, by identity, every module in `sys.modules`,
the namespace of each, the attributes of every class those modules define, the trace and profile
hooks, `sys.monitoring`'s tools, the import machinery's lists and a few interpreter settings.
`restore()` after the run puts back what the engine itself relies on (its own modules and
classes, replaced or deleted `sys.modules` entries, the trace and profile hooks) and returns a
sentence for every change it found, restored or not. A run that changed anything gets a fresh
runtime before the next run (the page's runner does that, docs/decisions/0110-clean-runs.md);
restoring keeps this interpreter usable for the rest of this run and where no fresh runtime is
at hand (the command-line tool).

Identities, not equality: a value whose `__eq__` always says True cannot hide a replacement.
New modules and new names in the program's own modules are not changes: importing is allowed.
"""

from __future__ import annotations

import gc
from itertools import chain
from operator import is_, methodcaller
import os
import sys
from types import BuiltinFunctionType, FunctionType, ModuleType
from typing import Any, cast

_ENGINE_PACKAGE = "playground"
# Besides the engine's own modules, those it encodes the trace with are put back too.
_RESTORED = frozenset({"json", "json.encoder", "json.decoder"})

# The last run's changes, read by the runner after `run()` returns (engine.ts).
_last_changes: list[str] = []

# Every namespace's keys and values in one flat tuple each, held (not copied), with each
# namespace's length: one comparison by identity, in C, tells whether anything changed.
class _Namespaces:
    def __init__(self, mappings: list[Any], *, new_names: bool) -> None:
        self.mappings = mappings
        # A module may gain names (a lazy import); a class that gains one behaves differently.
        self.new_names = new_names
        self.lengths = tuple(map(len, mappings))
        self.keys = tuple(chain.from_iterable(mappings))
        self.values = tuple(chain.from_iterable(map(_values, mappings)))

    def changed(self) -> list[int]:
        """The indexes of the mappings where a name now means something else or is gone."""
        if self.lengths == tuple(map(len, self.mappings)) and _same(
            self.keys, tuple(chain.from_iterable(self.mappings))
        ):
            if _same(self.values, tuple(chain.from_iterable(map(_values, self.mappings)))):
                return []
        changed: list[int] = []
        offset = 0
        for index, (mapping, length) in enumerate(zip(self.mappings, self.lengths)):
            keys = self.keys[offset : offset + length]
            values = self.values[offset : offset + length]
            offset += length
            if not self.new_names and len(mapping) != length:
                changed.append(index)
            elif any(mapping.get(key, _MISSING) is not value for key, value in zip(keys, values)):
                changed.append(index)
        return changed


_values = methodcaller("values")


def _same(before: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
    return len(before) == len(now) and all(map(is_, before, now))


def _is_engine(name: str) -> bool:
    return name == _ENGINE_PACKAGE or name.startswith(_ENGINE_PACKAGE + ".") or name in _RESTORED


# Per module name: the module and the classes it defines, found once (a scan of every value).
_classes_by_module: dict[str, tuple[ModuleType, tuple[type, ...]]] = {}


def _classes_of(name: str, module: ModuleType) -> tuple[type, ...]:
    known = _classes_by_module.get(name)
    if known is not None and known[0] is module:
        return known[1]
    found = tuple(
        value
        for value in list(vars(module).values())
        if isinstance(value, type) and value.__module__ == name
    )
    _classes_by_module[name] = (module, found)
    return found


def _code(namespace: dict[str, Any]) -> dict[str, Any]:
    """The functions, classes and modules of an engine module: its data is the engine's own state."""
    return {
        key: value
        for key, value in namespace.items()
        if isinstance(value, (type, ModuleType, FunctionType, BuiltinFunctionType))
    }


# The engine as first seen (before any program ran): its modules' code and its classes' attributes.
_pristine_engine: list[tuple[ModuleType, dict[str, Any]]] = []
_pristine_classes: dict[type, dict[str, Any]] = {}


def _settings() -> tuple[Any, ...]:
    return (
        sys.getrecursionlimit(),
        sys.get_int_max_str_digits(),
        sys.getswitchinterval(),
        gc.isenabled(),
        gc.get_threshold(),
        os.getcwd(),
        tuple(sys.monitoring.get_tool(tool) for tool in range(6)),
    )


class InterpreterState:
    """The interpreter before a run, by identity; `restore()` compares and puts back."""

    def __init__(self) -> None:
        # Any value: a program may have put anything in sys.modules (None, to block an import).
        self._modules: dict[str, Any] = dict(sys.modules)
        modules = [
            (name, module)
            for name, module in self._modules.items()
            if isinstance(module, ModuleType) and name not in _VOLATILE
        ]
        if not _pristine_engine:
            for name, module in modules:
                if _is_engine(name):
                    _pristine_engine.append((module, _code(vars(module))))
                    for cls in _classes_of(name, module):
                        _pristine_classes[cls] = dict(vars(cls))
        checked = [(name, module) for name, module in modules if not _is_engine(name)]
        self._names = [name for name, _ in checked]
        self._namespaces = _Namespaces([vars(module) for _, module in checked], new_names=True)
        self._classes = [cls for name, module in modules for cls in _classes_of(name, module)]
        self._class_namespaces = _Namespaces([vars(cls) for cls in self._classes], new_names=False)
        self._hooks = (sys.gettrace(), sys.getprofile())
        lists: list[list[Any]] = [
            cast(list[Any], sys.meta_path),
            cast(list[Any], sys.path_hooks),
            cast(list[Any], sys.path),
            cast(list[Any], gc.callbacks),
        ]
        self._lists = [(items, list(items)) for items in lists]
        self._settings = _settings()

    @classmethod
    def capture(cls) -> InterpreterState:
        return cls()

    def restore(self) -> list[str]:
        """Put back what the engine relies on; return one sentence per change found."""
        changes: list[str] = []
        if sys.gettrace() is not self._hooks[0] or sys.getprofile() is not self._hooks[1]:
            changes.append("a trace or profile hook (sys.settrace, sys.setprofile)")
            sys.settrace(self._hooks[0])
            sys.setprofile(self._hooks[1])
        modules = sys.modules
        for name, module in self._modules.items():
            if modules.get(name) is not module:
                changes.append(f"sys.modules[{name!r}]")
                modules[name] = module
        for module, code in _pristine_engine:
            namespace = vars(module)
            if any(namespace.get(key, _MISSING) is not value for key, value in code.items()):
                changes.append(f"the engine's module {module.__name__}")
                namespace.update(code)
        for index in self._namespaces.changed():
            changes.append(f"the module {self._names[index]}")
        for index in self._class_namespaces.changed():
            cls = self._classes[index]
            changes.append(f"the class {cls.__module__}.{cls.__qualname__}")
        for cls, attributes in _pristine_classes.items():
            current = vars(cls)
            if len(current) != len(attributes) or any(
                current.get(key, _MISSING) is not value for key, value in attributes.items()
            ):
                _restore_class(cls, attributes)
        for items, before in self._lists:
            if len(items) != len(before) or any(a is not b for a, b in zip(items, before)):
                changes.append("the import machinery or gc.callbacks")
                items[:] = before
        if _settings() != self._settings:
            changes.append("an interpreter setting (recursion limit, gc, monitoring, cwd)")
        return changes


# Namespaces that ordinary runs rewrite: sys (sys.last_exc …), linecache's cache, the program's own.
_VOLATILE = frozenset({"sys", "linecache", "__main__"})


def _restore_class(cls: type, attributes: dict[str, Any]) -> None:
    current = vars(cls)
    for key in [key for key in current if key not in attributes]:
        _set_class_attribute(cls, key, _MISSING)
    for key, value in attributes.items():
        if current.get(key, _MISSING) is not value:
            _set_class_attribute(cls, key, value)


class _Missing:
    pass


_MISSING: Any = _Missing()


def _set_class_attribute(cls: type, key: str, value: Any) -> None:
    try:
        if value is _MISSING:
            delattr(cls, key)
        else:
            setattr(cls, key, value)
    except (AttributeError, TypeError):
        pass  # a slot or read-only attribute: the fresh runtime puts it back


def record(changes: list[str]) -> None:
    """Remember the run's changes for `last_changes`."""
    _last_changes[:] = changes


def last_changes_text() -> str:
    """What the last run changed in the interpreter, one change a line ("" when nothing)."""
    return "\n".join(_last_changes)
