"""Production readiness review: the research's verdict from a manifest, each category both ways, unknown is never
a pass, waivers and evidence, bad manifests named by field, the SLO recommendation and the CI gate."""

from __future__ import annotations

import copy
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from persona_mcp.errors import InvalidArgument, ManifestError, PersonaFileError
from persona_mcp.sre.availability import composite_availability
from persona_mcp.sre.readiness import (
    TIERS,
    ChecklistRow,
    ReadinessReview,
    ServiceManifest,
    failing_at,
    load_checklist,
    load_manifest,
    parse_manifest,
    readiness_prompt,
    review,
    review_markdown,
)
from persona_mcp.sre.readiness.report import summary_markdown
from persona_mcp.sre.readiness.results import review_content
from persona_mcp.sre.readiness.rules import in_series

from .conftest import ROOT

EXAMPLES = ROOT / "examples" / "services"


@cache
def _parsed(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def example(name: str) -> dict[str, Any]:
    """An example manifest as plain data, safe to mutate (parsed once: PyYAML is slow)."""
    return copy.deepcopy(_parsed(name))


def row(result: ReadinessReview, item_id: str) -> ChecklistRow:
    return next(r for r in result.checklist if r.item_id == item_id)


def ids(entries: list[Any]) -> set[str]:
    return {e.item_id for e in entries}


# --- the examples --------------------------------------------------------------------------------------


def test_the_payment_api_reproduces_the_research_verdict() -> None:
    result = review(load_manifest(EXAMPLES / "payment-api.yaml"))
    assert result.assessment == "not_ready"
    # Blockers: no SLO, the single database instance, no monitoring (metrics and alerts).
    assert ids(result.blockers) == {
        "slo-defined",
        "no-single-points-of-failure",
        "metrics-collected",
        "alerting-on-symptoms",
    }
    # High: one-way deploys, manual cache invalidation that grows with load, and backups whose restore was never
    # tested, which count as no backups (issue 13; SRE book ch. 26).
    assert ids(result.high) == {"rollback-possible", "toil-not-scaling-with-load", "backups"}
    # Medium includes the missing disaster recovery plan and runbooks.
    assert {"rpo-rto-defined", "restore-tested", "runbooks"} <= ids(result.medium)
    # The research's checklist marks the security review and load testing as done.
    assert row(result, "security-review-passed").status == "passed"
    assert row(result, "load-tested").status == "passed"
    assert result.blocker_effort_days == 10  # "estimated 2 weeks"
    assert [(t.task, t.minutes_per_week, t.flagged) for t in result.toil] == [("manual cache invalidation", 30, True)]
    slo = result.slo_recommendation
    assert (slo.availability, slo.latency_p99_ms, slo.window, slo.source) == (99.9, 500, "30d", "tier default")
    assert failing_at(result, "blocker")


def test_the_well_run_service_is_ready_with_nothing_open() -> None:
    result = review(load_manifest(EXAMPLES / "well-run-service.yaml"))
    assert result.assessment == "ready"
    assert result.tier == "critical"
    assert result.blockers == result.high == result.medium == result.low == []
    assert result.open_questions == []
    assert row(result, "autoscaling").status == "not_applicable"
    assert row(result, "least-privilege").evidence is not None
    assert result.items_not_in_tier == 1  # held to every item but the prototype-only basic-monitoring
    assert not any(failing_at(result, t) for t in ("blocker", "high", "medium"))


def test_the_prototype_gets_only_the_basics_and_is_never_blocked() -> None:
    result = review(load_manifest(EXAMPLES / "prototype.yaml"))
    assert {r.item_id for r in result.checklist} == {
        "basic-monitoring",
        "rollback-possible",
        "secrets-managed",
        "owner-named",
    }
    assert result.assessment == "ready_with_conditions"
    assert result.blockers == []
    assert ids(result.high) == {"secrets-managed"}  # a blocker elsewhere; advice here
    assert not failing_at(result, "blocker")
    assert failing_at(result, "high")


def test_a_prototype_that_fails_every_basic_is_still_not_blocked() -> None:
    result = review({"name": "spike", "tier": "prototype", "documentation": None, "security": None})
    assert result.assessment != "not_ready"
    assert all(r.severity != "blocker" for r in result.checklist)


# --- every category both ways --------------------------------------------------------------------------

BOTH_WAYS: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    # (category, item, a manifest fragment that passes it, one that fails it); tier critical: every item applies
    ("slos", "slo-defined", {"slo": {"availability": 99.95}}, {"slo": None}),
    ("slos", "latency-slo-defined", {"slo": {"latency_p99_ms": 200}}, {"slo": {"latency_p99_ms": None}}),
    (
        "slos",
        "slo-meets-tier-target",
        {"slo": {"availability": 99.99, "latency_p99_ms": 300}},
        {"slo": {"availability": 99.9}},  # looser than critical's 99.95
    ),
    (
        "slos",
        "sla-looser-than-slo",
        {"slo": {"availability": 99.95}, "sla": {"availability": 99.9}},
        {"slo": {"availability": 99.95}, "sla": {"availability": 99.95}},  # equal is not looser
    ),
    (
        "architecture",
        "no-single-points-of-failure",
        {"dependencies": [{"name": "db", "kind": "database", "instances": 2}]},
        {"dependencies": [{"name": "db", "kind": "database", "instances": 1}]},
    ),
    (
        "architecture",
        "no-single-points-of-failure",  # a critical service dependency counts too
        {"dependencies": [{"name": "auth", "kind": "service", "instances": 1, "critical": False}]},
        {"dependencies": [{"name": "auth", "kind": "service", "instances": 1, "critical": True}]},
    ),
    (
        "architecture",
        "slo-achievable-with-dependencies",
        {"slo": {"availability": 99.9}, "dependencies": [{"name": "db", "availability": 99.99, "critical": True}]},
        {
            "slo": {"availability": 99.9},
            "dependencies": [  # 99.95% x 99.9% in series is about 99.85%
                {"name": "db", "availability": 99.95, "critical": True},
                {"name": "auth", "availability": 99.9, "critical": True},
            ],
        },
    ),
    (
        "architecture",
        "critical-dependency-availability-known",
        {"dependencies": [{"name": "db", "availability": 99.99, "critical": True}]},
        {"dependencies": [{"name": "db", "availability": None, "critical": True}]},
    ),
    ("architecture", "graceful-degradation", {"resilience": {"graceful_degradation": True}}, {"resilience": None}),
    ("observability", "metrics-collected", {"observability": {"metrics": True}}, {"observability": {"metrics": False}}),
    (
        "observability",
        "alerting-on-symptoms",
        {"observability": {"alerts": True}},
        {"observability": {"alerts": False}},
    ),
    ("incident-response", "on-call-rotation", {"incident_response": {"on_call": True}}, {"incident_response": None}),
    (
        "incident-response",
        "runbooks",
        {"incident_response": {"runbooks": True}},
        {"incident_response": {"runbooks": False}},
    ),
    ("capacity", "capacity-headroom", {"capacity": {"headroom_percent": 30}}, {"capacity": {"headroom_percent": 29.5}}),
    ("capacity", "peak-load-known", {"capacity": {"peak_rps": 0}}, {"capacity": {"peak_rps": None}}),
    (
        "change-management",
        "progressive-rollout",
        {"deployment": {"strategy": "canary"}},
        {"deployment": {"strategy": "rolling"}},
    ),
    ("change-management", "rollback-possible", {"deployment": {"rollback": True}}, {"deployment": {"rollback": False}}),
    ("resilience", "timeouts", {"resilience": {"timeouts": True}}, {"resilience": {"timeouts": False}}),
    ("resilience", "rate-limiting", {"resilience": {"rate_limiting": True}}, {"resilience": {"rate_limiting": False}}),
    (
        "disaster-recovery",
        "rpo-rto-defined",
        {"disaster_recovery": {"rpo_minutes": 0, "rto_minutes": 60}},
        {"disaster_recovery": {"rpo_minutes": None, "rto_minutes": 60}},
    ),
    (
        "disaster-recovery",
        "recovery-objectives-met",
        {"disaster_recovery": {"rpo_minutes": 60, "rto_minutes": 240, "restore_tested": True}},
        {"disaster_recovery": {"rpo_minutes": 60, "rto_minutes": 241, "restore_tested": True}},
    ),
    ("disaster-recovery", "multi-region", {"disaster_recovery": {"multi_region": True}}, {"disaster_recovery": None}),
    ("security", "secrets-managed", {"security": {"secrets_manager": True}}, {"security": {"secrets_manager": False}}),
    ("security", "tls-in-transit", {"security": {"tls": True}}, {"security": {"tls": False}}),
    (
        "toil",
        "toil-under-cap",
        {"toil": [{"task": "rotate certificates", "minutes_per_week": 1200}]},  # 20 h: half of one engineer's week
        {"toil": [{"task": "rotate certificates", "minutes_per_week": 1201}]},
    ),
    (
        "toil",
        "toil-not-scaling-with-load",
        {"toil": []},
        {"toil": [{"task": "invalidate cache", "minutes_per_week": 30, "scales_with_load": True}]},
    ),
    ("documentation", "owner-named", {"documentation": {"owner": "orders-team"}}, {"documentation": {"owner": None}}),
    ("documentation", "design-doc", {"documentation": {"design_doc": True}}, {"documentation": {"design_doc": False}}),
]


def critical(**fragment: Any) -> dict[str, Any]:
    return {"name": "svc", "tier": "critical", **fragment}


@pytest.mark.parametrize(
    ("category", "item_id", "passing", "failing"), BOTH_WAYS, ids=[f"{c[1]}-{i}" for i, c in enumerate(BOTH_WAYS)]
)
def test_each_item_passes_on_good_facts_and_fails_on_bad_ones(
    category: str, item_id: str, passing: dict[str, Any], failing: dict[str, Any]
) -> None:
    good, bad = review(critical(**passing)), review(critical(**failing))
    assert row(good, item_id).category == category
    assert row(good, item_id).status == "passed"
    assert row(bad, item_id).status == "failed"
    assert item_id in ids(bad.blockers + bad.high + bad.medium + bad.low)


def test_the_both_ways_table_covers_every_category() -> None:
    assert {c for c, *_ in BOTH_WAYS} == {c.id for c in load_checklist().categories}


# --- unknown, not applicable, evidence -----------------------------------------------------------------


def test_a_manifest_with_only_a_name_passes_nothing_and_is_not_ready_on_open_blocker_questions() -> None:
    result = review({"name": "mystery", "tier": "critical"})
    assert {r.status for r in result.checklist} == {"unknown"}
    assert result.blockers == result.high == result.medium == result.low == []
    assert len(result.open_questions) == len(result.checklist)
    assert result.assessment == "not_ready"  # unanswered blocker questions keep launch closed
    assert failing_at(result, "blocker")
    assert all(c.score == 0 for c in result.categories)


def test_open_high_questions_without_blockers_give_ready_with_conditions() -> None:
    data = example("well-run-service")
    del data["evidence"]["least-privilege"]  # high for critical, answerable only with evidence
    result = review(data)
    assert result.assessment == "ready_with_conditions"
    assert ids(result.open_questions) == {"least-privilege"}
    assert not failing_at(result, "blocker")
    assert failing_at(result, "high")


def test_a_failed_high_item_without_blockers_gives_ready_with_conditions() -> None:
    data = example("well-run-service")
    data["observability"]["logs"] = False
    result = review(data)
    assert result.assessment == "ready_with_conditions"
    assert ids(result.high) == {"structured-logs"}


def test_a_failed_medium_item_leaves_the_service_ready_with_a_follow_up() -> None:
    data = example("well-run-service")
    data["capacity"]["peak_rps"] = None  # medium for critical
    result = review(data)
    assert result.assessment == "ready"
    assert ids(result.medium) == {"peak-load-known"}
    assert failing_at(result, "medium")
    assert not failing_at(result, "high")


PAYMENT_SECTIONS = sorted(set(example("payment-api")) - {"name", "evidence"})


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(PAYMENT_SECTIONS)), st.sampled_from(["payment-api", "well-run-service"]))
def test_leaving_facts_out_never_turns_an_item_into_a_pass(dropped: set[str], name: str) -> None:
    full = example(name)
    partial = {k: v for k, v in full.items() if k not in dropped}
    passed_full = {r.item_id for r in review(full).checklist if r.status == "passed"}
    passed_partial = {r.item_id for r in review(partial).checklist if r.status == "passed"}
    assert passed_partial <= passed_full


def test_not_applicable_takes_an_item_out_of_findings_and_scores_with_its_reason() -> None:
    reason = "A single process with no downstream calls."
    result = review(critical(observability={"traces": False}, not_applicable={"distributed-tracing": reason}))
    traced = row(result, "distributed-tracing")
    assert traced.status == "not_applicable"
    assert (traced.note or "").startswith(reason)
    assert "distributed-tracing" not in ids(result.high + result.medium)
    observability = next(c for c in result.categories if c.category == "observability")
    assert observability.not_applicable == 1
    assert observability.passed + observability.failed + observability.unknown == 4


def test_an_evidence_link_answers_an_item_the_manifest_cannot_express() -> None:
    link = "https://docs.example.com/access-review"
    without, with_link = review(critical()), review(critical(evidence={"least-privilege": link}))
    assert row(without, "least-privilege").status == "unknown"
    assert row(with_link, "least-privilege").status == "passed"
    assert row(with_link, "least-privilege").evidence == link


def test_an_evidence_link_answers_an_unknown_field_but_cannot_overturn_a_failing_one() -> None:
    link = "https://grafana.example.com/d/svc"
    answered = review(critical(evidence={"dashboards": link}))
    contradicted = review(critical(observability={"dashboards": False}, evidence={"dashboards": link}))
    assert row(answered, "dashboards").status == "passed"
    assert row(contradicted, "dashboards").status == "failed"


def test_a_single_instance_dependency_of_unknown_kind_is_an_open_question_not_a_pass() -> None:
    result = review(critical(dependencies=[{"name": "thing", "instances": 1}]))
    assert row(result, "no-single-points-of-failure").status == "unknown"


def test_an_sla_without_an_slo_is_a_finding_and_no_sla_is_not_applicable() -> None:
    orphan = review(critical(slo=None, sla={"availability": 99.9}))
    assert row(orphan, "sla-looser-than-slo").status == "failed"
    assert row(review(critical(sla=None)), "sla-looser-than-slo").status == "not_applicable"
    assert row(review(critical()), "sla-looser-than-slo").status == "unknown"


def test_dependency_availability_is_checked_against_the_tier_slo_when_none_is_defined() -> None:
    deps = [{"name": "db", "availability": 99.9, "critical": True}]
    assert row(review(critical(slo=None, dependencies=deps)), "slo-achievable-with-dependencies").status == "failed"
    assert row(review(critical(dependencies=deps)), "slo-achievable-with-dependencies").status == "unknown"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=1e-12, max_value=100), min_size=1, max_size=6),
    st.floats(min_value=0.001, max_value=99.999),
)
def test_dependencies_in_series_give_the_figure_of_the_composite_availability_tool(
    percents: list[float], target: float
) -> None:
    combined = composite_availability({"serial": [{"availability": p} for p in percents]}, target=target)
    assert in_series(percents, target) == (combined.availability_percent, combined.meets_target)


def test_a_vanishingly_available_dependency_fails_the_slo_instead_of_breaking_the_review() -> None:
    deps = [{"name": "db", "availability": 1e-13, "critical": True}]
    result = row(review(critical(slo={"availability": 99.9}, dependencies=deps)), "slo-achievable-with-dependencies")
    assert (result.status, result.note) == (
        "failed",
        "critical dependencies in series allow 0% against the 99.9% objective (manifest)",
    )


# --- the SLO recommendation ----------------------------------------------------------------------------

SLO_CASES: list[tuple[dict[str, Any], tuple[float, float, str, float, str, str]]] = [
    # (manifest fragment, (availability, p99 ms, window, budget seconds, budget human, source))
    ({"tier": "standard"}, (99.9, 500, "30d", 2592, "43m 12s", "tier default")),  # the research's 43 minutes
    ({"tier": "critical"}, (99.95, 300, "30d", 1296, "21m 36s", "tier default")),
    ({"tier": "internal"}, (99.5, 1000, "30d", 12960, "3h 36m", "tier default")),
    ({"tier": "prototype"}, (99, 2000, "30d", 25920, "7h 12m", "tier default")),
    ({"slo": {"availability": 99.9, "window": "4w"}}, (99.9, 500, "28d", 2419.2, "40m 19.2s", "manifest")),
    ({"slo": {"availability": 99.99, "latency_p99_ms": 120}}, (99.99, 120, "30d", 259.2, "4m 19.2s", "manifest")),
]


@pytest.mark.parametrize(("fragment", "expected"), SLO_CASES)
def test_the_slo_recommendation_and_its_error_budget(
    fragment: dict[str, Any], expected: tuple[float, float, str, float, str, str]
) -> None:
    slo = review({"name": "svc", **fragment}).slo_recommendation
    assert (
        slo.availability,
        slo.latency_p99_ms,
        slo.window,
        slo.error_budget_seconds,
        slo.error_budget_human,
        slo.source,
    ) == expected
    assert slo.error_budget_minutes == pytest.approx(expected[3] / 60)
    assert slo.policy


def test_the_research_error_budget_is_43_2_minutes_in_the_report() -> None:
    result = review({"name": "svc"})
    assert result.slo_recommendation.error_budget_minutes == 43.2
    assert "43.2 minutes (43m 12s)" in review_markdown(result)


def test_an_absent_tier_means_standard_and_the_review_says_so() -> None:
    result = review({"name": "svc"})
    assert (result.tier, result.tier_source) == ("standard", "default")
    assert review({"name": "svc", "tier": "standard"}).tier_source == "manifest"


# --- bad manifests -------------------------------------------------------------------------------------

BAD_MANIFESTS: list[tuple[str, Any, str]] = [
    # (what, data, the field the error must name)
    ("an unknown field", {"name": "x", "slo": {"availabilty": 99.9}}, "slo.availabilty"),
    ("an unknown section", {"name": "x", "monitoring": {}}, "monitoring"),
    ("availability 150", {"name": "x", "slo": {"availability": 150}}, "slo.availability"),
    ("availability 100", {"name": "x", "sla": {"availability": 100}}, "sla.availability"),
    (
        "negative toil minutes",
        {"name": "x", "toil": [{"task": "t", "minutes_per_week": -5}]},
        "toil[0].minutes_per_week",
    ),
    ("negative RPO minutes", {"name": "x", "disaster_recovery": {"rpo_minutes": -1}}, "disaster_recovery.rpo_minutes"),
    ("'yes' for a boolean", {"name": "x", "observability": {"metrics": "yes"}}, "observability.metrics"),
    ("1 for a boolean", {"name": "x", "security": {"tls": 1}}, "security.tls"),
    ("a string for a number", {"name": "x", "capacity": {"peak_rps": "100"}}, "capacity.peak_rps"),
    ("zero instances", {"name": "x", "dependencies": [{"name": "db", "instances": 0}]}, "dependencies[0].instances"),
    ("an unknown evidence id", {"name": "x", "evidence": {"slo-defind": "https://x"}}, "evidence.slo-defind"),
    ("an unknown waiver id", {"name": "x", "not_applicable": {"nope": "reason"}}, "not_applicable.nope"),
    ("an unknown strategy", {"name": "x", "deployment": {"strategy": "yolo"}}, "deployment.strategy"),
    ("an unknown tier", {"name": "x", "tier": "gold"}, "tier"),
    ("a calendar-month window", {"name": "x", "slo": {"window": "1 month"}}, "slo.window"),
    ("a section that is not a mapping", {"name": "x", "slo": "high"}, "slo"),
    ("no name", {"tier": "standard"}, "name"),
    ("a list at the top level", [{"name": "x"}], "(top level)"),
    ("an empty document", None, "(top level)"),
    ("a multi-line name", {"name": "a\nb"}, "name"),
    ("duplicate dependencies", {"name": "x", "dependencies": [{"name": "db"}, {"name": "DB"}]}, "dependencies"),
    ("too many dependencies", {"name": "x", "dependencies": [{"name": f"d{i}"} for i in range(101)]}, "dependencies"),
    ("an oversized name", {"name": "x" * 101}, "name"),
]


@pytest.mark.parametrize(("what", "data", "field"), BAD_MANIFESTS, ids=[b[0] for b in BAD_MANIFESTS])
def test_a_bad_manifest_is_an_error_naming_the_field(what: str, data: Any, field: str) -> None:
    with pytest.raises(ManifestError) as info:
        parse_manifest(data, "svc.yaml")
    assert info.value.field == field, what
    assert isinstance(info.value, InvalidArgument)
    assert str(info.value).startswith(f"svc.yaml: {field}: ")
    assert "\n" not in str(info.value)


def test_an_out_of_range_number_states_the_accepted_range_and_the_value() -> None:
    with pytest.raises(ManifestError, match=r"slo\.availability: must be > 0 and < 100, got 150$"):
        parse_manifest({"name": "x", "slo": {"availability": 150}}, "service")


def test_review_validates_a_mapping_like_parse_manifest() -> None:
    with pytest.raises(ManifestError) as info:
        review({"name": "x", "observability": {"alerts": "true"}})
    assert info.value.field == "observability.alerts"


def test_a_manifest_file_that_is_not_yaml_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(PersonaFileError):
        load_manifest(path)


def test_manifest_errors_from_a_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text('name: svc\nobservability: {metrics: "yes"}\n', encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert (info.value.source, info.value.field) == (str(path), "observability.metrics")


def test_the_manifest_model_validates_directly_as_a_tool_argument_would() -> None:
    manifest = ServiceManifest.model_validate(example("payment-api"))
    assert review(manifest) == review(example("payment-api"))


# --- the CI gate, determinism, the prompt --------------------------------------------------------------


def test_failing_at_rejects_an_unknown_threshold() -> None:
    with pytest.raises(InvalidArgument) as info:
        failing_at(review({"name": "svc"}), "low")
    assert info.value.argument == "threshold"


@pytest.mark.parametrize("name", ["payment-api", "well-run-service", "prototype"])
def test_the_same_manifest_gives_byte_identical_markdown_and_json(name: str) -> None:
    first, second = review(example(name)), review(copy.deepcopy(example(name)))
    assert review_markdown(first).encode() == review_markdown(second).encode()
    assert review_markdown(first, checklist=False).encode() == review_markdown(second, checklist=False).encode()
    assert first.model_dump_json() == second.model_dump_json()
    assert ReadinessReview.model_validate_json(first.model_dump_json()) == first


PINNED = {
    # example: (sha256 of the review's JSON, sha256 of its full Markdown report), first 16 hex digits
    "payment-api": ("a9b9d95eced8da44", "e4a04815e4ab6c10"),
    "well-run-service": ("580d032ea8ab9123", "f8e84ca372576dc0"),
    "prototype": ("30feec1e1cc2d092", "b417a9b000ea7d59"),
}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_examples_review_to_exactly_the_pinned_output(name: str) -> None:
    # Pins every field and every byte, so a change meant only to make the review faster cannot change what it
    # says. A deliberate change to the checklist or the review changes these: check the new output, then pin it.
    result = review(example(name))
    data = json.dumps(result.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    assert (digest(data), digest(review_markdown(result))) == PINNED[name]


@st.composite
def variants(draw: st.DrawFn) -> dict[str, Any]:
    """An example manifest with sections dropped, set to null or with their flags flipped, in any tier."""
    data = example(draw(st.sampled_from(["payment-api", "well-run-service", "prototype"])))
    for section in sorted(set(data) - {"name", "evidence", "not_applicable"}):
        change = draw(st.sampled_from(["keep", "drop", "null", "flip"]))
        if change == "drop":
            del data[section]
        elif change == "null" and section != "tier":
            data[section] = None
        elif change == "flip" and isinstance(data[section], dict):
            data[section] = {k: not v if isinstance(v, bool) else v for k, v in data[section].items()}
    if draw(st.booleans()):
        data["tier"] = draw(st.sampled_from(TIERS))
    return data


@settings(max_examples=60, deadline=None)
@given(variants(), variants())
def test_a_review_is_schema_valid_and_depends_on_its_manifest_alone(
    first: dict[str, Any], other: dict[str, Any]
) -> None:
    result = review(first)
    assert ReadinessReview.model_validate(result.model_dump()) == result
    assert ReadinessReview.model_validate_json(result.model_dump_json()) == result
    review(other)  # the compiled checklist is shared by every review: nothing of one may reach the next
    assert review(first).model_dump_json() == result.model_dump_json()


def test_the_report_follows_the_research_shape() -> None:
    text = review_markdown(review(example("payment-api")))
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0] == "## Production Readiness Review: payment-api"
    order = ["Overall assessment", "Critical blockers", "High priority", "Medium priority", "SLO recommendation"]
    positions = [next(i for i, h in enumerate(headings) if word in h) for word in order]
    assert positions == sorted(positions)
    assert "Production readiness checklist" in headings[-1]
    assert text.rstrip().splitlines()[-1].startswith("**Recommendation**")


def test_the_report_without_the_checklist_drops_only_the_per_item_list_and_names_what_does_not_apply() -> None:
    result = review(example("payment-api"))
    full, short = review_markdown(result), review_markdown(result, checklist=False)
    assert review_markdown(result, checklist=True) == full
    assert not any(line.startswith(("- ✅", "- ❌", "- ❔", "- ➖")) for line in short.splitlines())
    waived = (
        "### Not applicable:\n\n"
        "- `slo-meets-tier-target`: no SLO to compare (see slo-defined)\n"
        "- `sla-looser-than-slo`: no SLA\n\n"
    )
    pointer = "The per-item checklist, every item with its status and note, is in the review's `checklist` field.\n\n"
    assert waived in short
    assert pointer in short
    # Everything else is the full report's, in the same order.
    checklist = full[full.index("### Production readiness checklist:") : full.index("**Recommendation**")]
    assert short.replace(waived, "").replace(pointer, "") == full.replace(checklist, "")
    assert len(short.encode()) < 0.8 * len(full.encode())


def test_the_report_without_the_checklist_has_no_not_applicable_section_when_everything_applies() -> None:
    short = review_markdown(review(example("prototype")), checklist=False)
    assert "Not applicable" not in short
    assert "`checklist` field" in short


@pytest.mark.parametrize("name", ["payment-api", "prototype", "well-run-service", "order-events-consumer"])
def test_the_summary_names_every_finding_and_question_and_its_content_round_trips(name: str) -> None:
    result = review(example(name))
    text = summary_markdown(result)
    assert text.startswith(f"## Production Readiness Review: {result.service}")
    assert text.rstrip().splitlines()[-1] == review_markdown(result).rstrip().splitlines()[-1]  # the verdict
    findings = [*result.blockers, *result.high, *result.medium, *result.low]
    assert all(f"`{f.item_id}`" in text for f in findings)
    assert all(f"`{q.item_id}`" in text for q in result.open_questions)
    assert "Production readiness checklist" not in text
    assert len(text.encode()) < len(review_markdown(result, checklist=False).encode())
    content = review_content(result)
    assert "checklist" not in content
    assert ReadinessReview.model_validate(content).checklist == []  # the output model accepts the summary
    assert review_content(result, "full") == result.model_dump(mode="json")


def test_the_prompt_carries_the_subject_and_the_tier_and_names_every_manifest_section() -> None:
    text = readiness_prompt("def pay(): ...", "critical")
    assert "def pay(): ..." in text
    assert "critical" in text
    assert "sre_readiness" in text
    for section in ServiceManifest.model_fields:
        assert f"`{section}`" in text, section
    assert "$" not in text


@pytest.mark.parametrize(("subject", "tier", "argument"), [("", None, "subject"), ("code", "gold", "tier")])
def test_the_prompt_rejects_bad_arguments(subject: str, tier: str | None, argument: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        readiness_prompt(subject, tier)
    assert info.value.argument == argument
