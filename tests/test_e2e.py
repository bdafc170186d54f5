"""End to end through real transports: the installed console script over stdio, and HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp_types import TextContent

from .conftest import ROSTER, persona_prompts
from .processes import console_script, http_server

pytestmark = pytest.mark.e2e

TIMEOUT_S = 60


async def exercise(client: Client) -> None:
    """What a user's client does first: list everything, get a prompt, call the tools."""
    prompts = await client.list_prompts()
    assert persona_prompts({p.name for p in prompts.prompts}) == set(ROSTER)
    prompt = await client.get_prompt("sre", {"subject": "A payment API with one database."})
    assert isinstance(prompt.messages[0].content, TextContent)
    assert "A payment API with one database." in prompt.messages[0].content.text
    listed = await client.call_tool("list_personas", {})
    assert listed.structured_content is not None
    assert len(listed.structured_content["personas"]) == len(ROSTER)
    bad = await client.call_tool("get_persona", {"persona_id": "nope"})
    assert bad.is_error
    assert (await client.read_resource("persona://sre")).contents


def test_the_console_script_serves_over_stdio() -> None:
    async def main() -> None:
        params = StdioServerParameters(command=console_script(), args=[])
        with anyio.fail_after(TIMEOUT_S):
            async with Client(params) as client:
                await exercise(client)

    anyio.run(main)


def test_python_dash_m_serves_over_stdio_in_the_legacy_handshake() -> None:
    import sys

    async def main() -> None:
        params = StdioServerParameters(command=sys.executable, args=["-m", "persona_mcp"])
        with anyio.fail_after(TIMEOUT_S):
            async with Client(params, mode="legacy") as client:
                await exercise(client)

    anyio.run(main)


def test_streamable_http_serves_on_loopback() -> None:
    with http_server() as url:

        async def main() -> None:
            with anyio.fail_after(TIMEOUT_S):
                async with Client(url) as client:
                    await exercise(client)
                async with Client(url, mode="legacy") as client:
                    await exercise(client)

        anyio.run(main)


def test_stdout_carries_only_protocol_and_logs_go_to_stderr() -> None:
    # One initialize request on stdin; every stdout line must be JSON-RPC, the INFO log must be on stderr.
    request = (
        '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
        '"capabilities":{},"clientInfo":{"name":"t","version":"0"}}}\n'
    )
    done = subprocess.run(
        [console_script(), "--log-level", "INFO"], input=request.encode(), capture_output=True, timeout=TIMEOUT_S
    )
    lines = done.stdout.decode().strip().splitlines()
    assert lines
    assert all(json.loads(line)["jsonrpc"] == "2.0" for line in lines), lines
    assert "serving 9 personas on stdio" in done.stderr.decode()
