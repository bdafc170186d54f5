"""The readiness rules at their thresholds, both sides: just under, at and just over each number they compare.

Already covered elsewhere at their boundaries: the toil cap (test_readiness_practice: 1,200 and 1,201 minutes
for one engineer, 4,800 and 4,801 for four), the service's instances (1 and 2) and zones (1 and 2), backups
proved by a restore. Here: capacity headroom (30%), the recovery objectives (RPO 60 min, RTO 240 min), each
tier's availability and latency objectives, dependencies in series against the objective, a datastore's single
instance, the SLA against the SLO and the SLO recommended from an SLA, and a batch job's runs per failure.
Each case reads the status and the note the user reads.
"""

from __future__ import annotations

from typing import Any

import pytest

from persona_mcp.sre.readiness import review


def _row(manifest: dict[str, Any], item_id: str) -> tuple[str, str]:
    row = next(r for r in review({"name": "svc", **manifest}).checklist if r.item_id == item_id)
    return row.status, row.note or ""


# --- capacity headroom: at least 30% -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "headroom", "status"),
    [
        ("critical", 29.9, "failed"),
        ("critical", 30, "passed"),
        ("critical", 30.1, "passed"),
        ("standard", 29, "failed"),
        ("standard", 30.0, "passed"),
    ],
)
def test_capacity_headroom_passes_from_thirty_percent(tier: str, headroom: float, status: str) -> None:
    got, note = _row({"tier": tier, "capacity": {"headroom_percent": headroom}}, "capacity-headroom")
    assert got == status
    if status == "failed":
        assert note == f"capacity.headroom_percent is {headroom}, needs >= 30"


# --- recovery objectives: RPO at most 60 minutes, RTO at most 240, proved by a restore ---------------------


@pytest.mark.parametrize(
    ("rpo", "rto", "status", "note"),
    [
        (59, 239, "passed", ""),
        (60, 240, "passed", ""),
        (61, 240, "failed", "disaster_recovery.rpo_minutes is 61, needs <= 60"),
        (60, 241, "failed", "disaster_recovery.rto_minutes is 241, needs <= 240"),
        (60.5, 30, "failed", "disaster_recovery.rpo_minutes is 60.5, needs <= 60"),
    ],
)
def test_recovery_objectives_meet_the_limits_at_the_limit(rpo: float, rto: float, status: str, note: str) -> None:
    recovery = {"rpo_minutes": rpo, "rto_minutes": rto, "restore_tested": True}
    got, why = _row({"tier": "critical", "disaster_recovery": recovery}, "recovery-objectives-met")
    assert got == status
    assert note in why


# --- each tier's objectives: availability at least, p99 latency at most the tier's default ------------------

TIER_DEFAULTS = {"critical": (99.95, 300), "standard": (99.9, 500)}
"""resources/readiness-checklist.yaml's tiers (the rule applies to these two)."""


@pytest.mark.parametrize(
    ("tier", "availability", "latency", "problems"),
    [
        ("critical", 99.95, 300, []),
        ("critical", 99.96, 299, []),
        ("critical", 99.949, 300, ["availability 99.949% is looser than the critical tier's 99.95%"]),
        ("critical", 99.95, 301, ["p99 301 ms is looser than the critical tier's 300 ms"]),
        ("critical", 99.95, 300.5, ["p99 300.5 ms is looser than the critical tier's 300 ms"]),
        ("standard", 99.9, 500, []),
        ("standard", 99.91, 499, []),
        ("standard", 99.89, 500, ["availability 99.89% is looser than the standard tier's 99.9%"]),
        ("standard", 99.9, 501, ["p99 501 ms is looser than the standard tier's 500 ms"]),
        (
            "standard",
            99.89,
            501,
            [
                "availability 99.89% is looser than the standard tier's 99.9%",
                "p99 501 ms is looser than the standard tier's 500 ms",
            ],
        ),
    ],
)
def test_objectives_are_held_to_their_tiers_defaults_at_the_default(
    tier: str, availability: float, latency: float, problems: list[str]
) -> None:
    got, note = _row(
        {"tier": tier, "slo": {"availability": availability, "latency_p99_ms": latency}}, "slo-meets-tier-target"
    )
    assert got == ("failed" if problems else "passed")
    assert note == "; ".join(problems)


def test_the_latency_default_holds_only_for_a_request_workload() -> None:
    # A consumer has no caller waiting on a response: a p99 over the tier's default is not a finding.
    manifest = {"tier": "critical", "workload": "stream", "slo": {"availability": 99.95, "latency_p99_ms": 301}}
    assert _row(manifest, "slo-meets-tier-target")[0] == "passed"


@pytest.mark.parametrize("tier", ["internal", "prototype"])
def test_tiers_without_the_item_do_not_hold_objectives_to_a_default(tier: str) -> None:
    assert "slo-meets-tier-target" not in {r.item_id for r in review({"name": "svc", "tier": tier}).checklist}


# --- dependencies in series against the objective ----------------------------------------------------------


@pytest.mark.parametrize(
    ("deps", "objective", "status", "shown"),
    [
        ([99.95, 99.95], 99.9, "passed", "99.9% against the 99.9%"),  # 99.900025%: just over
        ([99.95, 99.95], 99.900025, "passed", "99.900025% against the 99.900025%"),  # exactly at it
        ([99.95, 99.95], 99.90003, "failed", "99.90002% against the 99.90003%"),  # just under, not "99.9%"
        ([99.9], 99.9, "passed", "99.9% against the 99.9%"),
        ([99.9, 99.99], 99.9, "failed", "99.89% against the 99.9%"),  # 99.89001%
        ([99.99, 99.99, 99.99], 99.970004, "failed", "99.970002% against the 99.970004%"),  # 99.9700029999%
        ([99.99, 99.99, 99.99], 99.97, "passed", "99.97% against the 99.97%"),
    ],
)
def test_critical_dependencies_in_series_must_reach_the_objective(
    deps: list[float], objective: float, status: str, shown: str
) -> None:
    # The note's figures are rounded down, to the objective's decimals or more: a shortfall never reads as a match.
    dependencies = [{"name": f"d{i}", "critical": True, "availability": a} for i, a in enumerate(deps)]
    manifest = {"tier": "critical", "slo": {"availability": objective}, "dependencies": dependencies}
    got, note = _row(manifest, "slo-achievable-with-dependencies")
    assert (got, note) == (status, f"critical dependencies in series allow {shown} objective (manifest)")


@pytest.mark.parametrize(
    ("extra", "status", "note"),
    [
        # a dependency that is not critical does not count against the objective, however unavailable
        ({"critical": False, "availability": 90}, "passed", "critical dependencies in series allow 99.99% against"),
        # one whose criticality is not given leaves the item open
        ({"critical": None, "availability": 90}, "unknown", "criticality not given for: other"),
        ({"availability": 90}, "unknown", "criticality not given for: other"),
    ],
)
def test_only_critical_dependencies_are_held_to_the_objective(extra: dict[str, Any], status: str, note: str) -> None:
    dependencies = [{"name": "db", "critical": True, "availability": 99.99}, {"name": "other", **extra}]
    manifest = {"tier": "critical", "slo": {"availability": 99.9}, "dependencies": dependencies}
    got, shown = _row(manifest, "slo-achievable-with-dependencies")
    assert got == status
    assert shown.startswith(note)


# --- a datastore or critical dependency with one instance ------------------------------------------------------


@pytest.mark.parametrize(
    ("dependency", "status"),
    [
        ({"name": "db", "kind": "database", "instances": 1}, "failed"),
        ({"name": "db", "kind": "database", "instances": 2}, "passed"),
        ({"name": "api", "critical": True, "kind": "api", "instances": 1}, "failed"),
        ({"name": "api", "critical": True, "kind": "api", "instances": 2}, "passed"),
        ({"name": "cdn", "critical": False, "kind": "api", "instances": 1}, "passed"),
    ],
)
def test_one_instance_of_what_the_service_needs_is_a_single_point_of_failure(
    dependency: dict[str, Any], status: str
) -> None:
    got, note = _row({"tier": "critical", "dependencies": [dependency]}, "no-single-points-of-failure")
    assert got == status
    if status == "failed":  # the note names the dependency and why it matters: its kind, or that it is critical
        assert note == f"{dependency['name']} ({dependency['kind']}) has 1 instance"


def test_a_critical_dependency_of_unknown_kind_is_named_as_critical() -> None:
    dependency = {"name": "auth", "critical": True, "instances": 1}
    assert _row({"tier": "critical", "dependencies": [dependency]}, "no-single-points-of-failure") == (
        "failed",
        "auth (critical) has 1 instance",
    )


# --- the SLA against the SLO -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slo", "sla", "status"),
    [
        (99.9, 99.89, "passed"),  # the SLA just looser
        (99.9, 99.9, "failed"),  # as strict: the contract breaks with the objective
        (99.9, 99.91, "failed"),
    ],
)
def test_the_sla_must_be_looser_than_the_slo(slo: float, sla: float, status: str) -> None:
    got, _ = _row(
        {"tier": "critical", "slo": {"availability": slo}, "sla": {"availability": sla}}, "sla-looser-than-slo"
    )
    assert got == status


@pytest.mark.parametrize(
    ("sla", "objective", "noted"),
    [
        (99.8, 99.9, False),  # half the SLA's budget is 99.9, the tier's default: kept, nothing to say
        (99.81, 99.905, True),  # half its budget is stricter than the default: taken, and said so
        (99.79, 99.9, False),  # half its budget (99.895) is looser than the default: the default
    ],
)
def test_the_slo_recommended_from_an_sla_halves_its_budget_at_the_tier_default(
    sla: float, objective: float, noted: bool
) -> None:
    slo = review({"name": "svc", "tier": "standard", "sla": {"availability": sla}}).slo_recommendation
    assert slo.availability == objective
    assert (slo.note == f"Set stricter than the SLA ({sla}%): half its error budget, so the SLO burns first.") is noted


# --- a batch job's runs per failure ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("availability", "runs"),
    [(99.9, "1,000"), (95, "20"), (99.5, "200"), (99.95, "2,000"), (99.95001, "2,001"), (99.94999, "2,000")],
)
def test_a_batch_objective_names_the_runs_a_window_must_hold(availability: float, runs: str) -> None:
    # The smallest n with n * (1 - objective/100) >= 1: exactly 2,000 at 99.95%, one more just over it.
    manifest = {"name": "job", "tier": "standard", "workload": "batch", "slo": {"availability": availability}}
    (line,) = [m for m in review(manifest).slo_recommendation.measures if m.startswith("Count runs")]
    assert f"a window must hold {runs} runs before one failed run fits" in line


# --- what the notes say (survivors of the mutation run, docs/mutation.md) ----------------------------------


@pytest.mark.parametrize(
    ("dependency", "note"),
    [
        ({"name": "api", "critical": True, "zones": 1}, "api (critical) runs in 1 availability zone"),
        ({"name": "db", "kind": "database", "zones": 1}, "db (database) runs in 1 availability zone"),
    ],
)
def test_a_dependency_in_one_zone_is_named_with_its_kind(dependency: dict[str, Any], note: str) -> None:
    assert _row({"tier": "critical", "topology": {"zones": 2}, "dependencies": [dependency]}, "zone-redundancy") == (
        "failed",
        note,
    )


def test_dependencies_not_given_leave_the_series_check_open() -> None:
    # Not a pass: with no dependency listed the review cannot know what the service needs.
    assert _row({"tier": "critical", "slo": {"availability": 99.9}}, "slo-achievable-with-dependencies") == (
        "unknown",
        "dependencies not given",
    )
    listed_none = {"tier": "critical", "slo": {"availability": 99.9}, "dependencies": []}
    assert _row(listed_none, "slo-achievable-with-dependencies")[0] == "passed"


@pytest.mark.parametrize(
    ("availability", "status", "note"),
    [
        (None, "failed", "no availability figure for: payments"),  # known to be unknown
        (99.9, "passed", ""),
    ],
)
def test_a_critical_dependency_with_no_availability_figure_is_a_finding(
    availability: float | None, status: str, note: str
) -> None:
    dependency = {"name": "payments", "critical": True, "availability": availability}
    assert _row({"tier": "critical", "dependencies": [dependency]}, "critical-dependency-availability-known") == (
        status,
        note,
    )


@pytest.mark.parametrize(
    ("dependency", "status", "note"),
    [
        ({"name": "x", "instances": 1}, "unknown", "x has 1 instance but its kind or criticality is not given"),
        ({"name": "x", "instances": 2}, "passed", ""),
        (  # a kind that holds no state, criticality not said
            {"name": "x", "kind": "api", "instances": 1},
            "unknown",
            "x has 1 instance but its kind or criticality is not given",
        ),
        ({"name": "x", "kind": "api", "critical": False, "instances": 1}, "passed", ""),  # known not to matter
    ],
)
def test_one_instance_of_a_dependency_of_unknown_kind_is_an_open_question(
    dependency: dict[str, Any], status: str, note: str
) -> None:
    assert _row({"tier": "critical", "dependencies": [dependency]}, "no-single-points-of-failure") == (status, note)


@pytest.mark.parametrize(
    ("critical", "status", "note"),
    [(None, "unknown", "criticality not given for: a"), (True, "passed", ""), (False, "passed", "")],
)
def test_availability_figures_are_asked_of_dependencies_whose_criticality_is_known(
    critical: bool | None, status: str, note: str
) -> None:
    dependency: dict[str, Any] = {"name": "a", "availability": 99.9}
    if critical is not None:
        dependency["critical"] = critical
    assert _row({"tier": "critical", "dependencies": [dependency]}, "critical-dependency-availability-known") == (
        status,
        note,
    )


def test_the_series_note_states_what_the_dependencies_allow() -> None:
    dependencies = [
        {"name": "a", "critical": True, "availability": 99.9},
        {"name": "b", "critical": True, "availability": 99.99},
    ]
    manifest = {"tier": "critical", "slo": {"availability": 99.9}, "dependencies": dependencies}
    assert _row(manifest, "slo-achievable-with-dependencies") == (
        "failed",
        "critical dependencies in series allow 99.89% against the 99.9% objective (manifest)",
    )


@pytest.mark.parametrize(
    ("dependencies", "status", "note"),
    [
        (None, "unknown", "dependencies not given"),
        ([{"name": "payments", "critical": True}], "unknown", "availability not given for: payments"),
    ],
)
def test_availability_figures_not_given_leave_the_item_open(
    dependencies: list[dict[str, Any]] | None, status: str, note: str
) -> None:
    manifest: dict[str, Any] = {"tier": "critical"}
    if dependencies is not None:
        manifest["dependencies"] = dependencies
    assert _row(manifest, "critical-dependency-availability-known") == (status, note)


@pytest.mark.parametrize(
    ("team", "note"),
    [
        (
            None,
            "10 h/week of toil against a cap of 20 h/week "
            "(50% of 40 h for 1 engineer assumed (documentation.team_size not given))",
        ),
        (2, "10 h/week of toil against a cap of 40 h/week (50% of 40 h for 2 engineer(s))"),
    ],
)
def test_the_toil_note_says_whose_week_the_cap_is(team: int | None, note: str) -> None:
    manifest: dict[str, Any] = {"tier": "critical", "toil": [{"task": "t", "minutes_per_week": 600}]}
    if team is not None:
        manifest["documentation"] = {"team_size": team}
    assert _row(manifest, "toil-under-cap") == ("passed", note)


def test_dependencies_without_an_objective_leave_the_series_check_open() -> None:
    manifest = {"tier": "critical", "dependencies": [{"name": "a", "critical": True, "availability": 99.9}]}
    assert _row(manifest, "slo-achievable-with-dependencies") == ("unknown", "slo.availability not given")


@pytest.mark.parametrize(
    ("manifest", "item", "outcome"),
    [
        (
            {"dependencies": [{"name": "db", "kind": "database"}]},
            "no-single-points-of-failure",
            ("unknown", "db: instances not given"),
        ),
        (
            {"slo": None, "sla": {"availability": 99.9}},
            "sla-looser-than-slo",
            ("failed", "an SLA of 99.9% with no SLO behind it"),
        ),
        ({}, "toil-not-scaling-with-load", ("unknown", "toil not given")),
        ({"sla": None, "slo": {"availability": 99.9}}, "sla-looser-than-slo", ("not_applicable", "no SLA")),
        (
            {"toil": [{"task": "t", "minutes_per_week": 60, "scales_with_load": False}]},
            "toil-not-scaling-with-load",
            ("passed", ""),
        ),
    ],
)
def test_what_is_not_given_is_an_open_question_and_what_is_given_decides(
    manifest: dict[str, Any], item: str, outcome: tuple[str, str]
) -> None:
    assert _row({"tier": "critical", **manifest}, item) == outcome


# --- the check language: present, any, all and the notes they carry ------------------------------------------


def _prototype(manifest: dict[str, Any], item_id: str) -> tuple[str, str]:
    return _row({"tier": "prototype", **manifest}, item_id)


@pytest.mark.parametrize(
    ("observability", "outcome"),
    [
        ({"metrics": True, "logs": False}, ("passed", "")),  # any one is enough
        (
            {"metrics": False, "logs": False, "alerts": False},
            (
                "failed",
                "observability.metrics is false, needs true; observability.logs is false, needs true; "
                "observability.alerts is false, needs true",
            ),
        ),
        ({"metrics": False}, ("unknown", "observability.logs not given; observability.alerts not given")),
    ],
)
def test_any_passes_on_one_fails_on_all_and_is_open_while_one_is_not_given(
    observability: dict[str, bool], outcome: tuple[str, str]
) -> None:
    assert _prototype({"observability": observability}, "basic-monitoring") == outcome


def test_all_fails_on_one_and_says_only_what_failed() -> None:
    # restore_tested is not given (unknown), backups is false (failed): the item fails, naming the failure alone.
    assert _row({"tier": "critical", "disaster_recovery": {"backups": False}}, "backups") == (
        "failed",
        "disaster_recovery.backups is false, needs true",
    )


@pytest.mark.parametrize(
    ("manifest", "item", "outcome"),
    [
        ({"documentation": {"owner": "team-a"}}, "owner-named", ("passed", "")),  # present: any value
        ({}, "owner-named", ("unknown", "documentation not given")),
        ({"documentation": {}}, "owner-named", ("unknown", "documentation.owner not given")),
        ({"capacity": {"peak_rps": 10}}, "capacity-headroom", ("unknown", "capacity.headroom_percent not given")),
        ({}, "capacity-headroom", ("unknown", "capacity not given")),
        ({}, "no-single-points-of-failure", ("unknown", "dependencies not given")),
        ({}, "toil-under-cap", ("unknown", "toil not given")),
    ],
)
def test_a_check_names_the_path_up_to_what_is_not_given(
    manifest: dict[str, Any], item: str, outcome: tuple[str, str]
) -> None:
    assert _row({"tier": "critical", **manifest}, item) == outcome


def test_a_stateless_dependency_the_service_survives_without_may_sit_in_one_zone() -> None:
    manifest = {
        "topology": {"zones": 2},
        "dependencies": [{"name": "cdn", "kind": "api", "critical": False, "zones": 1}],
    }
    assert _row({"tier": "critical", **manifest}, "zone-redundancy")[0] == "passed"
