"""The HTTP adapter: streamable HTTP at /mcp, made safe to expose.

Around the SDK's stateless streamable-HTTP app this adds what an SRE would ask of any service: a health
endpoint, Prometheus metrics, bearer-token auth compared in constant time, a concurrency limit that sheds
load with 429 and Retry-After, Host/Origin allow-lists against DNS rebinding, a request body read in full
(within a size limit and a deadline) before the request takes a slot, and a clean shutdown on SIGTERM that lets
calls in flight finish. What a connection may cost (head and idle timeouts, the cap on open connections, the
lingering close) is `connections.py`'s.

Only `persona-mcp serve --transport http` imports this module, so stdio never pays for the HTTP stack.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import anyio
import uvicorn
from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.transport_security import TransportSecuritySettings
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persona_mcp.errors import InvalidArgument
from persona_mcp.server.connections import (
    BACKLOG,
    BODY_TIMEOUT_S,
    HEADER_TIMEOUT_S,
    IDLE_TIMEOUT_S,
    MAX_CONNECTIONS,
    MAX_HEAD_BYTES,
    ConnectionLimits,
    descriptor_room,
    guarded_protocol,
)

logger = logging.getLogger(__name__)

MCP_PATH = "/mcp"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
LOOPBACK_NAMES = ("localhost",)
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_MAX_CONCURRENCY = 64
RETRY_AFTER_S = 1
CLIENT_CLOSED = 499
"""The status counted for a request whose client left before it could be answered (nginx's convention)."""
MAX_SERIES = 1_000
"""Labelled series kept at hand; a client inventing label values past this is looked up each time instead."""
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass(frozen=True)
class HttpSettings:
    """How the HTTP server binds and what it lets in."""

    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = field(default=None, repr=False)
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    graceful_shutdown_s: float = 30.0
    drain_s: float = 0.0
    header_timeout_s: float = HEADER_TIMEOUT_S
    body_timeout_s: float = BODY_TIMEOUT_S
    idle_timeout_s: float = IDLE_TIMEOUT_S
    max_connections: int = MAX_CONNECTIONS


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: addresses no other machine can reach."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(settings: HttpSettings) -> None:
    """Refuse to listen beyond this machine without a token.

    Raises:
        InvalidArgument: If `host` is not a loopback address and no token is configured.
    """
    if not is_loopback(settings.host) and not settings.token:
        raise InvalidArgument(
            "--host",
            f"{settings.host} is reachable from other machines; set PERSONA_MCP_TOKEN (or --token-file) "
            "to require a bearer token, or bind 127.0.0.1",
        )


def transport_security(settings: HttpSettings) -> TransportSecuritySettings:
    """Host and Origin allow-lists: loopback names, the bind address, and what the user added."""
    # A Host header carries no port when the client uses the scheme's default (a proxy on port 80, say),
    # so every allowed name is accepted with and without one.
    hosts = ["127.0.0.1", "127.0.0.1:*", "localhost", "localhost:*", "[::1]", "[::1]:*"]
    origins = [f"http://{name}{port}" for name in ("127.0.0.1", "localhost", "[::1]") for port in ("", ":*")]
    if not is_loopback(settings.host) and settings.host not in ("0.0.0.0", "::"):  # noqa: S104 - a name, not a bind
        hosts += [settings.host, f"{settings.host}:*"]
    for host in settings.allowed_hosts:
        hosts += [host] if ":" in host.rsplit("]", 1)[-1] else [host, f"{host}:*"]
    origins += list(settings.allowed_origins)
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins)


KNOWN_METHODS = frozenset(
    {
        "initialize",
        "ping",
        "tools/list",
        "tools/call",
        "prompts/list",
        "prompts/get",
        "resources/list",
        "resources/read",
        "resources/templates/list",
        "completion/complete",
        "logging/setLevel",
    }
)
"""MCP methods counted under their own name; any other (a client can send any string) is counted as "other"."""


class Metrics:
    """The server's own Prometheus metrics, in a registry of its own (one per app).

    Label values come from a bounded set: the MCP methods the protocol names, the tools the server has
    ("unknown" for any other name a client sends), four paths and the statuses the server answers with, so
    a client inventing names cannot grow the registry.
    """

    def __init__(self, app: MCPServer | None = None) -> None:
        self._app = app
        self._tools: frozenset[str] | None = None
        disable_created_metrics()  # type: ignore[no-untyped-call]  # *_created series only add noise
        self.registry = CollectorRegistry(auto_describe=True)
        self.http_requests = Counter(
            "persona_mcp_http_requests", "HTTP requests by path and status.", ["path", "status"], registry=self.registry
        )
        self.requests = Counter(
            "persona_mcp_requests",
            "MCP requests by method, tool and outcome.",
            ["method", "tool", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "persona_mcp_request_duration_seconds",
            "MCP request handling time by method.",
            ["method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge("persona_mcp_http_in_flight", "HTTP requests being served.", registry=self.registry)
        self.connections = Gauge(
            "persona_mcp_http_connections",
            "HTTP connections open (capped by --max-connections).",
            registry=self.registry,
        )
        # Labelled series, looked up once: prometheus_client validates and locks on every labels() call.
        self._series: dict[tuple[Any, ...], Any] = {}
        self.rejected = Counter(
            "persona_mcp_http_rejected", "HTTP requests refused by reason.", ["reason"], registry=self.registry
        )

    def series(self, metric: Any, *values: str) -> Any:
        """`metric.labels(*values)`, cached; past MAX_SERIES label sets the cache stops growing."""
        key = (metric, *values)
        child = self._series.get(key)
        if child is None:
            child = metric.labels(*values)
            if len(self._series) < MAX_SERIES:
                self._series[key] = child
        return child

    async def observe(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        """SDK middleware: count and time every MCP request, with the tool name for tools/call."""
        params = ctx.params or {}
        tool = await self._tool_label(params.get("name")) if ctx.method == "tools/call" else ""
        method = ctx.method if ctx.method in KNOWN_METHODS or ctx.method.startswith("notifications/") else "other"
        method = method if len(method) <= 64 else "other"
        start = time.perf_counter()
        outcome = "error"
        try:
            result = await call_next(ctx)
            failed = result.get("isError") if isinstance(result, dict) else getattr(result, "is_error", False)
            outcome = "error" if failed else "ok"
            return result
        finally:
            self.series(self.latency, method).observe(time.perf_counter() - start)
            self.series(self.requests, method, tool, outcome).inc()

    async def _tool_label(self, name: object) -> str:
        if self._tools is None:
            self._tools = frozenset(t.name for t in await self._app.list_tools()) if self._app else frozenset()
        return name if isinstance(name, str) and name in self._tools else "unknown"


async def _send_plain(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _head_size(scope: Scope) -> int:
    """About the bytes of the request head: the target and every header line."""
    target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    return target + sum(len(name) + len(value) + 4 for name, value in scope["headers"])


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read, then what the client sends next (its disconnect)."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


def _is_event_stream(start: Message) -> bool:
    return any(
        name == b"content-type" and value.startswith(b"text/event-stream") for name, value in start.get("headers", [])
    )


class Gate:
    """Pure ASGI middleware in front of the SDK app: health, metrics, auth and the concurrency limit."""

    def __init__(self, inner: ASGIApp, settings: HttpSettings, metrics: Metrics) -> None:
        self.inner = inner
        self.settings = settings
        self.metrics = metrics
        self.in_flight = 0
        self.ready = False
        self._token = settings.token.encode() if settings.token else None
        metrics.in_flight.set_function(lambda: self.in_flight)  # read when scraped, not written per request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.inner(scope, self._track_lifespan(receive), send)
            return
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        path: str = scope["path"]
        counted = [500]  # the status sent, or 499 when the client left first
        held: list[Message] = []

        async def send_and_count(message: Message) -> None:
            # A JSON response's status line is held back until its body is ready, and HeadersWithBody writes
            # the two in one system call, so a replica that dies mid-request has sent either nothing (a proxy
            # can retry it elsewhere) or the whole answer. Event streams are passed through at once: their
            # body arrives over time.
            if message["type"] == "http.response.start":
                counted[0] = message["status"]
                if not _is_event_stream(message):
                    held.append(message)
                    return
            elif message["type"] == "http.response.body" and held:
                await send(held.pop())
            await send(message)

        try:
            await self._route(path, scope, receive, send_and_count, counted)
        finally:
            label = path if path in (MCP_PATH, HEALTH_PATH, METRICS_PATH) else "other"
            self.metrics.series(self.metrics.http_requests, label, str(counted[0])).inc()

    def _track_lifespan(self, receive: Receive) -> Callable[[], Awaitable[Message]]:
        async def tracked() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.ready = True
            elif message["type"] == "lifespan.shutdown":
                self.ready = False
            return message

        return tracked

    async def _route(self, path: str, scope: Scope, receive: Receive, send: Send, counted: list[int]) -> None:
        if _head_size(scope) > MAX_HEAD_BYTES:
            # h11 refuses a head over the limit only while it waits for the rest; one that came in a single
            # read is whole, and is refused here.
            self.metrics.rejected.labels("head_too_large").inc()
            too_large = f"request head over the {MAX_HEAD_BYTES}-byte limit\n".encode()
            await _send_plain(send, 431, too_large, [(b"connection", b"close")])
            return
        if path == HEALTH_PATH:
            # Healthy means "send me traffic": not while starting or draining, and not while every slot is
            # taken, when a new call would only get 429 (a balancer should try another replica).
            if not self.ready:
                status, answer = 503, b"starting or stopping\n"
            elif self.in_flight >= self.settings.max_concurrency:
                status, answer = 503, b"saturated\n"
            else:
                status, answer = 200, b"ok\n"
            await _send_plain(send, status, answer)
            return
        if self._token is not None and not self._authorized(scope):
            self.metrics.rejected.labels("unauthorized").inc()
            challenge = b'Bearer realm="persona-mcp"'
            await _send_plain(send, 401, b"missing or invalid bearer token\n", [(b"www-authenticate", challenge)])
            return
        if path == METRICS_PATH:
            payload = generate_latest(self.metrics.registry)
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", CONTENT_TYPE_LATEST.encode())],
                }
            )
            await send({"type": "http.response.body", "body": payload})
            return
        if path == MCP_PATH and scope.get("method") != "POST":
            # Stateless and JSON-only: there is no event stream to open with GET and no session to end with
            # DELETE, and a GET stream with nothing to send would hold a concurrency slot for ever (the
            # streamable HTTP transport lets a server answer both with 405).
            self.metrics.rejected.labels("method").inc()
            await _send_plain(send, 405, b"only POST is served at /mcp\n", [(b"allow", b"POST")])
            return
        # The body is read before the request takes a slot: a slot is for work, and a client that sends its
        # body slowly, or never finishes it, would otherwise hold one for as long as it liked.
        body = await self._read_body(scope, receive, send, counted)
        if body is None:
            return
        if self.in_flight >= self.settings.max_concurrency:
            self.metrics.rejected.labels("overloaded").inc()
            retry = [(b"retry-after", str(RETRY_AFTER_S).encode())]
            await _send_plain(send, 429, b"too many concurrent requests; retry shortly\n", retry)
            return
        self.in_flight += 1
        try:
            await self.inner(scope, _replay(body, receive), send)
        finally:
            self.in_flight -= 1

    async def _read_body(self, scope: Scope, receive: Receive, send: Send, counted: list[int]) -> bytes | None:
        """The whole request body, or None when there is no request to serve: a body declared or grown over
        the limit has been answered 413, one not in by the body timeout 408, and a client that left has its
        request counted as 499 (nginx's "client closed request"; the server did nothing wrong)."""
        limit = self.settings.max_body_bytes
        declared = next((value for name, value in scope["headers"] if name == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse_body(send, 413, f"request body over the {limit}-byte limit\n")
            return None
        chunks: list[bytes] = []
        size = 0
        with anyio.move_on_after(self.settings.body_timeout_s) as timer:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    counted[0] = CLIENT_CLOSED
                    return None
                chunk: bytes = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    await self._refuse_body(send, 413, f"request body over the {limit}-byte limit\n")
                    return None
                chunks.append(chunk)
                if not message.get("more_body", False):
                    return b"".join(chunks)
        assert timer.cancelled_caught
        await self._refuse_body(send, 408, f"request body not received within {self.settings.body_timeout_s:g} s\n")
        return None

    async def _refuse_body(self, send: Send, status: int, reason: str) -> None:
        # Connection: close, as the rest of the body will not be read; the connection lingers so a client
        # still sending reads this answer rather than a reset.
        self.metrics.rejected.labels("body_too_large" if status == 413 else "body_timeout").inc()
        await _send_plain(send, status, reason.encode(), [(b"connection", b"close")])

    def _authorized(self, scope: Scope) -> bool:
        assert self._token is not None
        supplied = next((value for name, value in scope["headers"] if name == b"authorization"), b"")
        scheme, _, credentials = supplied.strip().partition(b" ")
        # The scheme is case-insensitive (RFC 7235, section 2.1); the token is compared in constant time, so
        # the time taken does not reveal how much of it matched.
        return scheme.lower() == b"bearer" and hmac.compare_digest(credentials.strip(), self._token)


def build_http_app(app: MCPServer, settings: HttpSettings) -> Gate:
    """The ASGI app serving `app` statelessly at /mcp behind the gate."""
    metrics = Metrics(app)
    app.middleware.append(metrics.observe)
    inner = app.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        json_response=True,
        max_request_body_size=settings.max_body_bytes,
        transport_security=transport_security(settings),
        host=settings.host,
    )
    return Gate(inner, settings, metrics)


async def serve(app: MCPServer, settings: HttpSettings, log_level: str = "warning") -> None:
    """Serve until SIGINT or SIGTERM; requests in flight get `graceful_shutdown_s` to finish.

    Raises:
        InvalidArgument: If the bind address is exposed without a token.
    """
    check_exposure(settings)
    gate = build_http_app(app, settings)
    config = uvicorn_config(gate, settings, log_level)
    # uvicorn stops gracefully on SIGTERM, then re-raises the signal to the handler that was installed before
    # it; a no-op handler there turns the graceful stop into exit code 0, as process managers expect.
    previous = signal.signal(signal.SIGTERM, _stopped_gracefully)
    try:
        server = DrainingServer(config, gate, settings.drain_s)
        gate.metrics.connections.set_function(lambda: len(server.server_state.connections))
        await server.serve()
    finally:
        signal.signal(signal.SIGTERM, previous)


def uvicorn_config(gate: Gate, settings: HttpSettings, log_level: str = "warning") -> uvicorn.Config:
    """How uvicorn serves `gate`: our logging, no access log or server header, the connection limits."""
    return uvicorn.Config(
        gate,
        host=settings.host,
        port=settings.port,
        log_level=log_level.lower(),
        log_config=None,  # keep our stderr logging configuration
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=int(settings.graceful_shutdown_s),
        server_header=False,
        timeout_keep_alive=settings.idle_timeout_s,  # type: ignore[arg-type]  # seconds, handed to call_later
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        backlog=BACKLOG,
        http=guarded_protocol(
            ConnectionLimits(
                header_timeout_s=settings.header_timeout_s,
                idle_timeout_s=settings.idle_timeout_s,
                max_connections=descriptor_room(settings.max_connections),
            )
        ),
    )


class DrainingServer(uvicorn.Server):
    """uvicorn's server with a drain phase between the stop signal and closing the port.

    During the drain /healthz answers 503, so a load balancer or a Kubernetes readiness probe stops sending
    new work, while requests that still arrive are served. Then uvicorn stops accepting connections and lets
    the calls in flight finish. A second signal stops at once.
    """

    def __init__(self, config: uvicorn.Config, gate: Gate, drain_s: float) -> None:
        super().__init__(config)
        self.gate = gate
        self.drain_s = drain_s

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.drain_s <= 0 or not self.gate.ready:
            super().handle_exit(sig, frame)
            return
        self.gate.ready = False
        self._captured_signals.append(sig)
        logger.info("signal %d: draining for %.1f s before closing", sig, self.drain_s)
        # uvicorn polls should_exit from its main loop; a timer thread only flips the flag.
        timer = threading.Timer(self.drain_s, self._stop_after_drain)
        timer.daemon = True
        timer.start()

    def _stop_after_drain(self) -> None:
        self.should_exit = True


def _stopped_gracefully(signum: int, frame: FrameType | None) -> None:
    logger.info("stopped on signal %d after in-flight requests finished", signum)
