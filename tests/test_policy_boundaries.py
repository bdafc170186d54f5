"""The SLO policy states and the on-call caps at their boundaries, both sides (issue 21).

For 99.9% over 30 days the budget is 2,592 s: at risk means under 25% of it left (more than 1,944 s spent),
exhausted means all of it spent. A rotation is within the time-on-call cap at exactly 25% and within one
person's shift at exactly 48 hours of incident work a week (SRE book, "Being On-Call").
"""

from __future__ import annotations

import pytest

from persona_mcp.sre.budget import budget_status
from persona_mcp.sre.oncall import oncall_load


@pytest.mark.parametrize(
    ("downtime", "state"),
    [
        ("1943", "healthy"),
        ("1944", "healthy"),  # exactly 25% left: not below the threshold
        ("1944.001", "at_risk"),
        ("2591.999", "at_risk"),
        ("2592", "exhausted"),  # exactly the whole budget
        ("2593", "exhausted"),
    ],
)
def test_the_policy_state_changes_exactly_at_its_thresholds(downtime: str, state: str) -> None:
    assert budget_status("99.9", "30d", downtime).state == state


@pytest.mark.parametrize(("threshold", "state"), [("39.99", "healthy"), ("40", "healthy"), ("40.01", "at_risk")])
def test_a_custom_at_risk_threshold_is_a_strict_boundary_too(threshold: str, state: str) -> None:
    # 1,555.2 s spent is 60% of the budget: exactly 40% left.
    assert budget_status("99.9", "30d", "1555.2", at_risk_threshold=threshold).state == state


@pytest.mark.parametrize(("team", "within"), [(3, False), (4, True), (5, True)])
def test_a_weekly_rotation_is_within_the_25_percent_cap_from_four_people(team: int, within: bool) -> None:
    assert oncall_load(team, 1).within_oncall_cap is within


@pytest.mark.parametrize(("pages", "within"), [(8, True), (8.0001, False)])
def test_48_hours_of_incident_work_a_shift_is_the_most_one_person_can_carry(pages: float, within: bool) -> None:
    assert oncall_load(8, pages, incident_hours_per_page=6).within_shift_capacity is within
