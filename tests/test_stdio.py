"""The stdio guard: every line gets an answer, lines are bounded, and SIGTERM lets requests finish.

The SDK's stdio reader dropped a line that was not a JSON-RPC message without a reply, so a client that
sent a broken line, a 5,000-digit number or JSON nested hundreds deep waited forever; SIGTERM killed the
process mid-response (issue 15). These tests drive the real `persona-mcp` over pipes, as a client does,
with bounded reads.
"""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from persona_mcp.logs import Throttle
from persona_mcp.server.stdio import MAX_DEPTH, MAX_LINE_BYTES, check_line, split_lines

from .conftest import ROOT
from .processes import console_script

READ_TIMEOUT_S = 20.0
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}


class Pipe:
    """A server subprocess spoken to one JSON line at a time, every read bounded by READ_TIMEOUT_S."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buffer = b""

    def send(self, message: dict[str, Any] | bytes) -> None:
        data = message if isinstance(message, bytes) else json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(data + b"\n")
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        deadline = time.monotonic() + READ_TIMEOUT_S
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(left, 0))
            if not ready:
                raise TimeoutError(f"no answer within {READ_TIMEOUT_S} s")
            chunk = self.process.stdout.read1(65536)
            if not chunk:
                raise EOFError("the server closed its output")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        result: dict[str, Any] = json.loads(line)
        return result

    def close(self) -> None:
        """Kill the process if it still runs, reap it and close its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream:
                stream.close()

    def initialize(self) -> None:
        self.send(INITIALIZE)
        assert "result" in self.receive()
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})


@pytest.fixture
def server() -> Iterator[Pipe]:
    pipe = Pipe([console_script()])
    pipe.initialize()
    yield pipe
    pipe.close()


BAD_LINES = {
    "not JSON": b"hello",
    "a truncated object": b'{"jsonrpc": "2.0", "id": 1,',
    "a number over 4,300 digits": b'{"jsonrpc": "2.0", "id": 1, "x": 1' + b"0" * 5000 + b"}",
    "a bare number over 4,300 digits": b"1" * 5000,
    "arrays nested 300 deep": b"[" * 300 + b"]" * 300,
    "objects nested past the limit": b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1),
    "a string, not a message": b'"tools/list"',
    "invalid UTF-8": b'{"jsonrpc": "2.0", "id": 1, "method": "\xff\xfe"}',
}


@pytest.mark.e2e
@pytest.mark.parametrize("name", sorted(BAD_LINES))
def test_a_line_that_is_no_message_gets_a_parse_error_and_the_server_keeps_serving(server: Pipe, name: str) -> None:
    server.send(BAD_LINES[name])
    answer = server.receive()
    assert answer["id"] is None
    assert answer["error"]["code"] == -32700
    server.send({"jsonrpc": "2.0", "id": 7, "method": "tools/list"})
    listed = server.receive()
    assert listed["id"] == 7
    assert listed["result"]["tools"]


@pytest.mark.e2e
def test_a_line_over_the_limit_is_discarded_as_it_arrives_and_answered(server: Pipe) -> None:
    server.send(b'{"jsonrpc": "2.0", "id": 1, "x": "' + b"a" * (MAX_LINE_BYTES + 10) + b'"}')
    answer = server.receive()
    assert answer["error"]["code"] == -32700
    assert str(MAX_LINE_BYTES) in answer["error"]["message"]
    server.send({"jsonrpc": "2.0", "id": 8, "method": "ping"})
    assert server.receive()["id"] == 8


@pytest.mark.e2e
def test_sigterm_lets_a_request_in_flight_finish_then_exits_0() -> None:
    pipe = Pipe([sys.executable, str(ROOT / "tests" / "slow_stdio_server.py")])
    try:
        pipe.initialize()
        call = {
            "jsonrpc": "2.0",
            "id": 9,
            "method": "tools/call",
            "params": {"name": "slow", "arguments": {"seconds": 1}},
        }
        pipe.send(call)
        time.sleep(0.3)  # the call is under way
        pipe.process.send_signal(signal.SIGTERM)
        answer = pipe.receive()
        assert answer["id"] == 9, answer
        assert "result" in answer, answer
        assert answer["result"]["content"][0]["text"] == "done"
        assert pipe.process.wait(timeout=READ_TIMEOUT_S) == 0
    finally:
        pipe.close()


# --- the pieces, in process -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chunks", "lines"),
    [
        ([b"a\nb\n"], [b"a", b"b"]),  # two lines in one read
        ([b"ab", b"c\nd", b"e\n"], [b"abc", b"de"]),  # lines across reads
        ([b"a\n", b"tail"], [b"a", b"tail"]),  # the last line without a newline
        ([b"12345\n123456\n1\n"], [b"12345", None, b"1"]),  # over the limit of 5: None, the rest goes on
        ([b"1234", b"56789", b"0\nok\n"], [None, b"ok"]),  # an over-long line spread over reads
        ([b"123456"], [None]),  # an over-long last line
    ],
)
def test_split_lines_bounds_each_line(chunks: list[bytes], lines: list[bytes | None]) -> None:
    assert list(split_lines(iter(chunks), max_line=5)) == lines


@pytest.mark.parametrize(
    ("line", "accepted"),
    [
        (b'{"jsonrpc": "2.0", "id": 1, "method": "ping"}', True),
        (b'[{"jsonrpc": "2.0", "id": 1, "method": "ping"}]', True),  # a batch is the SDK's to judge
        (b"   ", True),  # blank lines are the SDK's to skip
        (b'{"a":' * MAX_DEPTH + b"1" + b"}" * MAX_DEPTH, True),  # exactly at the depth limit
        (b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1), False),  # one level over
        (b"[" * 100_000 + b"]" * 100_000, False),  # past Python's recursion limit
        (b"null", False),
        (b"42", False),
    ],
)
def test_check_line(line: bytes, accepted: bool) -> None:
    assert (check_line(line) is None) is accepted


def test_the_log_throttle_allows_a_burst_then_counts_until_the_next_period() -> None:
    now = [0.0]
    throttle = Throttle(limit=3, period_s=60, clock=lambda: now[0])
    assert [throttle.allow() for _ in range(5)] == [True, True, True, False, False]
    assert throttle.suppressed == 2
    now[0] = 59.9
    assert not throttle.allow()
    now[0] = 60.0
    assert throttle.allow()
    assert throttle.suppressed == 0
