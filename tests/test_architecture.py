"""The architecture stays visible: the core never imports the MCP SDK or the HTTP stack; adapters do."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "persona_mcp.catalog.model",
    "persona_mcp.errors",
    "persona_mcp.data",
    "persona_mcp.catalog.loader",
    "persona_mcp.catalog.render",
    "persona_mcp.catalog.views",
    "persona_mcp.cli.tables",
    "persona_mcp.sre.durations",
    "persona_mcp.sre.numbers",
    "persona_mcp.sre.budget",
    "persona_mcp.sre.alerts",
    "persona_mcp.sre.availability",
    "persona_mcp.sre.capacity",
    "persona_mcp.sre.toil",
    "persona_mcp.sre.oncall",
    "persona_mcp.sre.readiness",
    "persona_mcp.sre.readiness.manifest",
    "persona_mcp.sre.readiness.checks",
    "persona_mcp.catalog.text",
    "persona_mcp.catalog.concerns",
    "persona_mcp.analysis.overlap",
    "persona_mcp.analysis.routing",
    "persona_mcp.analysis.examples",
    "persona_mcp.analysis.panel",
    "persona_mcp.logs",
    "persona_mcp.cli.main",  # the command line itself imports the SDK only in the commands that serve
]


@pytest.mark.parametrize("module", CORE)
def test_core_modules_do_not_import_the_sdk_or_the_http_stack(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = sorted(m for m in ('mcp', 'starlette', 'uvicorn', 'prometheus_client') if m in sys.modules); "
        "print(','.join(bad))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"{module} pulls in {loaded}"


def test_stdio_serving_does_not_import_the_http_adapter() -> None:
    code = (
        "import sys, persona_mcp.server.app; "
        "print('persona_mcp.server.http' in sys.modules, 'prometheus_client' in sys.modules)"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == ["False", "False"]
