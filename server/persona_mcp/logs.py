"""Logging on stderr, as text for people or one JSON object a line for log pipelines.

On stdio, stdout belongs to the protocol, so every log line goes to stderr whatever the format.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from typing import Any, Literal

LogFormat = Literal["text", "json"]

_KEPT = frozenset("\n\t")
_BIDI = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _visible(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """`text` safe to show on a terminal: control characters (ESC, CSI, BEL, CR...) and bidirectional overrides
    written as visible escapes (\\x1b, \\u202e), new lines and tabs kept.

    A file name or a value from a user's file can hold a terminal escape sequence that moves the cursor,
    rewrites earlier lines or sets the window title; printed raw, it does so on the reader's terminal.
    """
    if text.isprintable() or all(c.isprintable() or c in _KEPT for c in text):
        return text
    return "".join(
        _visible(c) if (not c.isprintable() and c not in _KEPT and (ord(c) < 0xA0 or c in _BIDI)) else c for c in text
    )


class TerminalSafe:
    """A text stream that writes through `escape_controls` (stdout and stderr of the command line)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape_controls(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class JsonFormatter(logging.Formatter):
    """One JSON object per log line: ts, level, logger, message (and exc when there is one)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Log lines for people, with control characters escaped (a logged file name cannot drive the terminal)."""

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record))


def configure_logging(level: str, fmt: LogFormat = "text") -> None:
    """Send every log record at `level` or above to stderr in `fmt`; replaces earlier handlers."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)


class Throttle:
    """At most `limit` log lines per `period_s` seconds for one kind of event a caller can provoke at will.

    A client that sends a million bad lines must not write a million log lines: past the limit the lines are
    counted, and the first one allowed in the next period says how many were left out.
    """

    def __init__(self, limit: int = 10, period_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period_s = period_s
        self.clock = clock
        self.window_start = -period_s
        self.count = 0
        self.suppressed = 0

    def allow(self) -> bool:
        """Whether to log this event now (call once per event)."""
        now = self.clock()
        if now - self.window_start >= self.period_s:
            if self.suppressed:
                logging.getLogger(__name__).warning("%d similar lines were left out", self.suppressed)
            self.window_start, self.count, self.suppressed = now, 0, 0
        if self.count < self.limit:
            self.count += 1
            return True
        self.suppressed += 1
        return False
