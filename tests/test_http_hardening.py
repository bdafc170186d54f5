"""Attacks on the HTTP face that the first wave let through (issue 15), each replayed on 127.0.0.1.

Every test starts its own server, bounds what it sends, and checks the answer a client would get.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import anyio
import pytest

from .processes import http_server
from .test_http import JSON_HEADERS, base, get, held_gate, post

pytestmark = pytest.mark.e2e

TOKEN = "correct-horse-battery-staple"


def _request(url: str, method: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, method=method, headers={**JSON_HEADERS, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers)


def _call(name: str, number: int) -> bytes:
    params = {"name": name, "arguments": {}}
    return json.dumps({"jsonrpc": "2.0", "id": number, "method": "tools/call", "params": params}).encode()


def test_get_and_delete_on_mcp_are_405_so_no_stream_can_hold_a_slot() -> None:
    # 64 GET event streams used to hold every concurrency slot for ever; a stateless JSON server has no
    # stream to offer and no session to end.
    with http_server(["--max-concurrency", "2"]) as url:
        for method in ("GET", "DELETE", "PUT"):
            status, headers = _request(url, method, {"Accept": "text/event-stream"})
            assert (status, headers.get("allow")) == (405, "POST"), method
        for _ in range(5):  # more than the limit, one after another: no slot was kept by the refused ones
            assert post(url)[0] == 200


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive(tmp_path: Path, scheme: str) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN, encoding="utf-8")
    with http_server(["--token-file", str(token_file)]) as url:
        assert post(url, headers={"Authorization": f"{scheme} {TOKEN}"})[0] == 200
        assert post(url, headers={"Authorization": f"{scheme} {TOKEN[:-1]}"})[0] == 401
        assert post(url, headers={"Authorization": f"Basic {TOKEN}"})[0] == 401  # another scheme is no token
        assert post(url, headers={"Authorization": TOKEN})[0] == 401


def test_with_a_token_metrics_need_it_and_health_says_only_ok(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN, encoding="utf-8")
    with http_server(["--token-file", str(token_file)]) as url:
        assert get(base(url) + "/metrics")[0] == 401
        request = urllib.request.Request(base(url) + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            assert b"persona_mcp_http_requests" in response.read()
        assert get(base(url) + "/healthz") == (200, b"ok\n")


def test_invented_tool_names_and_methods_do_not_grow_the_metrics() -> None:
    # 20,000 distinct unknown names used to make /metrics 74 MB; each now counts under one label value.
    with http_server() as url:
        for number in range(60):
            post(url, _call(f"no_such_tool_{number}_{'x' * 200}", number))
            body = json.dumps({"jsonrpc": "2.0", "id": number, "method": f"made/up/{number}"}).encode()
            post(url, body)
        assert post(url, _call("list_personas", 999))[0] == 200
        status, text = get(base(url) + "/metrics")
    assert status == 200
    metrics = text.decode()
    assert "no_such_tool" not in metrics
    assert "made/up" not in metrics
    assert re.search(r'persona_mcp_requests_total\{method="tools/call",outcome="\w+",tool="unknown"\} 60', metrics)
    assert 'tool="list_personas"' in metrics
    assert len(metrics) < 20_000


def test_health_is_503_while_every_slot_is_taken_and_ok_again_after() -> None:
    # A saturated server used to say 200 while every call got 429; a balancer then kept sending it traffic.
    gate, entered, release = held_gate(1)
    gate.ready = True
    health: list[int] = []

    async def probe() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                health.append(message["status"])

        await gate({"type": "http", "path": "/healthz", "headers": [], "method": "GET"}, receive, send)

    async def call() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"{}", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            return None

        await gate({"type": "http", "path": "/mcp", "headers": [], "method": "POST"}, receive, send)

    async def scenario() -> None:
        await probe()
        async with anyio.create_task_group() as group:
            group.start_soon(call)
            await entered.wait()
            await probe()
            release.set()
        await probe()

    anyio.run(scenario)
    assert health == [200, 503, 200]
