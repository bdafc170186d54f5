"""Workload kinds in the readiness review (issue 13): a request service, a stream consumer and a batch job are
reviewed against the items that apply to them, and their SLO is worded the way each is measured.

Before, every service was a request service: a queue consumer was told to rate-limit callers and meet a p99
request latency, and a nightly job to load test "twice the peak".
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from persona_mcp.errors import ManifestError, PersonaFileError
from persona_mcp.sre.readiness import (
    WORKLOADS,
    load_checklist,
    parse_checklist,
    review,
    review_markdown,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "services"

REQUEST_ONLY = {"latency-slo-defined", "rate-limiting"}
NOT_BATCH = {
    "graceful-degradation",
    "load-tested",
    "peak-load-known",
    "capacity-headroom",
    "autoscaling",
    "progressive-rollout",
    "slo-meets-tier-target",
    "service-redundant",  # a job that runs to completion is retried, not replicated
    "health-checked",  # nothing routes traffic to a job
}


def _rows(manifest: dict[str, Any]) -> dict[str, Any]:
    return {r.item_id: r for r in review(manifest).checklist}


@pytest.mark.parametrize("tier", ["critical", "standard"])
def test_a_request_service_is_asked_every_item_of_its_tier(tier: str) -> None:
    rows = _rows({"name": "api", "tier": tier})
    assert all(r.status != "not_applicable" for r in rows.values())
    assert set(rows) >= REQUEST_ONLY | NOT_BATCH


@pytest.mark.parametrize("tier", ["critical", "standard"])
def test_a_stream_consumer_is_not_asked_to_rate_limit_callers_or_meet_a_request_latency(tier: str) -> None:
    rows = _rows({"name": "consumer", "tier": tier, "workload": "stream"})
    skipped = {i for i, r in rows.items() if r.status == "not_applicable"}
    assert skipped == REQUEST_ONLY
    assert rows["rate-limiting"].note == "applies to request workloads; this is a stream workload"
    # what a consumer does need is still asked
    assert {"load-tested", "capacity-headroom", "timeouts", "graceful-shutdown"} <= {
        i for i, r in rows.items() if r.status == "unknown"
    }


@pytest.mark.parametrize("tier", ["critical", "standard"])
def test_a_batch_job_is_not_asked_for_peak_load_tests_canaries_or_rate_limits(tier: str) -> None:
    rows = _rows({"name": "job", "tier": tier, "workload": "batch"})
    skipped = {i for i, r in rows.items() if r.status == "not_applicable"}
    assert skipped == REQUEST_ONLY | NOT_BATCH
    assert rows["load-tested"].note == "applies to request and stream workloads; this is a batch workload"
    assert {"backups", "alerting-on-symptoms", "retries-with-backoff", "runbooks"} <= {
        i for i, r in rows.items() if r.status == "unknown"
    }


@pytest.mark.parametrize("workload", ["stream", "batch"])
def test_facts_about_an_item_that_does_not_apply_are_not_findings(workload: str) -> None:
    manifest = {
        "name": "svc",
        "workload": workload,
        "resilience": {"rate_limiting": False},
        "slo": {"availability": 99.9, "latency_p99_ms": None},
    }
    result = review(manifest)
    failed = {f.item_id for f in result.blockers + result.high + result.medium + result.low}
    assert not failed & REQUEST_ONLY


def test_the_manifests_own_waiver_keeps_its_reason() -> None:
    rows = _rows({"name": "c", "workload": "stream", "not_applicable": {"rate-limiting": "Fed by one producer."}})
    assert rows["rate-limiting"].note == "Fed by one producer."


def test_a_stream_is_still_held_to_its_tiers_availability() -> None:
    rows = _rows({"name": "c", "tier": "critical", "workload": "stream", "slo": {"availability": 99.5}})
    assert rows["slo-meets-tier-target"].status == "failed"


@pytest.mark.parametrize(("workload", "status"), [("request", "failed"), ("stream", "passed")])
def test_only_a_request_service_is_held_to_the_tiers_latency(workload: str, status: str) -> None:
    slo = {"availability": 99.9, "latency_p99_ms": 5000}
    manifest = {"name": "s", "tier": "standard", "workload": workload, "slo": slo}
    assert _rows(manifest)["slo-meets-tier-target"].status == status


# --- the SLO recommendation speaks the workload's language -------------------------------------------------


@pytest.mark.parametrize("tier", ["critical", "standard", "internal"])
def test_only_a_request_service_gets_the_tiers_default_latency(tier: str) -> None:
    policy = load_checklist().tiers[tier]  # type: ignore[index]
    recs = {w: review({"name": "s", "tier": tier, "workload": w}).slo_recommendation for w in WORKLOADS}
    assert recs["request"].latency_p99_ms == policy.slo.latency_p99_ms
    assert recs["stream"].latency_p99_ms is None
    assert recs["batch"].latency_p99_ms is None
    assert {r.availability for r in recs.values()} == {policy.slo.availability}
    assert {r.workload for r in recs.values()} == set(WORKLOADS)


def test_a_stream_sets_its_own_latency_and_keeps_it() -> None:
    slo = {"availability": 99.9, "latency_p99_ms": 2000}
    rec = review({"name": "s", "workload": "stream", "slo": slo}).slo_recommendation
    assert rec.latency_p99_ms == 2000


@pytest.mark.parametrize(
    ("workload", "words"),
    [
        ("request", ["requests", "server error"]),
        ("stream", ["Freshness", "lag", "Completeness", "records"]),
        ("batch", ["runs", "deadline", "Correctness"]),
    ],
)
def test_the_measures_name_what_the_workload_is_measured_by(workload: str, words: list[str]) -> None:
    rec = review({"name": "s", "workload": workload, "slo": {"availability": 99.5, "window": "28d"}}).slo_recommendation
    text = " ".join(rec.measures)
    for word in words:
        assert word in text
    assert "99.5%" in text
    assert "28d" in text
    assert "{" not in text


@pytest.mark.parametrize(
    ("availability", "runs"),
    [(99.9, "1,000"), (99, "100"), (95, "20"), (99.95, "2,000"), (99.99, "10,000"), (97, "34"), (90, "10")],
)
def test_a_batch_objective_says_how_many_runs_one_failure_needs(availability: float, runs: str) -> None:
    rec = review({"name": "j", "workload": "batch", "slo": {"availability": availability}}).slo_recommendation
    assert f"must hold {runs} runs before one failed run fits" in " ".join(rec.measures)


def test_the_report_words_the_budget_for_the_workload() -> None:
    batch = review_markdown(review({"name": "j", "workload": "batch", "slo": {"availability": 99}}))
    assert "- **Error budget**: 1% of the runs per 30d" in batch
    assert "**Latency**" not in batch
    stream = review_markdown(review({"name": "c", "workload": "stream"}))
    assert "minutes (43m 12s) per 30d" in stream
    assert "**Latency**" not in stream
    request = review_markdown(review({"name": "a"}))
    assert "- **Latency**: p99 < 500 ms" in request
    assert "a request workload" in request


@pytest.mark.parametrize(
    ("name", "workload"), [("order-events-consumer", "stream"), ("nightly-billing-export", "batch")]
)
def test_the_workload_examples_review_as_their_kind(name: str, workload: str) -> None:
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    result = review(data)
    assert result.slo_recommendation.workload == workload
    skipped = {r.item_id for r in result.checklist if r.status == "not_applicable"}
    assert skipped >= REQUEST_ONLY


# --- bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["cron", "", "REQUEST", 1, None, ["stream"]])
def test_an_unknown_workload_is_refused_naming_the_field_and_the_choices(bad: object) -> None:
    with pytest.raises(ManifestError) as caught:
        review({"name": "s", "workload": bad})
    message = str(caught.value)
    assert "workload" in message
    assert "'request', 'stream' or 'batch'" in message


def test_the_cli_exits_2_with_one_line_for_an_unknown_workload(tmp_path: Path) -> None:
    manifest = tmp_path / "svc.yaml"
    manifest.write_text("name: svc\nworkload: cron\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "persona_mcp", "review", str(manifest)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "workload" in lines[0]
    assert "stream" in lines[0]


# --- the checklist says it, and is validated on load -----------------------------------------------------


def _checklist() -> dict[str, Any]:
    text = (ROOT / "resources" / "readiness-checklist.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return copy.deepcopy(data)


def test_the_shipped_checklist_words_every_workload() -> None:
    checklist = load_checklist()
    assert set(checklist.workloads) == set(WORKLOADS)
    assert {i.id for i in checklist.items if i.workloads == ["request"]} == REQUEST_ONLY
    assert {i.id for i in checklist.items if i.workloads == ["request", "stream"]} == NOT_BATCH


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["workloads"].pop("batch"), "every workload needs its SLIs; missing: batch"),
        (lambda d: d["workloads"]["stream"]["measures"].append("Lag under {lag}."), "placeholders are"),
        (lambda d: d["workloads"]["request"].update(measures=[]), "measures"),
        (lambda d: d["items"][0].update(workloads=["request", "request"]), "each workload at most once"),
        (lambda d: d["items"][0].update(workloads=["cron"]), "workloads"),
        (lambda d: d["items"][0].update(workloads=[]), "workloads"),
    ],
)
def test_a_checklist_that_gets_workloads_wrong_is_refused(change: Any, message: str) -> None:
    data = _checklist()
    change(data)
    with pytest.raises(PersonaFileError, match=message):
        parse_checklist(data, "readiness-checklist.yaml")
