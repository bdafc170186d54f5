"""What a connection may cost the HTTP server: time to send a head, time left idle, how many are open at once,
and how one closes while its client is still sending.

uvicorn gives an idle timeout between requests and a head-size limit, but none for a head that never ends: a
socket that sends nothing, or one header byte every few seconds, stays open for ever, and enough of them
exhaust the process's file descriptors. `GuardedProtocol`, uvicorn's own HTTP/1.1 protocol with a few
additions, closes a connection whose request head is not complete `header_timeout_s` after it opened (or after
its last response), and keeps at most `max_connections` open: a new one beyond the cap closes the oldest
connection with no request in progress (a slow-loris socket or a kept-alive idle one), or, if every one is
busy, is closed itself. The body's deadline belongs to the gate in `http.py`, which reads a whole body before
a request takes a concurrency slot.

When the server answers before the client has finished sending (413 for a body over the limit, 408 for one
that stalled), closing at once discards what the client is still sending and makes the kernel reset the
connection, and a client busy uploading sees the reset instead of the answer. As nginx does with its
"lingering close", the answer is written, the sending half is closed, and what still arrives is read and
dropped until the client closes or `LINGER_S` pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, cast

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from persona_mcp.logs import Throttle

logger = logging.getLogger(__name__)

HEADER_TIMEOUT_S = 10.0
"""A request head (request line and headers, at most MAX_HEAD_BYTES) has this long to arrive in full."""
IDLE_TIMEOUT_S = 5.0
"""A kept-alive connection with no new request for this long is closed (uvicorn's default, kept)."""
BODY_TIMEOUT_S = 30.0
"""A request body has this long, from the end of its head, to arrive in full (enforced by the gate)."""
MAX_CONNECTIONS = 1_000
"""Open connections at once, each a file descriptor; well under the usual 1,024 descriptor limit with room."""
MAX_HEAD_BYTES = 16 * 1024
"""The largest request head; a longer one is answered 400 (h11's default, stated)."""
LINGER_S = 5.0
"""How long a connection answered early is drained before it is closed regardless."""
BACKLOG = 128
"""Connections the kernel queues before they are accepted. asyncio accepts up to this many on each turn of the
event loop, and the cap acts on them a turn or two later (when their protocols start, and when a connection
closed to make room gives its descriptor back), so the cap leaves ACCEPT_TURNS times this many free."""
ACCEPT_TURNS = 3
FD_RESERVE = 64
"""Descriptors kept for everything that is not a client connection (files, the listening socket, logs)."""


@dataclass(frozen=True)
class ConnectionLimits:
    """The per-connection limits and the cap on open connections."""

    header_timeout_s: float = HEADER_TIMEOUT_S
    idle_timeout_s: float = IDLE_TIMEOUT_S
    max_connections: int = MAX_CONNECTIONS
    linger_s: float = LINGER_S


def descriptor_room(wanted: int) -> int:
    """The connection cap this process can keep: raise the soft open-file limit toward the hard one if needed,
    and, if even that is too low for `wanted` connections, lower the cap so accept() never meets EMFILE.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    reserve = FD_RESERVE + ACCEPT_TURNS * BACKLOG
    needed = wanted + reserve
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):  # pragma: no cover - a platform that refuses; keep the soft limit
            pass
    if soft != resource.RLIM_INFINITY and soft < needed:
        room = max(1, soft - reserve)
        logger.warning("open-file limit %d allows %d connections, not %d: capping at %d", soft, room, wanted, room)
        return room
    return wanted


class HeadersWithBody:
    """A transport that hands a response's status line and headers to the socket in one write with the body,
    and closes with a lingering close while the client may still be sending.

    uvicorn writes the head of a response and its body in separate `send` calls. The process can be killed,
    or descheduled and then killed, between the two (under load on a busy host the gap reaches milliseconds),
    and a proxy that has relayed the head cannot retry the call elsewhere: its client gets a truncated
    answer. Here a write that starts with a status line is held until the next write, which carries the body
    (the gate sends a JSON response's head only once its body is ready), and both go out in one system call,
    so a replica that dies has sent either nothing of a response or all of it. A head with no body to follow
    at once (an event stream, an interim 100 Continue) is written on the next turn of the event loop.
    Everything else is the wrapped transport's.
    """

    def __init__(self, transport: asyncio.Transport, linger: Callable[[], float] | None = None) -> None:
        self._transport = transport
        self._held: bytes | None = None
        self._linger = linger
        self.lingering = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._held is not None:
            data, self._held = self._held + bytes(data), None
        elif bytes(data[:5]) == b"HTTP/":
            self._held = bytes(data)
            asyncio.get_running_loop().call_soon(self.flush)
            return
        self._transport.write(data)

    def flush(self) -> None:
        """Write a held head now (the loop calls this when no body followed it at once)."""
        if self._held is not None:
            held, self._held = self._held, None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self.flush()
        linger_s = self._linger() if self._linger is not None else 0.0
        if linger_s > 0 and not self.lingering and self._transport.can_write_eof() and not self.is_closing():
            # The answer is written and the sending half closed (the client reads it, then end of file);
            # what the client still sends is dropped by the protocol until it closes, or the time is up.
            self.lingering = True
            self._transport.write_eof()
            asyncio.get_running_loop().call_later(linger_s, self._transport.close)
            return
        self._transport.close()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + len(self._held or b"")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


_refused_heads = Throttle()


class _ThrottleClientProvoked(logging.Filter):
    """uvicorn logs a warning for every malformed request, and asyncio an error with a traceback for every
    accept() that finds no descriptor free; a client can provoke either at will."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(("Invalid HTTP request", "socket.accept() out of system resource")):
            record.exc_info = None  # one line: the traceback says nothing about the caller's request
            return _refused_heads.allow()
        return True


logging.getLogger("uvicorn.error").addFilter(_ThrottleClientProvoked())
logging.getLogger("asyncio").addFilter(_ThrottleClientProvoked())


class GuardedProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a head deadline, a connection cap, whole-response writes and a
    lingering close (see the module's docstring). `guarded_protocol` makes one per set of limits."""

    limits: ClassVar[ConnectionLimits] = ConnectionLimits()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's
        self._head_timer: asyncio.TimerHandle | None = None
        self.opened_at = asyncio.get_running_loop().time()
        super().connection_made(cast(asyncio.Transport, HeadersWithBody(transport, self._linger_s)))
        if len(self.connections) > self.limits.max_connections:
            self._make_room()
        if not self.transport.is_closing():
            self._await_head()

    def data_received(self, data: bytes) -> None:
        if cast(HeadersWithBody, self.transport).lingering:
            return  # drained and dropped: the answer has been sent
        super().data_received(data)
        if self._head_timer is not None and self.conn.their_state is not h11.IDLE:
            self._head_timer.cancel()
            self._head_timer = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        super().connection_lost(exc)

    @property
    def idle(self) -> bool:
        """No request in progress: before a complete head, or between requests."""
        return self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete)

    def _await_head(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self.limits.header_timeout_s, self._head_too_slow)

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self.idle:
            self._close()

    def _close(self) -> None:
        if not self.transport.is_closing():
            with contextlib.suppress(h11.LocalProtocolError):  # mid-response: it closes all the same
                self.conn.send(h11.ConnectionClosed())
            self.transport.close()

    def _make_room(self) -> None:
        # A connection closed a moment ago stays in the set until its loss is reported: count only the open.
        others = [other for other in self.connections if other is not self and not other.transport.is_closing()]
        if len(others) < self.limits.max_connections:
            return
        idle = [cast(GuardedProtocol, other) for other in others if getattr(other, "idle", False)]
        oldest = min(idle, key=lambda other: other.opened_at, default=None)
        (oldest or self)._close()

    def _linger_s(self) -> float:
        # Only while the client may still be sending the request this connection answered early.
        return self.limits.linger_s if self.conn.their_state is h11.SEND_BODY else 0.0


def guarded_protocol(limits: ConnectionLimits) -> type[GuardedProtocol]:
    """The protocol class uvicorn instantiates per connection, bound to `limits`."""
    return type("GuardedProtocol", (GuardedProtocol,), {"limits": limits})
