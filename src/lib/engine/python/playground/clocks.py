"""Every clock a program can read, on the run's virtual clock (docs/decisions/0091-wall-clock.md).

The monotonic clocks read the virtual clock itself (0.0 when the run starts). The wall clock
reads a fixed instant, 2025-01-01 00:00:00 UTC, plus the virtual clock, and the program's local
time zone is UTC, so every run prints the same dates and elapsed wall time always equals elapsed
virtual time. `datetime.now()` and `date.today()` are C code that reads the system clock, so the
`datetime` module's two classes are replaced for the run by subclasses whose constructors and
clock methods give back plain `datetime` objects (freezegun's approach).
"""

from __future__ import annotations

import calendar
import datetime
import math
import sys
import time
import warnings
from contextlib import ExitStack
from typing import Any, Callable

from .kernel import Kernel
from .limits import virtual_time_message
from .session import RunSession, user_line
from .threads import sleep_in_thread

# The wall clock at virtual time 0: 2025-01-01 00:00:00 UTC, a whole number of seconds so that
# time_ns() is exact.
EPOCH = 1_735_689_600
_EPOCH_NS = EPOCH * 1_000_000_000

_REAL_DATE = datetime.date
_REAL_DATETIME = datetime.datetime
_UTC = datetime.timezone.utc

# The clocks of the time module that read the virtual clock (the CPU-time clocks stay real: CPU
# work costs no virtual time, docs/decisions/0001-virtual-time.md).
_VIRTUAL_CLOCK_IDS = {
    getattr(time, name)
    for name in ("CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_MONOTONIC_RAW", "CLOCK_BOOTTIME")
    if hasattr(time, name)
}
_WALL_CLOCK_IDS: set[int] = {time.CLOCK_REALTIME} if hasattr(time, "CLOCK_REALTIME") else set()

_UTCNOW_DEPRECATION = (
    "datetime.datetime.utcnow() is deprecated and scheduled for removal in a future version. "
    "Use timezone-aware objects to represent datetimes in UTC: datetime.datetime.now(datetime.UTC)."
)


def install(undo: ExitStack, session: RunSession, kernel: Kernel) -> None:
    """Point every clock at the virtual clock for the run; `undo` puts the real ones back.

    The time and datetime modules are guarded by the patches (their namespaces are restored),
    so only what lives outside a module namespace registers its own undo here.
    """
    clock = session.clock
    limits = session.limits
    note_read = kernel.clock_read

    def now() -> float:
        note_read()
        return clock.time()

    def wall() -> float:
        return EPOCH + now()

    def sleep(seconds: float) -> None:
        """time.sleep on the virtual clock: blocks the whole loop (nothing else runs)."""
        seconds = float(seconds)
        if math.isnan(seconds):
            raise ValueError("Invalid value NaN (not a number)")  # CPython's own words
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if sleep_in_thread(seconds):
            return
        start = clock.now
        line = user_line(sys._getframe(1))
        # An endless sleep blocks the loop until the limit ends the run, not for ever.
        until_limit = max(limits.max_virtual_time - start, 0.0)
        session.instrument.loop_blocked(start, min(seconds, until_limit), line, session.current_task)
        if start + seconds > limits.max_virtual_time:
            session.instrument.limit_reached("virtual_time", virtual_time_message(limits), line)
            raise session.halt("virtual_time")
        kernel.advance(start + seconds)

    def monotonic() -> float:
        return now()

    def monotonic_ns() -> int:
        return round(now() * 1e9)

    def wall_time() -> float:
        return wall()

    def wall_time_ns() -> int:
        return _EPOCH_NS + round(now() * 1e9)

    def gmtime(secs: float | None = None) -> time.struct_time:
        return _utc_struct(wall() if secs is None else secs)

    def localtime(secs: float | None = None) -> time.struct_time:
        # The run's local zone is UTC (decision 0091), whatever the visitor's machine says.
        return _utc_struct(wall() if secs is None else secs)

    def mktime(t: Any) -> float:
        return float(calendar.timegm(tuple(t)))

    def ctime(secs: float | None = None) -> str:
        return _real_asctime(localtime(secs))

    def asctime(t: Any = None) -> str:
        return _real_asctime(localtime() if t is None else t)

    def strftime(format: str, t: Any = None) -> str:
        return _real_strftime(format, localtime() if t is None else t)

    def clock_gettime(clk_id: int) -> float:
        if clk_id in _WALL_CLOCK_IDS:
            return wall()
        if clk_id in _VIRTUAL_CLOCK_IDS:
            return now()
        return _real_clock_gettime(clk_id)

    def clock_gettime_ns(clk_id: int) -> int:
        if clk_id in _WALL_CLOCK_IDS:
            return wall_time_ns()
        if clk_id in _VIRTUAL_CLOCK_IDS:
            return monotonic_ns()
        return _real_clock_gettime_ns(clk_id)

    replacements: list[tuple[str, Callable[..., Any]]] = [
        ("sleep", sleep),
        ("monotonic", monotonic),
        ("monotonic_ns", monotonic_ns),
        ("perf_counter", monotonic),
        ("perf_counter_ns", monotonic_ns),
        ("time", wall_time),
        ("time_ns", wall_time_ns),
        ("gmtime", gmtime),
        ("localtime", localtime),
        ("mktime", mktime),
        ("ctime", ctime),
        ("asctime", asctime),
        ("strftime", strftime),
    ]
    if hasattr(time, "clock_gettime"):
        replacements += [("clock_gettime", clock_gettime), ("clock_gettime_ns", clock_gettime_ns)]
    for name, function in replacements:
        # Named like the functions they replace, so reprs and labels read "sleep", not ours.
        function.__name__ = function.__qualname__ = name
        function.__module__ = "time"
        setattr(time, name, function)
    time.timezone = time.altzone = 0
    time.daylight = 0
    time.tzname = ("UTC", "UTC")

    date_class, datetime_class = _virtual_date_classes(wall)
    datetime.date = date_class
    datetime.datetime = datetime_class


_real_gmtime = time.gmtime


def _utc_struct(secs: float) -> time.struct_time:
    """gmtime as Linux gives it: the zone is named UTC (Emscripten says GMT)."""
    fields = tuple(_real_gmtime(secs))[:9]
    return time.struct_time((*fields, "UTC", 0))

_real_asctime = time.asctime
_real_strftime = time.strftime
_real_clock_gettime = time.clock_gettime
_real_clock_gettime_ns = time.clock_gettime_ns


class _RealInstances(type):
    """The metaclass of the run's `date` and `datetime`: plain objects count as their instances.

    Every object the program gets is a real `datetime.date` or `datetime.datetime` (their reprs
    and types stay CPython's), so `isinstance` and `issubclass` answer for the real classes.
    """

    _real: type

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, cls._real)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, cls._real)


def _virtual_date_classes(wall: Callable[[], float]) -> tuple[type, type]:
    """`date` and `datetime` for one run, whose clock methods read `wall()`."""

    def utc(t: float) -> datetime.datetime:
        return _REAL_DATETIME.fromtimestamp(t, _UTC)

    class date(_REAL_DATE, metaclass=_RealInstances):  # noqa: N801 - the name the program sees
        _real = _REAL_DATE

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            if cls is date:
                return _REAL_DATE(*args, **kwargs)
            return super().__new__(cls, *args, **kwargs)

        @classmethod
        def today(cls) -> Any:
            return cls.fromtimestamp(wall())

        @classmethod
        def fromtimestamp(cls, timestamp: float) -> Any:
            day = utc(timestamp)
            return cls(day.year, day.month, day.day)

    class datetime_(_REAL_DATETIME, metaclass=_RealInstances):
        _real = _REAL_DATETIME

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            if cls is datetime_:
                return _REAL_DATETIME(*args, **kwargs)
            return super().__new__(cls, *args, **kwargs)

        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> Any:
            return cls.fromtimestamp(wall(), tz)

        @classmethod
        def today(cls) -> Any:
            return cls.fromtimestamp(wall())

        @classmethod
        def utcnow(cls) -> Any:
            warnings.warn(_UTCNOW_DEPRECATION, DeprecationWarning, stacklevel=2)
            return cls._from_utc(utc(wall()).replace(tzinfo=None))

        @classmethod
        def fromtimestamp(cls, timestamp: float, tz: datetime.tzinfo | None = None) -> Any:
            moment = utc(timestamp)
            moment = moment.replace(tzinfo=None) if tz is None else moment.astimezone(tz)
            return cls._from_utc(moment)

        @classmethod
        def _from_utc(cls, moment: datetime.datetime) -> Any:
            if cls is datetime_:
                return moment
            return cls(
                moment.year,
                moment.month,
                moment.day,
                moment.hour,
                moment.minute,
                moment.second,
                moment.microsecond,
                moment.tzinfo,
                fold=moment.fold,
            )

    for made in (date, datetime_):
        made.__module__ = "datetime"
    datetime_.__name__ = datetime_.__qualname__ = "datetime"
    return date, datetime_
