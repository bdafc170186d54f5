"""Starting and stopping the real server as a subprocess for end-to-end tests (127.0.0.1 only, bounded waits)."""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

STARTUP_TIMEOUT_S = 30.0


def console_script(bin_dir: Path | None = None) -> str:
    """The installed `persona-mcp` script next to the running interpreter (or in `bin_dir`)."""
    folder = bin_dir or Path(sys.executable).parent
    path = folder / ("persona-mcp.exe" if os.name == "nt" else "persona-mcp")
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: install the package (pip install -e '.[test]')")
    return str(path)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Wait until 127.0.0.1:port accepts connections, the process dies, or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"server exited with {process.returncode} before listening: {err[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"server did not listen on 127.0.0.1:{port} within {timeout} s")


def stop(process: subprocess.Popen[bytes], timeout: float = 10.0) -> int:
    """SIGTERM, then SIGKILL if it does not stop in time; returns the exit code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
    return process.returncode


@contextlib.contextmanager
def http_server(
    args: Sequence[str] = (),
    *,
    script: str | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
    open_files: int | None = None,
) -> Iterator[str]:
    """Run `persona-mcp serve --transport http` on a free loopback port; yields the /mcp URL.

    Its stderr goes to `log` when given (to read what it logged), else to a pipe; `open_files` sets its
    open-file limit (soft and hard).
    """
    port = free_port()
    command = [script or console_script(), "serve", "--transport", "http", "--port", str(port), *args]
    with contextlib.ExitStack() as files:
        stderr = files.enter_context(log.open("wb")) if log else subprocess.PIPE
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))) if open_files else None
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, cwd=cwd, preexec_fn=limit
        )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        stop(process)
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()
