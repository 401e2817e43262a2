"""Output capture: sys.stdout and sys.stderr for one run, turned into output events.

The user's prints arrive as arbitrary fragments; a line becomes one output event when its newline
arrives, stamped with the virtual time and the task at its first character, so a prompt written
with print(..., end="") and finished later still reads as one line, at the time it began.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from .events import Stream
from .limits import output_truncated_message
from .tracer import describe_origin

if TYPE_CHECKING:
    from .session import RunSession

# A line held back while a simulated thread runs: (virtual time, stream, text).
HeldLine = tuple[float, Stream, str]


class OutputCapture:
    """The run's output: collects fragments per stream and reports each full line.

    Output from a simulated thread is held back (`hold` / `release`) and replayed at its own
    virtual time (threads.py). Past max_output_chars, lines are dropped with one note.
    """

    def __init__(self, session: RunSession) -> None:
        self._session = session
        self._limit = session.limits.max_output_chars
        self._chars = 0
        self._truncated = False
        # stream -> (time, task and user's line at the line's first character, the line's
        # fragments so far)
        self._partial: dict[Stream, tuple[float, int | None, int | None, list[str]]] = {}
        self._held: list[HeldLine] | None = None

    def stream(self, name: Stream) -> CaptureStream:
        """A file-like object writing to this capture as stream `name`."""
        return CaptureStream(self, name)

    def write(self, stream: Stream, text: str) -> None:
        """Split `text` into lines; emit each line when its newline arrives."""
        if not text:
            return
        session = self._session
        clock = session.clock
        pending = self._partial.get(stream)
        # The user's line that wrote it (not one below the loop running a callback that printed),
        # read only where a line of output begins.
        line = describe_origin(0)[1] if pending is None or "\n" in text else None
        if pending is None:
            fragments: list[str] = []
            pending = (clock.time(), session.current_task, line, fragments)
            self._partial[stream] = pending
        parts = text.split("\n")
        pending[3].append(parts[0])
        for part in parts[1:]:
            t, task, first_line, pieces = pending
            self._emit(t, stream, "".join(pieces), task, first_line)
            pending = (clock.time(), session.current_task, line, [part])
        if pending[3] == [""]:
            self._partial.pop(stream, None)
        else:
            self._partial[stream] = pending

    def flush_partial(self) -> None:
        """Emit unterminated lines (the last print(..., end="") of a run)."""
        for stream, (t, task, line, pieces) in list(self._partial.items()):
            self._emit(t, stream, "".join(pieces), task, line)
        self._partial.clear()

    def hold(self) -> list[HeldLine] | None:
        """Start holding lines back (a simulated thread runs); returns the outer hold."""
        self.flush_partial()
        outer = self._held
        self._held = []
        return outer

    def release(self, outer: list[HeldLine] | None) -> list[HeldLine]:
        """Stop holding; return the held lines as (t, stream, text)."""
        self.flush_partial()
        lines = self._held or []
        self._held = outer
        return lines

    def replay(self, t: float, stream: Stream, text: str) -> None:
        """Emit a held line (a loop callback at the line's own virtual time)."""
        self._emit(t, stream, text, None, None)

    def _emit(
        self, t: float, stream: Stream, text: str, task: int | None, line: int | None
    ) -> None:
        if self._held is not None:
            self._held.append((t, stream, text))
            return
        instrument = self._session.instrument
        if instrument.muted or self._truncated:
            return
        self._chars += len(text) + 1
        if self._chars > self._limit:
            self._truncated = True
            instrument.note_added(
                "output_truncated", output_truncated_message(self._session.limits), None
            )
            return
        instrument.output_written(t, stream, text, task, line)


class CaptureStream:
    """What sys.stdout or sys.stderr is during a run: a minimal text stream into the capture.

    Only what print(), traceback and warnings call on a text stream: enough for user code that
    writes to sys.stdout directly, without pretending to be a real file.
    """

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, capture: OutputCapture, name: Stream) -> None:
        self._capture = capture
        self.name = f"<{name}>"
        self._stream: Stream = name

    def write(self, text: str) -> int:
        """Write `text` (anything: str() of it, as a tolerant file would); returns its length."""
        self._capture.write(self._stream, str(text))
        return len(text)

    def writelines(self, lines: Iterable[Any]) -> None:
        """Write each of `lines`, adding no newlines."""
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Lines are emitted as they complete; nothing is buffered beyond the current line."""

    def isatty(self) -> bool:
        """Never a terminal."""
        return False

    def writable(self) -> bool:
        """Always writable."""
        return True

    def readable(self) -> bool:
        """Never readable."""
        return False
