"""Serving MCP on stdio behind a guard that answers every line and stops gracefully on SIGTERM.

The SDK's stdio transport reads a line, and when the line is not a JSON-RPC message it drops it without a
reply: a client that sent a broken line, a number past Python's 4,300-digit limit or JSON nested hundreds
of levels deep waits forever. It also reads a line of any length into memory, and SIGTERM kills the process
mid-response. The SDK offers no hook on its stdio reader, so the guard sits in front of the process's own
file descriptors: before the SDK claims them, fd 0 and fd 1 become pipes served by two threads.

- The reader reads the real stdin in bounded chunks. A line longer than MAX_LINE_BYTES is discarded as it
  arrives and answered with an error; a line that does not parse as JSON (or parses into something JSON-RPC
  cannot be, or nests deeper than MAX_DEPTH) is answered with -32700 Parse error and id null, as JSON-RPC 2.0
  (section 5.1) asks and as the HTTP transport already does. Good lines go to the SDK unchanged.
- The writer copies the SDK's output to the real stdout one whole line at a time, under the lock the reader's
  error replies take too, so frames never interleave.
- SIGTERM (and SIGINT), like the end of the real stdin, stop the reader taking new lines. The guard knows
  which requests it passed on and which the SDK has answered; once all are answered (or GRACE_S has passed)
  it ends the SDK's input, and the process exits 0. (Ending the SDK's input at once would cancel them: the SDK
  answers a request still running at the end of its input with "Connection closed".)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from persona_mcp.logs import Throttle

logger = logging.getLogger(__name__)

MAX_LINE_BYTES = 4 * 1024 * 1024
"""Longest message line accepted: 4 MiB holds the largest argument any tool takes (a 400,000-character
subject, even with every character escaped as \\uXXXX) with room to spare."""

MAX_DEPTH = 100
"""Deepest JSON nesting accepted in a message. A tool call's envelope takes four levels; the deepest argument
a tool reads (an availability tree) stays well inside. Pydantic and the SDK fail without a reply long
before Python's own recursion limit on deeper input."""

GRACE_S = 10.0
"""How long requests in flight may take to finish after SIGTERM before the process exits anyway."""

EXIT_MARGIN_S = 5.0
"""After the grace period the SDK's input is ended; this much later the process exits whatever still runs."""

CHUNK_BYTES = 64 * 1024


def parse_error(message: str) -> bytes:
    """A JSON-RPC Parse error response for a line that could not be read as a message (id null)."""
    body = {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": message}}
    return json.dumps(body, separators=(",", ":")).encode() + b"\n"


def _depth_over(value: Any, limit: int) -> bool:
    """Whether `value` nests containers deeper than `limit` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values() if isinstance(child, dict | list))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item if isinstance(child, dict | list))
    return False


def check_line(line: bytes) -> str | None:
    """Why `line` cannot be a JSON-RPC message, or None when it can go to the SDK."""
    return read_line(line)[0]


def read_line(line: bytes) -> tuple[str | None, Any]:
    """(why `line` cannot be a JSON-RPC message or None, the parsed line when it can)."""
    if not line.strip():
        return None, None  # blank lines are the SDK's to skip
    try:
        value = json.loads(line)
    except RecursionError:
        return f"JSON nested deeper than {MAX_DEPTH} levels", None
    except json.JSONDecodeError as exc:
        return f"not valid JSON at character {exc.pos}: {exc.msg}", None
    except ValueError:  # Python's limit on converting long digit strings to int
        return "a number too long to read (over 4,300 digits)", None
    if not isinstance(value, dict | list):
        return "a JSON-RPC message is an object (or a batch array)", None
    if _depth_over(value, MAX_DEPTH):
        return f"JSON nested deeper than {MAX_DEPTH} levels", None
    return None, value


def _ids(value: Any, *, requests: bool) -> list[str]:
    """The ids of the requests (or of the responses) in a parsed message or batch, as JSON text."""
    messages = value if isinstance(value, list) else [value]
    return [
        json.dumps(message["id"])
        for message in messages
        if isinstance(message, dict) and "id" in message and ("method" in message) is requests
    ]


def split_lines(chunks: Iterator[bytes], max_line: int = MAX_LINE_BYTES) -> Iterator[bytes | None]:
    """The lines of a byte stream (without their newline), in bounded memory.

    A line longer than `max_line` is yielded as None once it ends, its bytes discarded as they came.
    """
    pending = bytearray()
    overlong = False
    for chunk in chunks:
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                if not overlong:
                    pending += chunk[start:]
                    if len(pending) > max_line:
                        overlong, pending = True, bytearray()
                break
            if overlong or len(pending) + end - start > max_line:
                yield None
            else:
                pending += chunk[start:end]
                yield bytes(pending)
            pending, overlong = bytearray(), False
            start = end + 1
    if overlong:
        yield None
    elif pending:
        yield bytes(pending)


class StdioGuard:
    """The two pipes and threads between the process's real stdin/stdout and the SDK's stdio transport."""

    def __init__(self) -> None:
        self.real_in = os.dup(0)
        self.real_out = os.dup(1)
        sdk_in, self.to_sdk = os.pipe()
        self.from_sdk, sdk_out = os.pipe()
        os.dup2(sdk_in, 0)
        os.dup2(sdk_out, 1)
        os.close(sdk_in)
        os.close(sdk_out)
        self.lock = threading.Lock()
        self.log_throttle = Throttle()
        self.stopping = threading.Event()
        self.in_flight: set[str] = set()
        self.settled = threading.Condition()
        self.done = threading.Event()
        self.reader = threading.Thread(target=self._read, name="stdio-reader", daemon=True)
        self.writer = threading.Thread(target=self._write, name="stdio-writer", daemon=True)

    def start(self) -> None:
        self.reader.start()
        self.writer.start()

    def stop_reading(self) -> None:
        """Take no more input; once the requests in flight are answered (or GRACE_S has passed), end the
        SDK's input, which ends its server loop. Ending it at once would cancel those requests."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        threading.Thread(target=self._end_input_when_settled, name="stdio-drain", daemon=True).start()

    def _end_input_when_settled(self) -> None:
        with self.settled:
            self.settled.wait_for(lambda: not self.in_flight, timeout=GRACE_S)
        with contextlib.suppress(OSError):
            os.close(self.to_sdk)

    def finish(self) -> None:
        """After the SDK returns: send what it wrote last, then give the process its real descriptors back."""
        self.stop_reading()
        self.done.set()
        self.writer.join(timeout=GRACE_S)
        os.dup2(self.real_in, 0)
        os.dup2(self.real_out, 1)

    def _emit(self, data: bytes) -> None:
        with self.lock:
            view = memoryview(data)
            while view:
                written = os.write(self.real_out, view)
                view = view[written:]

    def _chunks(self) -> Iterator[bytes]:
        while not self.stopping.is_set():
            ready, _, _ = select.select([self.real_in], [], [], 0.2)
            if not ready:
                continue
            chunk = os.read(self.real_in, CHUNK_BYTES)
            if not chunk:
                return
            yield chunk

    def _read(self) -> None:
        try:
            for line in split_lines(self._chunks()):
                problem, value = (
                    (f"message line over {MAX_LINE_BYTES} bytes", None) if line is None else read_line(line)
                )
                if problem is not None:
                    if self.log_throttle.allow():
                        logger.warning("stdio: answered a line with a parse error: %s", problem[:120])
                    self._emit(parse_error(problem))
                    continue
                assert line is not None
                with self.settled:
                    self.in_flight.update(_ids(value, requests=True))
                self._write_all(line + b"\n")
        except OSError as exc:
            if not self.stopping.is_set():
                logger.warning("stdio: stopped reading: %s", exc)
        finally:
            self.stop_reading()

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.to_sdk, view) :]

    def _answered(self, lines: bytes) -> None:
        if not self.in_flight:
            return
        done = _answered_ids(lines)
        if done:
            with self.settled:
                self.in_flight.difference_update(done)
                self.settled.notify_all()

    def _write(self) -> None:
        pending = bytearray()
        while True:
            ready, _, _ = select.select([self.from_sdk], [], [], 0.1)
            if not ready:
                if self.done.is_set():
                    break
                continue
            chunk = os.read(self.from_sdk, CHUNK_BYTES)
            if not chunk:
                break
            pending += chunk
            end = pending.rfind(b"\n")
            if end >= 0:
                lines = bytes(pending[: end + 1])
                del pending[: end + 1]
                self._emit(lines)
                self._answered(lines)
        if pending:
            self._emit(bytes(pending))


def _give_up() -> None:
    logger.warning("still running %.0f s after the stop signal: exiting anyway", GRACE_S + EXIT_MARGIN_S)
    os._exit(0)


def _answered_ids(lines: bytes) -> list[str]:
    answered: list[str] = []
    for line in lines.splitlines():
        with contextlib.suppress(ValueError, RecursionError):
            answered += _ids(json.loads(line), requests=False)
    return answered


def serve_stdio(run: Callable[[], None]) -> None:
    """Run `run` (the SDK's stdio server) behind a `StdioGuard`; SIGTERM and SIGINT stop it gracefully."""
    guard = StdioGuard()

    def stop(signum: int, frame: FrameType | None) -> None:
        logger.info("signal %d: finishing requests in flight, then exiting", signum)
        guard.stop_reading()
        # A second signal, or a request still running after the grace period, ends the process at once.
        signal.signal(signum, signal.SIG_DFL)
        timer = threading.Timer(GRACE_S + EXIT_MARGIN_S, _give_up)
        timer.daemon = True
        timer.start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    guard.start()
    try:
        run()
    finally:
        guard.finish()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
