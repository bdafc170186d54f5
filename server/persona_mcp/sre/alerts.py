"""Multi-window, multi-burn-rate alerts: for an objective and its window, the long and short windows, burn
rates and budget spent per alert of the SRE Workbook's profile (or Sloth's, or a custom set), with the time
each takes to fire at its own burn rate and whether it pages or opens a ticket.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.durations import DAY, format_duration, format_window, parse_duration
from persona_mcp.sre.numbers import (
    HUNDRED,
    ONE,
    Duration,
    Num,
    NumberLike,
    Percent,
    Result,
    StrictInput,
    as_float,
    as_float_or_none,
    exact,
    fmt_number,
    fmt_percent,
    fmt_plain,
    validate_input,
)

AlertProfile = Literal["workbook", "sloth", "custom"]

PROFILES: dict[str, tuple[tuple[str, str, str], ...]] = {
    # SRE Workbook, "Alerting on SLOs", table 5-8: (severity, budget fraction, long window).
    "workbook": (("page", "0.02", "1h"), ("page", "0.05", "6h"), ("ticket", "0.1", "3d")),
    # Sloth's default multiwindow, multi-burn-rate alerts.
    "sloth": (("page", "0.02", "1h"), ("page", "0.05", "6h"), ("ticket", "0.1", "1d"), ("ticket", "0.1", "3d")),
}
"""The alert profiles: each alert's severity, budget fraction spent when it fires, and long window."""


WORKBOOK_WINDOWS = (28 * DAY, 30 * DAY)
"""SLO windows the profiles' alert windows are stated for: the SRE Workbook's table is for 30 days, and 28 days
keeps the same windows (its factors scale by 28/30: 13.44, 5.6, 0.93)."""

MIN_PAGE_BURN = Decimal(2)
"""No page below a 2x burn: at 2x a 30-day budget lasts 15 days, time for a ticket, not a wake-up."""

MIN_SHORT_WINDOW = Decimal(60)
"""Shortest short window after scaling, in seconds: a rate over less than a minute holds too few samples at
common scrape intervals (15 to 60 s)."""


def _profile_specs(profile: str, window_s: Decimal) -> list[tuple[str, Decimal, Decimal]]:
    """(severity, burn rate, long window) of each alert of `profile` for an SLO window of `window_s`.

    For 28 and 30 days the Workbook's windows stay and the burn rate follows from the budget fraction. For any
    other window the burn rates stay those of 30 days (14.4, 6, 1 in the Workbook) and the windows scale with
    the SLO window, so each alert still fires after the same fraction of the budget and a factor keeps its
    meaning: this is Pyrra's approach (pyrra-dev/pyrra, slo/rules.go, Windows(), which scales its windows by
    window/28d). Keeping the windows and scaling only the factors made a 7-day SLO page at 1.4x and a 90-day
    one miss every slow burn. Scaled windows are whole seconds.

    Raises:
        InvalidArgument: If the window is shorter than a day: its alert windows would be minutes long.
    """
    specs = []
    thirty = 30 * DAY
    if window_s not in WORKBOOK_WINDOWS and window_s < DAY:
        raise InvalidArgument(
            "window",
            f"{format_window(window_s)} is too short for multiwindow burn-rate alerts; use a window of 1d or "
            "more (alert windows scale with it: 30d gives 1h/5m for the fastest page)",
        )
    for severity, fraction, long_window in PROFILES[profile]:
        base_long = parse_duration(long_window)
        if window_s in WORKBOOK_WINDOWS:
            specs.append((severity, Decimal(fraction) * window_s / base_long, base_long))
        else:
            burn = Decimal(fraction) * thirty / base_long
            specs.append((severity, burn, (base_long * window_s / thirty).to_integral_value()))
    return specs


class CustomAlert(StrictInput):
    """One custom alert: give either the budget fraction it spends before firing or its burn rate."""

    severity: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)] = Field(
        description="e.g. page or ticket."
    )
    long_window: Duration = Field(description="Long window, e.g. 1h; the short window is 1/12 of it.")
    budget_fraction: Annotated[Decimal, Num("a fraction", gt="0", le="1", example="0.02")] | None = Field(
        default=None, description="Budget spent when it fires, e.g. 0.02."
    )
    burn_rate: Annotated[Decimal, Num("a burn rate", gt="0", le="1e6", example="14.4")] | None = Field(
        default=None, description="Burn-rate factor, e.g. 14.4."
    )

    @model_validator(mode="after")
    def _one_of(self) -> CustomAlert:
        if (self.budget_fraction is None) == (self.burn_rate is None):
            raise InvalidArgument("budget_fraction", "or burn_rate is required: give exactly one of them")
        return self


class BurnRateAlertsInput(StrictInput):
    """Arguments of `burn_rate_alerts`."""

    objective: Percent = Field(description="SLO target in percent, e.g. 99.9.")
    window: Duration = Field(description="SLO window, e.g. 30d.")
    profile: AlertProfile = Field(default="workbook", description="workbook, sloth or custom.")
    alerts: list[CustomAlert] | None = Field(default=None, max_length=20, description="Alerts for profile custom.")

    @model_validator(mode="after")
    def _alerts_match_profile(self) -> BurnRateAlertsInput:
        if self.profile == "custom" and not self.alerts:
            raise InvalidArgument("alerts", "is required (at least one alert) when profile is 'custom'")
        if self.profile != "custom" and self.alerts is not None:
            raise InvalidArgument("alerts", f"is only used with profile 'custom', got profile {self.profile!r}")
        return self


class Alert(Result):
    """One multiwindow, multi-burn-rate alert: fires when both windows exceed the error-ratio threshold."""

    severity: str = Field(description="e.g. page or ticket.")
    budget_fraction: float = Field(description="Budget spent when it fires, e.g. 0.02.")
    long_window: str = Field(description="Long window label, e.g. 1h.")
    long_window_seconds: float = Field(description="Long window in seconds.")
    short_window: str = Field(description="Short window label (long/12), e.g. 5m.")
    short_window_seconds: float = Field(description="Short window in seconds.")
    burn_rate: float = Field(description="Burn-rate factor = budget_fraction * window / long_window.")
    error_ratio_threshold: float = Field(description="burn_rate * (1 - SLO).")
    can_fire: bool = Field(description="False when the threshold exceeds a 100% error ratio.")
    detection_seconds: float | None = Field(description="Time to fire at a 100% error ratio; null if it cannot fire.")
    detection_human: str | None = Field(description="Detection time, e.g. 51.84s.")
    budget_spent_when_fires: float = Field(description="Budget fraction spent when it fires (any error ratio).")
    finding: str | None = Field(description="Problem with this alert, if any.")


class BurnRateAlerts(Result):
    """The multiwindow, multi-burn-rate alerts for an SLO."""

    objective_percent: float = Field(description="SLO target in percent.")
    window: str = Field(description="SLO window label, e.g. 30d.")
    window_seconds: float = Field(description="SLO window in seconds.")
    profile: AlertProfile = Field(description="Profile used.")
    alerts: list[Alert] = Field(description="The alerts, in order.")
    findings: list[str] = Field(description="Problems found, e.g. an alert that can never fire.")
    summary: str = Field(description="One line in plain words.")


@exact
def burn_rate_alerts(
    objective: NumberLike,
    window: str,
    profile: AlertProfile = "workbook",
    alerts: Sequence[CustomAlert | Mapping[str, Any]] | None = None,
) -> BurnRateAlerts:
    """Multiwindow, multi-burn-rate alerts for an SLO, for any window from a day up.

    burn rate = budget_fraction * window / long_window; threshold = burn rate * (1 - SLO); the short window
    is 1/12 of the long one; detection time at error ratio e is threshold / e * long_window. For 28 and 30
    days the profiles keep the Workbook's windows (28d pages at 13.44x); for other windows the windows scale
    with the SLO window and the 30-day burn rates stay (see `_profile_specs`). No page fires below 2x, and the
    slowest alert catches any burn that would empty the budget (<= 1x); a custom set that breaks either gets
    a finding.

    Args:
        objective: SLO target in percent (e.g. 99.9).
        window: the SLO window ("30d", "28d", ...).
        profile: "workbook" (SRE Workbook: page 2%/1h, page 5%/6h, ticket 10%/3d), "sloth" (page 1h/5m and
            6h/30m, ticket 1d/2h and 3d/6h) or "custom".
        alerts: for "custom": items {severity, long_window, budget_fraction | burn_rate}.

    Raises:
        InvalidArgument: an argument is out of range, or `alerts` does not match `profile`.
    """
    given = None if alerts is None else list(alerts)
    args = validate_input(
        BurnRateAlertsInput, {"objective": objective, "window": window, "profile": profile, "alerts": given}
    )
    budget_ratio = ONE - args.objective / HUNDRED
    window_s = args.window
    specs: list[tuple[str, Decimal, Decimal]] = []  # (severity, burn rate, long window seconds)
    if args.profile == "custom":
        assert args.alerts is not None  # by BurnRateAlertsInput
        for alert in args.alerts:
            if alert.burn_rate is not None:
                specs.append((alert.severity, alert.burn_rate, alert.long_window))
            else:
                assert alert.budget_fraction is not None  # by CustomAlert
                specs.append((alert.severity, alert.budget_fraction * window_s / alert.long_window, alert.long_window))
    else:
        specs = _profile_specs(args.profile, window_s)
    results: list[Alert] = []
    findings: list[str] = []
    scaled = window_s not in WORKBOOK_WINDOWS and args.profile != "custom"
    for severity, burn, long_s in specs:
        spent = burn * long_s / window_s
        threshold = burn * budget_ratio
        short_s = max(MIN_SHORT_WINDOW, (long_s / 12).to_integral_value()) if scaled else long_s / 12
        can_fire = threshold <= 1
        problems = []
        if not can_fire:
            problems.append(
                f"{severity} at burn rate {fmt_number(burn)} over {format_window(long_s)} needs a "
                f"{fmt_percent(threshold)} error ratio and can never fire: "
                "lengthen the long window or lower the burn rate"
            )
        if long_s > window_s:
            problems.append(
                f"{severity} long window {format_window(long_s)} is longer than the SLO window "
                f"{format_window(window_s)}"
            )
        if spent > 1:
            problems.append(f"{severity} fires only after {fmt_percent(spent)} of the budget is spent")
        if severity == "page" and burn < MIN_PAGE_BURN:
            problems.append(
                f"page at burn rate {fmt_number(burn)} wakes someone for a burn under {fmt_plain(MIN_PAGE_BURN)}x, "
                "which a ticket can handle"
            )
        findings.extend(problems)
        detection = threshold * long_s if can_fire else None
        results.append(
            Alert(
                severity=severity,
                budget_fraction=as_float(spent),
                long_window=format_window(long_s),
                long_window_seconds=as_float(long_s),
                short_window=format_window(short_s),
                short_window_seconds=as_float(short_s),
                burn_rate=as_float(burn),
                error_ratio_threshold=as_float(threshold),
                can_fire=can_fire,
                detection_seconds=as_float_or_none(detection),
                detection_human=None if detection is None else format_duration(detection),
                budget_spent_when_fires=as_float(spent),
                finding="; ".join(problems) or None,
            )
        )
    slowest = min(burn for _, burn, _ in specs)
    if slowest > 1:
        findings.append(
            f"the slowest alert fires at burn rate {fmt_number(slowest)}: a burn between 1x and that empties the "
            "budget before the window ends and nothing fires"
        )
    label = format_window(window_s)
    listed = ", ".join(
        f"{a.severity} {fmt_number(burn)}x over {a.long_window}/{a.short_window}"
        for a, (_, burn, _) in zip(results, specs, strict=True)
    )
    summary = f"{fmt_plain(args.objective)}% over {label}: {listed}"
    if scaled:
        summary += f" (windows scaled by {label}/30d)"
    if findings:
        summary += f"; {len(findings)} problem(s)"
    return BurnRateAlerts(
        objective_percent=as_float(args.objective),
        window=label,
        window_seconds=as_float(window_s),
        profile=args.profile,
        alerts=results,
        findings=findings,
        summary=summary,
    )
