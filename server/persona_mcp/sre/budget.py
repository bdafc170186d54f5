"""Error budgets and their status: how much unreliability an objective allows over its window, how much of
it a service has spent, the burn rate so far, when it runs out, and what the error-budget policy says to do
at each state (healthy, at risk, exhausted).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.durations import format_duration, format_window
from persona_mcp.sre.numbers import (
    HUNDRED,
    ONE,
    Count,
    Count0,
    Duration,
    Num,
    NumberLike,
    Percent,
    Result,
    StrictInput,
    as_float,
    as_float_or_none,
    exact,
    floor_int,
    fmt_count,
    fmt_events,
    fmt_number,
    fmt_percent,
    fmt_percent_down,
    fmt_percent_spent,
    fmt_plain,
    validate_input,
)

# --- error budget ----------------------------------------------------------------------------------


class ErrorBudgetInput(StrictInput):
    """Arguments of `error_budget`."""

    objective: Percent = Field(description="SLO target in percent, e.g. 99.9.")
    window: Duration = Field(description="SLO window, e.g. 30d, 28d, 4w, P30D.")
    total_events: Count | None = Field(default=None, description="Valid events expected in the window.")
    sla: Percent | None = Field(default=None, description="Contractual SLA in percent; should be below the SLO.")


class ErrorBudget(Result):
    """The error budget of an SLO over its window."""

    objective_percent: float = Field(description="SLO target in percent.")
    window: str = Field(description="Window label, e.g. 30d.")
    window_seconds: float = Field(description="Window length in seconds.")
    error_budget_ratio: float = Field(description="1 - SLO, e.g. 0.001.")
    allowed_downtime_seconds: float = Field(description="Full-outage time the budget allows in the window.")
    allowed_downtime_human: str = Field(description="Allowed downtime, e.g. 43m 12s.")
    total_events: float | None = Field(description="Valid events in the window, if given.")
    allowed_bad_events: int | None = Field(description="Whole bad events the budget allows, rounded down.")
    sla_percent: float | None = Field(description="SLA in percent, if given.")
    sla_ok: bool | None = Field(description="True when the SLA is looser (lower) than the SLO.")
    finding: str | None = Field(description="Problem with the SLA/SLO pair, if any.")
    summary: str = Field(description="One line in plain words.")


@exact
def error_budget(
    objective: NumberLike, window: str, total_events: NumberLike | None = None, sla: NumberLike | None = None
) -> ErrorBudget:
    """The error budget of an SLO: 99.9% over 30d allows 2592 s (43m 12s) of downtime.

    Allowed bad events are whole events rounded down (99.9% of 5,000,600 allows 5,000, not 5,000.6): a budget
    never promises an event it does not have. The summary shows the same figures as the fields, the downtime
    as `allowed_downtime_human` (to the millisecond, never rounded up).

    Args:
        objective: SLO target in percent, strictly between 0 and 100 (e.g. 99.9).
        window: the SLO window ("30d", "28d", "4w", "P30D", ...).
        total_events: valid events expected in the window; gives the allowed bad events.
        sla: contractual SLA in percent; flagged unless it is looser (lower) than the SLO.

    Raises:
        InvalidArgument: an argument is out of range; it is named in the error.
    """
    args = validate_input(
        ErrorBudgetInput, {"objective": objective, "window": window, "total_events": total_events, "sla": sla}
    )
    ratio = ONE - args.objective / HUNDRED
    downtime = ratio * args.window
    label = format_window(args.window)
    human = format_duration(downtime)
    summary = (
        f"{fmt_plain(args.objective)}% over {label} allows {human} of downtime ({fmt_percent(ratio)} error budget)"
    )
    allowed_bad = None if args.total_events is None else floor_int(ratio * args.total_events)
    if allowed_bad is not None and args.total_events is not None:
        summary += f"; {fmt_count(allowed_bad)} bad events of {fmt_events(args.total_events)}"
    sla_ok: bool | None = None
    finding: str | None = None
    if args.sla is not None:
        sla_ok = args.sla < args.objective
        if not sla_ok:
            finding = (
                f"SLA {fmt_plain(args.sla)}% is not looser than the SLO {fmt_plain(args.objective)}%: the contract "
                "would be breached before the SLO warns; set the SLO tighter than the SLA."
            )
            summary += f"; SLA {fmt_plain(args.sla)}% is not looser than the SLO"
    return ErrorBudget(
        objective_percent=as_float(args.objective),
        window=label,
        window_seconds=as_float(args.window),
        error_budget_ratio=as_float(ratio),
        allowed_downtime_seconds=as_float(downtime),
        allowed_downtime_human=human,
        total_events=as_float_or_none(args.total_events),
        allowed_bad_events=allowed_bad,
        sla_percent=as_float_or_none(args.sla),
        sla_ok=sla_ok,
        finding=finding,
        summary=summary,
    )


# --- budget status ---------------------------------------------------------------------------------

BudgetState = Literal["healthy", "at_risk", "exhausted"]

CONSEQUENCES: dict[BudgetState, str] = {
    "healthy": "Ship normally: the error budget can absorb planned risk.",
    "at_risk": "Ship with care: small, reversible changes behind canaries; prioritise reliability fixes.",
    "exhausted": "Freeze risky changes: only reliability fixes and security patches ship until the budget recovers.",
}
"""The error-budget policy's consequence for each state."""


class BudgetStatusInput(StrictInput):
    """Arguments of `budget_status`, which passes every one: its signature holds the defaults, in one place."""

    objective: Percent = Field(description="SLO target in percent, e.g. 99.9.")
    window: Duration = Field(description="SLO window, e.g. 30d.")
    downtime_seconds: Annotated[Decimal, Num("a number of seconds", ge="0", le="1e12")] | None = Field(
        default=None, description="Full-outage seconds so far in the window."
    )
    bad_events: Count0 | None = Field(default=None, description="Bad events so far (with total_events).")
    total_events: Count | None = Field(default=None, description="Valid events so far (with bad_events).")
    elapsed: Duration | None = Field(default=None, description="Time elapsed in the window; default the whole window.")
    at_risk_threshold: Annotated[Decimal, Num("a percentage", ge="0", le="100", example="25", percent=True)] = Field(
        description="At risk when less than this percent of the budget remains."
    )
    exhausted_threshold: Annotated[Decimal, Num("a percentage", gt="0", le="100", example="100", percent=True)] = Field(
        description="Exhausted when at least this percent of the budget is spent."
    )

    @model_validator(mode="after")
    def _consistent(self) -> BudgetStatusInput:
        events = self.bad_events is not None or self.total_events is not None
        if self.downtime_seconds is not None and events:
            raise InvalidArgument("downtime_seconds", "cannot be combined with bad_events/total_events: give one")
        if self.downtime_seconds is None and not events:
            raise InvalidArgument("downtime_seconds", "is required, or else bad_events with total_events")
        if events and self.total_events is None:
            raise InvalidArgument("total_events", "is required with bad_events")
        if events and self.bad_events is None:
            raise InvalidArgument("bad_events", "is required with total_events")
        elapsed = self.window if self.elapsed is None else self.elapsed
        if elapsed > self.window:
            raise InvalidArgument(
                "elapsed", f"must not exceed the window ({format_window(self.window)}), got {format_window(elapsed)}"
            )
        if self.downtime_seconds is not None and self.downtime_seconds > elapsed:
            raise InvalidArgument(
                "downtime_seconds",
                f"must not exceed the elapsed time ({fmt_plain(elapsed)} s), got {fmt_plain(self.downtime_seconds)}",
            )
        if self.bad_events is not None and self.total_events is not None and self.bad_events > self.total_events:
            raise InvalidArgument(
                "bad_events",
                f"must not exceed total_events ({fmt_plain(self.total_events)}), got {fmt_plain(self.bad_events)}",
            )
        return self


class BudgetStatus(Result):
    """How much of an error budget is spent, how fast, and what the error-budget policy says."""

    objective_percent: float = Field(description="SLO target in percent.")
    window: str = Field(description="Window label, e.g. 30d.")
    window_seconds: float = Field(description="Window length in seconds.")
    elapsed_seconds: float = Field(description="Elapsed part of the window in seconds.")
    basis: Literal["time", "events"] = Field(description="Measured from downtime or from event counts.")
    budget_seconds: float = Field(description="Allowed downtime over the whole window.")
    allowed_bad_events: int | None = Field(description="Events basis: whole bad events allowed, rounded down.")
    error_ratio: float = Field(description="Bad fraction over the elapsed part.")
    consumed_fraction: float = Field(description="Budget spent; above 1 when overspent.")
    remaining_fraction: float = Field(description="1 - consumed; negative when overspent.")
    remaining_seconds: float | None = Field(description="Time basis: downtime still allowed.")
    remaining_events: int | None = Field(
        description="Events basis: whole bad events still allowed, rounded down; negative when overspent."
    )
    burn_rate: float = Field(description="Error ratio / (1 - SLO) over the elapsed part.")
    projected_consumed_fraction: float = Field(description="Budget spent by window end at this burn rate.")
    seconds_to_exhaustion: float | None = Field(description="From now at this burn rate; 0 if spent; null if never.")
    time_to_exhaustion: str = Field(description="Human form: e.g. 13d 4h, now, never.")
    exhausts_before_window_end: bool = Field(description="Budget runs out before the window ends at this rate.")
    state: BudgetState = Field(description="Policy state: healthy, at_risk or exhausted.")
    consequence: str = Field(description="What the policy state means for releases.")
    reason: str = Field(description="Why this state.")
    summary: str = Field(description="One line in plain words.")


@exact
def budget_status(
    objective: NumberLike,
    window: str,
    downtime_seconds: NumberLike | None = None,
    bad_events: NumberLike | None = None,
    total_events: NumberLike | None = None,
    elapsed: str | None = None,
    at_risk_threshold: NumberLike = 25,
    exhausted_threshold: NumberLike = 100,
) -> BudgetStatus:
    """Error budget consumed and remaining, the burn rate so far, projected exhaustion and the policy state.

    Give either `downtime_seconds` (time-based SLO) or `bad_events` with `total_events` (events counted over
    the elapsed part; the window's total is extrapolated at the same rate). Burn rate = consumed * window /
    elapsed. States: exhausted when at least `exhausted_threshold` percent of the budget is spent; at_risk
    when less than `at_risk_threshold` percent remains or the budget runs out before the window ends at the
    current burn rate (burn rate above 1); otherwise healthy.

    Args:
        objective: SLO target in percent (e.g. 99.9).
        window: the SLO window ("30d", "28d", "P30D", ...).
        downtime_seconds: full-outage seconds so far in the window.
        bad_events: bad events so far; requires total_events.
        total_events: valid events so far; requires bad_events.
        elapsed: how much of the window has passed ("10d"); defaults to the whole window.
        at_risk_threshold: percent of budget remaining below which the state is at_risk (default 25).
        exhausted_threshold: percent of budget spent from which the state is exhausted (default 100).

    Raises:
        InvalidArgument: an argument is out of range or the combination is inconsistent; it is named.
    """
    args = validate_input(
        BudgetStatusInput,
        {
            "objective": objective,
            "window": window,
            "downtime_seconds": downtime_seconds,
            "bad_events": bad_events,
            "total_events": total_events,
            "elapsed": elapsed,
            "at_risk_threshold": at_risk_threshold,
            "exhausted_threshold": exhausted_threshold,
        },
    )
    budget_ratio = ONE - args.objective / HUNDRED
    window_s = args.window
    elapsed_s = window_s if args.elapsed is None else args.elapsed
    budget_s = budget_ratio * window_s
    remaining_s: Decimal | None = None
    remaining_events: int | None = None
    allowed_bad: Decimal | None = None
    if args.downtime_seconds is not None:
        error_ratio = args.downtime_seconds / elapsed_s
    else:
        assert args.bad_events is not None  # by BudgetStatusInput
        assert args.total_events is not None
        error_ratio = args.bad_events / args.total_events
        allowed_bad = budget_ratio * args.total_events * window_s / elapsed_s
    burn = error_ratio / budget_ratio
    consumed = burn * elapsed_s / window_s
    remaining = ONE - consumed
    if args.downtime_seconds is not None:
        remaining_s = budget_s - args.downtime_seconds
    elif allowed_bad is not None and args.bad_events is not None:
        remaining_events = floor_int(allowed_bad - args.bad_events)
    if consumed >= 1:
        to_exhaustion: Decimal | None = Decimal(0)
    elif burn == 0:
        to_exhaustion = None
    else:
        to_exhaustion = remaining * window_s / burn
    before_end = consumed >= 1 or (to_exhaustion is not None and to_exhaustion < window_s - elapsed_s)

    if consumed * HUNDRED >= args.exhausted_threshold:
        state: BudgetState = "exhausted"
        reason = (
            f"{fmt_percent_spent(consumed)} of the budget is spent "
            f"(exhausted at {fmt_plain(args.exhausted_threshold)}%)"
        )
    elif remaining * HUNDRED < args.at_risk_threshold:
        state = "at_risk"
        reason = f"{fmt_percent_down(remaining)} of the budget remains (below {fmt_plain(args.at_risk_threshold)}%)"
    elif before_end:
        state = "at_risk"
        reason = (
            f"at burn rate {fmt_number(burn)} the budget runs out before the window ends "
            f"({fmt_percent(burn)} projected)"
        )
    else:
        state = "healthy"
        reason = f"{fmt_percent_down(remaining)} of the budget remains; {fmt_percent(burn)} projected by window end"
    # Durations never round toward a budget the service does not have: time left and time to exhaustion are
    # cut at the millisecond, an overspend is rounded up.
    when = "never" if to_exhaustion is None else "now" if to_exhaustion == 0 else format_duration(to_exhaustion)
    label = format_window(window_s)
    if remaining_s is not None:
        left = (
            f"{format_duration(remaining_s)} left"
            if remaining_s >= 0
            else f"overspent by {format_duration(-remaining_s, round_up=True)}"
        )
    else:
        spare = remaining_events or 0
        left = f"{fmt_count(spare)} bad events left" if spare >= 0 else f"overspent by {fmt_count(-spare)} bad events"
    summary = (
        f"{fmt_plain(args.objective)}% over {label}: {fmt_percent_spent(consumed)} of the error budget spent, {left}; "
        f"burn rate {fmt_number(burn)}; {state.replace('_', ' ')}"
    )
    return BudgetStatus(
        objective_percent=as_float(args.objective),
        window=label,
        window_seconds=as_float(window_s),
        elapsed_seconds=as_float(elapsed_s),
        basis="time" if args.downtime_seconds is not None else "events",
        budget_seconds=as_float(budget_s),
        allowed_bad_events=None if allowed_bad is None else floor_int(allowed_bad),
        error_ratio=as_float(error_ratio),
        consumed_fraction=as_float(consumed),
        remaining_fraction=as_float(remaining),
        remaining_seconds=as_float_or_none(remaining_s),
        remaining_events=remaining_events,
        burn_rate=as_float(burn),
        projected_consumed_fraction=as_float(burn),
        seconds_to_exhaustion=as_float_or_none(to_exhaustion),
        time_to_exhaustion=when,
        exhausts_before_window_end=before_end,
        state=state,
        consequence=CONSEQUENCES[state],
        reason=reason,
        summary=summary,
    )
