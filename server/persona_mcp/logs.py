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


def configure_logging(level: str, fmt: LogFormat = "text") -> None:
    """Send every log record at `level` or above to stderr in `fmt`; replaces earlier handlers."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
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
