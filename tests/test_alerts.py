"""Burn-rate alerts (sre/alerts.py): every finding at its line, both sides, and the figures of an alert.

The rules, from the SRE Workbook ("Alerting on SLOs") and the code's own docstrings: an alert whose error-ratio
threshold (burn rate x (1 - SLO)) is over 100% can never fire; a long window longer than the SLO window, or an
alert that fires only after the whole budget is spent, is a mistake; a page below a 2x burn wakes someone for
what a ticket handles; and unless the slowest alert is at 1x or less, a burn between 1x and it empties the
budget with nothing firing. Expected figures are worked by hand in the comments.
"""

from __future__ import annotations

from typing import Any

import pytest

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.alerts import burn_rate_alerts


def _custom(objective: Any, window: str, *alerts: dict[str, Any]) -> Any:
    return burn_rate_alerts(objective, window, "custom", list(alerts))


def _ticket(burn: Any = 1, long_window: str = "3d") -> dict[str, Any]:
    """A ticket at 1x over 3 days: keeps the 'slowest alert' finding out of tests about something else."""
    return {"severity": "ticket", "burn_rate": burn, "long_window": long_window}


@pytest.mark.parametrize(
    ("burn", "can_fire"),
    [
        ("100", True),  # 100 x (1 - 0.99) = 1: a 100% error ratio fires it, in exactly the long window
        ("100.01", False),
        ("99.99", True),
    ],
)
def test_an_alert_needing_more_than_every_request_to_fail_can_never_fire(burn: str, can_fire: bool) -> None:
    result = _custom(99, "30d", {"severity": "page", "burn_rate": burn, "long_window": "5m"}, _ticket())
    page = result.alerts[0]
    assert page.can_fire is can_fire
    assert any("can never fire" in f for f in result.findings) is not can_fire
    if can_fire:
        assert page.detection_seconds == pytest.approx(float(burn) / 100 * 300, rel=1e-12)
        assert page.finding is None
    else:
        assert (page.detection_seconds, page.detection_human) == (None, None)
        assert page.finding == (
            "page at burn rate 100 over 5m needs a 100% error ratio and can never fire: lengthen the long window or "
            "lower the burn rate"
        )


@pytest.mark.parametrize(("long_window", "too_long"), [("30d", False), ("30d1s", True), ("29d", False)])
def test_a_long_window_may_be_as_long_as_the_slo_window_not_longer(long_window: str, too_long: bool) -> None:
    result = _custom(99.9, "30d", _ticket("0.5", long_window))
    assert any("is longer than the SLO window 30d" in f for f in result.findings) is too_long


@pytest.mark.parametrize("fraction", ["1", "0.99"])
def test_an_alert_may_fire_when_the_whole_budget_is_spent_not_later(fraction: str) -> None:
    result = _custom(99.9, "30d", {"severity": "ticket", "budget_fraction": fraction, "long_window": "30d"})
    assert result.alerts[0].budget_spent_when_fires == float(fraction)
    assert not any("fires only after" in f for f in result.findings)


@pytest.mark.parametrize(
    ("burn", "long_window", "late", "shown"),
    [
        ("1", "30d", False, ""),  # 1x over the whole window spends exactly the budget
        ("1.5", "30d", True, "ticket fires only after 150% of the budget is spent"),
        ("2", "16d", True, "ticket fires only after 106.7% of the budget is spent"),  # 2 x 16 / 30
        ("2", "15d", False, ""),  # 2 x 15 / 30 = 1
    ],
)
def test_an_alert_that_fires_only_after_the_budget_is_gone_is_a_finding(
    burn: str, long_window: str, late: bool, shown: str
) -> None:
    result = _custom(99.9, "30d", _ticket(burn, long_window), _ticket())
    assert (shown in result.findings) is late


@pytest.mark.parametrize(
    ("severity", "burn", "flagged"),
    [("page", "2", False), ("page", "1.99", True), ("page", "1", True), ("ticket", "1.5", False)],
)
def test_no_page_below_a_2x_burn(severity: str, burn: str, flagged: bool) -> None:
    result = _custom(99.9, "30d", {"severity": severity, "burn_rate": burn, "long_window": "1h"}, _ticket())
    finding = f"page at burn rate {burn} wakes someone for a burn under 2x, which a ticket can handle"
    assert (finding in result.findings) is flagged


@pytest.mark.parametrize(("slowest", "flagged"), [("1", False), ("0.5", False), ("1.01", True), ("3", True)])
def test_the_slowest_alert_must_catch_any_burn_that_empties_the_budget(slowest: str, flagged: bool) -> None:
    result = _custom(99.9, "30d", {"severity": "page", "burn_rate": 14.4, "long_window": "1h"}, _ticket(slowest))
    finding = (
        f"the slowest alert fires at burn rate {slowest}: a burn between 1x and that empties the budget before the "
        "window ends and nothing fires"
    )
    assert (finding in result.findings) is flagged
    assert result.summary.endswith("; 1 problem(s)") is flagged


# --- windows ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "shorts"),
    [
        ("30d", [300, 1_800, 21_600]),  # the Workbook's: 1h/5m, 6h/30m, 3d/6h, long / 12
        ("28d", [300, 1_800, 21_600]),  # the same windows
        ("7d", [70, 420, 5_040]),  # scaled: 840 s / 12 = 70 s
        ("1d", [60, 60, 720]),  # 120 s / 12 = 10 s and 720 s / 12 = 60 s: never under a minute
        ("5d", [60, 300, 3_600]),  # 600 s / 12 = 50 s -> 60 s
        ("6d", [60, 360, 4_320]),  # 720 s / 12 = 60 s exactly
    ],
)
def test_the_short_window_is_a_twelfth_of_the_long_and_at_least_a_minute_when_scaled(
    window: str, shorts: list[int]
) -> None:
    result = burn_rate_alerts(99.9, window)
    assert [a.short_window_seconds for a in result.alerts] == shorts


@pytest.mark.parametrize(
    ("window", "longs", "shorts"),
    [
        # 1d8m20s = 86,900 s: the fast page's 3,600 x 86,900 / 2,592,000 = 120.69 s rounds to 121 s, not down
        ("1d8m20s", [121, 724, 8_690], [60, 60, 724]),
        # 7d2h = 612,000 s: 850 s long, and 850 / 12 = 70.83 s rounds to 71 s, not down to 70
        ("7d2h", [850, 5_100, 61_200], [71, 425, 5_100]),
    ],
)
def test_scaled_windows_are_rounded_to_the_nearest_second(window: str, longs: list[int], shorts: list[int]) -> None:
    result = burn_rate_alerts(99.9, window)
    assert [a.long_window_seconds for a in result.alerts] == longs
    assert [a.short_window_seconds for a in result.alerts] == shorts


@pytest.mark.parametrize("severity", ["critical", "high", "ticket"])
def test_only_a_page_is_held_to_the_2x_floor(severity: str) -> None:
    # The rule is about waking someone: severity "page" (the Workbook's and Sloth's word); other labels are
    # the user's own and are not guessed at.
    result = _custom(99.9, "30d", {"severity": severity, "burn_rate": "1.5", "long_window": "1h"}, _ticket())
    assert not any("under 2x" in f for f in result.findings)


def test_a_custom_severity_is_read_without_surrounding_space_and_may_be_one_letter() -> None:
    result = _custom(99.9, "30d", {"severity": " page ", "burn_rate": "1.5", "long_window": "1h"}, _ticket("1", "3d"))
    assert result.alerts[0].severity == "page"
    assert "page at burn rate 1.5 wakes someone for a burn under 2x, which a ticket can handle" in result.findings
    assert _custom(99.9, "30d", {"severity": "P", "burn_rate": 1, "long_window": "3d"}).alerts[0].severity == "P"


def test_a_custom_short_window_is_exactly_a_twelfth_of_the_long() -> None:
    result = _custom(99.9, "30d", {"severity": "ticket", "burn_rate": 1, "long_window": "1h1m1s"})
    assert result.alerts[0].short_window_seconds == pytest.approx(3661 / 12, rel=1e-15)  # 305.083 s, not 305


def test_custom_alerts_keep_their_own_short_windows() -> None:
    result = _custom(99.9, "7d", {"severity": "page", "burn_rate": 14.4, "long_window": "6m"}, _ticket(1, "1d"))
    assert result.alerts[0].short_window_seconds == 30  # 6m / 12: custom windows are the user's, never scaled
    assert "scaled" not in result.summary


@pytest.mark.parametrize(("window", "accepted"), [("1d", True), ("23h59m59s", False), ("24h", True), ("86401s", True)])
def test_alerts_need_a_window_of_a_day_or_more(window: str, accepted: bool) -> None:
    if accepted:
        assert burn_rate_alerts(99.9, window).alerts
        return
    with pytest.raises(InvalidArgument) as caught:
        burn_rate_alerts(99.9, window)
    assert (caught.value.argument, caught.value.message) == (
        "window",
        "23h59m59s is too short for multiwindow burn-rate alerts; use a window of 1d or more (alert windows scale "
        "with it: 30d gives 1h/5m for the fastest page)",
    )


# --- figures and summary ------------------------------------------------------------------------------------


def test_the_fast_page_of_a_999_slo_over_30_days() -> None:
    page = burn_rate_alerts(99.9, "30d").alerts[0]
    assert (page.burn_rate, page.long_window, page.short_window) == (14.4, "1h", "5m")
    assert page.error_ratio_threshold == pytest.approx(0.0144, rel=1e-12)  # 14.4 x 0.1%
    assert page.detection_seconds == pytest.approx(51.84, rel=1e-12)  # 0.0144 x 3600 s at a 100% error ratio
    assert page.detection_human == "51.84s"
    assert page.budget_spent_when_fires == pytest.approx(0.02, rel=1e-12)


def test_the_summary_lists_each_alert_and_says_when_windows_were_scaled() -> None:
    assert burn_rate_alerts(99.9, "30d").summary == (
        "99.9% over 30d: page 14.4x over 1h/5m, page 6x over 6h/30m, ticket 1x over 3d/6h"
    )
    assert burn_rate_alerts("99.90", "7d").summary == (
        "99.9% over 7d: page 14.4x over 14m/1m10s, page 6x over 1h24m/7m, ticket 1x over 16h48m/1h24m "
        "(windows scaled by 7d/30d)"
    )


@pytest.mark.parametrize(
    ("profile", "alerts", "message"),
    [
        ("custom", None, "is required (at least one alert) when profile is 'custom'"),
        ("custom", [], "is required (at least one alert) when profile is 'custom'"),
        ("workbook", [], "is only used with profile 'custom', got profile 'workbook'"),
        ("custom", [_ticket()] * 21, "must have at most 20 item(s)"),
        ("custom", [{"severity": "page", "long_window": "1h"}], "[0].budget_fraction or burn_rate is required"),
        (
            "custom",
            [{"severity": "page", "long_window": "1h", "burn_rate": 2, "budget_fraction": "0.1"}],
            "[0].budget_fraction or burn_rate is required: give exactly one of them",
        ),
        ("custom", [{"severity": "page", "long_window": "1h", "burn_rate": 0}], "[0].burn_rate must be a burn rate"),
        ("custom", [{"severity": "page", "long_window": "1h", "burn_rate": 1_000_001}], "at most 1e6"),
        ("custom", [{"severity": "page", "long_window": "1h", "budget_fraction": "1.01"}], "a fraction greater"),
        ("custom", [{"severity": "", "long_window": "1h", "burn_rate": 2}], "[0].severity must not be empty"),
        ("custom", [{"severity": "p" * 33, "long_window": "1h", "burn_rate": 2}], "at most 32 characters"),
    ],
)
def test_bad_alerts_are_named(profile: str, alerts: Any, message: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        burn_rate_alerts(99.9, "30d", profile, alerts)  # type: ignore[arg-type]
    assert caught.value.argument == "alerts"
    assert message in caught.value.message


def test_twenty_custom_alerts_are_accepted() -> None:
    assert len(_custom(99.9, "30d", *[_ticket()] * 20).alerts) == 20
