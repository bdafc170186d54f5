"""Overlap, routing and panels through their faces: the MCP tools, the panel prompt and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import TextContent

from persona_mcp.analysis.overlap import persona_overlap
from persona_mcp.analysis.routing import recommend_personas
from persona_mcp.catalog.loader import Catalog
from persona_mcp.cli.main import main

from .conftest import EXAMPLE_PERSONA, ROOT, ROSTER, WriteFile

pytestmark = pytest.mark.anyio

# The order of the founding study's overlap table: Performance Engineer most, Workflow Executor not at all.
RESEARCH_ORDER = ["performance-engineer", "software-architect"]


async def test_overlap_of_the_sre_persona_follows_the_study(client: Client, catalog: Catalog) -> None:
    result = await client.call_tool("persona_overlap", {"persona_id": "sre"})
    assert not result.is_error, result.content
    report = result.structured_content
    assert report is not None
    assert report == persona_overlap(catalog, persona_id="sre").model_dump(mode="json")
    order = [o["persona_id"] for o in report["overlaps"]]
    assert order[:2] == RESEARCH_ORDER
    assert order[-1] == "workflow-executor"
    assert report["overlaps"][-1]["score"] == 0
    assert report["verdict"]["decision"] == "add_with_conditions"


async def test_overlap_of_a_free_text_candidate_shows_its_mapping(client: Client) -> None:
    candidate = {"name": "DevOps Engineer", "responsibilities": ["CI/CD pipelines", "Terraform modules", "Kubernetes"]}
    result = await client.call_tool("persona_overlap", {"candidate": candidate})
    report = result.structured_content
    assert report is not None
    mapped = {m["concern"]: m["terms"] for m in report["subject"]["concerns"]["mapping"]}
    assert mapped["infrastructure-as-code"] == ["terraform"]
    assert mapped["containers-orchestration"] == ["kubernetes"]
    assert "ci-cd" in mapped
    # Two of its four concerns are new to the roster, which holds 38% of its weight (conditions from 40%):
    # a plain add, with the reasons a user reads.
    verdict = report["verdict"]
    assert verdict["decision"] == "add"
    assert verdict["reasons"][0] == (
        "2 of its 4 concerns are held by no roster persona: infrastructure-as-code, containers-orchestration."
    )
    assert verdict["reasons"][1] == "The roster already holds 38% of its concern weight (conditions from 40%)."


async def test_overlap_with_no_argument_answers_the_collection_question_without_the_matrix(client: Client) -> None:
    result = await client.call_tool("persona_overlap", {})
    report = result.structured_content
    assert report is not None
    assert report["persona_count"] == len(ROSTER)
    assert report["matrix"] is None
    assert report["clusters"] == []  # the nine were written not to duplicate each other
    assert {p["persona_id"] for p in report["overlaps"]} | {p["subject_id"] for p in report["overlaps"]} <= set(ROSTER)
    assert report["overlaps"][0]["score"] >= report["overlaps"][-1]["score"] > 0


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"persona_id": "nobody"}, "known ids"),
        ({"persona_id": "sre", "candidate": {"name": "x", "responsibilities": ["y"]}}, "candidate"),
        ({"candidate": {}}, "candidate"),
        ({"candidate": {"name": "x", "responsibilities": ["y" * 100_000]}}, "candidate"),
    ],
)
async def test_overlap_rejects_bad_arguments_clearly(client: Client, arguments: dict[str, Any], named: str) -> None:
    result = await client.call_tool("persona_overlap", arguments)
    assert result.is_error
    assert isinstance(result.content[0], TextContent)
    assert named in result.content[0].text


async def test_recommend_personas_routes_a_task_and_rejects_an_unrelated_one(client: Client, catalog: Catalog) -> None:
    task = "There is a race condition between the two worker threads updating the cache"
    routed = await client.call_tool("recommend_personas", {"task": task, "limit": 2})
    assert routed.structured_content == recommend_personas(catalog, task, 2).model_dump(mode="json")
    assert routed.structured_content["recommendations"][0]["persona_id"] == "concurrency-expert"
    unrelated = await client.call_tool("recommend_personas", {"task": "What is the best recipe for banana bread?"})
    assert unrelated.structured_content is not None
    assert unrelated.structured_content["recommendations"] == []
    for bad in ({"task": "x", "limit": 0}, {"task": "x", "limit": 10}, {"task": ""}):
        assert (await client.call_tool("recommend_personas", bad)).is_error


async def test_the_panel_prompt_gives_each_persona_a_section_and_a_reconciliation(client: Client) -> None:
    result = await client.get_prompt(
        "panel", {"subject": "def pay(): db.commit()", "personas": "sre, security-engineer"}
    )
    content = result.messages[0].content
    assert isinstance(content, TextContent)
    assert "def pay(): db.commit()" in content.text
    assert "## Reconciliation" in content.text
    assert "Site Reliability Engineer" in content.text
    assert "Security Engineer" in content.text
    recommended = await client.get_prompt("panel", {"subject": "deadlock between two mutexes in the scheduler"})
    assert isinstance(recommended.messages[0].content, TextContent)
    assert "Concurrency Expert" in recommended.messages[0].content.text
    with pytest.raises(MCPError, match="personas"):
        await client.get_prompt("panel", {"subject": "x", "personas": "sre,wizard"})


# --- CLI ---------------------------------------------------------------------------------------------


def test_cli_overlap_prints_the_report_as_json_or_markdown(
    capsys: pytest.CaptureFixture[str], catalog: Catalog
) -> None:
    assert main(["overlap", "--persona", "sre", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == persona_overlap(catalog, persona_id="sre").model_dump(mode="json")
    assert main(["overlap", "--candidate", str(EXAMPLE_PERSONA)]) == 0
    assert capsys.readouterr().out.startswith("# Overlap")


def test_cli_route_exits_1_when_no_persona_fits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "our p99 latency doubled after the ORM upgrade, lots of N+1 queries"]) == 0
    assert "performance-engineer" in capsys.readouterr().out
    assert main(["route", "plan a birthday party for my cat"]) == 1


def test_validate_warns_when_a_new_persona_duplicates_one_in_the_roster(
    capsys: pytest.CaptureFixture[str], write_persona: WriteFile
) -> None:
    twin: dict[str, Any] = yaml.safe_load((ROOT / "personas" / "performance-engineer.yaml").read_text(encoding="utf-8"))
    twin.update(id="speed-engineer", name="Speed Engineer")
    path: Path = write_persona(twin)
    assert main(["validate", str(path.parent)]) == 0  # a warning, not an error: the file itself is valid
    err = capsys.readouterr().err
    assert "warning" in err
    assert "speed-engineer" in err
    assert "performance-engineer" in err
