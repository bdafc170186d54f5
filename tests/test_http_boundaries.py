"""The HTTP gate's limits at their boundaries, both sides: a body of exactly the limit and one byte more (declared
or streamed), a head of exactly 16 KiB and one byte more, the last free concurrency slot and none. In process,
through the gate the server runs; the end-to-end attacks are in test_http_connections.py.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from persona_mcp.server.connections import MAX_HEAD_BYTES
from persona_mcp.server.http import Gate, HttpSettings, Metrics

LIMIT = 1024


def _gate(max_concurrency: int = 4) -> tuple[Gate, list[bytes]]:
    bodies: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        bodies.append(message["body"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    settings = HttpSettings(max_body_bytes=LIMIT, max_concurrency=max_concurrency)
    return Gate(app, settings, Metrics()), bodies


def _status(gate: Gate, body: bytes, *, declared: bool, chunk: int = 100, headers: list[Any] | None = None) -> int:
    statuses: list[int] = []
    pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)] or [b""]
    queue = [{"type": "http.request", "body": p, "more_body": i < len(pieces) - 1} for i, p in enumerate(pieces)]

    async def receive() -> dict[str, Any]:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    head = list(headers or [])
    if declared:
        head.append((b"content-length", str(len(body)).encode()))
    scope = {"type": "http", "path": "/mcp", "method": "POST", "headers": head, "raw_path": b"/mcp"}
    anyio.run(gate, scope, receive, send)
    return statuses[0]


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
@pytest.mark.parametrize(("size", "status"), [(LIMIT - 1, 200), (LIMIT, 200), (LIMIT + 1, 413)])
def test_a_body_at_the_limit_is_served_and_one_byte_over_is_413(declared: bool, size: int, status: int) -> None:
    gate, bodies = _gate()
    assert _status(gate, b"x" * size, declared=declared) == status
    assert bodies == ([b"x" * size] if status == 200 else [])  # the app gets the whole body, or nothing


def _headers_of(total: int) -> list[tuple[bytes, bytes]]:
    """Headers whose size as the gate counts it (name + value + 4 each, plus the path) is exactly `total`."""
    used = len(b"/mcp") + len(b"x-pad") + 4
    return [(b"x-pad", b"a" * (total - used))]


@pytest.mark.parametrize(("size", "status"), [(MAX_HEAD_BYTES, 200), (MAX_HEAD_BYTES + 1, 431)])
def test_a_head_of_exactly_16_kib_is_served_and_one_byte_more_is_431(size: int, status: int) -> None:
    gate, _ = _gate()
    assert _status(gate, b"{}", declared=False, headers=_headers_of(size)) == status


@pytest.mark.parametrize(("busy", "status"), [(2, 200), (3, 200), (4, 429)])
def test_the_last_free_slot_is_served_and_none_left_is_429(busy: int, status: int) -> None:
    gate, _ = _gate(max_concurrency=4)
    gate.in_flight = busy  # requests already being served
    assert _status(gate, b"{}", declared=True) == status
    assert gate.in_flight == busy  # the request gave its slot back


@pytest.mark.parametrize("bind", ["0.0.0.0", "::"])
def test_binding_every_address_does_not_allow_it_as_a_host_name(bind: str) -> None:
    # "Host: 0.0.0.0" reaches a server bound to every address through a DNS-rebinding page as well as any name;
    # the wildcard is where the server listens, never a name a client may use.
    from persona_mcp.server.http import transport_security

    allowed = transport_security(HttpSettings(host=bind, token="t")).allowed_hosts
    assert bind not in allowed
    assert f"{bind}:*" not in allowed
    named = transport_security(HttpSettings(host="10.1.2.3", token="t")).allowed_hosts
    assert "10.1.2.3" in named
    assert "10.1.2.3:*" in named  # a specific address is a name clients use
