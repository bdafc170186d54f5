"""Horizontal scale and a fault: three replicas behind nginx, one killed mid-load, and no call fails.

nginx is Debian's package (`bash tools/ci-deps.sh` installs it), started by the test in the foreground
with examples/deploy/nginx.conf, its placeholders filled: loopback ports, and pid, logs and temp folders in
tmp_path. The load generator runs in its own process (bench/load.py). PERSONA_MCP_REPLICAS_SECONDS
shortens the run for quick local checks.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .external import ROOT, abandon_load, finish_load, nginx_binary, start_load
from .processes import console_script, free_port, stop, wait_for_port

pytestmark = pytest.mark.e2e

NGINX_CONF = ROOT / "examples" / "deploy" / "nginx.conf"
REPLICAS = 3
CLIENTS = 32
SECONDS = float(os.environ.get("PERSONA_MCP_REPLICAS_SECONDS", "12"))
KILL_AFTER_S = SECONDS / 3
CUT_OFF_HINT = (
    "a call 'closed without sending complete message body' was cut off by the kill after the replica had sent "
    "the response's headers: nginx passes headers on at once and cannot retry a response already started, so "
    "a replica must hand the headers and the body of a JSON response to the socket together"
)


@contextlib.contextmanager
def running(command: list[str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A process listening on 127.0.0.1:port, its stderr in `log`; stopped (SIGTERM, then SIGKILL) on exit."""
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            try:
                wait_for_port(port, process)
            except (RuntimeError, TimeoutError) as exc:
                raise RuntimeError(f"{exc}; {log.name}: {log.read_text(errors='replace')[-2000:]}") from exc
            yield process
        finally:
            stop(process)


def nginx_config(runtime: Path, listen_port: int, replica_ports: list[int]) -> Path:
    """examples/deploy/nginx.conf with its placeholders filled."""
    text = NGINX_CONF.read_text(encoding="utf-8").replace("@RUNTIME_DIR@", str(runtime))
    text = text.replace("@LISTEN@", f"127.0.0.1:{listen_port}")
    for number, port in enumerate(replica_ports, start=1):
        text = text.replace(f"@REPLICA_{number}@", f"127.0.0.1:{port}")
    assert not re.search(r"@[A-Z_0-9]+@", text), "a placeholder of nginx.conf was left unfilled"
    path = runtime / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path


def calls_served(port: int) -> float:
    """MCP requests a replica has answered, from its /metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(float(m) for m in re.findall(r"^persona_mcp_requests_total\{.*\} (\S+)$", text, re.MULTILINE))


def test_killing_one_of_three_replicas_behind_nginx_mid_load_fails_no_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nginx = nginx_binary()
    runtime = tmp_path / "nginx"
    runtime.mkdir()
    ports = [free_port() for _ in range(REPLICAS)]
    listen = free_port()
    config = nginx_config(runtime, listen, ports)
    paths = ["-p", str(runtime), "-c", str(config), "-e", str(runtime / "error.log")]
    nginx_command = [nginx, *paths, "-g", "daemon off;"]  # in the foreground, as a child the test can stop

    with contextlib.ExitStack() as stack:
        replicas = [
            stack.enter_context(
                running([console_script(), "serve", "--transport", "http", "--port", str(port)], port,
                        tmp_path / f"replica-{port}.log")
            )
            for port in ports
        ]  # fmt: skip
        stack.enter_context(running(nginx_command, listen, runtime / "stderr.log"))
        with urllib.request.urlopen(f"http://127.0.0.1:{listen}/healthz", timeout=10) as health:
            assert health.status == 200

        load = start_load(f"http://127.0.0.1:{listen}/mcp", CLIENTS, SECONDS)
        stack.callback(abandon_load, load)  # a no-op once the load has finished
        time.sleep(KILL_AFTER_S)
        assert load.poll() is None, "the load ended before the replica was killed"
        victim, victim_port = replicas[1], ports[1]
        victim.kill()  # SIGKILL: no graceful shutdown, calls in flight on it are cut off
        victim.wait(timeout=10)
        report = finish_load(load, SECONDS)
        survivors = [calls_served(port) for port in ports if port != victim_port]

    with capsys.disabled():
        print(
            f"\nload through nginx, {REPLICAS} replicas, one killed after {KILL_AFTER_S:.0f} s: "
            f"{report['calls']} calls, {report['throughput']:.0f} calls/s, p50 {report['p50_ms']:.1f} ms, "
            f"p99 {report['p99_ms']:.1f} ms, max {report['max_ms']:.0f} ms, {report['errors']} errors"
        )
    assert report["errors"] == 0, (report["errors_by_kind"], report["error_samples"], CUT_OFF_HINT)
    assert all(served > 0 for served in survivors), survivors
    # nginx saw the dead replica (a refused or dropped connection) and retried elsewhere: the fault was real.
    errors = (runtime / "error.log").read_text(encoding="utf-8", errors="replace")
    assert re.search(rf"(refused|reset|prematurely closed).*127\.0\.0\.1:{victim_port}", errors), errors[-2000:]
