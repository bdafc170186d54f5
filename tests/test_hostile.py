"""Hostile input everywhere: random and adversarial JSON at every tool's and every prompt's arguments.

Every call must come back as a result or a clear error: never a crash, a hang, or a traceback in the
message, and the server must keep serving afterwards. The tools are discovered from tools/list, so a new
tool is covered the moment it is registered.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import CallToolResult, TextContent

from persona_mcp.catalog.loader import load_catalog
from persona_mcp.server.app import build_server

CALL_TIMEOUT_S = 30

# Adversarial leaves: boundary numbers, huge and odd strings, traversal, NUL, unicode tricks.
NASTY_STRINGS = [
    "",
    " ",
    "\x00",
    "../../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "NaN",
    "Infinity",
    "-1e309",
    "1e309",
    "99.9%",
    "\u202eevil\u202c",
    "\ufeff99.9",
    "ｓｒｅ",
    "sre\n",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "x" * 100_000,
    "30d" * 1000,
]
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 1, 100, 101, 1e308, -1e-308, 2**63, 0.1]),
    st.text(max_size=50),
    st.sampled_from(NASTY_STRINGS),
)
JSON = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=40,
)


@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal(backend="asyncio") as running:
        yield running


@pytest.fixture(scope="module")
def client(portal: BlockingPortal) -> Iterator[Client]:
    app = build_server(load_catalog())
    with portal.wrap_async_context_manager(Client(app)) as connected:
        yield connected


@pytest.fixture(scope="module")
def tools(client: Client, portal: BlockingPortal) -> dict[str, dict[str, Any]]:
    listing = portal.call(client.list_tools)
    return {tool.name: tool.input_schema for tool in listing.tools}


def arguments_for(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Random values under the tool's real argument names (plus, sometimes, names it does not have)."""
    names = list(schema.get("properties", {}))
    known = st.fixed_dictionaries({}, optional=dict.fromkeys(names, JSON))
    return st.one_of(known, st.dictionaries(st.sampled_from([*names, "bogus", ""]), JSON, max_size=4))


def call(portal: BlockingPortal, client: Client, name: str, arguments: dict[str, Any]) -> CallToolResult:
    async def bounded() -> CallToolResult:
        with anyio.fail_after(CALL_TIMEOUT_S):
            return await client.call_tool(name, arguments)

    return portal.call(bounded)


def check_result(result: CallToolResult) -> None:
    for block in result.content:
        if isinstance(block, TextContent):
            assert "Traceback" not in block.text
            assert 'File "' not in block.text
    if result.is_error:
        assert result.content, "an error must say what went wrong"
        assert isinstance(result.content[0], TextContent)
        assert len(result.content[0].text) < 5_000, "an error message must not echo huge input back"


def test_every_tool_survives_random_and_adversarial_arguments(
    portal: BlockingPortal, client: Client, tools: dict[str, dict[str, Any]]
) -> None:
    assert tools

    @settings(max_examples=40 * len(tools), deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(tools)), label="tool")
        arguments = data.draw(arguments_for(tools[name]), label="arguments")
        check_result(call(portal, client, name, arguments))

    run()
    assert not call(portal, client, "list_personas", {}).is_error  # still serving


def test_every_prompt_survives_random_and_adversarial_arguments(portal: BlockingPortal, client: Client) -> None:
    prompts = [p.name for p in portal.call(client.list_prompts).prompts]
    values = st.one_of(st.text(max_size=200), st.sampled_from(NASTY_STRINGS))

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(
        name=st.sampled_from([*prompts, "nope", "../sre", ""]),
        arguments=st.dictionaries(st.sampled_from(["subject", "focus", "context", "bogus"]), values, max_size=4),
    )
    def run(name: str, arguments: dict[str, str]) -> None:
        async def get() -> str:
            with anyio.fail_after(CALL_TIMEOUT_S):
                try:
                    result = await client.get_prompt(name, arguments)
                except MCPError as exc:
                    return str(exc)
                assert result.messages
                return ""

        error = portal.call(get)
        assert "Traceback" not in error
        assert len(error) < 5_000

    run()
    assert portal.call(client.list_prompts).prompts  # still serving


@pytest.mark.parametrize("subject_size", [10 * 1024 * 1024])
def test_a_ten_megabyte_subject_gets_a_clear_error_not_a_ten_megabyte_prompt(
    portal: BlockingPortal, client: Client, subject_size: int
) -> None:
    async def get() -> str:
        try:
            await client.get_prompt("sre", {"subject": "x" * subject_size})
        except MCPError as exc:
            return str(exc)
        raise AssertionError("a 10 MB subject must be refused")

    message = portal.call(get)
    assert "subject" in message
    assert len(message) < 1_000
