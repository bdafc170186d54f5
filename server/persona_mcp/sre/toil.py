"""Toil: the hours a team spends on manual, repetitive operational work, set against the cap of half its
time (Google SRE book, chapter 5), with the tasks ranked by what automating them would save.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, Decimal
from typing import Annotated, Any

from pydantic import Field, model_validator

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.numbers import (
    HUNDRED,
    Name,
    Num,
    NumberLike,
    Result,
    StrictInput,
    as_float,
    as_float_or_none,
    exact,
    fmt_number,
    validate_input,
)

TOIL_CAP = Decimal("0.5")
"""At most 50% of an SRE's time on toil (Site Reliability Engineering, ch. 5 "Eliminating Toil")."""


class ToilTask(StrictInput):
    """A recurring manual task."""

    name: Name = Field(description="Task name.")
    minutes_per_occurrence: Annotated[Decimal, Num("a number of minutes", gt="0", le="100000", example="15")] = Field(
        description="Hands-on minutes each time."
    )
    occurrences_per_week: Annotated[Decimal, Num("a number", ge="0", le="1e9", example="10")] = Field(
        description="Times per week."
    )
    scales_with_load: bool = Field(default=False, description="Grows with traffic or fleet size.")
    automation_hours: Annotated[Decimal, Num("a number of hours", ge="0", le="1e6", example="40")] | None = Field(
        default=None, description="Estimated hours to automate it."
    )


class ToilInput(StrictInput):
    """Arguments of `toil_assessment`, which passes every one: its signature holds the defaults, in one place."""

    tasks: list[ToilTask] = Field(min_length=1, max_length=500, description="The recurring manual tasks.")
    team_size: Annotated[int, Num("a whole number", ge="1", le="100000", example="6", integer=True)] = Field(
        description="Engineers sharing the toil."
    )
    hours_per_week: Annotated[Decimal, Num("a number of hours", gt="0", le="168", example="40")] = Field(
        description="Working hours per engineer per week."
    )

    @model_validator(mode="after")
    def _unique_names(self) -> ToilInput:
        seen: set[str] = set()
        for task in self.tasks:
            key = task.name.casefold()
            if key in seen:
                raise InvalidArgument("tasks", f"names must be unique; {task.name!r} appears more than once")
            seen.add(key)
        return self


class ToilTaskResult(Result):
    """One task's weekly toil and automation payback."""

    name: str = Field(description="Task name.")
    hours_per_week: float = Field(description="Toil hours per week.")
    share_of_toil: float = Field(description="Fraction of all toil.")
    scales_with_load: bool = Field(description="Grows with load: automate before it grows.")
    automation_hours: float | None = Field(description="Hours to automate, if given.")
    payback_weeks: float | None = Field(description="automation_hours / hours_per_week; null if not given or never.")


class ToilAssessment(Result):
    """A team's weekly toil against the 50% cap, biggest tasks first."""

    total_toil_hours_per_week: float = Field(description="Sum of all tasks.")
    team_hours_per_week: float = Field(description="team_size * hours_per_week.")
    toil_fraction: float = Field(description="Toil / team time.")
    toil_cap_fraction: float = Field(description="The cap, 0.5.")
    over_cap: bool = Field(description="Toil fraction above the cap.")
    hours_over_cap: float = Field(description="Weekly hours to remove to get under the cap.")
    tasks: list[ToilTaskResult] = Field(description="Tasks by hours per week, largest first.")
    load_scaling_tasks: list[str] = Field(description="Tasks that grow with load.")
    summary: str = Field(description="One line in plain words.")


@exact
def toil_assessment(
    tasks: Sequence[ToilTask | Mapping[str, Any]], team_size: int | NumberLike, hours_per_week: NumberLike = 40
) -> ToilAssessment:
    """Weekly toil of a team against the 50% cap, the biggest tasks, and the payback of automating them.

    Args:
        tasks: items {name, minutes_per_occurrence, occurrences_per_week, scales_with_load?, automation_hours?}.
        team_size: engineers sharing the toil.
        hours_per_week: working hours per engineer per week (default 40).

    Raises:
        InvalidArgument: a task or argument is out of range, or task names repeat; it is named in the error.
    """
    args = validate_input(ToilInput, {"tasks": list(tasks), "team_size": team_size, "hours_per_week": hours_per_week})
    weekly = [task.minutes_per_occurrence * task.occurrences_per_week / 60 for task in args.tasks]
    total = sum(weekly, Decimal(0))
    team_hours = args.team_size * args.hours_per_week
    fraction = total / team_hours
    order = sorted(range(len(weekly)), key=lambda i: -weekly[i])
    results = []
    for i in order:
        task, hours = args.tasks[i], weekly[i]
        payback = None
        if task.automation_hours is not None and hours > 0:
            payback = task.automation_hours / hours
        results.append(
            ToilTaskResult(
                name=task.name,
                hours_per_week=as_float(hours),
                share_of_toil=as_float(hours / total) if total > 0 else 0.0,
                scales_with_load=task.scales_with_load,
                automation_hours=as_float_or_none(task.automation_hours),
                payback_weeks=as_float_or_none(payback),
            )
        )
    scaling = [r.name for r in results if r.scales_with_load]
    over = fraction > TOIL_CAP
    share = fmt_number(fraction * HUNDRED, 4, ROUND_CEILING)  # rounded up: toil is never shown under its share
    summary = (
        f"{fmt_number(total)} h/week of toil is {share}% of {fmt_number(team_hours)} team hours "
        f"({'over' if over else 'within'} the 50% cap); "
        f"top task {results[0].name} ({fmt_number(weekly[order[0]])} h/week)"
    )
    if scaling:
        summary += f"; {len(scaling)} task(s) scale with load"
    return ToilAssessment(
        total_toil_hours_per_week=as_float(total),
        team_hours_per_week=as_float(team_hours),
        toil_fraction=as_float(fraction),
        toil_cap_fraction=as_float(TOIL_CAP),
        over_cap=over,
        hours_over_cap=as_float(max(total - TOIL_CAP * team_hours, Decimal(0))),
        tasks=results,
        load_scaling_tasks=scaling,
        summary=summary,
    )
