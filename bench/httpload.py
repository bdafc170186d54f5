"""A lean HTTP load generator for one JSON-RPC request against a stateless MCP endpoint; prints one JSON object.

    python bench/httpload.py --port 8123 --clients 8 --seconds 5 --body '{"jsonrpc":"2.0","id":1,...}'

C clients, each on its own keep-alive HTTP/1.1 connection, POST the same body in a closed loop (one call in
flight per client) for a fixed time after a short warm-up. The HTTP is written by hand on asyncio streams,
without an HTTP client library, so the generator spends as little CPU as possible per call: on a 2-core
machine it runs in its own process, pinned to the other core than the server's, and the server should be
the bottleneck. A call counts as an error unless it gets status 200 and a JSON-RPC result without
`isError`. Only 127.0.0.1 is ever contacted. Benchmarks print figures and assert nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import asdict, dataclass, field

HOST = "127.0.0.1"
PROTOCOL_VERSION = "2025-11-25"
MAX_CALLS_PER_CLIENT = 2_000_000
"""A bound on each client's loop besides the clock."""
MAX_ERROR_SAMPLES = 5


@dataclass
class LoadReport:
    """What one run measured; latencies in milliseconds over the measured (post-warm-up) calls."""

    clients: int
    seconds: float = 0.0
    calls: int = 0
    errors: int = 0
    calls_per_s: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    error_samples: list[str] = field(default_factory=list)


def request_bytes(port: int, body: bytes) -> bytes:
    """The whole HTTP request, headers and body, as a handshake-era client sends it after initializing."""
    head = (
        "POST /mcp HTTP/1.1\r\n"
        f"Host: {HOST}:{port}\r\n"
        "Content-Type: application/json\r\n"
        "Accept: application/json, text/event-stream\r\n"
        f"MCP-Protocol-Version: {PROTOCOL_VERSION}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """One HTTP/1.1 response: (status, body, whether the server will close the connection).

    Raises:
        ConnectionError: If the connection closes mid-response.
        ValueError: If the response is not HTTP/1.1 as expected.
    """
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        raise ConnectionError("connection closed before a response") from exc
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = -1
    chunked = close = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name == "connection" and "close" in value.lower():
            close = True
    if chunked:
        parts = []
        for _ in range(1_000_000):
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        return status, b"".join(parts), close
    if length < 0:
        raise ValueError("response without Content-Length or chunked encoding")
    return status, await reader.readexactly(length), close


def failure(status: int, body: bytes) -> str | None:
    """Why a response is a failure, or None for a JSON-RPC result without isError."""
    if status != 200:
        return f"http {status}: {body[:200]!r}"
    try:
        message = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:200]!r}"
    result = message.get("result") if isinstance(message, dict) else None
    if not isinstance(result, dict):
        return f"no result: {body[:200]!r}"
    if result.get("isError"):
        return f"tool error: {body[:200]!r}"
    return None


async def client(
    port: int, request: bytes, measure_from: float, deadline: float, latencies: list[float], report: LoadReport
) -> None:
    """One client: one connection, one call at a time, until the deadline."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        for _ in range(MAX_CALLS_PER_CLIENT):
            start = time.perf_counter()
            if start >= deadline:
                return
            writer.write(request)
            try:
                status, body, close = await read_response(reader)
            except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
                report.errors += 1
                if len(report.error_samples) < MAX_ERROR_SAMPLES:
                    report.error_samples.append(f"transport: {type(exc).__name__}: {exc}")
                return  # this client stops; the others go on
            elapsed = time.perf_counter() - start
            problem = failure(status, body)
            if start >= measure_from:
                latencies.append(elapsed)
                if problem:
                    report.errors += 1
                    if len(report.error_samples) < MAX_ERROR_SAMPLES:
                        report.error_samples.append(problem)
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
    finally:
        writer.close()


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values (0.0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


async def run(port: int, body: bytes, clients: int, seconds: float, warmup: float) -> LoadReport:
    """Drive 127.0.0.1:`port`/mcp with `clients` closed-loop clients for `warmup` + `seconds`."""
    report = LoadReport(clients=clients)
    latencies: list[float] = []
    request = request_bytes(port, body)
    measure_from = time.perf_counter() + warmup
    deadline = measure_from + seconds
    async with asyncio.TaskGroup() as group:
        for _ in range(clients):
            group.create_task(client(port, request, measure_from, deadline, latencies, report))
    measured = max(time.perf_counter() - measure_from, 1e-9)
    latencies.sort()
    report.seconds = measured
    report.calls = len(latencies)
    report.calls_per_s = len(latencies) / measured
    report.p50_ms = percentile(latencies, 0.50) * 1000
    report.p90_ms = percentile(latencies, 0.90) * 1000
    report.p99_ms = percentile(latencies, 0.99) * 1000
    report.max_ms = (latencies[-1] if latencies else 0.0) * 1000
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Closed-loop HTTP load on 127.0.0.1/mcp; prints one JSON object.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", required=True, help="the JSON-RPC request to send, as JSON")
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=0.5)
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.warmup < 0:
        parser.error("--clients and --seconds must be positive, --warmup not negative")
    body = json.dumps(json.loads(args.body), separators=(",", ":")).encode("utf-8")
    try:
        report = asyncio.run(run(args.port, body, args.clients, args.seconds, args.warmup))
    except (OSError, ValueError) as exc:
        print(f"httpload: error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(asdict(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
