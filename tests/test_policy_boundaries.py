"""The SLO policy states and the on-call caps at their boundaries, both sides (issue 21).

For 99.9% over 30 days the budget is 2,592 s: at risk means under 25% of it left (more than 1,944 s spent),
exhausted means all of it spent. A rotation is within the time-on-call cap at exactly 25% and within one
person's shift at exactly 48 hours of incident work a week (SRE book, "Being On-Call").
"""

from __future__ import annotations

import pytest

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.budget import budget_status
from persona_mcp.sre.oncall import oncall_load
from persona_mcp.sre.toil import toil_assessment


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


@pytest.mark.parametrize(
    ("at_risk", "exhausted", "state"),
    [
        ("40%", "100%", "healthy"),  # thresholds may be written as percentages, as the objective may
        ("40.01 %", "100", "at_risk"),
        ("25", "60%", "exhausted"),  # 60% spent: exhausted at a 60% threshold
        ("25", "60.01%", "healthy"),
    ],
)
def test_thresholds_may_be_written_with_a_percent_sign(at_risk: str, exhausted: str, state: str) -> None:
    result = budget_status("99.9", "30d", "1555.2", at_risk_threshold=at_risk, exhausted_threshold=exhausted)
    assert result.state == state


@pytest.mark.parametrize(("team", "within"), [(3, False), (4, True), (5, True)])
def test_a_weekly_rotation_is_within_the_25_percent_cap_from_four_people(team: int, within: bool) -> None:
    assert oncall_load(team, 1).within_oncall_cap is within


@pytest.mark.parametrize(("pages", "within"), [(8, True), (8.0001, False)])
def test_48_hours_of_incident_work_a_shift_is_the_most_one_person_can_carry(pages: float, within: bool) -> None:
    assert oncall_load(8, pages, incident_hours_per_page=6).within_shift_capacity is within


# --- what the status says at its edges (survivors of the mutation run, docs/mutation.md) ---------------


@pytest.mark.parametrize(
    ("downtime", "when", "before_end"),
    [
        ("0", "never", False),  # no burn: the budget never runs out
        ("1296", "30d", False),  # half spent in the whole window: the other half lasts a window more
        ("2592", "now", True),  # exactly spent
        ("2593", "now", True),  # overspent at the end of the window: it ran out before the end
    ],
)
def test_when_the_budget_runs_out(downtime: str, when: str, before_end: bool) -> None:
    status = budget_status("99.9", "30d", downtime)
    assert status.time_to_exhaustion == when
    assert status.exhausts_before_window_end is before_end


def test_a_budget_burning_mid_window_runs_out_after_a_stated_time() -> None:
    # 1,296 s down in the first 15 days: burn rate 1, the other 1,296 s last exactly the 15 days left.
    status = budget_status("99.9", "30d", "1296", elapsed="15d")
    assert (status.time_to_exhaustion, status.exhausts_before_window_end) == ("15d", False)
    faster = budget_status("99.9", "30d", "1296.001", elapsed="15d")
    assert faster.exhausts_before_window_end is True
    assert faster.state == "at_risk"


@pytest.mark.parametrize(
    ("downtime", "elapsed", "accepted"),
    [("3600", "1h", True), ("3600.001", "1h", False), ("2592000", None, True), ("2592000.001", None, False)],
)
def test_downtime_may_reach_the_elapsed_time_not_pass_it(downtime: str, elapsed: str | None, accepted: bool) -> None:
    if accepted:
        assert budget_status("99.9", "30d", downtime, elapsed=elapsed).state == "exhausted"
    else:
        with pytest.raises(InvalidArgument, match="downtime_seconds"):
            budget_status("99.9", "30d", downtime, elapsed=elapsed)


@pytest.mark.parametrize(("bad", "accepted"), [(10_000, True), (10_001, False)])
def test_bad_events_may_reach_the_total_but_not_pass_it(bad: int, accepted: bool) -> None:
    if accepted:
        assert budget_status("99.9", "30d", bad_events=bad, total_events=10_000).state == "exhausted"
    else:
        with pytest.raises(InvalidArgument, match="bad_events"):
            budget_status("99.9", "30d", bad_events=bad, total_events=10_000)


@pytest.mark.parametrize(
    ("bad", "left", "remaining"),
    [
        (3, "7 bad events left", 7),  # 10 allowed of 10,000
        (10, "0 bad events left", 0),  # exactly the budget
        (11, "overspent by 1 bad events", -1),
    ],
)
def test_the_events_left_at_the_budgets_edge(bad: int, left: str, remaining: int) -> None:
    status = budget_status("99.9", "30d", bad_events=bad, total_events=10_000)
    assert status.remaining_events == remaining
    assert f", {left};" in status.summary


@pytest.mark.parametrize(
    ("downtime", "left"),
    [("2591", "1s left"), ("2592", "0s left"), ("2592.0001", "overspent by 0.001s")],  # an overspend rounds up
)
def test_the_time_left_at_the_budgets_edge(downtime: str, left: str) -> None:
    assert f", {left};" in budget_status("99.9", "30d", downtime).summary


@pytest.mark.parametrize(
    ("minutes", "over", "summary"),
    [
        (1199.4, False, "19.99 h/week of toil is 49.98% of 40 team hours (within the 50% cap)"),
        (1200, False, "20 h/week of toil is 50% of 40 team hours (within the 50% cap)"),  # exactly the cap
        (1201, True, "20.02 h/week of toil is 50.05% of 40 team hours (over the 50% cap)"),  # shown rounded up
    ],
)
def test_toil_is_within_the_cap_up_to_half_the_teams_hours(minutes: float, over: bool, summary: str) -> None:
    result = toil_assessment([{"name": "t", "minutes_per_occurrence": minutes, "occurrences_per_week": 1}], 1)
    assert result.over_cap is over
    assert result.summary.startswith(summary)


def test_the_time_to_exhaustion_keeps_its_fraction_of_a_second() -> None:
    # 1,000 s down in the first 7 days of a 2,592 s budget: the other 1,592 s go at 1,000 s a week, so in
    # 1,592 x 604.8 = 962,841.6 s.
    result = budget_status("99.9", "30d", 1000, elapsed="7d")
    assert result.seconds_to_exhaustion == 962_841.6
    assert result.time_to_exhaustion == "11d 3h 27m 21.6s"
