"""SLO and reliability math against the public reference values (reference/slo-vectors.md) and the research.

Reference values are exact where the arithmetic is (99.9% of 30 days is 2592 s, not 2591.9999...), so most
cases assert equality; the rest use a relative tolerance of 1e-9 as slo-vectors.md allows.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.alerts import Alert, BurnRateAlerts, burn_rate_alerts
from persona_mcp.sre.availability import (
    CompositeAvailability,
    DependencyCheck,
    LeafNode,
    SerialNode,
    WeakestLink,
    composite_availability,
)
from persona_mcp.sre.budget import CONSEQUENCES, BudgetStatus, ErrorBudget, budget_status, error_budget
from persona_mcp.sre.capacity import CapacityForecast, capacity_forecast
from persona_mcp.sre.numbers import (
    MAX_TREE_DEPTH,
    MAX_TREE_NODES,
    error_budget_seconds,
    parse_percent,
    time_to_exhaustion,
)
from persona_mcp.sre.oncall import OncallLoad, oncall_load
from persona_mcp.sre.toil import ToilAssessment, ToilTaskResult, toil_assessment

DAY = 86_400
HOUR = 3_600


# --- allowed downtime: slo-vectors.md, "Allowed downtime (seconds) = (1 - SLO) x period" ----------------

DOWNTIME_TABLE = [
    # 99%
    ("99", "1d", "864"),  # 1% of a day
    ("99", "7d", "6048"),  # 1% of a week
    ("99", "30d", "25920"),  # 1% of 30 days: 7h 12m
    ("99", "90d", "77760"),  # 1% of 90 days
    ("99", "365d", "315360"),  # 1% of a 365-day year: 3d 15h 36m
    # 99.5%
    ("99.5", "1d", "432"),  # 0.5% of a day
    ("99.5", "7d", "3024"),  # 0.5% of a week
    ("99.5", "30d", "12960"),  # 0.5% of 30 days
    ("99.5", "90d", "38880"),  # 0.5% of 90 days
    ("99.5", "365d", "157680"),  # 0.5% of a year
    # 99.9%
    ("99.9", "1d", "86.4"),  # 0.1% of a day
    ("99.9", "7d", "604.8"),  # 0.1% of a week
    ("99.9", "30d", "2592"),  # 0.1% of 30 days: 43 min 12 s
    ("99.9", "90d", "7776"),  # 0.1% of 90 days
    ("99.9", "365d", "31536"),  # 0.1% of a year: 8h 45m 36s
    # 99.95%
    ("99.95", "1d", "43.2"),  # 0.05% of a day
    ("99.95", "7d", "302.4"),  # 0.05% of a week
    ("99.95", "30d", "1296"),  # 0.05% of 30 days: 21m 36s
    ("99.95", "90d", "3888"),  # 0.05% of 90 days
    ("99.95", "365d", "15768"),  # 0.05% of a year
    # 99.99%
    ("99.99", "1d", "8.64"),  # 0.01% of a day
    ("99.99", "7d", "60.48"),  # 0.01% of a week
    ("99.99", "30d", "259.2"),  # 0.01% of 30 days: 4m 19.2s
    ("99.99", "90d", "777.6"),  # 0.01% of 90 days
    ("99.99", "365d", "3153.6"),  # 0.01% of a year: 52m 33.6s
    # 99.999%
    ("99.999", "1d", "0.864"),  # 0.001% of a day
    ("99.999", "7d", "6.048"),  # 0.001% of a week
    ("99.999", "30d", "25.92"),  # 0.001% of 30 days
    ("99.999", "90d", "77.76"),  # 0.001% of 90 days
    ("99.999", "365d", "315.36"),  # 0.001% of a year: 5m 15.36s
]


@pytest.mark.parametrize(("objective", "window", "seconds"), DOWNTIME_TABLE)
def test_allowed_downtime_matches_the_reference_table_exactly(objective: str, window: str, seconds: str) -> None:
    assert error_budget_seconds(objective, window) == Decimal(seconds)
    result = error_budget(objective, window)
    assert result.allowed_downtime_seconds == float(seconds)
    assert result.window_seconds == float(window.removesuffix("d")) * DAY


@pytest.mark.parametrize(
    "objective",
    [
        99.9,  # a float keeps its decimal text
        "99.9",  # text
        "99.9%",  # text with a percent sign
        Decimal("99.90"),  # a Decimal with trailing zeros
    ],
)
def test_objective_is_read_exactly_from_its_decimal_text(objective: Any) -> None:
    result = error_budget(objective, "30d")
    assert result.allowed_downtime_seconds == 2592.0
    assert result.error_budget_ratio == 0.001
    assert parse_percent("objective", objective) == Decimal("0.999")


def test_the_research_example_allows_about_43_minutes_a_month() -> None:
    result = error_budget(99.9, "30d")
    assert result.allowed_downtime_human == "43m 12s"
    assert 43 * 60 <= result.allowed_downtime_seconds < 44 * 60
    assert result.window == "30d"


@pytest.mark.parametrize("window", ["30d", "P30D", "720h", "P4W2D"])
def test_equivalent_windows_give_the_same_budget(window: str) -> None:
    assert error_budget(99.9, window).allowed_downtime_seconds == 2592.0


def test_ten_requests_an_hour_allow_seven_whole_failures_in_30_days() -> None:
    # slo-vectors.md: 10 requests/hour over 30 days = 7200 requests; 0.1% of them = 7.2, so 7 whole failures
    # (issue 13: allowed bad events are whole events rounded down).
    result = error_budget(99.9, "30d", total_events=10 * 24 * 30)
    assert result.allowed_bad_events == 7
    assert result.total_events == 7200.0


def test_error_budget_without_events_or_sla_leaves_those_fields_empty() -> None:
    result = error_budget(99.9, "30d")
    assert (result.allowed_bad_events, result.sla_ok, result.finding) == (None, None, None)


@pytest.mark.parametrize(
    ("sla", "ok"),
    [
        (99.5, True),  # looser than the SLO: the SLO warns before the contract is breached
        (99.9, False),  # equal: no margin at all
        (99.95, False),  # tighter than the SLO: the contract breaks first
    ],
)
def test_an_sla_not_looser_than_the_slo_is_flagged(sla: float, ok: bool) -> None:
    result = error_budget(99.9, "30d", sla=sla)
    assert result.sla_ok is ok
    assert (result.finding is None) is ok
    assert result.sla_percent == sla


# --- budget status -----------------------------------------------------------------------------------


def test_twenty_minutes_down_of_a_43_minute_budget_leaves_about_23() -> None:
    # The research's worked example: 99.9% a month, 20 minutes used.
    result = budget_status(99.9, "30d", downtime_seconds=20 * 60)
    assert result.remaining_seconds == 1392.0  # 23.2 minutes
    assert result.consumed_fraction == pytest.approx(1200 / 2592, rel=1e-9)
    assert result.remaining_fraction == pytest.approx(1392 / 2592, rel=1e-9)
    assert result.state == "healthy"
    assert result.basis == "time"


def test_a_one_hour_full_outage_consumes_138_89_percent_of_a_30_day_budget() -> None:
    result = budget_status(99.9, "30d", downtime_seconds=HOUR)
    assert result.consumed_fraction == pytest.approx(1.388888888888889, rel=1e-9)  # 138.89%
    assert round(result.consumed_fraction * 100, 2) == 138.89
    assert result.remaining_seconds == -1008.0
    assert result.state == "exhausted"
    assert result.seconds_to_exhaustion == 0.0


def test_one_failure_in_7200_requests_is_13_89_percent_of_the_budget() -> None:
    result = budget_status(99.9, "30d", bad_events=1, total_events=7200)
    assert result.consumed_fraction == pytest.approx(1 / 7.2, rel=1e-9)  # 13.89%: the budget itself stays exact
    assert result.allowed_bad_events == 7  # 7.2 rounded down to whole events (issue 13)
    assert result.remaining_events == 6  # 6.2 rounded down
    assert result.basis == "events"


def test_one_failure_in_an_hour_of_ten_requests_is_a_100x_burn() -> None:
    # slo-vectors.md's note: the Workbook says 1,000x; 10% errors / 0.1% budget is 100x.
    result = budget_status(99.9, "30d", bad_events=1, total_events=10, elapsed="1h")
    assert result.burn_rate == 100.0
    assert result.consumed_fraction == pytest.approx(1 / 7.2, rel=1e-9)  # the same single failure
    assert result.exhausts_before_window_end is True


@pytest.mark.parametrize(
    ("burn_rate", "seconds"),
    [
        (1, 30 * DAY),  # burn rate 1 spends the budget exactly over the window
        (2, 15 * DAY),  # twice as fast: 15 days
        (10, 3 * DAY),  # 3 days
        (1000, Decimal("2592")),  # 43.2 minutes
    ],
)
def test_time_to_exhaust_a_full_budget_at_a_constant_burn_rate(burn_rate: int, seconds: int | Decimal) -> None:
    assert time_to_exhaustion("30d", burn_rate) == seconds


def test_burn_rate_35_exhausts_a_30_day_budget_in_20_571_hours() -> None:
    hours = time_to_exhaustion("30d", 35) / HOUR
    assert float(hours) == pytest.approx(20.571, abs=5e-4)
    assert hours == Decimal(720) / 35


def test_exhaustion_is_projected_from_now_at_the_burn_rate_so_far() -> None:
    # Burn rate 2 during the first day: 1 of 15 days spent, 14 more to go.
    result = budget_status(99.9, "30d", downtime_seconds="172.8", elapsed="1d")
    assert result.burn_rate == 2.0
    assert result.seconds_to_exhaustion == pytest.approx(14 * DAY, rel=1e-9)
    assert result.projected_consumed_fraction == 2.0
    assert result.exhausts_before_window_end is True
    assert result.state == "at_risk"


def test_no_errors_means_the_budget_never_runs_out() -> None:
    result = budget_status(99.9, "30d", downtime_seconds=0, elapsed="10d")
    assert result.burn_rate == 0.0
    assert result.seconds_to_exhaustion is None
    assert result.time_to_exhaustion == "never"
    assert result.state == "healthy"


@pytest.mark.parametrize(
    ("arguments", "state"),
    [
        ({"downtime_seconds": 500, "elapsed": "10d"}, "healthy"),  # 19% spent, on pace for 58%
        ({"downtime_seconds": 2000}, "at_risk"),  # 22.8% remains, below the 25% default
        ({"downtime_seconds": 1000, "elapsed": "10d"}, "at_risk"),  # on pace for 116%: runs out before the end
        ({"downtime_seconds": 2592}, "exhausted"),  # exactly 100% spent
        ({"downtime_seconds": 1200, "at_risk_threshold": 60}, "at_risk"),  # 53.7% remains, below a 60% threshold
        ({"downtime_seconds": 1200, "exhausted_threshold": 40}, "exhausted"),  # 46.3% spent, policy freezes at 40%
        ({"bad_events": 8, "total_events": 7200}, "exhausted"),  # 8 failures where 7.2 are allowed
    ],
)
def test_the_policy_state_follows_the_thresholds(arguments: dict[str, Any], state: str) -> None:
    result = budget_status(99.9, "30d", **arguments)
    assert result.state == state
    assert result.consequence == CONSEQUENCES[state]


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({}, "downtime_seconds"),  # nothing measured
        ({"downtime_seconds": 10, "bad_events": 1, "total_events": 100}, "downtime_seconds"),  # both measures
        ({"bad_events": 1}, "total_events"),  # half of the events measure
        ({"total_events": 100}, "bad_events"),  # the other half
        ({"bad_events": 101, "total_events": 100}, "bad_events"),  # more bad than total
        ({"downtime_seconds": 10, "elapsed": "31d"}, "elapsed"),  # elapsed beyond the window
        ({"downtime_seconds": 90_000, "elapsed": "1d"}, "downtime_seconds"),  # more downtime than elapsed time
        ({"downtime_seconds": -1}, "downtime_seconds"),  # negative downtime
        ({"downtime_seconds": 1, "at_risk_threshold": 101}, "at_risk_threshold"),  # threshold above 100%
        ({"downtime_seconds": 1, "exhausted_threshold": 0}, "exhausted_threshold"),  # threshold of 0%
    ],
)
def test_inconsistent_budget_status_arguments_are_rejected(arguments: dict[str, Any], argument: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        budget_status(99.9, "30d", **arguments)
    assert caught.value.argument == argument


# --- burn-rate alerts: SRE Workbook table 5-8 (SLO 99.9%, 30 days) --------------------------------------

WORKBOOK = [
    # severity, budget fraction, long window, short window, burn rate, error-ratio threshold, detection at 100%
    ("page", 0.02, "1h", "5m", 14.4, 0.0144, 51.84),  # 2% in 1 hour: 0.0144 * 3600 s = 51.84 s
    ("page", 0.05, "6h", "30m", 6.0, 0.006, 129.6),  # 5% in 6 hours
    ("ticket", 0.1, "3d", "6h", 1.0, 0.001, 259.2),  # 10% in 3 days
]


def _rows(result: BurnRateAlerts) -> list[tuple[Any, ...]]:
    return [
        (
            a.severity,
            a.budget_fraction,
            a.long_window,
            a.short_window,
            a.burn_rate,
            a.error_ratio_threshold,
            a.detection_seconds,
        )
        for a in result.alerts
    ]


def test_the_workbook_profile_reproduces_the_workbook_table() -> None:
    result = burn_rate_alerts(99.9, "30d")
    assert _rows(result) == WORKBOOK
    assert [a.budget_spent_when_fires for a in result.alerts] == [0.02, 0.05, 0.1]
    assert all(a.can_fire for a in result.alerts)
    assert result.findings == []


def test_the_fast_page_detects_a_full_outage_in_51_84_seconds() -> None:
    page = burn_rate_alerts(99.9, "30d").alerts[0]
    assert page.detection_seconds == 51.84
    assert page.detection_human == "51.84s"
    assert page.short_window_seconds == page.long_window_seconds / 12


def test_a_28_day_window_makes_the_page_factor_exactly_13_44() -> None:
    # 0.02 * 28 d / 1 h = 13.44, not 13.440000000000001.
    alerts = burn_rate_alerts(99.9, "28d").alerts
    assert alerts[0].burn_rate == 13.44
    assert alerts[1].burn_rate == 5.6  # 0.05 * 672 h / 6 h


def test_the_sloth_profile_has_two_pages_and_two_tickets() -> None:
    result = burn_rate_alerts(99.9, "30d", profile="sloth")
    assert [(a.severity, a.long_window, a.short_window, a.burn_rate) for a in result.alerts] == [
        ("page", "1h", "5m", 14.4),  # 2% in 1 hour
        ("page", "6h", "30m", 6.0),  # 5% in 6 hours
        ("ticket", "1d", "2h", 3.0),  # 10% in 1 day
        ("ticket", "3d", "6h", 1.0),  # 10% in 3 days
    ]


def test_custom_alerts_accept_a_budget_fraction_or_a_burn_rate() -> None:
    result = burn_rate_alerts(
        99.9,
        "30d",
        profile="custom",
        alerts=[
            {"severity": "page", "budget_fraction": 0.02, "long_window": "1h"},  # as the workbook's fast page
            {"severity": "page", "burn_rate": 14.4, "long_window": "1h"},  # the same alert, by its factor
        ],
    )
    assert _rows(result) == [WORKBOOK[0], WORKBOOK[0]]


def test_a_burn_rate_that_needs_more_than_100_percent_errors_is_flagged() -> None:
    result = burn_rate_alerts(
        99.9, "30d", profile="custom", alerts=[{"severity": "page", "burn_rate": 2000, "long_window": "5m"}]
    )
    alert = result.alerts[0]
    assert alert.error_ratio_threshold == 2.0
    assert alert.can_fire is False
    assert alert.detection_seconds is None
    assert alert.finding is not None
    assert len(result.findings) == 2  # and no alert catches a slow burn (issue 13)
    assert "slowest alert" in result.findings[1]


@pytest.mark.parametrize(
    ("profile", "alerts"),
    [
        ("custom", None),  # custom without alerts
        ("custom", []),  # custom with an empty list
        ("workbook", [{"severity": "page", "burn_rate": 14.4, "long_window": "1h"}]),  # alerts with a profile
    ],
)
def test_alerts_must_match_the_profile(profile: Any, alerts: Any) -> None:
    with pytest.raises(InvalidArgument) as caught:
        burn_rate_alerts(99.9, "30d", profile=profile, alerts=alerts)
    assert caught.value.argument == "alerts"


@pytest.mark.parametrize(
    "alert",
    [
        {"severity": "page", "long_window": "1h"},  # neither fraction nor burn rate
        {"severity": "page", "long_window": "1h", "budget_fraction": 0.02, "burn_rate": 14.4},  # both
        {"severity": "page", "long_window": "1h", "budget_fraction": 2},  # a fraction above 1
        {"severity": "page", "long_window": "1 fortnight", "burn_rate": 1},  # an unparsable window
        {"severity": "page", "long_window": "1h", "burn_rate": 1, "for": "5m"},  # an unknown field
    ],
)
def test_a_bad_custom_alert_is_rejected_naming_alerts(alert: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument) as caught:
        burn_rate_alerts(99.9, "30d", profile="custom", alerts=[alert])
    assert caught.value.argument == "alerts"
    assert caught.value.message.startswith("[0].")


# --- composite availability --------------------------------------------------------------------------


def _leaf(percent: float | str, name: str | None = None) -> dict[str, Any]:
    return {"availability": percent} if name is None else {"name": name, "availability": percent}


@pytest.mark.parametrize(
    ("system", "ratio"),
    [
        ({"serial": [_leaf(99.99)] * 3}, 0.99970003),  # slo-vectors.md: serial dependencies multiply
        ({"parallel": [_leaf(99.9)] * 2}, 0.999999),  # slo-vectors.md: 1 - (1 - a)^2
        (_leaf(99.95), 0.9995),  # a single leaf
        ({"mtbf_hours": 999, "mttr_hours": 1}, 0.999),  # MTBF / (MTBF + MTTR)
        ({"k_of_n": {"k": 2, "of": [_leaf(99)] * 3}}, 0.999702),  # 3p^2(1-p) + p^3
        ({"k_of_n": {"k": 2, "of": [_leaf(90), _leaf(80), _leaf(70)]}}, 0.902),  # different availabilities
        ({"k_of_n": {"k": 3, "of": [_leaf(90), _leaf(80), _leaf(70)]}}, 0.504),  # k = n is serial
        ({"k_of_n": {"k": 1, "of": [_leaf(90), _leaf(80), _leaf(70)]}}, 0.994),  # k = 1 is parallel
        ({"serial": [_leaf(99.9), {"parallel": [_leaf(99)] * 2}]}, 0.9989001),  # a service and a redundant pair
    ],
)
def test_composite_availability_matches_hand_computed_values(system: dict[str, Any], ratio: float) -> None:
    result = composite_availability(system)
    assert result.availability_ratio == pytest.approx(ratio, rel=1e-9)
    assert result.availability_percent == pytest.approx(ratio * 100, rel=1e-9)


def test_composite_downtime_is_given_per_30_and_365_days() -> None:
    result = composite_availability({"parallel": [_leaf(99.9)] * 2})
    assert result.downtime_per_30d_seconds == 2.592  # 1e-6 of 30 days
    assert result.downtime_per_365d_seconds == 31.536  # 1e-6 of a year
    assert result.downtime_per_30d_human == "2.592s"


def test_the_weakest_link_is_the_leaf_whose_failures_cost_most_not_the_least_available() -> None:
    # The replicas are 99% each but redundant (99.99% together); the single 99.95% API costs more.
    result = composite_availability(
        {"serial": [_leaf(99.95, "api"), {"parallel": [_leaf(99, "replica-1"), _leaf(99, "replica-2")]}]}
    )
    assert result.weakest_link is not None
    assert result.weakest_link.name == "api"
    assert result.weakest_link.path == "serial[0]"
    assert result.weakest_link.system_availability_if_perfect_percent == pytest.approx(99.99, rel=1e-12)
    assert 0.8 < result.weakest_link.downtime_share < 1


def test_in_a_serial_chain_the_weakest_link_is_the_least_available_leaf() -> None:
    result = composite_availability({"serial": [_leaf(99.99, "lb"), _leaf(99.9, "db"), _leaf(99.95, "app")]})
    assert result.weakest_link is not None
    assert result.weakest_link.name == "db"
    assert result.leaf_count == 3


def test_a_perfect_system_has_no_weakest_link() -> None:
    assert composite_availability({"serial": [_leaf(100), _leaf(100)]}).weakest_link is None


def test_with_a_target_each_serial_hard_dependency_is_checked_for_the_extra_nine() -> None:
    system = {
        "serial": [
            _leaf(99.95, "db"),  # 0.05% unavailable: more than a tenth of 0.1%
            _leaf(99.99, "cache"),  # exactly a tenth: has the extra nine
            {"serial": [_leaf(99.999, "dns")]},  # nested serial groups are flattened
            {"name": "replicas", "parallel": [_leaf(99), _leaf(99)]},  # a redundant group counts as one unit
        ]
    }
    result = composite_availability(system, target=99.9)
    checks = {c.name: (c.has_extra_nine, c.path) for c in result.dependencies}
    assert checks == {
        "db": (False, "serial[0]"),
        "cache": (True, "serial[1]"),
        "dns": (True, "serial[2].serial[0]"),
        "replicas": (True, "serial[3]"),
    }
    assert {c.required_percent for c in result.dependencies} == {99.99}
    assert result.meets_target is True
    assert composite_availability(system, target=99.95).meets_target is False


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        (99.97, "Availability 99.97% (12m 57.522s down per 30d); weakest link a (99.99%); meets the 99.97% target"),
        (
            99.9700031,  # 99.97000299..% misses it: the figure shows the target's decimals, rounded down
            "Availability 99.9700029% (12m 57.522s down per 30d); weakest link a (99.99%); "
            "misses the 99.9700031% target",
        ),
        (99.96, "Availability 99.97% (12m 57.522s down per 30d); weakest link a (99.99%); meets the 99.96% target"),
    ],
)
def test_the_summary_never_shows_a_missed_target_as_met(target: float, shown: str) -> None:
    system = {"serial": [_leaf(99.99, "a"), _leaf(99.99, "b"), _leaf(99.99, "c")]}
    summary = composite_availability(system, target=target).summary
    assert summary.split(",")[0] == shown


def test_without_serial_dependencies_there_is_nothing_to_check() -> None:
    result = composite_availability({"parallel": [_leaf(99.9)] * 2}, target=99.9)
    assert result.dependencies == []
    assert result.meets_target is True


def test_nodes_may_be_given_as_models() -> None:
    node = SerialNode(serial=[LeafNode(availability=Decimal("99.99"))] * 3)
    assert composite_availability(node).availability_ratio == pytest.approx(0.99970003, rel=1e-9)


@pytest.mark.parametrize(
    ("system", "path"),
    [
        ({"k_of_n": {"k": 4, "of": [_leaf(99)] * 3}}, "k_of_n.k"),  # k > n
        ({"k_of_n": {"k": 0, "of": [_leaf(99)]}}, "k_of_n.k"),  # k < 1
        ({"serial": [_leaf(99), _leaf(101)]}, "serial[1].availability"),  # availability above 100%
        ({"serial": [_leaf(99), {"mtbf_hours": 10}]}, "serial[1].mttr_hours"),  # MTBF without MTTR
        ({"serial": [{"availability": 99, "mtbf_hours": 10, "mttr_hours": 1}]}, "serial[0].availability"),  # both
        ({"serial": [{"name": "x"}]}, "serial[0].availability"),  # a leaf without numbers
        ({"parallel": [{"availabilty": 99}]}, "parallel[0].availabilty"),  # a misspelt field
        ({"serial": []}, "serial"),  # an empty group
    ],
)
def test_a_malformed_system_is_rejected_with_the_path_to_the_problem(system: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        composite_availability(system)
    assert caught.value.argument == "system"
    assert caught.value.message.startswith(path + " ")


def test_a_system_deeper_than_32_levels_is_rejected() -> None:
    assert MAX_TREE_DEPTH == 32
    system: dict[str, Any] = _leaf(99.9)
    for _ in range(31):
        system = {"serial": [system]}
    assert composite_availability(system).leaf_count == 1  # 32 levels: the deepest accepted
    with pytest.raises(InvalidArgument) as caught:
        composite_availability({"serial": [system]})  # 33 levels
    assert caught.value.argument == "system"
    assert caught.value.message.endswith(" is too deep: a tree may be at most 32 levels deep")
    assert caught.value.message.count("serial[0]") == 32  # the path to the node past the limit


def test_a_k_of_n_group_holds_at_most_100_nodes() -> None:
    with pytest.raises(InvalidArgument) as caught:
        composite_availability({"k_of_n": {"k": 1, "of": [_leaf(99)] * 101}})
    assert (caught.value.argument, caught.value.message) == ("system", "k_of_n.of must have at most 100 item(s)")
    with pytest.raises(InvalidArgument) as caught:
        composite_availability({"k_of_n": {"k": 101, "of": [_leaf(99)] * 100}})
    assert caught.value.message.startswith("k_of_n.k must be a whole number from 1 to 100")


def test_a_system_with_more_than_1000_nodes_is_rejected() -> None:
    assert MAX_TREE_NODES == 1_000  # the figure the README and the tool's description state
    assert composite_availability({"serial": [_leaf(99.9)] * 999}).leaf_count == 999  # 1,000 nodes with the group
    with pytest.raises(InvalidArgument) as caught:
        composite_availability({"serial": [_leaf(99.9)] * 1_000})  # 1,001 nodes
    assert (caught.value.argument, caught.value.message) == ("system", "must have at most 1000 nodes")


def test_the_largest_accepted_tree_is_computed_quickly() -> None:
    # 999 leaves in one wide serial group and a 100-wide k_of_n: the limits keep the work small.
    assert composite_availability({"serial": [_leaf(99.99)] * 999}).leaf_count == 999
    assert composite_availability({"k_of_n": {"k": 50, "of": [_leaf(99)] * 100}}).leaf_count == 100


# --- capacity ----------------------------------------------------------------------------------------


def test_the_research_capacity_example_reaches_2000_req_s_in_7_27_months() -> None:
    result = capacity_forecast(1000, 40, 80, 10)
    assert result.breaking_point_load == 2000.0
    assert result.periods_until_threshold == pytest.approx(7.27, abs=0.005)  # ln 2 / ln 1.1
    assert result.periods_until_threshold == 7.272541  # rounded to 6 decimals
    assert result.doubling_periods == 7.272541
    assert result.load_headroom_percent == 100.0
    assert result.order_by_period == 7.272541
    assert result.order_late is False


@pytest.mark.parametrize(
    ("lead_time", "order_by", "late"),
    [
        (2, 5.272541, False),  # two months of lead time: order two months earlier
        (8, -0.727459, True),  # more lead time than runway: already late
    ],
)
def test_lead_time_brings_the_order_date_forward(lead_time: int, order_by: float, late: bool) -> None:
    result = capacity_forecast(1000, 40, 80, 10, lead_time_periods=lead_time)
    assert result.order_by_period == pytest.approx(order_by, abs=1e-9)
    assert result.order_late is late


@pytest.mark.parametrize("growth", [0, -5])
def test_without_growth_the_threshold_is_never_reached(growth: int) -> None:
    result = capacity_forecast(1000, 40, 80, growth)
    assert result.periods_until_threshold is None
    assert result.order_by_period is None
    assert result.doubling_periods is None
    assert result.breaking_point_load == 2000.0


def test_a_service_already_past_its_threshold_has_no_periods_left() -> None:
    result = capacity_forecast(1000, 90, 80, 10)
    assert result.already_past_threshold is True
    assert result.periods_until_threshold == 0.0
    assert result.load_headroom_percent == pytest.approx(-11.111111111, rel=1e-9)


def test_latency_gives_littles_law_concurrency_now_and_at_the_breaking_point() -> None:
    result = capacity_forecast(1000, 40, 80, 10, latency_seconds=0.2)
    assert (result.concurrency_now, result.concurrency_at_breaking_point) == (200.0, 400.0)


# --- toil ------------------------------------------------------------------------------------------

TASKS = [
    {"name": "certs", "minutes_per_occurrence": 60, "occurrences_per_week": 1},  # 1 h/week
    {
        "name": "restarts",
        "minutes_per_occurrence": 15,
        "occurrences_per_week": 20,
        "scales_with_load": True,
        "automation_hours": 40,
    },  # 5 h/week, pays back in 8 weeks
    {"name": "deploys", "minutes_per_occurrence": 30, "occurrences_per_week": 4, "automation_hours": 0},  # 2 h/week
]


def test_toil_is_summed_sorted_and_compared_with_the_50_percent_cap() -> None:
    result = toil_assessment(TASKS, team_size=2)
    assert result.total_toil_hours_per_week == 8.0
    assert result.team_hours_per_week == 80.0
    assert result.toil_fraction == 0.1
    assert result.over_cap is False
    assert [(t.name, t.hours_per_week) for t in result.tasks] == [("restarts", 5.0), ("deploys", 2.0), ("certs", 1.0)]
    assert [t.payback_weeks for t in result.tasks] == [8.0, 0.0, None]
    assert result.load_scaling_tasks == ["restarts"]
    assert sum(t.share_of_toil for t in result.tasks) == pytest.approx(1.0)


def test_toil_over_half_the_team_time_is_over_the_cap() -> None:
    result = toil_assessment(TASKS, team_size=1, hours_per_week=10)
    assert result.toil_fraction == 0.8
    assert result.over_cap is True
    assert result.hours_over_cap == 3.0


@pytest.mark.parametrize(
    ("tasks", "team_size", "argument"),
    [
        ([], 2, "tasks"),  # no tasks
        ([{**TASKS[0], "minutes_per_occurrence": 0}], 2, "tasks"),  # a task of no time
        ([TASKS[0], TASKS[0]], 2, "tasks"),  # a repeated name
        ([TASKS[0]], 0, "team_size"),  # nobody
        ([TASKS[0]], 2.5, "team_size"),  # half a person
    ],
)
def test_bad_toil_arguments_are_rejected(tasks: list[dict[str, Any]], team_size: Any, argument: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        toil_assessment(tasks, team_size=team_size)
    assert caught.value.argument == argument


# --- on-call -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("team_size", "people_on_call", "fraction", "within"),
    [
        (4, 1, 0.25, True),  # one week in four: exactly the 25% cap
        (3, 1, 1 / 3, False),  # one week in three: over
        (8, 2, 0.25, True),  # primary and secondary need eight (SRE book, ch. 11)
        (6, 2, 1 / 3, False),  # six are not enough for two at a time
    ],
)
def test_each_engineers_share_of_on_call_is_compared_with_the_25_percent_cap(
    team_size: int, people_on_call: int, fraction: float, within: bool
) -> None:
    result = oncall_load(team_size, 5, people_on_call=people_on_call)
    assert result.oncall_fraction == pytest.approx(fraction, rel=1e-12)
    assert result.within_oncall_cap is within
    assert result.min_team_size_for_oncall_cap == 4 * people_on_call


@pytest.mark.parametrize(
    ("shift_hours", "work_hours"),
    [
        (8, 8),  # a short shift: all of it can be worked
        (12, 12),  # the SRE book's 12-hour shift: 2 incidents of 6 hours
        (24, 12),  # a day on call: 12 hours of work in it
        (72, 36),  # three days: 12 a day
        (96, 48),  # four days: 48, the week's limit
        (168, 48),  # a week-long pager: 48 hours, not 84
        (336, 96),  # two weeks: 48 a week
    ],
)
def test_one_person_works_at_most_12_hours_a_day_and_48_a_week_of_a_shift(shift_hours: int, work_hours: int) -> None:
    assert oncall_load(8, 1, shift_hours=shift_hours).work_hours_per_shift == work_hours


@pytest.mark.parametrize(
    ("team_size", "pages_per_week", "shift_hours", "sustainable", "failed", "rotations"),
    [
        # The staff SRE's case: 27 pages a week is 162 h of incidents for the one engineer holding the pager
        # for the week; "1.93 pages per 12 h" was called sustainable.
        (6, 27, 168, False, ["shift", "ops"], 4),
        (6, 8, 168, True, [], 1),  # 48 h of incidents in the week: exactly what one person can work
        (6, 9, 168, False, ["shift"], 2),  # 54 h: just over
        (8, 28, 12, False, ["ops"], 1),  # two sites: 2 pages per 12 h shift fits it, but 21 h of ops each
        (12, 28, 12, True, [], 1),  # the same with twelve engineers: 14 h of ops each
        (12, 29, 12, False, ["shift"], 2),  # 2.07 pages a 12-hour shift: just over the SRE book's 2
        (3, 2, 168, False, ["time"], 1),  # a quiet service with too few engineers: one week in three on call
        (4, 0, 168, True, [], 1),  # a silent pager
    ],
)
def test_a_rotation_is_sustainable_only_when_every_limit_holds(
    team_size: int, pages_per_week: int, shift_hours: int, sustainable: bool, failed: list[str], rotations: int
) -> None:
    result = oncall_load(team_size, pages_per_week, shift_hours=shift_hours)
    assert result.sustainable is sustainable
    assert len(result.failed) == len(failed)
    assert result.within_oncall_cap is ("time" not in failed)
    assert result.within_shift_capacity is ("shift" not in failed)
    assert result.within_ops_cap is ("ops" not in failed)
    assert result.rotations_needed == rotations
    assert ("not sustainable" in result.summary) is not sustainable


@pytest.mark.parametrize(("team_size", "pages_per_week"), [(6, 27), (4, 10), (20, 100), (10, 30)])
def test_the_smallest_team_it_proposes_is_itself_sustainable(team_size: int, pages_per_week: int) -> None:
    result = oncall_load(team_size, pages_per_week)
    per_rotation = pages_per_week / result.rotations_needed
    team_per_rotation = result.min_team_size // result.rotations_needed
    assert result.min_team_size % result.rotations_needed == 0
    assert oncall_load(team_per_rotation, per_rotation).sustainable


def test_a_week_long_shift_scales_the_pages_per_shift() -> None:
    result = oncall_load(4, 10, shift_hours=168)
    assert (result.pages_per_shift, result.incident_hours_per_shift, result.max_pages_per_week) == (10.0, 60.0, 8.0)
    assert oncall_load(4, 10, shift_hours=12).pages_per_shift == pytest.approx(10 / 14, rel=1e-12)
    assert oncall_load(4, 10, shift_hours=12).max_pages_per_week == 28.0  # the SRE book's 2 per 12 hours


def test_on_call_needs_at_least_as_many_engineers_as_are_on_call_at_once() -> None:
    with pytest.raises(InvalidArgument) as caught:
        oncall_load(1, 1, people_on_call=2)
    assert caught.value.argument == "people_on_call"


# --- bad input, across the tools ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: error_budget(0, "30d"), "objective"),  # objective 0
        (lambda: error_budget(100, "30d"), "objective"),  # objective 100: no budget at all
        (lambda: error_budget(101, "30d"), "objective"),  # objective above 100
        (lambda: error_budget(float("nan"), "30d"), "objective"),  # NaN
        (lambda: error_budget(float("inf"), "30d"), "objective"),  # infinity
        (lambda: error_budget("abc", "30d"), "objective"),  # text that is not a number
        (lambda: error_budget(True, "30d"), "objective"),  # a bool is not a number here
        (lambda: error_budget(99.9, "-30d"), "window"),  # negative window
        (lambda: error_budget(99.9, "30 parsecs"), "window"),  # unknown unit
        (lambda: error_budget(99.9, ""), "window"),  # empty window
        (lambda: error_budget(99.9, "P1M"), "window"),  # calendar month
        (lambda: error_budget(99.9, "0d"), "window"),  # zero window
        (lambda: error_budget(99.9, "30d", total_events=0), "total_events"),  # no events
        (lambda: error_budget(99.9, "30d", sla=100), "sla"),  # SLA of 100%
        (lambda: budget_status(99.9, "30d", downtime_seconds=1, elapsed="0d"), "elapsed"),  # zero elapsed
        (lambda: burn_rate_alerts(99.9, "30d", profile="nope"), "profile"),  # type: ignore[arg-type]  # unknown profile
        (lambda: composite_availability({"k_of_n": {"k": 3, "of": [_leaf(99)] * 2}}), "system"),  # k > n
        (lambda: composite_availability({"serial": [_leaf(99)]}, target=100), "target"),  # target of 100%
        (lambda: capacity_forecast(1000, 40, 80, -100), "growth_rate"),  # growth of -100%: the load vanishes
        (lambda: capacity_forecast(1000, 40, 80, -150), "growth_rate"),  # growth below -100%
        (lambda: capacity_forecast(1000, 120, 80, 10), "current_utilization"),  # utilization above 100%
        (lambda: capacity_forecast(1000, 40, 120, 10), "threshold_utilization"),  # threshold above 100%
        (lambda: capacity_forecast(0, 40, 80, 10), "current_load"),  # no load
        (lambda: capacity_forecast(1000, 40, 80, 10, period="fortnight"), "period"),  # type: ignore[arg-type]  # unknown period
        (lambda: capacity_forecast(1000, 40, 80, 10, lead_time_periods=-1), "lead_time_periods"),  # negative lead
        (lambda: oncall_load(0, 1), "team_size"),  # no team
        (lambda: oncall_load(4, -1), "pages_per_week"),  # negative pages
        (lambda: oncall_load(4, 1, max_oncall_fraction=25), "max_oncall_fraction"),  # a percent where a fraction goes
    ],
)
def test_bad_arguments_raise_invalid_argument_naming_the_argument(call: Any, argument: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        call()
    assert caught.value.argument == argument
    assert caught.value.message
    assert isinstance(caught.value, ValueError)


def test_an_out_of_range_message_names_the_accepted_range() -> None:
    with pytest.raises(InvalidArgument) as caught:
        error_budget(100, "30d")
    assert str(caught.value) == "objective: must be a percentage strictly between 0 and 100 (e.g. 99.9), got 100"


# --- contracts -----------------------------------------------------------------------------------------

RESULTS = [
    ErrorBudget,
    BudgetStatus,
    BurnRateAlerts,
    Alert,
    CompositeAvailability,
    WeakestLink,
    DependencyCheck,
    CapacityForecast,
    ToilAssessment,
    ToilTaskResult,
    OncallLoad,
]


@pytest.mark.parametrize("model", RESULTS, ids=lambda m: m.__name__)
def test_every_result_field_is_described_for_the_output_schema(model: type[BaseModel]) -> None:
    schema = model.model_json_schema()
    assert schema["additionalProperties"] is False
    undescribed = [name for name, field in model.model_fields.items() if not field.description]
    assert undescribed == []


def _every_result() -> list[BaseModel]:
    return [
        error_budget(99.9, "30d", total_events=7200, sla=99.5),
        budget_status(99.9, "30d", downtime_seconds=1200, elapsed="10d"),
        budget_status(99.9, "30d", bad_events=9, total_events=7200),
        burn_rate_alerts(99.9, "28d", profile="sloth"),
        composite_availability({"serial": [_leaf(99.95, "db"), {"parallel": [_leaf(99)] * 2}]}, target=99.9),
        capacity_forecast(1000, 40, 80, 10, lead_time_periods=2, latency_seconds=0.2),
        capacity_forecast(1000, 40, 80, 0),
        capacity_forecast(1000, 90, 80, 10),
        toil_assessment(TASKS, team_size=2),
        oncall_load(6, 40, people_on_call=2),
    ]


def test_every_result_has_a_one_line_summary() -> None:
    for result in _every_result():
        summary = result.summary  # type: ignore[attr-defined]
        assert summary
        assert "\n" not in summary


def test_results_do_not_depend_on_the_callers_decimal_context() -> None:
    expected = [r.model_dump_json() for r in _every_result()]
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        assert [r.model_dump_json() for r in _every_result()] == expected
