"""On-call load (sre/oncall.py): each of its three limits at, just inside and just outside its boundary, the
work one person can do in a shift of every length, the rotations and the smallest team it recommends, and the
summary a reviewer reads.

Limits (their sources are in sre/oncall.py): at most 25% of each engineer's time on call and 2 incidents per
12-hour shift (Site Reliability Engineering, ch. 11), at most 48 working hours a week (EU Working Time
Directive, art. 6), at most half a 40-hour week of operational work (ch. 5). Every expected figure below is
worked out by hand in its comment.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.oncall import oncall_load, shift_work_hours


@pytest.mark.parametrize(
    ("shift", "hours"),
    [
        ("1", "1"),  # a shift shorter than a working day: all of it
        ("12", "12"),  # a 12-hour shift: the whole shift, as the book's 2 incidents x 6 h
        ("13", "12"),  # longer than 12 hours but within a day: 12 h is the most in a day
        ("23.5", "12"),  # still within a day: 12 h, not 12 x 23.5 / 24
        ("24", "12"),
        ("25", "12.5"),  # over a day: 12 h for each day of it, pro rata (12 x 25 / 24)
        ("48", "24"),
        ("96", "48"),  # four days: 48 h, exactly the weekly cap
        ("120", "48"),  # five days would be 60 h: the 48-hour week caps it
        ("168", "48"),  # a week-long pager: 48 h, not 84
        ("336", "96"),  # two weeks: 48 h in each
        ("720", str(Decimal(48) * 720 / 168)),  # 30 days: 205.7 h, the weekly cap pro rata
    ],
)
def test_the_work_one_person_can_do_in_a_shift(shift: str, hours: str) -> None:
    assert shift_work_hours(Decimal(shift)) == Decimal(hours)


# --- time on call: people_on_call / team_size at most the cap ------------------------------------------------


@pytest.mark.parametrize(
    ("team", "people", "cap", "within"),
    [
        (4, 1, "0.25", True),  # exactly a quarter
        (3, 1, "0.25", False),  # a third
        (5, 1, "0.25", True),
        (8, 2, "0.25", True),  # primary and secondary: 2 of 8
        (7, 2, "0.25", False),  # 2 of 7 is 28.6%
        (2, 1, "0.5", True),  # a team's own cap, at its edge
        (2, 1, "0.49", False),
        (1, 1, "1", True),
    ],
)
def test_time_on_call_is_within_the_cap_up_to_it(team: int, people: int, cap: str, within: bool) -> None:
    result = oncall_load(team, 0, people_on_call=people, max_oncall_fraction=cap)
    assert result.within_oncall_cap is within
    assert result.oncall_fraction == pytest.approx(people / team, rel=1e-15)
    assert ("time on call over" in " ".join(result.failed)) is not within


# --- work in a shift: incident hours of one shift at most what one person can work in it -------------------


@pytest.mark.parametrize(
    ("pages", "shift", "within"),
    [
        ("8", 168, True),  # 8 incidents x 6 h = 48 h: a week's work, exactly
        ("8.01", 168, False),
        ("28", 12, True),  # 28 a week is 2 per 12-hour shift (28 x 12 / 168), 12 h of work: the book's ceiling
        ("28.01", 12, False),
        ("14", 24, True),  # 2 a day (14 x 24 / 168), 12 h of work in a 24-hour shift
        ("14.01", 24, False),
        ("0", 168, True),
    ],
)
def test_a_shift_carries_at_most_what_one_person_can_work(pages: str, shift: int, within: bool) -> None:
    result = oncall_load(40, pages, shift_hours=shift)
    assert result.within_shift_capacity is within
    assert result.incident_hours_per_shift == pytest.approx(float(pages) * 6 * shift / 168, rel=1e-12)


@pytest.mark.parametrize(
    ("shift", "incident_hours", "max_pages"),
    [
        (168, 6, 8),  # 48 h of work a week / 6 h
        (12, 6, 28),  # 12 h per shift / 6 h x 14 shifts a week
        (24, 6, 14),
        (168, 3, 16),  # shorter incidents: twice as many
        (12, 4, 42),  # 12 / 4 x 14
        (12, 5, 33.6),  # 12 / 5 = 2.4 incidents a shift, x 14 shifts: fractions are kept
        (100, 6, 13.44),  # 48 / 6 = 8 in 100 hours: 8 x 168 / 100
    ],
)
def test_the_most_pages_a_shift_length_sustains(shift: int, incident_hours: int, max_pages: float) -> None:
    result = oncall_load(40, 1, shift_hours=shift, incident_hours_per_page=incident_hours)
    assert result.max_pages_per_week == max_pages


def test_pages_per_12_hours_are_set_against_the_books_ceiling_of_two() -> None:
    assert oncall_load(40, 28, shift_hours=12).pages_per_12h == 2
    assert oncall_load(40, 7).pages_per_12h == 0.5


# --- ops work: incident hours per engineer at most half a 40-hour week ---------------------------------------


@pytest.mark.parametrize(
    ("team", "pages", "within"),
    [
        (6, "20", True),  # 20 x 6 h / 6 engineers = 20 h: half of 40, exactly
        (6, "20.01", False),
        (5, "16", True),  # 96 h / 5 = 19.2 h
        (5, "17", False),  # 102 h / 5 = 20.4 h
    ],
)
def test_ops_work_per_engineer_is_within_half_a_week_up_to_it(team: int, pages: str, within: bool) -> None:
    result = oncall_load(team, pages, shift_hours=12, max_oncall_fraction=1)  # short shifts: only this limit
    assert result.within_ops_cap is within
    assert result.ops_hours_cap == 20
    assert result.sustainable is within
    assert result.incident_hours_per_engineer == pytest.approx(float(pages) * 6 / team, rel=1e-12)


# --- rotations and the smallest team -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "shift", "people", "rotations", "min_team"),
    [
        (0, 168, 1, 1, 4),  # nothing to do: one rotation, four people for the 25% cap
        (8, 168, 1, 1, 4),  # 48 h in the shift, one rotation; 48 h / 20 h = 3 engineers, the cap needs 4
        (16, 168, 1, 2, 8),  # 96 h: two rotations, 48 h each, 4 people each
        (17, 168, 1, 3, 12),  # 102 h: 2.125 shifts' work, so three rotations
        (14, 12, 1, 1, 5),  # 6 h a shift; 84 h a week / 20 h = 4.2: five people, more than the cap's 4
        (8, 168, 2, 1, 8),  # with a secondary: 2 / 0.25 = 8
        (50, 12, 1, 2, 16),  # 21.4 h a 12-hour shift: two rotations of 150 h a week, 7.5 -> 8 people each
        ("13.5", 168, 1, 2, 8),  # 81 h: 1.7 shifts' work, two rotations of 40.5 h: 3 people each, 4 for the cap
    ],
)
def test_the_rotations_and_the_smallest_team_meeting_every_limit(
    pages: int, shift: int, people: int, rotations: int, min_team: int
) -> None:
    result = oncall_load(40, pages, shift_hours=shift, people_on_call=people)
    assert (result.rotations_needed, result.min_team_size) == (rotations, min_team)
    assert result.min_team_size_for_oncall_cap == people * 4


@pytest.mark.parametrize(
    ("pages", "cap", "rotations", "min_team"),
    [
        ("13.5", 1, 2, 6),  # two rotations of 40.5 h a week: 2.03 x 20 h, so 3 people each (not 2)
        (0, "0.3", 1, 4),  # 1 / 0.3 = 3.33: 4 people keep each under 30% on call
        (0, "0.5", 1, 2),
        (0, 1, 1, 1),
    ],
)
def test_the_smallest_team_rounds_every_share_up(pages: Any, cap: Any, rotations: int, min_team: int) -> None:
    result = oncall_load(40, pages, max_oncall_fraction=cap)
    assert (result.rotations_needed, result.min_team_size) == (rotations, min_team)


def test_a_sustainable_rotation_reads_as_one() -> None:
    result = oncall_load(8, 4)
    assert result.sustainable
    assert result.failed == []
    assert result.summary == (
        "4 pages per 168 h shift (24 h of work, 48 h possible); each of 8 on call 12.5% of the time; "
        "sustainable; smallest team meeting every limit: 4"
    )


def test_an_unsustainable_rotation_names_every_limit_it_breaks() -> None:
    result = oncall_load(3, 17)
    assert not result.sustainable
    assert result.failed == [
        "time on call over 25%",
        "102 h of incidents in a 168 h shift, over the 48 h one person can work",
        "34 h of incidents per engineer a week, over the 20 h ops cap",
    ]
    assert result.summary == (
        "17 pages per 168 h shift (102 h of work, 48 h possible); each of 3 on call 33.3% of the time; "
        "not sustainable: " + "; ".join(result.failed) + "; smallest team meeting every limit: 12 across 3 rotations"
    )


# --- bad arguments -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "argument", "message"),
    [
        ({"team_size": 2, "people_on_call": 3}, "people_on_call", "must be at most team_size (2), got 3"),
        ({"team_size": 0}, "team_size", "must be a whole number from 1 to 10000 (e.g. 8), got 0"),
        ({"team_size": 10_001}, "team_size", "must be a whole number from 1 to 10000 (e.g. 8), got 10001"),
        ({"team_size": 2.5}, "team_size", "must be a whole number from 1 to 10000 (e.g. 8), got 2.5"),
        ({"pages_per_week": -1}, "pages_per_week", "must be a number from 0 to 1e6 (e.g. 10), got -1"),
        ({"pages_per_week": 1_000_001}, "pages_per_week", "must be a number from 0 to 1e6 (e.g. 10), got 1000001"),
        ({"shift_hours": 0}, "shift_hours", "must be a number of hours greater than 0 and at most 720 (e.g. 168)"),
        ({"shift_hours": 720.5}, "shift_hours", "must be a number of hours greater than 0 and at most 720"),
        ({"people_on_call": 0}, "people_on_call", "must be a whole number from 1 to 10 (e.g. 1), got 0"),
        ({"people_on_call": 1.5}, "people_on_call", "must be a whole number from 1 to 10 (e.g. 1), got 1.5"),
        ({"people_on_call": 11, "team_size": 20}, "people_on_call", "must be a whole number from 1 to 10"),
        ({"incident_hours_per_page": 0}, "incident_hours_per_page", "must be a number of hours greater than 0"),
        ({"incident_hours_per_page": 169}, "incident_hours_per_page", "and at most 168 (e.g. 6), got 169"),
        ({"max_oncall_fraction": 0}, "max_oncall_fraction", "must be a fraction greater than 0 and at most 1"),
        ({"max_oncall_fraction": "1.01"}, "max_oncall_fraction", "at most 1 (e.g. 0.25), got '1.01'"),
    ],
)
def test_bad_arguments_are_named_with_what_is_accepted(arguments: dict[str, Any], argument: str, message: str) -> None:
    given: dict[str, Any] = {"team_size": 8, "pages_per_week": 4, **arguments}
    with pytest.raises(InvalidArgument) as caught:
        oncall_load(**given)
    assert caught.value.argument == argument
    assert message in caught.value.message


@pytest.mark.parametrize(("team", "people"), [(1, 1), (10, 10), (5, 2)])
def test_everyone_may_be_on_call_at_once(team: int, people: int) -> None:
    assert oncall_load(team, 0, people_on_call=people, max_oncall_fraction=1).within_oncall_cap


def test_the_summary_keeps_three_significant_digits() -> None:
    assert oncall_load(7, 10, shift_hours=12, incident_hours_per_page=5, max_oncall_fraction="0.3").summary == (
        "0.714 pages per 12 h shift (3.57 h of work, 12 h possible); each of 7 on call 14.3% of the time; "
        "sustainable; smallest team meeting every limit: 4"
    )
    assert oncall_load(40, 2, shift_hours=720).summary == (
        "8.57 pages per 720 h shift (51.4 h of work, 206 h possible); each of 40 on call 2.5% of the time; "
        "sustainable; smallest team meeting every limit: 4"
    )
    assert oncall_load(2, "9.123", max_oncall_fraction="0.12345").failed == [
        "time on call over 12.3%",
        "54.7 h of incidents in a 168 h shift, over the 48 h one person can work",
        "27.4 h of incidents per engineer a week, over the 20 h ops cap",
    ]


def test_two_rotations_are_named_in_the_summary() -> None:
    assert oncall_load(8, 16).summary.endswith("smallest team meeting every limit: 8 across 2 rotations")


def test_one_primary_is_on_call_unless_told_otherwise() -> None:
    result = oncall_load(8, 4)
    assert (result.people_on_call, result.oncall_fraction, result.shift_hours) == (1, 0.125, 168.0)


def test_a_shift_of_a_day_and_a_bit_states_its_fractional_capacity() -> None:
    # 25.5 h: 12 h a day pro rata is 12.75 h, shown as 12.8; 15 pages a week put 13.66 h of work in it.
    result = oncall_load(40, 15, shift_hours="25.5")
    assert result.failed == ["13.7 h of incidents in a 25.5 h shift, over the 12.8 h one person can work"]
    assert result.summary.startswith("2.28 pages per 25.5 h shift (13.7 h of work, 12.8 h possible); ")
