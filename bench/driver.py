"""A raw JSON-RPC driver for an MCP server over stdio, for benchmarks.

It writes newline-delimited JSON-RPC to the server's stdin and reads its stdout, with no MCP client library
in between, so a measured round trip is the server's cost plus two pipe hops and two small JSON codecs that
are the same for every server driven. Every read has a deadline: a server that hangs fails the benchmark
instead of hanging it.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self

PROTOCOL_VERSION = "2025-11-25"
CLIENT_INFO = {"name": "persona-mcp-bench", "version": "0"}
READ_CHUNK = 1 << 16
MAX_SKIPPED_MESSAGES = 10_000
"""Notifications tolerated while waiting for one answer; a bound on the loop."""


class DriverError(RuntimeError):
    """The server failed, answered with an error, or did not answer in time."""


def compact(value: Any) -> bytes:
    """The compact JSON encoding of `value`, as a server sends it (no spaces, UTF-8)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def rss_kib(pid: int) -> int:
    """Resident set size of a process in KiB, from /proc/PID/status (VmRSS).

    Raises:
        DriverError: If the process is gone or the kernel does not report VmRSS.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError as exc:
        raise DriverError(f"cannot read RSS of process {pid}: {exc}") from exc
    raise DriverError(f"no VmRSS for process {pid}")


class StdioDriver:
    """One server subprocess driven over its stdin and stdout.

    `spawned_at` is the `time.perf_counter()` just before the process was created, so a caller can time
    spawn-to-answer. The server's stderr goes to a temporary file, shown in errors.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.timeout = timeout
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the driver; closed in close()
        self._buffer = bytearray()
        self._next_id = 0
        self.spawned_at = time.perf_counter()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            bufsize=0,
        )
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()

    # --- plumbing ---------------------------------------------------------------------------------

    def stderr_tail(self, limit: int = 2000) -> str:
        """The last `limit` characters the server wrote on stderr."""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")[-limit:]

    def _fail(self, message: str) -> DriverError:
        tail = self.stderr_tail().strip()
        return DriverError(f"{message}" + (f"\n--- server stderr ---\n{tail}" if tail else ""))

    def send(self, message: Mapping[str, Any]) -> None:
        """Write one JSON-RPC message and its newline.

        Raises:
            DriverError: If the server closed its stdin.
        """
        data = memoryview(compact(message) + b"\n")
        try:
            while data:
                written = os.write(self._in, data)
                data = data[written:]
        except BrokenPipeError as exc:
            raise self._fail("the server closed its stdin") from exc

    def _read_line(self, deadline: float) -> bytes:
        while (end := self._buffer.find(b"\n")) < 0:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise self._fail(f"no answer within {self.timeout:.0f} s")
            ready, _, _ = select.select([self._out], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._out, READ_CHUNK)
            if not chunk:
                raise self._fail(f"the server closed stdout (exit code {self.proc.poll()})")
            self._buffer += chunk
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        return line

    def request_raw(self, method: str, params: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], int]:
        """Send a request and wait for its answer: (the whole response message, bytes of its line).

        Messages without our id (notifications, requests from the server) are skipped.

        Raises:
            DriverError: If no answer arrives before the timeout or the server exits.
        """
        self._next_id += 1
        request_id = self._next_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        deadline = time.perf_counter() + self.timeout
        for _ in range(MAX_SKIPPED_MESSAGES):
            line = self._read_line(deadline)
            if not line.strip():
                continue
            try:
                answer = json.loads(line)
            except ValueError as exc:
                raise self._fail(f"not JSON on stdout: {line[:200]!r}") from exc
            if isinstance(answer, dict) and answer.get("id") == request_id and "method" not in answer:
                return answer, len(line)
        raise self._fail(f"more than {MAX_SKIPPED_MESSAGES} messages without an answer to {method}")

    def request(self, method: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Send a request and return its `result`.

        Raises:
            DriverError: If the answer is a JSON-RPC error, or as `request_raw`.
        """
        answer, _ = self.request_raw(method, params)
        if "error" in answer:
            raise DriverError(f"{method}: JSON-RPC error {json.dumps(answer['error'])[:500]}")
        result = answer.get("result")
        if not isinstance(result, dict):
            raise DriverError(f"{method}: no result object in {json.dumps(answer)[:500]}")
        return result

    def notify(self, method: str, params: Mapping[str, Any] | None = None) -> None:
        """Send a notification (no answer expected)."""
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    # --- MCP ----------------------------------------------------------------------------------------

    def initialize(self) -> dict[str, Any]:
        """The handshake-era initialize request, then notifications/initialized; returns the initialize result."""
        result = self.request(
            "initialize",
            {"protocolVersion": PROTOCOL_VERSION, "capabilities": {}, "clientInfo": CLIENT_INFO},
        )
        self.notify("notifications/initialized")
        return result

    def call_tool(self, name: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Call a tool and return its result (which may have isError set)."""
        return self.request("tools/call", {"name": name, "arguments": dict(arguments)})

    def rss_kib(self) -> int:
        """The server's resident set size in KiB."""
        return rss_kib(self.proc.pid)

    def close(self) -> None:
        """Close stdin (a stdio server exits on EOF), wait briefly, and kill the process if it lingers."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._stderr.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
