"""Connections that try to hold the HTTP server hostage (issue 15), each replayed on 127.0.0.1.

A slow-loris head, a body that never completes, a pile of idle sockets, a client still uploading past the body
limit, a client that leaves mid-upload: each test opens its own server with short timeouts, bounds every wait,
and checks what a real client would see.
"""

from __future__ import annotations

import re
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp_types import TextContent
from uvicorn.server import ServerState

from persona_mcp.cli.main import build_parser
from persona_mcp.server.connections import (
    ACCEPT_TURNS,
    BACKLOG,
    BODY_TIMEOUT_S,
    FD_RESERVE,
    HEADER_TIMEOUT_S,
    IDLE_TIMEOUT_S,
    LINGER_S,
    MAX_CONNECTIONS,
    MAX_HEAD_BYTES,
)
from persona_mcp.server.http import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONCURRENCY,
    Gate,
    HttpSettings,
    Metrics,
    uvicorn_config,
)

from .processes import http_server
from .test_http import PING, FakeTransport, base, get, post

WAIT_S = 15.0
"""The longest any test waits for the server to act; every timeout under test is a second or two."""


def _address(url: str) -> tuple[str, int]:
    host, port = url.split("/")[2].split(":")
    return host, int(port)


def _head(url: str, length: int | None = None, extra: str = "") -> bytes:
    host, port = _address(url)
    framing = f"Content-Length: {length}\r\n" if length is not None else "Transfer-Encoding: chunked\r\n"
    return (
        f"POST /mcp HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json, text/event-stream\r\n{framing}{extra}\r\n"
    ).encode()


@contextmanager
def _sockets(url: str, count: int, first_bytes: bytes = b"") -> Iterator[list[socket.socket]]:
    """`count` connections to the server, each having sent `first_bytes`; all closed on exit."""
    with ExitStack() as stack:
        held = []
        for _ in range(count):
            sock = stack.enter_context(socket.create_connection(_address(url), timeout=WAIT_S))
            if first_bytes:
                sock.sendall(first_bytes)
            held.append(sock)
        yield held


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    """True if the server closes `sock` (EOF or reset) within `within` seconds; any answer bytes are read past."""
    poller = select.poll()  # not select(): the descriptors of a thousand sockets pass its limit of 1,024
    poller.register(sock, select.POLLIN)
    deadline = time.monotonic() + within
    while (left := deadline - time.monotonic()) > 0:
        if not poller.poll(left * 1000):
            return False
        try:
            if not sock.recv(65536):
                return True
        except ConnectionError:
            return True
    return False


def _still_open(socks: list[socket.socket]) -> int:
    """How many of `socks` the server has not closed, after a moment for closes in flight to arrive."""
    time.sleep(0.2)
    poller = select.poll()
    for sock in socks:
        poller.register(sock, select.POLLIN)
    closed = 0
    for fd, _ in poller.poll(0):
        sock = socket.socket(fileno=fd)  # a second object on the same descriptor, only to read from it
        try:
            closed += not sock.recv(65536, socket.MSG_PEEK)
        except ConnectionError:
            closed += 1
        finally:
            sock.detach()
    return len(socks) - closed


def _open_connections(url: str) -> int:
    """The server's own count of open connections, from /metrics (this scrape's connection included)."""
    metrics = get(base(url) + "/metrics")[1].decode()
    found = re.search(r"^persona_mcp_http_connections ([0-9.]+)$", metrics, flags=re.MULTILINE)
    assert found, "no connection gauge in /metrics"
    return int(float(found.group(1)))


def _status_of(sock: socket.socket) -> int:
    line = sock.makefile("rb").readline().decode()
    return int(line.split()[1])


@pytest.mark.e2e
def test_bodies_that_never_complete_hold_no_concurrency_slot() -> None:
    # Ten POSTs that declare 1,000 bytes and send ten used to take ten of the four slots' worth of turns:
    # every real call got 429 for as long as the attacker kept the sockets. A request is only admitted once
    # its body is in.
    with http_server(["--max-concurrency", "4"]) as url, _sockets(url, 10, _head(url, 1000) + b"{" * 10):
        for _ in range(8):
            assert post(url)[0] == 200


@pytest.mark.e2e
def test_a_head_that_never_ends_is_closed_after_the_header_timeout() -> None:
    with http_server(["--header-timeout", "1"]) as url:
        with socket.create_connection(_address(url), timeout=WAIT_S) as sock:
            sock.sendall(b"POST /mcp HTTP/1.1\r\n")
            started = time.monotonic()
            # One header byte every 0.2 s: activity never stops, so only a deadline for the whole head helps.
            while time.monotonic() - started < WAIT_S:
                try:
                    sock.sendall(b"X")
                except ConnectionError:
                    break
                if _closed_by_server(sock, 0.2):
                    break
            else:
                pytest.fail(f"a head trickled for {WAIT_S:.0f} s was still being read")
        assert post(url)[0] == 200


@pytest.mark.e2e
def test_idle_connections_are_closed_before_and_between_requests() -> None:
    with http_server(["--header-timeout", "1", "--idle-timeout", "1"]) as url:
        with _sockets(url, 3) as silent:  # connected, never a byte
            assert all(_closed_by_server(sock, WAIT_S) for sock in silent)
        with socket.create_connection(_address(url), timeout=WAIT_S) as kept:
            kept.sendall(_head(url, len(PING)) + PING)
            assert _status_of(kept) == 200
            assert _closed_by_server(kept, WAIT_S)  # kept alive, then idle past the timeout


@pytest.mark.e2e
def test_a_head_over_16_kib_is_refused_whole_or_in_pieces_and_logged_only_so_often(tmp_path: Path) -> None:
    log = tmp_path / "stderr"
    with http_server(log=log) as url:
        whole = _head(url, len(PING), extra=f"X-Pad: {'a' * 20_000}\r\n") + PING
        with socket.create_connection(_address(url), timeout=WAIT_S) as sock:
            sock.sendall(whole)
            assert _status_of(sock) == 431
        for _ in range(30):  # in pieces: h11 stops buffering past the limit
            with socket.create_connection(_address(url), timeout=WAIT_S) as sock:
                sock.sendall(whole[:10_000])
                time.sleep(0.005)
                sock.sendall(whole[10_000:20_000])
                assert _status_of(sock) == 400
        assert post(url, headers={"X-Pad": "a" * 15_000})[0] == 200  # under the limit
    lines = log.read_text(encoding="utf-8").splitlines()
    assert 1 <= sum("Invalid HTTP request" in line for line in lines) <= 10


@pytest.mark.e2e
def test_a_body_that_stalls_gets_408_within_the_body_timeout() -> None:
    with http_server(["--body-timeout", "1"]) as url:
        for head, part in ((_head(url, 100), b"{" * 10), (_head(url), b"5\r\n{{{{{\r\n")):
            with socket.create_connection(_address(url), timeout=WAIT_S) as sock:
                sock.sendall(head + part)
                assert _status_of(sock) == 408
                assert _closed_by_server(sock, WAIT_S)
        assert post(url)[0] == 200
        metrics = get(base(url) + "/metrics")[1]
    assert re.search(rb'persona_mcp_http_requests_total\{path="/mcp",status="408"\} 2', metrics)


@pytest.mark.e2e
def test_open_connections_are_capped_and_idle_ones_make_room_for_new_clients() -> None:
    with http_server(["--max-connections", "20"]) as url, _sockets(url, 300) as idle:
        # A real client still gets in: the oldest idle sockets are closed to make room for it.
        for _ in range(5):
            assert post(url)[0] == 200
        assert _open_connections(url) <= 20  # the server's count: a socket the kernel still queues is not in it
        assert _still_open(idle) < 300 - 200


@pytest.mark.e2e
def test_more_connections_than_open_files_neither_flood_the_log_nor_lock_out_a_client(tmp_path: Path) -> None:
    # 5,000 connections used to pass the open-file limit: accept() failed, asyncio logged each failure, and
    # nobody new got in. The cap is now kept under the limit, and idle connections make room.
    log = tmp_path / "stderr"
    cap = 1024 - FD_RESERVE - ACCEPT_TURNS * BACKLOG
    with http_server(log=log, open_files=1024) as url, _sockets(url, 1500) as idle:
        for _ in range(5):
            assert post(url)[0] == 200
        assert _open_connections(url) <= cap
        assert _still_open(idle) < 1500 - 500
    lines = log.read_text(encoding="utf-8").splitlines()
    assert any(f"open-file limit 1024 allows {cap} connections" in line for line in lines)
    assert not [line for line in lines if "accept" in line or "Too many open files" in line]
    assert len(lines) <= 3, lines


@pytest.mark.e2e
def test_a_client_still_uploading_past_the_limit_reads_the_413() -> None:
    # The server answers 413 as soon as the declared length is over the limit; a client that keeps sending
    # (urllib sends the whole body before it reads) used to see "connection reset" instead of the answer.
    with http_server(["--max-body-bytes", "65536"]) as url:
        for size in (70_000, 4 * 1024 * 1024):
            assert post(url, b" " * size)[0] == 413
        # Chunked, with no length to judge by: refused once the body read so far passes the limit.
        with socket.create_connection(_address(url), timeout=WAIT_S) as sock:
            chunk = b"%x\r\n%s\r\n" % (32768, b" " * 32768)
            sock.sendall(_head(url) + chunk * 3)
            assert _status_of(sock) == 413
        assert post(url)[0] == 200


@pytest.mark.e2e
def test_a_client_that_leaves_mid_upload_is_counted_as_499_not_as_a_server_error() -> None:
    with http_server() as url:
        for _ in range(3):
            with socket.create_connection(_address(url), timeout=WAIT_S) as sock:
                sock.sendall(_head(url, 1000) + b"{" * 10)
                time.sleep(0.1)
        assert post(url)[0] == 200
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:  # the server sees each close on its own schedule
            metrics = get(base(url) + "/metrics")[1].decode()
            if 'status="499"} 3' in metrics:
                break
            time.sleep(0.1)
    assert 'persona_mcp_http_requests_total{path="/mcp",status="499"} 3' in metrics
    assert 'status="500"' not in metrics


@pytest.mark.e2e
def test_a_real_client_works_while_200_idle_slow_and_half_open_connections_are_held() -> None:
    with (
        http_server(["--max-connections", "1000"]) as url,
        _sockets(url, 70, _head(url, 10_000) + b"{" * 100) as half_open,  # bodies that never complete
        _sockets(url, 70, b"POST /mcp HTTP/1.1\r\nHost: ") as slow_heads,  # heads that never end
        _sockets(url, 60) as idle,
    ):
        assert len(half_open) + len(slow_heads) + len(idle) == 200

        async def work() -> list[str]:
            async with Client(url) as client:
                texts = []
                for _ in range(10):
                    task = {"task": "p99 latency doubled after the deploy"}
                    result = await client.call_tool("recommend_personas", task)
                    assert not result.is_error
                    first = result.content[0]
                    assert isinstance(first, TextContent)
                    texts.append(first.text)
                prompts = await client.list_prompts()
                assert len(prompts.prompts) >= 9
                return texts

        texts = anyio.run(work)
        assert len(set(texts)) == 1
        assert "performance" in texts[0].lower()
        assert get(base(url) + "/healthz") == (200, b"ok\n")


class Socket(FakeTransport):
    """A fake socket that can half-close, as a TCP one can."""

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        self.writes.append(b"<eof>")


def _protocols(count: int, max_connections: int) -> tuple[list[Any], list[Socket]]:
    async def never_answered(scope: Any, receive: Any, send: Any) -> None:
        await anyio.sleep_forever()

    settings = HttpSettings(max_connections=max_connections)
    config = uvicorn_config(Gate(never_answered, settings, Metrics()), settings)
    config.load()
    state = ServerState()
    protocols = [config.http_protocol_class(config=config, server_state=state, app_state={}) for _ in range(count)]  # type: ignore[call-arg]
    return protocols, [Socket() for _ in range(count)]


def test_at_the_cap_the_oldest_idle_connection_makes_room_and_a_busy_one_never_does() -> None:
    async def scenario() -> list[bool]:
        protocols, sockets = _protocols(4, max_connections=2)
        protocols[0].connection_made(sockets[0])
        protocols[0].data_received(b"POST /mcp HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\n{")  # busy
        protocols[1].connection_made(sockets[1])  # idle: no complete head
        await anyio.sleep(0.001)
        protocols[2].connection_made(sockets[2])  # over the cap: the idle one goes, not the busy one
        protocols[3].connection_made(sockets[3])  # over again: the newer idle one (2) goes
        closed = [sock.closed for sock in sockets]
        for protocol in protocols:
            protocol.connection_lost(None)
        return closed

    assert anyio.run(scenario) == [False, True, True, False]


def test_when_every_connection_is_busy_the_newcomer_is_refused() -> None:
    async def scenario() -> list[bool]:
        protocols, sockets = _protocols(3, max_connections=2)
        for protocol, sock in zip(protocols[:2], sockets, strict=False):
            protocol.connection_made(sock)
            protocol.data_received(b"POST /mcp HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\n{")
        protocols[2].connection_made(sockets[2])
        closed = [sock.closed for sock in sockets]
        for protocol in protocols:
            protocol.connection_lost(None)
        return closed

    assert anyio.run(scenario) == [False, False, True]


def test_an_answer_sent_while_the_client_is_still_sending_half_closes_and_drains() -> None:
    async def scenario() -> Socket:
        protocols, sockets = _protocols(1, max_connections=10)
        protocol, sock = protocols[0], sockets[0]
        protocol.connection_made(sock)
        protocol.data_received(b"POST /mcp HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n")
        for _ in range(200):  # bounded: the gate answers 413 on the declared length
            if sock.writes:
                break
            await anyio.sleep(0.01)
        protocol.data_received(b" " * 65536)  # still arriving: read and dropped, no reset
        assert not sock.closed
        protocol.connection_lost(None)  # the client closed after reading the answer
        return sock

    sock = anyio.run(scenario)
    assert sock.writes[0].startswith(b"HTTP/1.1 413")
    assert b"<eof>" in sock.writes
    assert sock.closed


def test_a_low_open_file_limit_lowers_the_connection_cap_instead_of_failing_accept() -> None:
    script = (
        "import resource; resource.setrlimit(resource.RLIMIT_NOFILE, (200, 200));"
        "from persona_mcp.server.connections import descriptor_room;"
        "print(descriptor_room(1000), descriptor_room(100))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    reserve = FD_RESERVE + ACCEPT_TURNS * BACKLOG
    assert done.stdout.split() == [str(max(1, 200 - reserve)), str(max(1, 200 - reserve))]
    assert f"open-file limit 200 allows {max(1, 200 - reserve)} connections, not 1000" in done.stderr


def _serve_default(flag: str) -> Any:
    (serve,) = [
        action.choices["serve"]
        for action in build_parser()._actions  # argparse offers no public way to its sub-parsers
        if action.choices and "serve" in action.choices
    ]
    return next(action.default for action in serve._actions if flag in action.option_strings)


def test_the_readme_security_table_and_the_flags_state_the_limits_the_server_enforces() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Security: limits and timeouts", 1)[1].split("\n## ", 1)[0]
    rows = {
        cells[1].strip(): [c.strip() for c in cells[2:-1]]
        for cells in (row.split("|") for row in section.splitlines() if row.startswith("| "))
    }
    assert rows["request head (request line and headers)"][:2] == [
        f"{MAX_HEAD_BYTES // 1024} KiB, in {HEADER_TIMEOUT_S:g} s",
        "`--header-timeout`",
    ]
    assert rows["request body"][0] == f"{DEFAULT_MAX_BODY_BYTES // 2**20} MiB, in {BODY_TIMEOUT_S:g} s after the head"
    assert rows["idle kept-alive connection"][0] == f"{IDLE_TIMEOUT_S:g} s"
    assert rows["open connections"][0] == f"{MAX_CONNECTIONS:,}"
    assert rows["requests being served at once"][0] == str(DEFAULT_MAX_CONCURRENCY)
    assert rows["answered early while the client still sends"][0] == f"drained {LINGER_S:g} s"
    assert _serve_default("--header-timeout") == HEADER_TIMEOUT_S
    assert _serve_default("--body-timeout") == BODY_TIMEOUT_S
    assert _serve_default("--idle-timeout") == IDLE_TIMEOUT_S
    assert _serve_default("--max-connections") == MAX_CONNECTIONS
    assert _serve_default("--max-body-bytes") == DEFAULT_MAX_BODY_BYTES
    assert _serve_default("--max-concurrency") == DEFAULT_MAX_CONCURRENCY
