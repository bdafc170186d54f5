"""The MCP surface through the official SDK client, in memory: prompts, tools, resources, completion."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError
from mcp_types import INVALID_PARAMS, PromptReference, ResourceTemplateReference, TextContent, TextResourceContents

from persona_mcp.catalog.loader import Catalog
from persona_mcp.catalog.render import MAX_SUBJECT_CHARS
from persona_mcp.catalog.views import section_headings
from persona_mcp.server.app import build_server, template_names

from .conftest import ROSTER, persona_prompts

pytestmark = pytest.mark.anyio

SRE_TEMPLATES = {"postmortem", "runbook", "slo-document", "error-budget-policy"}


def _text(result: Any) -> str:
    block = result.content[0]
    assert isinstance(block, TextContent)
    return block.text


async def test_every_persona_is_a_prompt_named_by_id_and_titled_by_name(client: Client) -> None:
    listed = {p.name: p for p in (await client.list_prompts()).prompts}
    prompts = {name: listed[name] for name in persona_prompts(set(listed))}
    assert {name: p.title for name, p in prompts.items()} == {pid: name for pid, (name, _) in ROSTER.items()}
    for prompt in prompts.values():
        args = {a.name: a.required for a in prompt.arguments or []}
        assert args == {"subject": True, "focus": False, "context": False}
        assert prompt.description


async def test_a_prompt_carries_the_persona_brief_focus_context_and_subject(client: Client, catalog: Catalog) -> None:
    sre = catalog.get("sre")
    focus = sre.responsibilities[1].name
    result = await client.get_prompt(
        "sre", {"subject": "def handler(): db.query()", "focus": focus, "context": "tier 1"}
    )
    assert len(result.messages) == 1
    message = result.messages[0]
    assert message.role == "user"
    assert isinstance(message.content, TextContent)
    text = message.content.text
    assert "def handler(): db.query()" in text
    assert sre.review_checklist[0] in text
    assert sre.content_hash in text
    assert focus in text
    assert "tier 1" in text


async def test_an_unknown_focus_is_an_error_listing_the_accepted_ones(client: Client, catalog: Catalog) -> None:
    with pytest.raises(MCPError) as info:
        await client.get_prompt("qa-engineer", {"subject": "x", "focus": "astrology"})
    assert "focus" in str(info.value)
    assert catalog.get("qa-engineer").responsibilities[0].name in str(info.value)


@pytest.mark.parametrize(
    "arguments",
    [
        {},  # subject missing
        {"subject": "   "},  # subject blank
        {"subject": "x" * (MAX_SUBJECT_CHARS + 1)},  # subject over the limit
        {"subject": "x", "subjcet": "typo"},  # an unknown argument names the accepted ones, subject among them
    ],
)
async def test_a_prompt_without_a_usable_subject_is_an_error(client: Client, arguments: dict[str, str]) -> None:
    with pytest.raises(MCPError, match="subject"):
        await client.get_prompt("code-reviewer", arguments)
    assert (await client.list_prompts()).prompts  # still serving


async def test_focus_completion_offers_responsibilities_filtered_by_prefix(client: Client, catalog: Catalog) -> None:
    names = [r.name for r in catalog.get("sre").responsibilities]
    everything = await client.complete(PromptReference(type="ref/prompt", name="sre"), {"name": "focus", "value": ""})
    assert everything.completion.values == names
    prefix = names[2][:3].lower()
    narrowed = await client.complete(PromptReference(type="ref/prompt", name="sre"), {"name": "focus", "value": prefix})
    assert names[2] in narrowed.completion.values
    assert all(prefix in v.lower() for v in narrowed.completion.values)
    assert len(narrowed.completion.values) < len(names)


async def test_persona_id_completion_for_the_resource_template(client: Client) -> None:
    ref = ResourceTemplateReference(type="ref/resource", uri="persona://{persona_id}")
    result = await client.complete(ref, {"name": "persona_id", "value": "s"})
    assert set(result.completion.values) == {"senior-engineer", "security-engineer", "software-architect", "sre"}


async def test_every_tool_is_read_only_idempotent_closed_world_with_an_output_schema(client: Client) -> None:
    tools = (await client.list_tools()).tools
    assert {"list_personas", "get_persona"} <= {t.name for t in tools}
    for tool in tools:
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is True
        assert tool.annotations.idempotent_hint is True
        assert tool.annotations.open_world_hint is False
        assert tool.annotations.destructive_hint is False
        assert tool.output_schema is not None, tool.name
        assert tool.description


TOOLS = {
    "list_personas",
    "get_persona",
    "slo_error_budget",
    "slo_budget_status",
    "slo_burn_rate_alerts",
    "slo_rules",
    "availability_composite",
    "capacity_forecast",
    "toil_assessment",
    "oncall_load",
    "sre_readiness",
    "persona_overlap",
    "recommend_personas",
}


async def test_the_server_publishes_every_tool_from_the_start(client: Client) -> None:
    assert {tool.name for tool in (await client.list_tools()).tools} == TOOLS


async def test_an_unknown_tool_is_an_error_and_the_server_keeps_serving(client: Client) -> None:
    unknown = await client.call_tool("no_such_tool", {})
    assert unknown.is_error
    assert not (await client.call_tool("slo_error_budget", {"objective": 99.9})).is_error


async def test_list_personas_returns_ids_versions_and_hashes(client: Client, catalog: Catalog) -> None:
    result = await client.call_tool("list_personas", {})
    assert not result.is_error
    assert result.structured_content is not None
    rows = result.structured_content["personas"]
    assert [r["id"] for r in rows] == catalog.ids
    assert all(set(r) == {"id", "name", "category", "summary", "version", "hash"} for r in rows)
    assert {r["hash"] for r in rows} == {p.content_hash for p in catalog}


def wire_bytes(result: Any) -> int:
    """The size of a tool result as a client receives it: its JSON, text and structured content together."""
    return len(result.model_dump_json(by_alias=True, exclude_none=True).encode())


async def test_get_persona_sends_the_brief_once_as_text_and_its_fields_as_structured_content(
    client: Client, catalog: Catalog
) -> None:
    md = await client.call_tool("get_persona", {"persona_id": "sre"})
    brief = _text(md)
    assert brief.startswith("# Site Reliability Engineer")
    assert md.structured_content == {
        "id": "sre",
        "name": "Site Reliability Engineer",
        "version": catalog.get("sre").version,
        "hash": catalog.get("sre").content_hash,
        "format": "markdown",
        "sections": [
            "Mindset",
            "Characteristics",
            "Responsibilities",
            "When to invoke",
            "Skip when",
            "Expertise",
            "Guidelines",
            "Review checklist",
            "Output format",  # and not the headings of the fenced review template under it
            "Boundaries",
            "Collaborates with",
        ],
    }
    assert all(f"\n## {section}\n" in brief for section in md.structured_content["sections"])
    # The brief travels once: the whole result is the brief and a few hundred bytes of fields (it was twice that).
    assert wire_bytes(md) < len(brief.encode()) + 1_000, wire_bytes(md)


async def test_get_persona_as_json_is_every_field_in_both_parts(client: Client, catalog: Catalog) -> None:
    js = await client.call_tool("get_persona", {"persona_id": "sre", "format": "json"})
    assert js.structured_content is not None
    assert js.structured_content["persona"] == catalog.get("sre").model_dump(mode="json")
    assert js.structured_content["hash"] == catalog.get("sre").content_hash
    assert "sections" not in js.structured_content
    assert json.loads(_text(js))["hash"] == catalog.get("sre").content_hash


def test_section_headings_skip_headings_inside_fenced_code() -> None:
    text = "# Title\n\n## One\n\n```markdown\n## Not a section\n```\n\n## Two\n### Sub\n"
    assert section_headings(text) == ["One", "Two"]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"persona_id": "chaos-monkey"}, "known ids"),  # unknown id lists the known ones
        ({"persona_id": "../../etc/passwd"}, "known ids"),  # traversal is just an unknown id
        ({"persona_id": "sre", "format": "pdf"}, "markdown"),  # bad format names the accepted values
        ({"persona_id": 42}, "persona_id"),  # wrong type
        ({}, "persona_id"),  # missing argument
    ],
)
async def test_get_persona_rejects_bad_arguments_clearly(
    client: Client, arguments: dict[str, Any], expected: str
) -> None:
    result = await client.call_tool("get_persona", arguments)
    assert result.is_error
    assert expected in _text(result)
    assert "Traceback" not in _text(result)
    assert not (await client.call_tool("list_personas", {})).is_error  # still serving


async def test_resources_list_each_persona_the_roster_and_the_sre_templates(client: Client) -> None:
    uris = {str(r.uri) for r in (await client.list_resources()).resources}
    assert {f"persona://{pid}" for pid in ROSTER} <= uris
    assert "persona-mcp://roster" in uris
    assert {f"persona-mcp://templates/{name}" for name in SRE_TEMPLATES} <= uris
    assert set(template_names()) >= SRE_TEMPLATES
    templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
    assert "persona://{persona_id}" in templates


async def test_a_persona_resource_is_its_markdown_brief(client: Client, catalog: Catalog) -> None:
    result = await client.read_resource("persona://concurrency-expert")
    content = result.contents[0]
    assert isinstance(content, TextResourceContents)
    assert content.mime_type == "text/markdown"
    assert content.text.startswith("# Concurrency Expert")
    assert catalog.get("concurrency-expert").content_hash in content.text


@pytest.mark.parametrize("name", sorted(SRE_TEMPLATES))
async def test_each_sre_template_is_served_as_markdown(client: Client, name: str) -> None:
    result = await client.read_resource(f"persona-mcp://templates/{name}")
    content = result.contents[0]
    assert isinstance(content, TextResourceContents)
    assert content.text.startswith("# ")
    assert len(content.text.splitlines()) >= 30


@pytest.mark.parametrize(
    "uri",
    [
        "persona://nobody",  # unknown id
        "persona://..%2F..%2Fetc%2Fpasswd",  # encoded traversal
        "persona://%00sre",  # NUL byte
        "persona://" + "a" * 5000,  # huge
        "persona-mcp://templates/../../pyproject",  # traversal outside the templates
    ],
)
async def test_bad_resource_uris_are_rejected(client: Client, uri: str) -> None:
    with pytest.raises(MCPError):
        await client.read_resource(uri)
    assert (await client.read_resource("persona-mcp://roster")).contents  # still serving


async def test_logging_set_level_from_an_older_client_is_accepted(catalog: Catalog) -> None:
    async with Client(build_server(catalog), mode="legacy") as legacy:
        with pytest.warns(MCPDeprecationWarning):  # deprecated from protocol 2026-07-28, still sent by older clients
            await legacy.set_logging_level("debug")
        assert (await legacy.list_tools()).tools  # still serving


async def test_an_unknown_prompt_is_invalid_params_listing_the_prompts_without_an_error_log(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(MCPError) as info:
        await client.get_prompt("rockstar-ninja", {"subject": "x"})
    assert info.value.error.code == INVALID_PARAMS
    assert "sre" in info.value.error.message
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
