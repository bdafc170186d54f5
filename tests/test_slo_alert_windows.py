"""Burn-rate alerts for any SLO window: the windows scale, the burn rates keep their meaning.

Keeping the Workbook's 30-day windows and scaling only the factors made a 7-day SLO page at 1.4x and a
90-day one miss any slow burn (issue 13). Now, as in Pyrra (slo/rules.go, Windows()), the windows scale with
the SLO window and the 30-day burn rates stay; 28 and 30 days keep exactly the figures they had.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.alerts import MIN_PAGE_BURN, burn_rate_alerts
from persona_mcp.sre.durations import DAY

# (window, profile) -> burn rates and long windows; 28d and 30d as before, the rest scaled.
TABLE = [
    ("30d", "workbook", [14.4, 6.0, 1.0], [3600, 21_600, 259_200]),
    ("28d", "workbook", [13.44, 5.6, 0.9333333333333333], [3600, 21_600, 259_200]),  # unchanged figures
    ("7d", "workbook", [14.4, 6.0, 1.0], [840, 5_040, 60_480]),  # 1h * 7/30 = 14m
    ("90d", "workbook", [14.4, 6.0, 1.0], [10_800, 64_800, 777_600]),  # 3h, 18h, 9d
    ("1d", "workbook", [14.4, 6.0, 1.0], [120, 720, 8_640]),  # the shortest window accepted
    ("7d", "sloth", [14.4, 6.0, 3.0, 1.0], [840, 5_040, 20_160, 60_480]),
]


@pytest.mark.parametrize(("window", "profile", "burns", "longs"), TABLE)
def test_alert_windows_scale_with_the_slo_window(
    window: str, profile: str, burns: list[float], longs: list[int]
) -> None:
    result = burn_rate_alerts(99.9, window, profile)  # type: ignore[arg-type]
    assert [a.burn_rate for a in result.alerts] == pytest.approx(burns, rel=1e-12)
    assert [a.long_window_seconds for a in result.alerts] == longs
    assert not result.findings


@pytest.mark.parametrize("window", ["7d", "14d", "90d", "365d"])
def test_each_alert_spends_the_same_budget_as_at_30_days(window: str) -> None:
    thirty = burn_rate_alerts(99.9, "30d")
    other = burn_rate_alerts(99.9, window)
    assert [a.budget_spent_when_fires for a in other.alerts] == pytest.approx(
        [a.budget_spent_when_fires for a in thirty.alerts], rel=1e-6
    )


@settings(max_examples=300)
@given(
    days=st.integers(min_value=1, max_value=365),
    hours=st.integers(min_value=0, max_value=23),
    objective=st.sampled_from(["90", "99", "99.5", "99.9", "99.95", "99.99", "99.999"]),
    profile=st.sampled_from(["workbook", "sloth"]),
)
def test_no_page_below_2x_and_the_slowest_alert_catches_any_budget_emptying_burn(
    days: int, hours: int, objective: str, profile: str
) -> None:
    result = burn_rate_alerts(objective, f"{days}d{hours}h" if hours else f"{days}d", profile)  # type: ignore[arg-type]
    pages = [a.burn_rate for a in result.alerts if a.severity == "page"]
    assert min(pages) >= MIN_PAGE_BURN
    assert min(a.burn_rate for a in result.alerts) <= 1
    assert all(a.short_window_seconds >= 60 for a in result.alerts)
    assert all(a.long_window_seconds <= result.window_seconds for a in result.alerts)
    assert not any("slowest" in f or "under 2x" in f for f in result.findings)


@pytest.mark.parametrize("window", ["12h", "1h", "23h59m"])
def test_a_window_under_a_day_is_refused_naming_the_window(window: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        burn_rate_alerts(99.9, window)
    assert caught.value.argument == "window"


@pytest.mark.parametrize(
    ("alerts", "finding"),
    [
        ([{"severity": "page", "burn_rate": 1.5, "long_window": "6h"}], "under 2x"),  # pages a slow burn
        ([{"severity": "ticket", "burn_rate": 3, "long_window": "1d"}], "slowest alert"),  # misses burns 1x-3x
        ([{"severity": "page", "burn_rate": 2, "long_window": "6h"}], "slowest alert"),  # 2x pages: allowed
    ],
)
def test_custom_alerts_that_break_the_rules_get_a_finding(alerts: list[dict[str, object]], finding: str) -> None:
    result = burn_rate_alerts(99.9, "30d", "custom", alerts)
    assert any(finding in f for f in result.findings)
    if finding != "under 2x":
        assert not any("under 2x" in f for f in result.findings)


def test_the_day_is_the_unit_of_the_bound() -> None:
    assert burn_rate_alerts(99.9, "1d").window_seconds == float(DAY) == float(Decimal(86_400))
