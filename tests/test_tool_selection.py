"""Choosing which tools a server publishes (`--tools`, `--exclude-tools`): a smaller context for users who
never call some tools, and a clear error for a name that is not a tool's."""

from __future__ import annotations

import subprocess

import anyio
import pytest
from mcp import Client, StdioServerParameters

from persona_mcp.catalog.loader import Catalog
from persona_mcp.errors import InvalidArgument
from persona_mcp.server.app import build_server

from .processes import console_script

pytestmark = pytest.mark.anyio


async def _tool_names(catalog: Catalog, tools: list[str] | None, exclude: list[str]) -> set[str]:
    async with Client(build_server(catalog, (), tools, exclude)) as client:
        return {tool.name for tool in (await client.list_tools()).tools}


async def test_every_tool_is_published_by_default(catalog: Catalog) -> None:
    names = await _tool_names(catalog, None, [])
    assert {"list_personas", "get_persona", "sre_readiness", "slo_budget_status", "persona_overlap"} <= names
    assert len(names) == 13


@pytest.mark.parametrize(
    ("tools", "exclude"),
    [
        (["sre_readiness"], []),
        (["sre_readiness", "slo_rules"], []),
        (None, ["sre_readiness"]),
        (None, ["persona_overlap", "recommend_personas"]),
        (["sre_readiness", "slo_rules", "list_personas"], ["slo_rules"]),
    ],
)
async def test_the_published_tools_are_the_chosen_less_the_excluded(
    catalog: Catalog, tools: list[str] | None, exclude: list[str]
) -> None:
    every = await _tool_names(catalog, None, [])
    expected = (set(tools) if tools is not None else every) - set(exclude)
    assert await _tool_names(catalog, tools, exclude) == expected


async def test_a_left_out_tool_cannot_be_called_and_the_rest_still_work(catalog: Catalog) -> None:
    async with Client(build_server(catalog, (), None, ["get_persona"])) as client:
        refused = await client.call_tool("get_persona", {"persona_id": "sre"})
        assert refused.is_error
        listed = await client.call_tool("list_personas", {})
        assert not listed.is_error


@pytest.mark.parametrize(
    ("tools", "exclude", "argument"),
    [
        (["sre_readines"], [], "--tools"),
        (None, ["nope"], "--exclude-tools"),
        (["sre_readiness"], ["sre_readiness"], "--tools"),
    ],
)
def test_an_unknown_name_or_an_empty_selection_is_an_error_naming_the_flag_and_the_tools(
    catalog: Catalog, tools: list[str] | None, exclude: list[str], argument: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        build_server(catalog, (), tools, exclude)
    assert caught.value.argument == argument
    assert "sre_readiness" in str(caught.value)
    assert "list_personas" in str(caught.value)


def test_the_cli_refuses_an_unknown_tool_in_one_line() -> None:
    run = subprocess.run(
        [console_script(), "serve", "--tools", "sre_readiness,slo_budgett"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [run.stderr.strip()]
    assert "--tools: unknown tool 'slo_budgett'; known tools:" in run.stderr


def test_a_stdio_server_started_with_a_selection_publishes_only_it() -> None:
    async def main() -> set[str]:
        params = StdioServerParameters(
            command=console_script(), args=["--tools", "sre_readiness, slo_rules,", "--exclude-tools", "slo_rules"]
        )
        with anyio.fail_after(60):
            async with Client(params) as client:
                return {tool.name for tool in (await client.list_tools()).tools}

    assert anyio.run(main) == {"sre_readiness"}


def test_an_empty_tools_value_from_a_config_means_every_tool() -> None:
    async def main() -> int:
        params = StdioServerParameters(command=console_script(), args=["serve", "--tools", ""])
        with anyio.fail_after(60):
            async with Client(params) as client:
                return len((await client.list_tools()).tools)

    assert anyio.run(main) >= 8
