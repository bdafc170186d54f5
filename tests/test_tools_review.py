"""The readiness review through its faces: the sre_readiness tool, the sre-readiness prompt and the CI gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import TextContent

from persona_mcp.cli.main import main
from persona_mcp.sre import readiness
from persona_mcp.sre.readiness.report import summary_markdown

from .conftest import ROOT

pytestmark = pytest.mark.anyio

SERVICES = ROOT / "examples" / "services"
PAYMENT_BLOCKERS = {"slo-defined", "no-single-points-of-failure", "metrics-collected"}


def manifest(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((SERVICES / name).read_text(encoding="utf-8"))
    return data


DEFAULT_RESULT_MAX_BYTES = 12_000
"""The payment example's default result, text and structured content together, as a client receives it."""


def wire_bytes(result: Any) -> int:
    return len(result.model_dump_json(by_alias=True, exclude_none=True).encode())


async def test_the_tool_reproduces_the_payment_api_verdict(client: Client) -> None:
    result = await client.call_tool("sre_readiness", {"service": manifest("payment-api.yaml")})
    assert not result.is_error, result.content
    review = result.structured_content
    assert review is not None
    assert review["assessment"] == "not_ready"
    assert {f["item_id"] for f in review["blockers"]} >= PAYMENT_BLOCKERS
    assert {"rollback-possible", "toil-not-scaling-with-load"} <= {f["item_id"] for f in review["high"]}
    assert review["slo_recommendation"]["error_budget_seconds"] == 2592
    assert isinstance(result.content[0], TextContent)
    expected = readiness.review(manifest("payment-api.yaml"))
    assert result.content[0].text == summary_markdown(expected)


async def test_the_default_summary_fits_12_kb_and_says_each_thing_once(client: Client) -> None:
    result = await client.call_tool("sre_readiness", {"service": manifest("payment-api.yaml")})
    full = await client.call_tool("sre_readiness", {"service": manifest("payment-api.yaml"), "detail": "full"})
    assert wire_bytes(result) <= DEFAULT_RESULT_MAX_BYTES, wire_bytes(result)
    assert wire_bytes(full) > 3 * wire_bytes(result)  # 37 KB against under 12
    review, text = result.structured_content, result.content[0]
    assert review is not None
    assert isinstance(text, TextContent)
    # What a summary holds: the verdict, every finding and question by id, the scores, the SLO, the toil.
    expected = readiness.review(manifest("payment-api.yaml"))
    assert "checklist" not in review
    for group in ("blockers", "high", "medium", "low"):
        assert [f["item_id"] for f in review[group]] == [f.item_id for f in getattr(expected, group)]
        assert all(f"`{f.item_id}`" in text.text and f.title in text.text for f in getattr(expected, group))
    assert [q["item_id"] for q in review["open_questions"]] == [q.item_id for q in expected.open_questions]
    assert all(q.question in text.text for q in expected.open_questions)
    assert [c["score"] for c in review["categories"]] == [c.score for c in expected.categories]
    assert "Scores (passed of the items that apply): SLOs and error budget 0%," in text.text
    assert review["slo_recommendation"]["availability"] == 99.9
    assert "43.2 minutes (43m 12s)" in text.text
    assert review["toil"][0]["task"] == "manual cache invalidation"
    # The words travel once: a blocker's fix is in the text, not in the structured content as well.
    fix = expected.blockers[0].recommendation
    assert fix is not None
    assert fix in text.text
    assert fix not in json.dumps(review)
    assert "detail=full" in text.text


async def test_full_detail_gives_the_report_text_and_every_item_in_the_structured_content(client: Client) -> None:
    result = await client.call_tool("sre_readiness", {"service": manifest("payment-api.yaml"), "detail": "full"})
    assert isinstance(result.content[0], TextContent)
    text = result.content[0].text
    expected = readiness.review(manifest("payment-api.yaml"))
    assert text == readiness.review_markdown(expected, checklist=False)
    assert "Production readiness checklist" not in text
    assert "`checklist` field" in text
    assert result.structured_content == expected.model_dump(mode="json")
    standard = {i.id for i in readiness.load_checklist().items if "standard" in i.tiers}
    assert {r["item_id"] for r in result.structured_content["checklist"]} == standard


async def test_an_unknown_detail_names_the_accepted_values(client: Client) -> None:
    result = await client.call_tool("sre_readiness", {"service": manifest("payment-api.yaml"), "detail": "brief"})
    assert result.is_error
    assert isinstance(result.content[0], TextContent)
    assert result.content[0].text.startswith('detail: must be one of "summary", "full"')


@pytest.mark.parametrize(
    ("name", "assessment"),
    [
        ("payment-api.yaml", "not_ready"),
        ("well-run-service.yaml", "ready"),
        ("prototype.yaml", "ready_with_conditions"),
    ],
)
async def test_each_example_gets_its_assessment(client: Client, name: str, assessment: str) -> None:
    result = await client.call_tool("sre_readiness", {"service": manifest(name)})
    assert result.structured_content is not None
    assert result.structured_content["assessment"] == assessment


@pytest.mark.parametrize(
    ("service", "field"),
    [
        ({"name": "x", "slo": {"availability": 150}}, "slo.availability"),
        ({"name": "x", "observability": {"metrics": "yes"}}, "observability.metrics"),
        ({"name": "x", "toil": [{"task": "t", "minutes_per_week": -5}]}, "toil"),
        ({"name": "x", "colour": "blue"}, "colour"),
        ({"name": "x", "evidence": {"no-such-item": "https://x"}}, "evidence"),
        ({"description": "no name"}, "name"),
    ],
)
async def test_a_bad_manifest_is_an_error_naming_the_field(client: Client, service: dict[str, Any], field: str) -> None:
    result = await client.call_tool("sre_readiness", {"service": service})
    assert result.is_error
    assert isinstance(result.content[0], TextContent)
    assert field in result.content[0].text
    assert "Traceback" not in result.content[0].text


async def test_the_readiness_prompt_asks_for_the_facts_and_the_tool(client: Client) -> None:
    prompts = {p.name: p for p in (await client.list_prompts()).prompts}
    assert {a.name: a.required for a in prompts["sre-readiness"].arguments or []} == {"subject": True, "tier": False}
    result = await client.get_prompt("sre-readiness", {"subject": "A Flask app with one Postgres.", "tier": "critical"})
    message = result.messages[0].content
    assert isinstance(message, TextContent)
    assert "A Flask app with one Postgres." in message.text
    assert "sre_readiness" in message.text
    with pytest.raises(MCPError, match="tier"):
        await client.get_prompt("sre-readiness", {"subject": "x", "tier": "galactic"})


# --- the CI gate ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fail_on", "code"),
    [
        ("payment-api.yaml", "blocker", 1),  # blockers remain
        ("well-run-service.yaml", "blocker", 0),
        ("well-run-service.yaml", "medium", 0),  # nothing open at medium or above
        ("prototype.yaml", "blocker", 0),  # a prototype is never blocked
        ("prototype.yaml", "high", 1),  # but its basics still count when asked to
    ],
)
def test_review_exits_by_the_fail_on_threshold(
    capsys: pytest.CaptureFixture[str], name: str, fail_on: str, code: int
) -> None:
    assert main(["review", str(SERVICES / name), "--fail-on", fail_on]) == code
    assert capsys.readouterr().out.startswith("## Production Readiness Review")


def test_review_json_is_the_structured_review(capsys: pytest.CaptureFixture[str]) -> None:
    main(["review", str(SERVICES / "payment-api.yaml"), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data == readiness.review(manifest("payment-api.yaml")).model_dump(mode="json")


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("name: x\nslo: {availability: 150}\n", "slo.availability"),
        ("name: x\ndeployment: {rollback: yes}\n", "deployment.rollback"),
        ("name: x\ndisaster_recovery: {rpo_minutes: -1}\n", "disaster_recovery.rpo_minutes"),
        ("name: x\nunknown_section: {}\n", "unknown_section"),
        ("- just\n- a list\n", "service"),
        ("name: [unclosed\n", "invalid YAML"),
    ],
)
def test_a_bad_manifest_file_exits_2_with_one_line_naming_the_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, field: str
) -> None:
    path = tmp_path / "service.yaml"
    path.write_text(content, encoding="utf-8")
    assert main(["review", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert field in err
