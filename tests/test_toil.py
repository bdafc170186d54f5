"""Toil (sre/toil.py): a team's weekly toil against the cap of half its time (Site Reliability Engineering,
ch. 5 "Eliminating Toil"), at, just under and just over the cap; the order of the tasks and the payback of
automating each; the summary's rounding; and the errors for bad tasks. Expected figures are worked by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.toil import toil_assessment


def _task(name: str, minutes: Any, times: Any, **extra: Any) -> dict[str, Any]:
    return {"name": name, "minutes_per_occurrence": minutes, "occurrences_per_week": times, **extra}


@pytest.mark.parametrize(
    ("times", "team", "over", "hours_over"),
    [
        ("20", 1, False, 0.0),  # 20 h of a 40-hour week: half, exactly at the cap
        ("20.01", 1, True, 0.01),  # just over: 0.01 h to remove
        ("19.99", 1, False, 0.0),
        ("40", 2, False, 0.0),  # 40 h of 80
        ("41", 2, True, 1.0),
        ("80", 2, True, 40.0),  # all of it: half must go
    ],
)
def test_toil_is_over_the_cap_only_above_half_the_teams_time(
    times: str, team: int, over: bool, hours_over: float
) -> None:
    result = toil_assessment([_task("restarts", 60, times)], team_size=team)
    assert result.over_cap is over
    assert result.hours_over_cap == pytest.approx(hours_over, abs=1e-12)
    assert result.toil_cap_fraction == 0.5
    assert ("over the 50% cap" in result.summary) is over


@pytest.mark.parametrize(
    ("hours_per_week", "over"),
    [("30", True), ("32", False), ("40", False)],  # 16 h of toil: over half of 30 h, exactly half of 32 h
)
def test_the_cap_is_half_of_the_working_week_given(hours_per_week: str, over: bool) -> None:
    result = toil_assessment([_task("tickets", 30, 32)], team_size=1, hours_per_week=hours_per_week)
    assert result.over_cap is over
    assert result.team_hours_per_week == float(hours_per_week)


@pytest.mark.parametrize(
    ("minutes", "share"),
    [
        ("296.1888", "12.35%"),  # 4.93648 h of 40: 12.3412%, rounded up, never shown under its share
        ("240", "10%"),
        ("20.0004", "0.8334%"),  # 0.33334 h: 0.833350%, four significant digits, rounded up
    ],
)
def test_the_share_of_time_is_rounded_up_in_the_summary(minutes: str, share: str) -> None:
    result = toil_assessment([_task("t", minutes, 1)], team_size=1)
    assert f" is {share} of 40 team hours" in result.summary


def test_tasks_come_biggest_first_with_their_share_and_payback() -> None:
    tasks = [
        _task("rotate certs", 30, 2, automation_hours=4),  # 1 h a week: pays back in 4 weeks
        _task("restart jobs", 10, 30, automation_hours=40, scales_with_load=True),  # 5 h: 8 weeks
        _task("grant access", 15, 8),  # 2 h, no estimate: no payback
        _task("quota bumps", 20, 3, automation_hours=0),  # 1 h, free to automate: 0 weeks
    ]
    result = toil_assessment(tasks, team_size=2)
    rows = [(t.name, t.hours_per_week, t.share_of_toil, t.payback_weeks) for t in result.tasks]
    assert rows == [
        ("restart jobs", 5.0, 5 / 9, 8.0),
        ("grant access", 2.0, 2 / 9, None),
        ("rotate certs", 1.0, 1 / 9, 4.0),  # a tie with quota bumps: the order given is kept
        ("quota bumps", 1.0, 1 / 9, 0.0),
    ]
    assert result.total_toil_hours_per_week == 9.0
    assert result.toil_fraction == 9 / 80
    assert result.load_scaling_tasks == ["restart jobs"]
    assert result.summary == (
        "9 h/week of toil is 11.25% of 80 team hours (within the 50% cap); top task restart jobs (5 h/week); "
        "1 task(s) scale with load"
    )


@pytest.mark.parametrize(
    ("automation", "minutes", "times", "weeks"),
    [("10", 60, 4, 2.5), ("1", 60, 3, 1 / 3), ("100", 30, 1, 200.0)],  # automation hours / weekly hours
)
def test_payback_is_the_automation_hours_over_the_weekly_toil(
    automation: str, minutes: int, times: int, weeks: float
) -> None:
    task = _task("t", minutes, times, automation_hours=automation)
    assert toil_assessment([task], team_size=1).tasks[0].payback_weeks == pytest.approx(weeks, rel=1e-15)


def test_a_small_toil_is_shared_among_its_tasks_all_the_same() -> None:
    result = toil_assessment([_task("a", 15, 1), _task("b", 15, 1)], team_size=1)  # half an hour in all
    assert [t.share_of_toil for t in result.tasks] == [0.5, 0.5]


def test_a_task_that_never_happens_has_no_share_and_no_payback() -> None:
    result = toil_assessment([_task("drills", 60, 0, automation_hours=10)], team_size=3)
    assert (result.total_toil_hours_per_week, result.toil_fraction, result.over_cap) == (0.0, 0.0, False)
    assert (result.tasks[0].share_of_toil, result.tasks[0].payback_weeks) == (0.0, None)
    assert result.summary == "0 h/week of toil is 0% of 120 team hours (within the 50% cap); top task drills (0 h/week)"


def test_without_tasks_that_scale_with_load_the_summary_says_nothing_of_them() -> None:
    assert "scale with load" not in toil_assessment([_task("a", 5, 5)], team_size=1).summary


@pytest.mark.parametrize(
    ("tasks", "team", "extra", "argument", "message"),
    [
        ([], 1, {}, "tasks", "must have at least 1 item(s)"),
        ([_task(f"t{i}", 1, 1) for i in range(501)], 1, {}, "tasks", "must have at most 500 item(s)"),
        ([_task("Deploy", 5, 1), _task(" deploy ", 5, 1)], 1, {}, "tasks", "names must be unique; 'deploy' appears"),
        ([_task("a", 0, 1)], 1, {}, "tasks", "[0].minutes_per_occurrence must be a number of minutes greater than 0"),
        ([_task("a", 100_001, 1)], 1, {}, "tasks", "and at most 100000 (e.g. 15), got 100001"),
        ([_task("a", 5, -1)], 1, {}, "tasks", "[0].occurrences_per_week must be a number from 0 to 1e9"),
        ([_task("a", 5, "1000000001")], 1, {}, "tasks", "[0].occurrences_per_week must be a number from 0 to 1e9"),
        ([_task("a", 5, 1, automation_hours=-1)], 1, {}, "tasks", "[0].automation_hours must be a number of hours"),
        ([_task("a", 5, 1, automation_hours=1_000_001)], 1, {}, "tasks", "from 0 to 1e6 (e.g. 40), got 1000001"),
        ([_task("", 5, 1)], 1, {}, "tasks", "[0].name must not be empty"),
        ([_task("a", 5, 1)], 0, {}, "team_size", "must be a whole number from 1 to 100000 (e.g. 6), got 0"),
        ([_task("a", 5, 1)], 100_001, {}, "team_size", "must be a whole number from 1 to 100000"),
        ([_task("a", 5, 1)], 1, {"hours_per_week": 0}, "hours_per_week", "greater than 0 and at most 168"),
        ([_task("a", 5, 1)], 1, {"hours_per_week": 168.5}, "hours_per_week", "at most 168 (e.g. 40), got 168.5"),
    ],
)
def test_bad_tasks_and_arguments_are_named(
    tasks: list[dict[str, Any]], team: int, extra: dict[str, Any], argument: str, message: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        toil_assessment(tasks, team_size=team, **extra)
    assert caught.value.argument == argument
    assert message in caught.value.message


def test_the_largest_accepted_values_are_read() -> None:
    tasks = [_task(f"t{i}", 100_000, 1, automation_hours=1_000_000) for i in range(500)]
    result = toil_assessment(tasks, team_size=100_000, hours_per_week=168)
    assert len(result.tasks) == 500
    assert result.total_toil_hours_per_week == pytest.approx(500 * 100_000 / 60)
