"""The HTTP transport as an operator meets it: health, metrics, auth, limits, rebinding protection, shutdown."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import anyio
import pytest
from uvicorn.server import ServerState

from persona_mcp.cli.main import main
from persona_mcp.server.connections import HeadersWithBody
from persona_mcp.server.http import Gate, HttpSettings, Metrics, is_loopback, uvicorn_config

from .processes import console_script, free_port, http_server, stop, wait_for_port

PING = b'{"jsonrpc":"2.0","id":1,"method":"ping"}'
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


def post(url: str, body: bytes = PING, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers={**JSON_HEADERS, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def first_status_of_huge_post(url: str, declared: int) -> int:
    """Declare a body of `declared` bytes, send only the first 64 KiB, and read the status the server answers."""
    host, port = url.split("/")[2].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        head = (
            f"POST /mcp HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json\r\nContent-Length: {declared}\r\n\r\n"
        )
        sock.sendall(head.encode() + b" " * 65536)
        status_line = sock.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def base(url: str) -> str:
    return url.removesuffix("/mcp")


@pytest.mark.e2e
def test_health_metrics_and_the_protocol_on_one_server() -> None:
    with http_server() as url:
        assert get(base(url) + "/healthz") == (200, b"ok\n")
        status, _, body = post(url)
        assert status == 200
        assert json.loads(body)["result"] == {}
        call = json.dumps(
            {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get_persona", "arguments": {}}}
        ).encode()
        assert json.loads(post(url, call)[2])["result"]["isError"] is True
        status, metrics = get(base(url) + "/metrics")
        text = metrics.decode()
        assert status == 200
        assert 'persona_mcp_requests_total{method="ping",outcome="ok",tool=""} 1.0' in text
        assert 'persona_mcp_requests_total{method="tools/call",outcome="error",tool="get_persona"} 1.0' in text
        assert 'persona_mcp_request_duration_seconds_count{method="ping"} 1.0' in text
        assert 'persona_mcp_http_requests_total{path="/mcp",status="200"}' in text


@pytest.mark.e2e
def test_malformed_json_gets_a_json_rpc_parse_error_and_big_bodies_get_413() -> None:
    with http_server() as url:
        status, _, body = post(url, b'{"jsonrpc":"2.0","id":1,"method":')
        assert (status, json.loads(body)["error"]["code"]) == (400, -32700)
        assert first_status_of_huge_post(url, 1024 * 1024 + 1) == 413
        assert post(url)[0] == 200  # still serving


@pytest.mark.e2e
def test_foreign_host_and_origin_headers_are_refused_unless_allowed() -> None:
    with http_server(["--allowed-host", "mcp.example.test", "--allowed-origin", "https://ide.example.test"]) as url:
        assert post(url, headers={"Host": "evil.example"})[0] == 421
        assert post(url, headers={"Origin": "http://evil.example"})[0] == 403
        port = url.split(":")[2].split("/")[0]
        assert post(url, headers={"Host": f"mcp.example.test:{port}"})[0] == 200
        assert post(url, headers={"Origin": "https://ide.example.test"})[0] == 200


@pytest.mark.e2e
def test_a_configured_token_is_required_and_compared_exactly(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("correct-horse-battery-staple\n", encoding="utf-8")
    with http_server(["--token-file", str(token_file)]) as url:
        status, headers, _ = post(url)
        assert status == 401
        assert headers["www-authenticate"].startswith("Bearer")
        assert post(url, headers={"Authorization": "Bearer correct-horse-battery"})[0] == 401
        assert post(url, headers={"Authorization": "Bearer correct-horse-battery-staple"})[0] == 200
        assert get(base(url) + "/healthz")[0] == 200  # probes need no token


def test_binding_beyond_loopback_without_a_token_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--transport", "http", "--host", "0.0.0.0", "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert "--host" in err
    assert "PERSONA_MCP_TOKEN" in err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("0.0.0.0", False), ("192.168.1.10", False), ("example.com", False), ("::", False)],
)  # fmt: skip
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.e2e
def test_sigterm_stops_the_server_cleanly_with_exit_code_0() -> None:
    port = free_port()
    process = subprocess.Popen(
        [console_script(), "serve", "--transport", "http", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process)
        assert post(f"http://127.0.0.1:{port}/mcp")[0] == 200
    finally:
        code = stop(process)
        assert process.stderr is not None
        process.stderr.close()
    assert code == 0


def held_gate(max_concurrency: int) -> tuple[Gate, anyio.Event, anyio.Event]:
    """A gate in front of an app that holds each request until `release` is set; `entered` is set by the first."""
    release = anyio.Event()
    entered = anyio.Event()

    async def slow_app(scope: Any, receive: Any, send: Any) -> None:
        entered.set()
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})

    return Gate(slow_app, HttpSettings(max_concurrency=max_concurrency), Metrics()), entered, release


def test_over_the_concurrency_limit_requests_get_429_with_retry_after() -> None:
    gate, entered, release = held_gate(1)
    responses: list[dict[str, Any]] = []

    async def call() -> None:
        scope = {"type": "http", "path": "/mcp", "headers": [], "method": "POST"}

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": PING, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                responses.append(message)

        await gate(scope, receive, send)

    async def scenario() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(call)
            await entered.wait()
            await call()  # the second request arrives while the first is in flight
            release.set()

    anyio.run(scenario)
    statuses = [r["status"] for r in responses]
    assert statuses == [429, 200]
    assert (b"retry-after", b"1") in responses[0]["headers"]


def test_json_logs_are_one_object_a_line_on_stderr() -> None:
    request = (
        b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
        b'"capabilities":{},"clientInfo":{"name":"t","version":"0"}}}\n'
    )
    done = subprocess.run(
        [console_script(), "--log-level", "INFO", "--log-format", "json"],
        input=request,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PERSONA_MCP_TOKEN": "never-logged"},
    )
    lines = [json.loads(line) for line in done.stderr.decode().splitlines() if line.strip()]
    assert lines
    assert all({"ts", "level", "logger", "message"} <= set(line) for line in lines)
    assert "never-logged" not in done.stderr.decode()


def test_a_json_response_status_is_held_until_its_body_is_ready() -> None:
    # A replica killed between the two would leave a proxy with a started response it cannot retry.
    body_ready = anyio.Event()
    start_sent = anyio.Event()
    sent: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        start_sent.set()
        await body_ready.wait()
        await send({"type": "http.response.body", "body": b"{}"})

    async def record(message: dict[str, Any]) -> None:
        sent.append(message["type"])

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": PING, "more_body": False}

    gate = Gate(app, HttpSettings(), Metrics())

    async def scenario() -> list[str]:
        async with anyio.create_task_group() as group:
            group.start_soon(gate, {"type": "http", "path": "/mcp", "headers": [], "method": "POST"}, receive, record)
            await start_sent.wait()
            before_body = list(sent)
            body_ready.set()
        return before_body

    assert anyio.run(scenario) == []
    assert sent == ["http.response.start", "http.response.body"]


class FakeTransport:
    """Records what reaches the socket, one entry per write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 8000) if name == "sockname" else default


HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n"


def test_a_response_head_and_its_body_reach_the_socket_in_one_write() -> None:
    # Two writes could be split by a kill, and a proxy that relayed the head cannot retry the call.
    raw = FakeTransport()

    async def scenario() -> None:
        transport = HeadersWithBody(raw)  # type: ignore[arg-type]
        transport.write(HEAD)
        assert raw.writes == []
        assert transport.get_write_buffer_size() == len(HEAD)
        transport.write(memoryview(b"{}"))
        transport.write(b"")  # h11's end of a content-length message
        await anyio.sleep(0)  # the fallback flush finds nothing held
        transport.write(b"body bytes that are not a head")

    anyio.run(scenario)
    assert raw.writes == [HEAD + b"{}", b"", b"body bytes that are not a head"]


def test_a_head_with_no_body_at_once_goes_out_on_the_next_loop_turn_or_at_close() -> None:
    # An event stream's head must not wait for its first event; a closing connection loses nothing held.
    raw = FakeTransport()

    async def scenario() -> None:
        transport = HeadersWithBody(raw)  # type: ignore[arg-type]
        transport.write(HEAD)
        await anyio.sleep(0.01)
        assert raw.writes == [HEAD]
        transport.write(HEAD)
        transport.close()
        assert transport.get_extra_info("sockname") == ("127.0.0.1", 8000)  # the rest is the transport's

    anyio.run(scenario)
    assert raw.writes == [HEAD, HEAD]
    assert raw.closed


def test_uvicorn_with_the_gate_writes_a_slow_json_response_in_one_write() -> None:
    # The real protocol, the real gate, a fake socket: the head waits for the body, and both leave together.
    raw = FakeTransport()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"11")]  # as Starlette's Response
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await anyio.sleep(0.01)  # the body takes a while: other requests would run meanwhile
        await send({"type": "http.response.body", "body": b'{"ok":true}'})

    async def scenario() -> None:
        gate = Gate(app, HttpSettings(), Metrics())
        config = uvicorn_config(gate, HttpSettings())
        config.load()
        protocol = config.http_protocol_class(config=config, server_state=ServerState(), app_state={})  # type: ignore[call-arg]
        protocol.connection_made(raw)  # type: ignore[arg-type]
        protocol.data_received(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Length: 2\r\n\r\n{}")
        for _ in range(200):  # bounded: 2 s at most
            if raw.writes:
                break
            await anyio.sleep(0.01)
        await anyio.sleep(0.05)  # anything written after the first write would show now

    anyio.run(scenario)
    writes = [data for data in raw.writes if data]  # h11 ends a content-length message with an empty write
    assert len(writes) == 1, raw.writes
    assert writes[0].startswith(b"HTTP/1.1 200")
    assert writes[0].endswith(b'{"ok":true}')


@pytest.mark.e2e
def test_a_host_header_without_a_port_is_accepted_for_allowed_names() -> None:
    with http_server(["--allowed-host", "mcp.example.test"]) as url:
        assert post(url, headers={"Host": "localhost"})[0] == 200
        assert post(url, headers={"Host": "mcp.example.test"})[0] == 200
        assert post(url, headers={"Host": "mcp.example.test.evil"})[0] == 421


@pytest.mark.e2e
def test_with_a_drain_period_sigterm_fails_health_checks_first_and_still_serves() -> None:
    port = free_port()
    process = subprocess.Popen(
        [console_script(), "serve", "--transport", "http", "--port", str(port), "--drain-seconds", "5"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, process)
        assert get(url + "/healthz")[0] == 200
        process.terminate()
        # During the drain a probe sees 503 and takes the replica out, while calls still succeed.
        assert get(url + "/healthz")[0] == 503
        assert post(url + "/mcp")[0] == 200
        assert process.wait(timeout=30) == 0
    finally:
        stop(process)
        assert process.stderr is not None
        process.stderr.close()
