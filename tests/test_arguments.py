"""Tool arguments are checked strictly, and every refusal is one line naming the argument and what it takes.

The first wave let pydantic coerce `true` into 1 (so `objective: true` meant a 1% SLO), ignored arguments a
tool does not take, and answered a mistyped argument with a validation dump naming internal models and
linking to pydantic's site (issue 15).
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, TextContent

from persona_mcp.catalog.loader import Catalog
from persona_mcp.server.app import build_server
from persona_mcp.server.toolkit import MAX_SHOWN_CHARS, ArgumentCheck, argument_errors

from .conftest import ROOT, bench_module

pytestmark = pytest.mark.anyio


def _text(result: Any) -> str:
    block = result.content[0]
    assert isinstance(block, TextContent)
    return block.text


# (tool, arguments, the argument the message must start with, a phrase it must hold)
REFUSED = [
    ("slo_error_budget", {"objective": True}, "objective", "must be a number, got true"),  # a boolean is no number
    ("slo_error_budget", {"objective": False}, "objective", "got false"),
    ("slo_error_budget", {"objective": "99.9"}, "objective", 'must be a number, got "99.9"'),  # no string numbers
    ("slo_error_budget", {"objective": 99.9, "window": 30}, "window", "must be a string"),
    ("slo_error_budget", {"objective": 99.9, "total_events": True}, "total_events", "must be a number"),
    ("slo_error_budget", {}, "objective", "is required"),
    ("slo_error_budget", {"objective": 99.9, "bogus": 1}, "bogus", "unknown argument; accepted: objective"),
    ("oncall_load", {"team_size": True, "pages_per_week": 3}, "team_size", "must be a whole number"),
    ("oncall_load", {"team_size": 2.5, "pages_per_week": 3}, "team_size", "must be a whole number"),
    ("recommend_personas", {"task": 5}, "task", "must be a string, got 5"),
    ("recommend_personas", {"task": "a deadlock", "limit": "many"}, "limit", "must be a whole number"),
    ("recommend_personas", {"task": ["a", "list"]}, "task", "must be a string"),
    ("get_persona", {"persona_id": "x" * 300}, "persona_id", "at most 200 characters, got 300"),
    ("get_persona", {"persona_id": "sre", "format": "pdf"}, "format", "must be one of"),
    ("sre_readiness", {"service": "payments"}, "service", "must be an object"),
    ("sre_readiness", {"repository": 5}, "repository", "must be a string"),
    ("persona_overlap", {"candidate": "a devops persona"}, "candidate", "must be an object"),
    ("list_personas", {"verbose": True}, "verbose", "unknown argument"),
]


@pytest.mark.parametrize(("tool", "arguments", "argument", "phrase"), REFUSED)
async def test_a_bad_argument_is_refused_in_one_line_naming_it(
    client: Client, tool: str, arguments: dict[str, Any], argument: str, phrase: str
) -> None:
    result = await client.call_tool(tool, arguments)
    assert result.is_error
    text = _text(result)
    assert text.startswith(f"{argument}: "), text
    assert phrase in text, text
    assert "\n" not in text
    for internal in ("validation error", "pydantic", "Arguments", "errors.pydantic.dev", "input_type"):
        assert internal not in text, text


async def test_the_server_keeps_serving_after_refusals(client: Client) -> None:
    for tool, arguments, _, _ in REFUSED:
        assert (await client.call_tool(tool, arguments)).is_error
    assert not (await client.call_tool("slo_error_budget", {"objective": 99.9})).is_error


@pytest.mark.parametrize(
    "uri",
    [
        "foo://" + "a" * 1_000_000,  # no such scheme
        "persona-mcp://templates/" + "b" * 1_000_000,  # no such template
        "persona://" + "c" * 1_000_000,  # no such persona
    ],
)
async def test_an_unknown_resource_uri_is_cut_in_the_error(client: Client, uri: str) -> None:
    with pytest.raises(MCPError) as info:
        await client.read_resource(uri)
    assert info.value.error.code == INVALID_PARAMS
    assert len(info.value.error.message) < 500
    assert len(str(info.value.error.data)) < 500


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "objective": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 100, "description": "SLO %."},
        "count": {"type": "integer", "minimum": 1, "maximum": 9},
        "name": {"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
    },
    "required": ["objective"],
}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"objective": 99.9}, None),  # fine
        ({"objective": 99.9, "name": None}, None),  # null where the schema allows it
        ({"objective": 100}, "objective: must be less than 100, got 100"),  # just over the bound
        ({"objective": 0}, "objective: must be more than 0, got 0"),
        ({"objective": 1, "count": 0}, "count: must be at least 1, got 0"),
        ({"objective": 1, "count": 10}, "count: must be at most 9, got 10"),
        ({"objective": 1, "name": "toolong"}, "name: must be at most 5 characters, got 7"),
        ({"objective": 1, "name": 3}, "name: must be a string, got 3"),
        ({"objective": 1, "tags": ["a", "b", "c"]}, "tags: must hold at most 2 items, got 3"),
        ({"objective": 1, "tags": ["a", 2]}, "tags.1: must be a string, got 2"),
        ({"count": 1}, "objective: is required"),
        ({"objective": True}, "objective: must be a number, got true (SLO %.)"),
    ],
)
def test_argument_errors_table(arguments: dict[str, Any], message: str | None) -> None:
    assert argument_errors(SCHEMA, arguments) == message


def test_a_long_rejected_value_is_cut() -> None:
    message = argument_errors(SCHEMA, {"objective": "x" * 10_000})
    assert message is not None
    assert len(message) < MAX_SHOWN_CHARS + 100


WRONG_VALUES: list[Any] = [True, False, 0, -1, 2.5, 1e300, "", "1", "x" * 300, [], ["x"], {}, {"x": 1}, None]


def _variants(arguments: dict[str, Any]) -> list[dict[str, Any]]:
    """The arguments as given, then with each one replaced by each wrong value, dropped, or joined by a stranger."""
    out = [arguments, {**arguments, "stranger": 1}]
    for name in arguments:
        out.append({k: v for k, v in arguments.items() if k != name})
        out += [{**arguments, name: value} for value in WRONG_VALUES]
    return out


async def test_the_fast_strict_check_agrees_with_the_published_schema_on_every_tool(catalog: Catalog) -> None:
    # Well-formed calls are accepted by a strict pydantic model of the tool's signature without loading
    # jsonschema; that is only sound if it never accepts what the published schema refuses.
    app = build_server(catalog)
    samples: dict[str, dict[str, Any]] = bench_module().SAMPLES
    for tool in await app.list_tools():
        check = await app.argument_check(tool.name)
        assert check is not None
        assert check.has_fast_path, tool.name
        schema_only = ArgumentCheck(check.schema)  # the tool's full schema, which allows null where it is optional
        for arguments in _variants(samples[tool.name]):
            assert check.problem(arguments) == schema_only.problem(arguments), (tool.name, arguments)


def test_a_server_answering_well_formed_calls_never_loads_jsonschema() -> None:
    code = f"""
import sys, anyio
sys.path.insert(0, {str(ROOT / "bench")!r})
from run import SAMPLES
from persona_mcp.catalog.loader import load_catalog
from persona_mcp.server.app import build_server
app = build_server(load_catalog())
async def main():
    for name, arguments in SAMPLES.items():
        await app.call_tool(name, arguments)
anyio.run(main)
print("jsonschema" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["False"], out.stderr
