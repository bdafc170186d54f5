"""Invariants of the SLO and availability math, checked on generated inputs (hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from persona_mcp.sre.availability import composite_availability
from persona_mcp.sre.budget import budget_status
from persona_mcp.sre.capacity import capacity_forecast
from persona_mcp.sre.durations import format_window, parse_duration
from persona_mcp.sre.numbers import error_budget_seconds

FAST = settings(max_examples=200, deadline=None)

objectives = st.decimals(min_value=Decimal("50"), max_value=Decimal("99.9999"), places=4).filter(
    lambda d: Decimal(0) < d < Decimal(100)
)
windows = st.integers(min_value=1, max_value=3650).map(lambda days: f"{days}d")
availabilities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100"), places=3).map(str)
parts = st.lists(availabilities, min_size=1, max_size=8)


def _leaves(percents: list[str]) -> list[dict[str, Any]]:
    return [{"availability": p} for p in percents]


def _ratio(system: dict[str, Any]) -> float:
    return composite_availability(system).availability_ratio


@FAST
@given(objectives, windows)
def test_allowed_downtime_is_exact_to_the_decimal_text(objective: Decimal, window: str) -> None:
    days = int(window.removesuffix("d"))
    expected = (1 - Fraction(objective) / 100) * days * 86_400
    assert Fraction(error_budget_seconds(str(objective), window)) == expected


@FAST
@given(objectives, windows)
def test_burning_at_rate_1_for_the_whole_window_spends_exactly_the_budget(objective: Decimal, window: str) -> None:
    downtime = error_budget_seconds(str(objective), window)
    result = budget_status(str(objective), window, downtime_seconds=str(downtime))
    assert result.burn_rate == 1.0
    assert result.consumed_fraction == 1.0
    assert result.state == "exhausted"


@FAST
@given(objectives, st.integers(min_value=1, max_value=10**9))
def test_bad_events_at_the_budgeted_ratio_spend_exactly_the_budget(objective: Decimal, total: int) -> None:
    bad = (1 - objective / 100) * total
    result = budget_status(str(objective), "30d", bad_events=str(bad), total_events=total)
    assert result.burn_rate == 1.0
    assert result.consumed_fraction == 1.0


@FAST
@given(parts)
def test_serial_availability_never_exceeds_its_weakest_part(percents: list[str]) -> None:
    assert _ratio({"serial": _leaves(percents)}) <= min(float(Decimal(p) / 100) for p in percents)


@FAST
@given(parts)
def test_parallel_availability_never_falls_below_its_best_part(percents: list[str]) -> None:
    assert _ratio({"parallel": _leaves(percents)}) >= max(float(Decimal(p) / 100) for p in percents)


@FAST
@given(parts)
def test_k_of_n_with_k_1_is_parallel_and_with_k_n_is_serial(percents: list[str]) -> None:
    leaves = _leaves(percents)
    assert _ratio({"k_of_n": {"k": 1, "of": leaves}}) == _ratio({"parallel": leaves})
    assert _ratio({"k_of_n": {"k": len(leaves), "of": leaves}}) == _ratio({"serial": leaves})


@FAST
@given(parts, st.data())
def test_k_of_n_lies_between_serial_and_parallel_and_falls_as_k_grows(percents: list[str], data: Any) -> None:
    leaves = _leaves(percents)
    k = data.draw(st.integers(min_value=1, max_value=len(leaves)))
    at_k = _ratio({"k_of_n": {"k": k, "of": leaves}})
    assert _ratio({"serial": leaves}) <= at_k <= _ratio({"parallel": leaves})
    if k < len(leaves):
        assert _ratio({"k_of_n": {"k": k + 1, "of": leaves}}) <= at_k


@FAST
@given(
    st.decimals(min_value=Decimal("1"), max_value=Decimal("79"), places=1),
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal("200"), places=1),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
)
def test_more_lead_time_never_gives_a_later_order_period(
    utilization: Decimal, growth: Decimal, lead_a: Decimal, lead_b: Decimal
) -> None:
    shorter, longer = sorted((lead_a, lead_b))
    early = capacity_forecast(1000, str(utilization), 80, str(growth), lead_time_periods=str(shorter))
    late = capacity_forecast(1000, str(utilization), 80, str(growth), lead_time_periods=str(longer))
    assert early.order_by_period is not None
    assert late.order_by_period is not None
    assert late.order_by_period <= early.order_by_period


@FAST
@given(st.integers(min_value=1, max_value=3650 * 86_400_000))
def test_window_labels_parse_back_to_the_same_seconds(millis: int) -> None:
    seconds = Decimal(millis) / 1000
    assert parse_duration(format_window(seconds)) == seconds
