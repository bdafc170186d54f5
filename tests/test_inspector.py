"""The MCP Inspector's CLI (npm `@modelcontextprotocol/inspector`) drives the installed console script over stdio.

A real client other than our SDK's: it lists prompts and tools, gets a prompt and calls tools. Needs Node
>= 22.19 and the package: `bash tools/ci-deps.sh`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import anyio
import pytest

from persona_mcp.catalog.loader import load_catalog
from persona_mcp.server.app import build_server

from .conftest import ROSTER
from .external import node_tools
from .processes import console_script

pytestmark = pytest.mark.e2e

TIMEOUT_S = 60
SUBJECT = "A payment API in front of one PostgreSQL primary."
# What the server offers, asked in memory: the Inspector must see the same over stdio.
SERVER = build_server(load_catalog())
SERVED_TOOLS = {tool.name for tool in anyio.run(SERVER.list_tools)}
SERVED_PROMPTS = {prompt.name for prompt in anyio.run(SERVER.list_prompts)}

# (tool, arguments, what the structured result must hold): one case per tool the Inspector calls.
TOOL_CALLS = [
    pytest.param("get_persona", {"persona_id": "sre"}, {"id": "sre"}, id="get_persona"),
    # SRE_READINESS: issue 4's tool, being written. This case is selected the moment the server lists the
    # tool; until then it is skipped with this reason. The manifest is the research's payment API: a critical
    # service on one database (a single point of failure) with nothing else known, so it cannot be ready.
    pytest.param(
        "sre_readiness",
        {
            "service": {
                "name": "payments-api",
                "tier": "critical",
                "dependencies": [{"name": "postgres", "kind": "datastore", "instances": 1, "critical": True}],
            }
        },
        {"assessment": "not_ready"},
        id="sre_readiness",
        marks=pytest.mark.skipif("sre_readiness" not in SERVED_TOOLS, reason="sre_readiness is not served yet"),
    ),
]


def inspector(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """Run the Inspector's CLI against `persona-mcp` over stdio; returns its exit code and JSON output."""
    done = run_inspector(tmp_path, *args)
    output: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, output


def run_inspector(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the Inspector's CLI against `persona-mcp` over stdio, checking it answered at all."""
    tools = node_tools()
    env = {
        **os.environ,
        "HOME": str(tmp_path),  # the Inspector keeps a catalog and client config under $HOME: not the user's
        "MCP_CATALOG_PATH": str(tmp_path / "mcp.json"),
        "MCP_CLIENT_CONFIG_PATH": str(tmp_path / "client.json"),
    }
    command = [str(tools.node), str(tools.inspector), "--cli", "--format", "json", "--quiet", *args]
    done = subprocess.run(
        [*command, "--", console_script()], capture_output=True, text=True, timeout=TIMEOUT_S, env=env, cwd=tmp_path
    )
    assert done.stdout.strip(), f"no output (exit {done.returncode}): {done.stderr[-2000:]}"
    return done


@pytest.mark.parametrize("era", ["legacy", "modern"])
def test_the_inspector_lists_every_persona_as_a_prompt_and_the_tools(tmp_path: Path, era: str) -> None:
    code, prompts = inspector(tmp_path, "--protocol-era", era, "--method", "prompts/list")
    assert code == 0
    names = {p["name"] for p in prompts["result"]["prompts"]}
    assert names == SERVED_PROMPTS
    assert set(ROSTER) <= names
    code, tools = inspector(tmp_path, "--protocol-era", era, "--method", "tools/list")
    assert code == 0
    listed = {t["name"]: t for t in tools["result"]["tools"]}
    assert set(listed) == SERVED_TOOLS
    assert all(t["annotations"]["readOnlyHint"] for t in listed.values())


STRICT_PROBLEM = re.compile(r'^(Warning|Error): tool "([^"]+)"\n  Path: (\S+)', re.MULTILINE)
STRICT_TOTAL = re.compile(r"^(\d+) errors?, (\d+) warnings?", re.MULTILINE)


def test_the_inspector_accepts_every_input_schema_strictly(tmp_path: Path) -> None:
    # `--strict` reports each schema portability problem (path, issue, fix) on stderr and exits 6 on an error.
    # Optional arguments are simply optional (no `type: [X, "null"]`), so no input schema draws a word; the
    # output schemas' nullable fields do draw warnings (a `type` array is legal, if less portable), and they
    # are counted here so that the parse is known to read the report.
    done = run_inspector(tmp_path, "--method", "tools/list", "--strict")
    assert done.returncode == 0, done.stderr[-2000:]
    problems = [(m[2], m[3]) for m in STRICT_PROBLEM.finditer(done.stderr)]
    total = STRICT_TOTAL.search(done.stderr)
    assert total is not None, done.stderr[-2000:]
    assert (int(total[1]), int(total[2])) == (0, len(problems))
    assert [(tool, path) for tool, path in problems if not path.startswith("outputSchema")] == []
    assert {t["name"] for t in json.loads(done.stdout)["result"]["tools"]} == SERVED_TOOLS


def test_the_inspector_gets_the_sre_prompt_with_a_subject(tmp_path: Path) -> None:
    code, prompt = inspector(
        tmp_path, "--method", "prompts/get", "--prompt-name", "sre", "--prompt-args", f"subject={SUBJECT}"
    )
    assert code == 0
    [message] = prompt["result"]["messages"]
    assert message["role"] == "user"
    assert "Site Reliability Engineer" in message["content"]["text"]
    assert SUBJECT in message["content"]["text"]


@pytest.mark.parametrize(("tool", "arguments", "expected"), TOOL_CALLS)
def test_the_inspector_calls_a_tool(
    tmp_path: Path, tool: str, arguments: dict[str, Any], expected: dict[str, str]
) -> None:
    code, called = inspector(
        tmp_path, "--method", "tools/call", "--tool-name", tool, "--tool-args-json", json.dumps(arguments)
    )
    result = called["result"]
    assert code == 0, result
    assert not result.get("isError")
    for key, value in expected.items():
        assert value in json.dumps(result["structuredContent"][key])
    assert result["content"][0]["text"]


def test_an_unknown_persona_reaches_the_inspector_as_a_tool_error(tmp_path: Path) -> None:
    code, called = inspector(
        tmp_path, "--method", "tools/call", "--tool-name", "get_persona", "--tool-arg", "persona_id=nope"
    )
    assert code != 0  # the Inspector exits non-zero on an isError result
    assert called["result"]["isError"] is True
    assert "persona_id" in called["result"]["content"][0]["text"]
