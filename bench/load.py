"""A bounded load generator for persona-mcp's streamable HTTP endpoint; prints figures and asserts nothing.

N concurrent clients, each on its own keep-alive connection, send raw JSON-RPC POSTs to /mcp for a fixed
time: the `list_personas` and `get_persona` tools and the `sre` prompt, in turn. The server is stateless, so
no initialize handshake is needed; each request carries the protocol version header a handshake-era
client sends after initializing. A call counts as an error unless it gets HTTP 200 and a JSON-RPC result
(and, for a tool, no `isError`). Only loopback URLs are accepted: this is a test tool, not an attack tool.

    python bench/load.py --url http://127.0.0.1:8000/mcp --clients 32 --seconds 30
    python bench/load.py --url ... --json      # one JSON object on stdout, for tests/test_load.py
    python bench/load.py --url ... --calls FILE  # cycle through the tools/calls in FILE: [[name, arguments], ...]

Run it in its own process: on a small machine a load generator sharing the server's event loop (or core)
measures itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2

PROTOCOL_VERSION = "2025-11-25"
HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json, text/event-stream",
    "MCP-Protocol-Version": PROTOCOL_VERSION,
}
SUBJECT = "A payment API in front of one PostgreSQL primary; we plan to launch next week."
MAX_CALLS_PER_CLIENT = 1_000_000  # a bound on the loop besides the clock
MAX_ERROR_SAMPLES = 10
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass
class Report:
    """What a run measured. Latencies are in milliseconds, over every call (failed ones included)."""

    url: str
    clients: int
    seconds: float
    calls: int = 0
    errors: int = 0
    throughput: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    calls_by_kind: dict[str, int] = field(default_factory=dict)
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The figures on one line, for a terminal."""
        return (
            f"{self.calls} calls in {self.seconds:.1f} s from {self.clients} clients: {self.throughput:.0f} calls/s, "
            f"p50 {self.p50_ms:.1f} ms, p90 {self.p90_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, max {self.max_ms:.1f} ms, "
            f"{self.errors} errors"
        )


@dataclass
class Tally:
    """Shared by the clients of one run (one event loop, so no locking)."""

    latencies: list[float] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.samples) < MAX_ERROR_SAMPLES:
            self.samples.append(f"{kind}: {detail[:300]}")


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (0.0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


def requests_for(persona_ids: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """The mix each client cycles through: (kind, JSON-RPC method and params)."""
    mix: list[tuple[str, dict[str, Any]]] = [
        ("tools/call list_personas", {"method": "tools/call", "params": {"name": "list_personas", "arguments": {}}})
    ]
    prompt = {"method": "prompts/get", "params": {"name": "sre", "arguments": {"subject": SUBJECT}}}
    for index, persona_id in enumerate(persona_ids):
        params = {"name": "get_persona", "arguments": {"persona_id": persona_id}}
        mix.append(("tools/call get_persona", {"method": "tools/call", "params": params}))
        if index % 3 == 2:  # a prompt after every third persona: about 1 listing, 9 briefs, 3 prompts a cycle
            mix.append(("prompts/get sre", prompt))
    return mix


def tool_calls(calls: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """A mix of the given tool calls, each as (kind, JSON-RPC method and params)."""
    return [
        (f"tools/call {name}", {"method": "tools/call", "params": {"name": name, "arguments": arguments}})
        for name, arguments in calls
    ]


def problem(response: httpx2.Response, kind: str) -> tuple[str, str] | None:
    """Why a response is a failure, as (error kind, detail), or None when it is a success."""
    if response.status_code != 200:
        return f"http {response.status_code}", response.text
    try:
        message = response.json()
    except ValueError:
        return "invalid json", response.text
    if "error" in message:
        return f"jsonrpc {message['error'].get('code')}", json.dumps(message["error"])
    result = message.get("result")
    if not isinstance(result, dict):
        return "no result", response.text
    if kind.startswith("tools/call") and result.get("isError"):
        return "tool error", json.dumps(result.get("content"))
    if kind.startswith("prompts/get") and not result.get("messages"):
        return "empty prompt", response.text
    return None


async def discover_persona_ids(http: httpx2.AsyncClient, url: str) -> list[str]:
    """The persona ids the server lists (one call, which also warms the server up).

    Raises:
        RuntimeError: If the server does not answer the listing.
    """
    body = {"jsonrpc": "2.0", "id": 0, "method": "tools/call", "params": {"name": "list_personas", "arguments": {}}}
    response = await http.post(url, json=body, headers=HEADERS)
    failed = problem(response, "tools/call list_personas")
    if failed:
        raise RuntimeError(f"{url} did not list personas: {failed[0]}: {failed[1][:300]}")
    return [p["id"] for p in response.json()["result"]["structuredContent"]["personas"]]


async def client(
    number: int, url: str, mix: list[tuple[str, dict[str, Any]]], deadline: float, timeout: float, tally: Tally
) -> None:
    """One client: its own connection, one call at a time until the deadline."""
    async with httpx2.AsyncClient(timeout=timeout, limits=httpx2.Limits(max_connections=1)) as http:
        for sequence in range(MAX_CALLS_PER_CLIENT):
            if time.monotonic() >= deadline:
                return
            kind, call = mix[(number + sequence) % len(mix)]
            body = {"jsonrpc": "2.0", "id": sequence + 1, **call}
            start = time.perf_counter()
            try:
                response = await http.post(url, json=body, headers=HEADERS)
                failed = problem(response, kind)
            except httpx2.HTTPError as exc:
                failed = (f"transport {type(exc).__name__}", str(exc))
            tally.latencies.append(time.perf_counter() - start)
            tally.kinds[kind] += 1
            if failed:
                tally.error(*failed)


async def run(
    url: str,
    clients: int,
    seconds: float,
    timeout: float = 30.0,
    calls: list[tuple[str, dict[str, Any]]] | None = None,
) -> Report:
    """Drive `url` with `clients` concurrent clients for `seconds`; every call is bounded by `timeout`.

    The mix is `calls` when given, else the personas' listing, briefs and a prompt.

    Raises:
        ValueError: If the URL is not on a loopback address.
        RuntimeError: If the server does not answer the first listing.
    """
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK_HOSTS and not host.startswith("127."):
        raise ValueError(f"--url: only loopback targets are allowed, got {host!r}")
    if calls:
        mix = tool_calls(calls)
    else:
        async with httpx2.AsyncClient(timeout=timeout) as http:
            mix = requests_for(await discover_persona_ids(http, url))
    tally = Tally()
    start = time.monotonic()
    deadline = start + seconds
    async with asyncio.TaskGroup() as group:
        for number in range(clients):
            group.create_task(client(number, url, mix, deadline, timeout, tally))
    elapsed = time.monotonic() - start
    latencies = sorted(tally.latencies)
    return Report(
        url=url,
        clients=clients,
        seconds=elapsed,
        calls=len(latencies),
        errors=sum(tally.errors.values()),
        throughput=len(latencies) / elapsed if elapsed else 0.0,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p90_ms=percentile(latencies, 0.90) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        max_ms=(latencies[-1] if latencies else 0.0) * 1000,
        calls_by_kind=dict(tally.kinds),
        errors_by_kind=dict(tally.errors),
        error_samples=tally.samples,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", required=True, help="the server's /mcp URL (loopback only)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default: 32)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to send calls (default: 30)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-call timeout in seconds (default: 30)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--calls", type=Path, help="a JSON file of [tool name, arguments] pairs to cycle through")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.timeout <= 0:
        parser.error("--clients, --seconds and --timeout must be positive")
    try:
        pairs = json.loads(args.calls.read_text(encoding="utf-8")) if args.calls else []
        calls = [(str(name), dict(arguments)) for name, arguments in pairs] or None
        report = asyncio.run(run(args.url, args.clients, args.seconds, args.timeout, calls))
    except (ValueError, RuntimeError, OSError, httpx2.HTTPError) as exc:
        print(f"load: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(asdict(report)))
    else:
        print(report.summary())
        for kind, count in sorted(report.calls_by_kind.items()):
            print(f"  {kind}: {count}")
        for sample in report.error_samples:
            print(f"  error: {sample}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
