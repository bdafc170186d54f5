"""On-call load: the hours a rotation puts on each engineer, incidents per shift and the share of working
time spent on operations, checked against the SRE book's limits (chapter 11: at most 25% on call, at most
half the time on operational work, few enough incidents per shift to handle each one well).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.numbers import (
    Num,
    NumberLike,
    Result,
    StrictInput,
    as_float,
    ceil_int,
    exact,
    fmt_number,
    fmt_percent,
    validate_input,
)

HOURS_PER_WEEK = Decimal(168)

WORK_HOURS_PER_DAY = Decimal(12)
"""Most hours of incident work one person can do in a day on call. Site Reliability Engineering, ch. 11
"Being On-Call": an incident with its follow-up takes about 6 hours, so 2 incidents fill a 12-hour shift; the
book's ceiling of 2 incidents per 12-hour shift is this bound for people who work 12-hour shifts."""

WORK_HOURS_PER_WEEK = Decimal(48)
"""Most hours of work one person can do in a week, incidents included: the EU Working Time Directive
(2003/88/EC, art. 6) caps the average working week at 48 hours. It is what keeps a week-long pager honest:
12 hours a day for 7 days (84 hours) is no sustainable week for one engineer."""

OPS_CAP_FRACTION = Decimal("0.5")
"""Share of an engineer's time that operational work may take, on average. Site Reliability Engineering,
ch. 5 "Eliminating Toil" (and ch. 2): at most 50% of an SRE's time goes to ops work."""

STANDARD_WEEK_HOURS = Decimal(40)
"""The working week the ops cap is a share of (a 50% cap is 20 hours a week)."""


class OncallInput(StrictInput):
    """Arguments of `oncall_load`, which passes every one: its signature holds the defaults, in one place."""

    team_size: Annotated[int, Num("a whole number", ge="1", le="10000", example="8", integer=True)] = Field(
        description="Engineers in the rotation."
    )
    pages_per_week: Annotated[Decimal, Num("a number", ge="0", le="1e6", example="10")] = Field(
        description="Pages (incidents) per week for the service."
    )
    shift_hours: Annotated[Decimal, Num("a number of hours", gt="0", le="720", example="168")] = Field(
        description="Length of one engineer's continuous on-call shift (168 = a week)."
    )
    people_on_call: Annotated[int, Num("a whole number", ge="1", le="10", example="1", integer=True)] = Field(
        description="Engineers on call at once: 1 primary, 2 with a secondary."
    )
    incident_hours_per_page: Annotated[Decimal, Num("a number of hours", gt="0", le="168", example="6")] = Field(
        description="Work per incident incl. follow-up, hours."
    )
    max_oncall_fraction: Annotated[Decimal, Num("a fraction", gt="0", le="1", example="0.25")] = Field(
        description="Cap on each engineer's time on call."
    )

    @model_validator(mode="after")
    def _enough_people(self) -> OncallInput:
        if self.people_on_call > self.team_size:
            raise InvalidArgument(
                "people_on_call", f"must be at most team_size ({self.team_size}), got {self.people_on_call}"
            )
        return self


class OncallLoad(Result):
    """On-call time and incident work per engineer against the SRE book's limits and a working week."""

    team_size: int = Field(description="Engineers in the rotation.")
    people_on_call: int = Field(description="Engineers on call at once.")
    shift_hours: float = Field(description="Length of one engineer's on-call shift.")
    oncall_fraction: float = Field(description="Share of each engineer's time on call: people_on_call / team_size.")
    max_oncall_fraction: float = Field(description="The cap, default 0.25.")
    within_oncall_cap: bool = Field(description="oncall_fraction <= cap.")
    pages_per_shift: float = Field(description="Pages in one shift: pages_per_week * shift_hours / 168.")
    incident_hours_per_shift: float = Field(description="Incident work in one shift, for the primary.")
    work_hours_per_shift: float = Field(
        description="Most incident work one person can do in the shift: 12 h a day, 48 h a week."
    )
    within_shift_capacity: bool = Field(description="incident_hours_per_shift <= work_hours_per_shift.")
    max_pages_per_week: float = Field(description="Most pages a week that this shift length sustains.")
    pages_per_12h: float = Field(description="Pages per 12 hours (the SRE book's ceiling is 2).")
    incident_hours_per_week: float = Field(description="pages_per_week * incident_hours_per_page.")
    incident_hours_per_engineer: float = Field(description="Incident hours a week per engineer, on average.")
    ops_hours_cap: float = Field(description="50% of a 40-hour week: the most ops work per engineer.")
    within_ops_cap: bool = Field(description="incident_hours_per_engineer <= ops_hours_cap.")
    sustainable: bool = Field(description="Every limit holds.")
    failed: list[str] = Field(description="The limits that do not hold.")
    min_team_size_for_oncall_cap: int = Field(description="ceil(people_on_call / cap).")
    rotations_needed: int = Field(description="Rotations splitting the pages so each shift can carry them.")
    min_team_size: int = Field(description="Smallest team meeting every limit, across rotations_needed rotations.")
    summary: str = Field(description="One line in plain words.")


def shift_work_hours(shift_hours: Decimal) -> Decimal:
    """The most incident work one person can do in a shift of `shift_hours`: 12 hours in each day of it (the
    whole shift when shorter), and never more than 48 hours in a week."""
    daily = min(shift_hours, WORK_HOURS_PER_DAY) if shift_hours <= 24 else WORK_HOURS_PER_DAY * shift_hours / 24
    weekly = WORK_HOURS_PER_WEEK * max(shift_hours, HOURS_PER_WEEK) / HOURS_PER_WEEK
    return min(daily, weekly)


@exact
def oncall_load(
    team_size: int | NumberLike,
    pages_per_week: NumberLike,
    shift_hours: NumberLike = 168,
    people_on_call: int | NumberLike = 1,
    incident_hours_per_page: NumberLike = 6,
    max_oncall_fraction: NumberLike = "0.25",
) -> OncallLoad:
    """Whether a rotation is sustainable: who is on duty when, and whether each person can carry the work.

    Model: one rotation covers every hour of the week with `people_on_call` engineers at a time (1 primary,
    2 with a secondary) in shifts of `shift_hours` (default 168: one engineer carries the pager for a week),
    shared evenly. Pages arrive evenly; the primary works each incident for `incident_hours_per_page`
    (about 6 hours with follow-up). Three limits, each with its source:
    - time on call: each engineer on call people_on_call / team_size of the time, at most 25% (Site
      Reliability Engineering, ch. 11 "Being On-Call");
    - work in a shift: the incident hours of one shift within what one person can work in it, 12 hours a day
      (ch. 11: 2 incidents of 6 hours per 12-hour shift) and 48 hours a week (EU Working Time Directive). A
      weekly pager therefore carries at most 8 incidents of 6 hours, not 2 per 12 hours around the clock;
    - ops work: incident hours averaged over the team within 50% of a 40-hour week (ch. 5 "Eliminating Toil").
    A load is sustainable only when all three hold. More people do not lower the work of one shift: the fix
    is fewer pages, shorter shifts (two sites, follow the sun), or splitting the service across rotations,
    which `rotations_needed` and `min_team_size` assume.

    Args:
        team_size: engineers in the rotation.
        pages_per_week: pages (incidents) per week for the service.
        shift_hours: length of one engineer's continuous on-call shift in hours (168 = a week; 12 = two sites).
        people_on_call: engineers on call at once (1 primary; 2 with a secondary).
        incident_hours_per_page: hours of work per incident including follow-up (default 6).
        max_oncall_fraction: cap on each engineer's time on call (default 0.25).

    Raises:
        InvalidArgument: an argument is out of range, or people_on_call exceeds team_size.
    """
    args = validate_input(
        OncallInput,
        {
            "team_size": team_size,
            "pages_per_week": pages_per_week,
            "shift_hours": shift_hours,
            "people_on_call": people_on_call,
            "incident_hours_per_page": incident_hours_per_page,
            "max_oncall_fraction": max_oncall_fraction,
        },
    )
    fraction = Decimal(args.people_on_call) / args.team_size
    within_cap = fraction <= args.max_oncall_fraction
    per_shift = args.pages_per_week * args.shift_hours / HOURS_PER_WEEK
    work_per_shift = per_shift * args.incident_hours_per_page
    capacity = shift_work_hours(args.shift_hours)
    within_shift = work_per_shift <= capacity
    max_pages = capacity / args.incident_hours_per_page * HOURS_PER_WEEK / args.shift_hours
    weekly_work = args.pages_per_week * args.incident_hours_per_page
    per_engineer = weekly_work / args.team_size
    ops_cap = OPS_CAP_FRACTION * STANDARD_WEEK_HOURS
    within_ops = per_engineer <= ops_cap
    failed = [
        name
        for name, holds in (
            (f"time on call over {fmt_percent(args.max_oncall_fraction, 3)}", within_cap),
            (
                f"{fmt_number(work_per_shift, 3)} h of incidents in a {fmt_number(args.shift_hours)} h shift, "
                f"over the {fmt_number(capacity, 3)} h one person can work",
                within_shift,
            ),
            (
                (
                    f"{fmt_number(per_engineer, 3)} h of incidents per engineer a week, "
                    f"over the {fmt_number(ops_cap)} h ops cap"
                ),
                within_ops,
            ),
        )
        if not holds
    ]
    rotations = max(1, ceil_int(work_per_shift / capacity))
    per_rotation_work = weekly_work / rotations
    min_for_cap = ceil_int(args.people_on_call / args.max_oncall_fraction)
    min_team = rotations * max(min_for_cap, ceil_int(per_rotation_work / ops_cap))
    verdict = "sustainable" if not failed else "not sustainable: " + "; ".join(failed)
    summary = (
        f"{fmt_number(per_shift, 3)} pages per {fmt_number(args.shift_hours)} h shift "
        f"({fmt_number(work_per_shift, 3)} h of work, {fmt_number(capacity, 3)} h possible); "
        f"each of {args.team_size} on call {fmt_percent(fraction, 3)} of the time; "
        f"{verdict}; smallest team meeting every limit: {min_team}"
    )
    if rotations > 1:
        summary += f" across {rotations} rotations"
    return OncallLoad(
        team_size=args.team_size,
        people_on_call=args.people_on_call,
        shift_hours=as_float(args.shift_hours),
        oncall_fraction=as_float(fraction),
        max_oncall_fraction=as_float(args.max_oncall_fraction),
        within_oncall_cap=within_cap,
        pages_per_shift=as_float(per_shift),
        incident_hours_per_shift=as_float(work_per_shift),
        work_hours_per_shift=as_float(capacity),
        within_shift_capacity=within_shift,
        max_pages_per_week=as_float(max_pages),
        pages_per_12h=as_float(args.pages_per_week * 12 / HOURS_PER_WEEK),
        incident_hours_per_week=as_float(weekly_work),
        incident_hours_per_engineer=as_float(per_engineer),
        ops_hours_cap=as_float(ops_cap),
        within_ops_cap=within_ops,
        sustainable=not failed,
        failed=failed,
        min_team_size_for_oncall_cap=min_for_cap,
        rotations_needed=rotations,
        min_team_size=min_team,
        summary=summary,
    )
