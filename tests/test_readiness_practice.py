"""What a practitioner asked of the readiness review (issue 13): toil against the team's week, the policy in
the SLO's own window, backups and recovery objectives that count only when a restore proved them, and an SLO
recommendation that never contradicts the SLA.

A fixed 8 hours a week ignored the team's size, a 28-day review spoke of a "30-day budget", untested backups
passed, and a service with an SLA and no SLO was told to adopt an objective no stricter than its contract.
"""

from __future__ import annotations

from typing import Any

import pytest

from persona_mcp.sre.readiness import review


def _toil_row(manifest: dict[str, Any]) -> Any:
    return next(r for r in review(manifest).checklist if r.item_id == "toil-under-cap")


@pytest.mark.parametrize(
    ("team_size", "minutes", "status"),
    [
        (None, 1200, "passed"),  # no team size: one engineer assumed, 20 h is exactly the cap
        (None, 1201, "failed"),
        (4, 4800, "passed"),  # four engineers: 80 h a week of toil is half of 160
        (4, 4801, "failed"),
        (1, 1201, "failed"),
        (10, 9000, "passed"),  # 150 h against 200
    ],
)
def test_toil_is_capped_at_half_the_teams_week(team_size: int | None, minutes: int, status: str) -> None:
    manifest: dict[str, Any] = {"name": "svc", "tier": "standard", "toil": [{"task": "t", "minutes_per_week": minutes}]}
    if team_size is not None:
        manifest["documentation"] = {"team_size": team_size}
    assert _toil_row(manifest).status == status


@pytest.mark.parametrize(
    ("window", "phrase"), [("28d", "28-day"), ("7d", "7-day"), ("90d", "90-day"), ("4w", "28-day")]
)
def test_the_policy_names_the_manifests_window(window: str, phrase: str) -> None:
    result = review({"name": "svc", "tier": "critical", "slo": {"availability": 99.95, "window": window}})
    assert f"{phrase} budget" in result.slo_recommendation.policy
    assert "30-day" not in result.slo_recommendation.policy or window == "30d"


@pytest.mark.parametrize("bad", [0, -1, True, "four", 2.5])
def test_a_bad_team_size_is_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(ValueError, match="team_size"):
        review({"name": "svc", "documentation": {"team_size": bad}})


# --- backups, recovery objectives and the SLA (issue 13) -------------------------------------------------


def _status(manifest: dict[str, Any], item_id: str) -> str:
    return str(next(r for r in review(manifest).checklist if r.item_id == item_id).status)


@pytest.mark.parametrize(
    ("tier", "recovery", "status"),
    [
        ("critical", {"backups": True, "restore_tested": True}, "passed"),
        ("critical", {"backups": True, "restore_tested": False}, "failed"),  # a backup never restored is none
        ("standard", {"backups": True, "restore_tested": False}, "failed"),
        ("critical", {"backups": True}, "unknown"),  # not said whether restores were tested: an open question
        ("critical", {"backups": False, "restore_tested": True}, "failed"),
    ],
)
def test_backups_count_only_when_a_restore_proved_them(tier: str, recovery: dict[str, Any], status: str) -> None:
    assert _status({"name": "db", "tier": tier, "disaster_recovery": recovery}, "backups") == status


def test_an_untested_backup_is_a_blocker_for_a_critical_service() -> None:
    result = review({"name": "db", "tier": "critical", "disaster_recovery": {"backups": True, "restore_tested": False}})
    assert "backups" in {f.item_id for f in result.blockers}


@pytest.mark.parametrize(
    ("recovery", "status"),
    [
        ({"rpo_minutes": 5, "rto_minutes": 30, "restore_tested": True}, "passed"),
        ({"rpo_minutes": 5, "rto_minutes": 30, "restore_tested": False}, "failed"),  # objectives nobody proved
        ({"rpo_minutes": 5, "rto_minutes": 30}, "unknown"),
    ],
)
def test_recovery_objectives_pass_only_when_a_restore_proved_them(recovery: dict[str, Any], status: str) -> None:
    manifest = {"name": "db", "tier": "critical", "disaster_recovery": recovery}
    assert _status(manifest, "recovery-objectives-met") == status


@pytest.mark.parametrize(
    ("tier", "sla", "objective"),
    [
        ("standard", 99.9, 99.95),  # the tier's 99.9 equals the SLA: halve the SLA's budget
        ("standard", 99.5, 99.9),  # the tier default is already stricter than half the SLA's budget (99.75)
        ("internal", 99.9, 99.95),  # the tier's 99.5 is looser than the SLA
        ("critical", 99.99, 99.995),
    ],
)
def test_with_an_sla_and_no_slo_the_recommendation_is_stricter_than_the_sla(
    tier: str, sla: float, objective: float
) -> None:
    slo = review({"name": "svc", "tier": tier, "sla": {"availability": sla}}).slo_recommendation
    assert slo.availability == objective
    assert slo.availability > sla


@pytest.mark.parametrize(("slo", "sla"), [(99.5, 99.9), (99.9, 99.9)])
def test_a_manifest_slo_no_stricter_than_its_sla_is_called_out(slo: float, sla: float) -> None:
    result = review({"name": "svc", "slo": {"availability": slo}, "sla": {"availability": sla}})
    assert result.slo_recommendation.availability == slo  # the team's objective is kept
    assert result.slo_recommendation.note is not None
    assert "not stricter than the SLA" in result.slo_recommendation.note


def test_a_manifest_slo_stricter_than_its_sla_needs_no_note() -> None:
    result = review({"name": "svc", "slo": {"availability": 99.95}, "sla": {"availability": 99.9}})
    assert result.slo_recommendation.note is None


# --- failure domains (issue 13) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "manifest", "status", "severity"),
    [
        ("critical", {"topology": {"regions": 1, "zones": 1}}, "failed", "blocker"),  # one zone: one failure away
        ("standard", {"topology": {"zones": 1}}, "failed", "high"),
        ("internal", {"topology": {"zones": 1}}, "failed", "high"),
        (
            "critical",
            {"topology": {"zones": 3}, "dependencies": [{"name": "db", "kind": "database", "zones": 1}]},
            "failed",
            "blocker",
        ),  # a critical datastore in one zone
        (
            "standard",
            {"topology": {"zones": 2}, "dependencies": [{"name": "api", "critical": True, "zones": 1}]},
            "failed",
            "high",
        ),
        (
            "critical",
            {"topology": {"zones": 2}, "dependencies": [{"name": "cdn", "critical": False, "zones": 1}]},
            "passed",
            None,
        ),  # a dependency the service survives without may sit in one zone
        (
            "critical",
            {"topology": {"zones": 2}, "dependencies": [{"name": "db", "kind": "database", "zones": 2}]},
            "passed",
            None,
        ),
        ("critical", {}, "unknown", None),  # not said: an open question, never a pass
        ("critical", {"topology": {"zones": 3}, "dependencies": [{"name": "db", "kind": "database"}]}, "unknown", None),
    ],
)
def test_a_service_or_critical_dependency_in_one_zone_is_a_finding(
    tier: str, manifest: dict[str, Any], status: str, severity: str | None
) -> None:
    result = review({"name": "svc", "tier": tier, **manifest})
    assert _status({"name": "svc", "tier": tier, **manifest}, "zone-redundancy") == status
    if severity is not None:
        found = {"blocker": result.blockers, "high": result.high}[severity]
        assert "zone-redundancy" in {f.item_id for f in found}


@pytest.mark.parametrize(
    "topology",
    [{"zones": 0}, {"zones": -1}, {"regions": "two"}, {"regions": 3, "zones": 2}, {"zones": True}, {"zones": 1.5}],
)
def test_a_bad_topology_is_refused_naming_the_field(topology: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="topology"):
        review({"name": "svc", "topology": topology})


def _status(manifest: dict[str, Any], item: str) -> str:
    return next(r.status for r in review(manifest).checklist if r.item_id == item)


@pytest.mark.parametrize(
    ("topology", "tier", "status"),
    [
        ({"instances": 1}, "standard", "failed"),
        ({"instances": 2}, "standard", "passed"),  # the boundary: two is the least that survives one loss
        ({"instances": 30, "zones": 3}, "critical", "passed"),
        ({"zones": 2}, "standard", "unknown"),  # not said: asked, never assumed
    ],
)
def test_a_single_instance_service_fails_redundancy(topology: dict[str, int], tier: str, status: str) -> None:
    assert _status({"name": "api", "tier": tier, "topology": topology}, "service-redundant") == status


def test_redundancy_health_checks_are_not_asked_of_a_batch_job() -> None:
    manifest = {"name": "nightly", "workload": "batch", "topology": {"instances": 1}}
    assert _status(manifest, "service-redundant") == "not_applicable"
    assert _status(manifest, "health-checked") == "not_applicable"
    assert _status(manifest, "resource-requests") == "unknown"  # a job still needs its requests


@pytest.mark.parametrize(
    ("section", "field", "item"),
    [("resilience", "health_checks", "health-checked"), ("capacity", "resource_requests", "resource-requests")],
)
@pytest.mark.parametrize(("value", "status"), [(True, "passed"), (False, "failed"), (None, "failed")])
def test_health_checks_and_resource_requests(section: str, field: str, item: str, value: object, status: str) -> None:
    assert _status({"name": "api", section: {field: value}}, item) == status


def test_more_zones_than_instances_is_refused() -> None:
    from persona_mcp.errors import ManifestError

    with pytest.raises(ManifestError, match=r"instances \(1\) must be at least zones \(3\)"):
        review({"name": "api", "topology": {"zones": 3, "instances": 1}})
