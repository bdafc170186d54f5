"""What tools/list publishes: compact, yet true to what the tools accept and return."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
import yaml
from mcp import Client

from persona_mcp.catalog.loader import Catalog
from persona_mcp.server.app import build_server
from persona_mcp.server.review_tools import MANIFEST
from persona_mcp.server.toolkit import compact_schema
from persona_mcp.sre.readiness import ServiceManifest, manifest_fields

from .conftest import ROOT, bench_module

pytestmark = pytest.mark.anyio

CONTEXT_BUDGET_BYTES = 32_000
"""tools/list plus prompts/list, as compact JSON: under 8,000 tokens, a quarter of the heaviest review servers."""

SAMPLES: dict[str, dict[str, Any]] = {
    "list_personas": {},
    "get_persona": {"persona_id": "sre", "format": "json"},
    "slo_error_budget": {"objective": 99.9, "window": "30d", "total_events": 1000, "sla": 99.5},
    "slo_budget_status": {"objective": 99.9, "bad_events": 10, "total_events": 1000, "elapsed": "3d"},
    "slo_burn_rate_alerts": {"objective": 99.9, "profile": "sloth"},
    "slo_rules": {"spec": (ROOT / "examples/slo/checkout.yaml").read_text(encoding="utf-8"), "profile": "sloth"},
    "availability_composite": {"system": {"parallel": [{"availability": 99}, {"mtbf_hours": 100, "mttr_hours": 1}]}},
    "capacity_forecast": {
        "current_load": 10,
        "current_utilization": 90,
        "threshold_utilization": 80,
        "growth_rate": 0,
        "latency_seconds": 0.1,
    },
    "toil_assessment": {
        "tasks": [{"name": "a", "minutes_per_occurrence": 600, "occurrences_per_week": 9}],
        "team_size": 1,
    },
    "oncall_load": {"team_size": 2, "pages_per_week": 40},
    "sre_readiness": yaml.safe_load((ROOT / "examples/services/payment-api.yaml").read_text(encoding="utf-8")),
    "recommend_personas": {"task": "a deadlock in the payment worker pool", "limit": 9},
    "persona_overlap": {"candidate": {"name": "DevOps", "responsibilities": ["CI/CD pipelines", "Terraform"]}},
}
SAMPLES["sre_readiness"] = {"service": SAMPLES["sre_readiness"]}


async def test_every_tool_has_a_sample_call(client: Client) -> None:
    assert {t.name for t in (await client.list_tools()).tools} == set(SAMPLES)


@pytest.mark.parametrize("tool", sorted(SAMPLES))
async def test_results_meet_the_published_output_schema_and_samples_the_input_schema(client: Client, tool: str) -> None:
    listed = {t.name: t for t in (await client.list_tools()).tools}[tool]
    jsonschema.validate(SAMPLES[tool], listed.input_schema)
    result = await client.call_tool(tool, SAMPLES[tool])
    assert not result.is_error, result.content
    assert listed.output_schema is not None
    jsonschema.validate(result.structured_content, listed.output_schema)


MORE_SAMPLES: list[tuple[str, dict[str, Any]]] = [
    ("persona_overlap", {}),  # the roster's matrix, which the core builds unvalidated
    ("persona_overlap", {"persona_id": "sre"}),
    ("recommend_personas", {"task": "my cat knocks the plant over every night"}),  # no persona fits
    ("get_persona", {"persona_id": "sre", "format": "markdown"}),
    ("sre_readiness", {"service": {"name": "demo", "tier": "prototype"}}),
    ("sre_readiness", {**SAMPLES["sre_readiness"], "detail": "full"}),  # both shapes meet the one schema
    ("sre_readiness", {**SAMPLES["sre_readiness"], "detail": "summary"}),
]


@pytest.mark.parametrize(("tool", "arguments"), MORE_SAMPLES)
async def test_other_results_meet_the_published_output_schema(
    client: Client, tool: str, arguments: dict[str, Any]
) -> None:
    listed = {t.name: t for t in (await client.list_tools()).tools}[tool]
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert listed.output_schema is not None
    jsonschema.validate(result.structured_content, listed.output_schema)


async def test_a_tool_added_by_someone_else_is_served_as_the_sdk_serves_it(catalog: Catalog) -> None:
    app = build_server(catalog)

    def echo(text: str) -> str:
        return text

    app.tool()(echo)
    async with Client(app) as connected:
        assert "echo" in {t.name for t in (await connected.list_tools()).tools}
        result = await connected.call_tool("echo", {"text": "hi"})
    assert result.structured_content == {"result": "hi"}


async def test_tools_and_prompts_fit_the_context_budget(client: Client) -> None:
    def size(items: list[Any]) -> int:
        dumped = [i.model_dump(mode="json", by_alias=True, exclude_none=True) for i in items]
        return len(json.dumps(dumped, separators=(",", ":")))

    total = size((await client.list_tools()).tools) + size((await client.list_prompts()).prompts)
    assert total < CONTEXT_BUDGET_BYTES, total


async def test_what_a_model_reads_of_tools_list_fits_the_bench_budget(client: Client) -> None:
    # Measured as bench/run.py measures it: names, titles, descriptions and input schemas, as compact JSON.
    seen = ("name", "title", "description", "inputSchema")
    tools = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in (await client.list_tools()).tools]
    read = json.dumps([{k: t[k] for k in seen if k in t} for t in tools], separators=(",", ":"), ensure_ascii=False)
    assert len(read.encode()) <= bench_module().TOOLS_MAX_BYTES, len(read.encode())
    assert not any("\n" in t["description"] for t in tools)  # a docstring's layout is not sent


def test_the_readiness_tool_names_every_manifest_section_and_field() -> None:
    # The one place a model learns the manifest's shape: tightening it must not drop a field.
    for section in ServiceManifest.model_fields:
        assert re.search(rf"\b{section}\b", MANIFEST), section
    for field in manifest_fields():
        if field not in ("slo.error_query", "slo.total_query"):  # for slo_rules; a review never needs them
            assert re.search(rf"\b{field.rsplit('.', 1)[-1]}\b", MANIFEST), field


def test_compaction_keeps_property_names_makes_optional_inputs_plain_and_folds_nullable_outputs() -> None:
    schema = {
        "title": "Model",
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"title": "Title", "type": "string", "description": "A field called title."},
            "required": {"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "Required", "default": None},
        },
        "additionalProperties": False,
    }
    assert compact_schema(schema) == {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "description": "A field called title."},
            "required": {"type": "integer"},
        },
        "additionalProperties": False,
    }
    assert compact_schema(schema, output=True) == {
        "type": "object",
        "properties": {"title": {"type": "string"}, "required": {"type": ["integer", "null"], "default": None}},
    }


async def test_no_input_schema_offers_null_to_strict_clients(client: Client) -> None:
    for tool in (await client.list_tools()).tools:
        dumped = json.dumps(tool.input_schema)
        assert '"null"' not in dumped, tool.name
        assert '"default": null' not in dumped, tool.name
