"""Composite availability at every boundary (sre/availability.py): what a user reads in the result, with the
values worked out by hand from the formula named beside each case.

The formulas (independent components; reference/slo-vectors.md, and any reliability text such as Trivedi,
"Probability and Statistics with Reliability, Queuing, and Computer Science Applications", ch. 3):
    serial        A = prod(a_i)                           every node must be up
    parallel      A = 1 - prod(1 - a_i)                   one node suffices
    k of n        A = sum over j >= k of P(exactly j up)  binomial C(n, j) a^j (1 - a)^(n - j) for equal a_i,
                                                          Poisson-binomial for different ones
    MTBF/MTTR     a = MTBF / (MTBF + MTTR)
The weakest link is the leaf with the largest gain (1 - a_i) * dA/da_i (Birnbaum importance): the system's
availability were that leaf never down is A + gain, and gain / (1 - A) is its share of the downtime.

Low availabilities (<= 50%) are here on purpose: for a > 0.5, 1 - a and 1 % a agree, so only they show that a
formula subtracts. Runs without the MCP SDK (`--noconftest`), as the mutation run uses it.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb
from typing import Any

import pytest

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.availability import CompositeAvailability, composite_availability
from persona_mcp.sre.numbers import MAX_K_OF_N, MAX_TREE_DEPTH

MONTH = 30 * 86_400
YEAR = 365 * 86_400
TINY = "1.23456789012345678901234e-12"
"""A percentage of 24 significant digits, the smallest size accepted: its products need more than the 28 digits
the math keeps, so which way a sum is taken shows."""


def _leaf(percent: float | str, name: str | None = None) -> dict[str, Any]:
    return {"availability": percent} if name is None else {"name": name, "availability": percent}


def _k_of_n(k: int, nodes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"k_of_n": {"k": k, "of": nodes}}


def _ratio(system: dict[str, Any]) -> float:
    return composite_availability(system).availability_ratio


def _weakest(system: dict[str, Any]) -> tuple[str, str, float, float, float]:
    link = composite_availability(system).weakest_link
    assert link is not None
    return (
        link.name,
        link.path,
        link.availability_percent,
        link.system_availability_if_perfect_percent,
        link.downtime_share,
    )


def _error(system: object, target: object = None) -> InvalidArgument:
    with pytest.raises(InvalidArgument) as caught:
        composite_availability(system, target)  # type: ignore[arg-type]
    return caught.value


# --- each kind of node, high and low availabilities ----------------------------------------------------


@pytest.mark.parametrize(
    ("system", "ratio"),
    [
        (_leaf(30), 0.3),  # a single leaf: its own availability
        (_leaf("99.9%"), 0.999),  # a percentage may carry its sign
        ({"mtbf_hours": 3, "mttr_hours": 1}, 0.75),  # 3 / (3 + 1)
        ({"mtbf_hours": 1, "mttr_hours": 1}, 0.5),  # 1 / (1 + 1)
        ({"mtbf_hours": 720, "mttr_hours": 0}, 1.0),  # never in repair: 720 / 720
        ({"serial": [_leaf(50)]}, 0.5),  # a group of one is that node
        ({"serial": [_leaf(40), _leaf(90)]}, 0.36),  # 0.4 * 0.9
        ({"serial": [_leaf(99.9), _leaf(99)]}, 0.98901),  # 0.999 * 0.99
        ({"parallel": [_leaf(50)]}, 0.5),  # 1 - 0.5
        ({"parallel": [_leaf(50), _leaf(50)]}, 0.75),  # 1 - 0.5 * 0.5
        ({"parallel": [_leaf(30), _leaf(40)]}, 0.58),  # 1 - 0.7 * 0.6
        ({"parallel": [_leaf(99), _leaf(99.9)]}, 0.99999),  # 1 - 0.01 * 0.001
        ({"parallel": [_leaf(30), {"mtbf_hours": 1, "mttr_hours": 3}]}, 0.475),  # 1 - 0.7 * (1 - 1/4)
    ],
)
def test_leaves_serial_and_parallel_groups_match_their_formulas(system: dict[str, Any], ratio: float) -> None:
    result = composite_availability(system)
    assert result.availability_ratio == pytest.approx(ratio, rel=1e-12)
    assert result.availability_percent == pytest.approx(ratio * 100, rel=1e-12)


@pytest.mark.parametrize(
    ("k", "percents", "ratio"),
    [
        (1, [50], 0.5),  # n = 1: the node itself
        (1, [50, 50, 50], 0.875),  # k = 1: 1 - 0.5^3
        (2, [50, 50, 50], 0.5),  # 3 * 0.5^2 * 0.5 + 0.5^3
        (3, [50, 50, 50], 0.125),  # k = n: 0.5^3
        (3, [30, 30, 30], 0.027),  # k = n: 0.3^3
        (2, [30, 30, 30, 30], 0.3483),  # 1 - 0.7^4 - 4 * 0.3 * 0.7^3
        (3, [30, 30, 30, 30], 0.0837),  # 4 * 0.3^3 * 0.7 + 0.3^4
        (2, [99, 99, 99], 0.999702),  # 3 * 0.99^2 * 0.01 + 0.99^3
        (2, [90, 80, 70], 0.902),  # Poisson-binomial: .9*.8*.3 + .9*.2*.7 + .1*.8*.7 + .9*.8*.7
        (2, [90, 80, 70, 60], 0.9572),  # 1 - P(none) .0024 - P(exactly one) .0404
        (2, [40, 30, 20], 0.212),  # .4*.3*.8 + .4*.7*.2 + .6*.3*.2 + .4*.3*.2
    ],
)
def test_k_of_n_is_the_binomial_or_poisson_binomial_sum(k: int, percents: list[int], ratio: float) -> None:
    assert _ratio(_k_of_n(k, [_leaf(p) for p in percents])) == pytest.approx(ratio, rel=1e-12)


def _binomial_at_least(k: int, n: int, percent: str) -> float:
    """P(at least k of n up) for equal availabilities, in exact fractions: sum C(n, j) a^j (1 - a)^(n - j)."""
    a = Fraction(percent) / 100
    return float(sum(comb(n, j) * a**j * (1 - a) ** (n - j) for j in range(k, n + 1)))


@pytest.mark.parametrize(("k", "n"), [(1, 1), (2, 2), (2, 3), (3, 3), (3, 5)])
def test_a_group_that_is_rarely_up_keeps_its_digits(k: int, n: int) -> None:
    # With k past the middle the upper tail is summed: 1 minus a number within 1e-28 of 1 would read 0 or
    # 2e-28 where the answer is 1.52e-28 (2 of 2 up at 1.2e-14 each).
    result = _ratio(_k_of_n(k, [_leaf(TINY)] * n))
    assert result == pytest.approx(_binomial_at_least(k, n, TINY), rel=1e-15, abs=0)


def test_fifteen_nodes_at_one_percent_that_must_all_be_up_are_up_1e_30_of_the_time() -> None:
    assert _ratio(_k_of_n(15, [_leaf(1)] * 15)) == pytest.approx(1e-30, rel=1e-15, abs=0)  # 0.01^15, not 0


@pytest.mark.parametrize(
    ("k", "n", "percent"),
    [
        (27, 47, "99.9999998074"),  # the terms summed from the top rounded up to 1.000000000000000000000000001
        (4, 8, "3.86403493217719412466361e-12"),  # 1 less the terms below rounded to -1e-27: "-0.01%"
    ],
)
def test_a_k_of_n_availability_stays_within_0_and_100_percent_whatever_the_rounding(
    k: int, n: int, percent: str
) -> None:
    # P(at least k up) is a probability: the 28-digit rounding of its terms must not carry it past 1 or below 0,
    # which would read as a negative downtime or a negative availability.
    result = composite_availability(_k_of_n(k, [_leaf(percent)] * n))
    assert 0 <= result.availability_ratio <= 1
    assert 0 <= result.downtime_per_30d_seconds <= MONTH
    assert "-" not in result.summary


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("percent", [TINY, "99.9999987654321098765432", "37.5"])
def test_one_of_n_is_the_parallel_group_and_n_of_n_the_serial_one_to_the_last_digit(n: int, percent: str) -> None:
    # The same system written two ways gives the same figures, not two that differ in their last digits.
    nodes = [_leaf(percent, f"r{i}") for i in range(n)]
    pairs = [
        (composite_availability(_k_of_n(1, nodes)), composite_availability({"parallel": nodes})),
        (composite_availability(_k_of_n(n, nodes)), composite_availability({"serial": nodes})),
    ]
    for group, plain in pairs:
        assert group.availability_ratio == plain.availability_ratio
        assert group.downtime_per_30d_seconds == plain.downtime_per_30d_seconds
        assert group.downtime_per_365d_seconds == plain.downtime_per_365d_seconds


# --- downtime ----------------------------------------------------------------------------------------------


def test_downtime_is_the_unavailable_share_of_30_and_365_days() -> None:
    result = composite_availability(_leaf(30))
    assert result.downtime_per_30d_seconds == 0.7 * MONTH  # 1814400 s
    assert result.downtime_per_365d_seconds == 0.7 * YEAR
    assert (result.downtime_per_30d_human, result.downtime_per_365d_human) == ("21d", "255d 12h")
    assert result.summary == "Availability 30% (21d down per 30d); weakest link system (30%)"


# --- the weakest link ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "expected"),
    [
        # Serial: gain_i = (1 - a_i) * prod(a_j, j != i). b: 0.01 * 0.999 = 0.00999; a: 0.001 * 0.99.
        ({"serial": [_leaf(99.9, "a"), _leaf(99, "b")]}, ("b", "serial[1]", 99.0, 99.9, 0.00999 / 0.01099)),
        ({"serial": [_leaf(99, "a"), _leaf(99.9, "b")]}, ("a", "serial[0]", 99.0, 99.9, 0.00999 / 0.01099)),
        # a: 0.6 * 0.9 = 0.54 of the 0.64 down; b: 0.1 * 0.4 = 0.04.
        ({"serial": [_leaf(40, "a"), _leaf(90, "b")]}, ("a", "serial[0]", 40.0, 90.0, 0.84375)),
        # A lone leaf is the whole system: perfect, it would make it 100%.
        (_leaf(30), ("system", "", 30.0, 100.0, 1.0)),
        # Parallel: every replica's gain is prod(1 - a) = 0.42, all the downtime; the first is named.
        ({"parallel": [_leaf(40, "a"), _leaf(30, "b")]}, ("a", "parallel[0]", 40.0, 100.0, 1.0)),
        # 2 of 3: gain_i = (1 - a_i) * P(exactly 1 of the others up). 70%: .3 * (.9*.2 + .1*.8) = .078, of .098
        # down; 80%: .2 * .34 = .068; 90%: .1 * .38 = .038.
        (_k_of_n(2, [_leaf(90), _leaf(80), _leaf(70)]), ("k_of_n.of[2]", "k_of_n.of[2]", 70.0, 98.0, 0.078 / 0.098)),
        (_k_of_n(2, [_leaf(70), _leaf(80), _leaf(90)]), ("k_of_n.of[0]", "k_of_n.of[0]", 70.0, 98.0, 0.078 / 0.098)),
        (_k_of_n(2, [_leaf(80), _leaf(70), _leaf(90)]), ("k_of_n.of[1]", "k_of_n.of[1]", 70.0, 98.0, 0.078 / 0.098)),
        # 3 of 3 (serial): 70%: .3 * .9 * .8 = .216 of .496 down.
        (_k_of_n(3, [_leaf(90), _leaf(80), _leaf(70)]), ("k_of_n.of[2]", "k_of_n.of[2]", 70.0, 72.0, 0.216 / 0.496)),
        # 1 of 3 (parallel): every gain is .1 * .2 * .3 = .006, all of the downtime; the first is named.
        (_k_of_n(1, [_leaf(90), _leaf(80), _leaf(70)]), ("k_of_n.of[0]", "k_of_n.of[0]", 90.0, 100.0, 1.0)),
        # 2 of 4: 60%: .4 * P(exactly 1 of 90, 80, 70 up) = .4 * (.054 + .024 + .014) = .0368, of .0428 down.
        (
            _k_of_n(2, [_leaf(90), _leaf(80), _leaf(70), _leaf(60)]),
            ("k_of_n.of[3]", "k_of_n.of[3]", 60.0, 99.4, 0.0368 / 0.0428),
        ),
        # The same, 60% first: 70% is then .3 * (.9*.2*.4 + .1*.8*.4 + .1*.2*.6) = .0348, still less.
        (
            _k_of_n(2, [_leaf(60), _leaf(90), _leaf(80), _leaf(70)]),
            ("k_of_n.of[0]", "k_of_n.of[0]", 60.0, 99.4, 0.0368 / 0.0428),
        ),
    ],
)
def test_the_weakest_link_names_the_costliest_leaf_and_what_it_costs(
    system: dict[str, Any], expected: tuple[str, str, float, float, float]
) -> None:
    name, path, percent, if_perfect, share = _weakest(system)
    assert (name, path) == expected[:2]
    assert percent == pytest.approx(expected[2], rel=1e-12)
    assert if_perfect == pytest.approx(expected[3], rel=1e-12)
    assert share == pytest.approx(expected[4], rel=1e-12)


def test_replicas_that_cost_the_same_up_to_rounding_name_the_first() -> None:
    # In a parallel group every replica's gain is prod(1 - a): the same figure, computed in four orders whose
    # last digits differ (...589933 to ...589935). The first replica is named, not the one rounding favours.
    replicas = ["72.224820983", "86.004847614", "61.415234841", "97.169007708"]
    name, path, *_ = _weakest({"parallel": [_leaf(a, f"r{i}") for i, a in enumerate(replicas)]})
    assert (name, path) == ("r0", "parallel[0]")


def test_a_system_too_available_for_28_digits_still_names_its_weakest_link_with_no_downtime_to_share() -> None:
    # Five replicas down 1e-7 each: down 1e-35 of the time, which rounds to 0; each still costs 1e-35.
    result = composite_availability({"parallel": [_leaf(99.99999, f"r{i}") for i in range(5)]})
    assert result.availability_percent == 100.0
    assert result.weakest_link is not None
    assert (result.weakest_link.name, result.weakest_link.downtime_share) == ("r0", 0.0)
    assert result.summary == "Availability 100% (0s down per 30d); weakest link r0 (99.99999%)"


def test_leaves_never_down_leave_no_weakest_link() -> None:
    result = composite_availability({"serial": [_leaf(100), {"mtbf_hours": 10, "mttr_hours": 0}]})
    assert result.weakest_link is None
    assert result.summary == "Availability 100% (0s down per 30d)"


# --- the target and the extra nine ---------------------------------------------------------------------


def _low_system() -> dict[str, Any]:
    # 0.95 * (1 - 0.5^2) * 0.5 = 0.35625; the 50% leaf c costs most: .5 * .95 * .75 = .35625.
    return {"serial": [_leaf(95, "a"), {"name": "b", "parallel": [_leaf(50), _leaf(50)]}, _leaf(50, "c")]}


def test_a_low_target_requires_a_tenth_of_its_unavailability_of_each_hard_dependency() -> None:
    # Target 50%: a dependency may be down (100 - 50) / 10 = 5% of the time, so 95% is required.
    result = composite_availability(_low_system(), target=50)
    checks = [
        (c.name, c.path, c.availability_percent, c.required_percent, c.has_extra_nine) for c in result.dependencies
    ]
    assert checks == [
        ("a", "serial[0]", 95.0, 95.0, True),  # exactly at the line
        ("b", "serial[1]", 75.0, 95.0, False),
        ("c", "serial[2]", 50.0, 95.0, False),
    ]
    assert (result.target_percent, result.meets_target) == (50.0, False)
    assert result.summary == (
        "Availability 35.62% (19d 7h 30m down per 30d); weakest link c (50%); misses the 50% target, "
        "2 of 3 hard dependencies lack the extra nine"
    )


@pytest.mark.parametrize(("target", "required"), [(30, 93.0), (90, 99.0), (99.9, 99.99), (99.95, 99.995)])
def test_the_required_availability_is_100_less_a_tenth_of_the_targets_unavailability(
    target: float, required: float
) -> None:
    result = composite_availability({"serial": [_leaf(99.999, "db")]}, target=target)
    assert [c.required_percent for c in result.dependencies] == [pytest.approx(required, rel=1e-12)]
    assert [c.has_extra_nine for c in result.dependencies] == [True]


@pytest.mark.parametrize(
    ("percent", "target", "meets"),
    [
        ("99.9", "99.9", True),
        ("99.9", "99.91", False),
        ("99.91", "99.9", True),
        ("50", "50", True),
        ("49.9", "50", False),
    ],
)
def test_a_target_is_met_exactly_at_the_line(percent: str, target: str, meets: bool) -> None:
    result = composite_availability({"serial": [_leaf(percent, "app")]}, target=target)
    assert result.meets_target is meets
    assert ("meets" if meets else "misses") + f" the {target}% target" in result.summary


def test_without_a_target_nothing_is_checked_or_judged() -> None:
    result = composite_availability({"serial": [_leaf(99.9, "a"), _leaf(99, "b")]})
    assert (result.target_percent, result.meets_target, result.dependencies) == (None, None, [])
    # 0.999 * 0.99 = 0.98901: down 0.01099 of 30 days = 28486.08 s.
    assert result.summary == "Availability 98.9% (7h 54m 46.08s down per 30d); weakest link b (99%)"


# --- the tree's shape and size -------------------------------------------------------------------------


def _nested(levels: int) -> dict[str, Any]:
    """A leaf inside serial groups, `levels` levels deep counting the leaf."""
    system: dict[str, Any] = _leaf(99.9, "deep")
    for _ in range(levels - 1):
        system = {"serial": [system]}
    return system


def test_a_tree_exactly_32_levels_deep_is_accepted() -> None:
    result = composite_availability(_nested(MAX_TREE_DEPTH))
    assert (result.leaf_count, result.availability_percent) == (1, 99.9)
    assert result.weakest_link is not None
    assert result.weakest_link.path == ".".join(["serial[0]"] * (MAX_TREE_DEPTH - 1))


def test_a_tree_33_levels_deep_is_refused_naming_the_node_too_deep() -> None:
    error = _error(_nested(MAX_TREE_DEPTH + 1))
    assert error.argument == "system"
    path = ".".join(["serial[0]"] * MAX_TREE_DEPTH)
    assert error.message == f"{path} is too deep: a tree may be at most 32 levels deep"


@pytest.mark.parametrize("kind", ["serial", "parallel"])
def test_a_group_needs_at_least_one_node(kind: str) -> None:
    error = _error({kind: []})
    assert (error.argument, error.message) == ("system", f"{kind} must have at least 1 item(s)")


def test_a_k_of_n_group_needs_at_least_one_node_and_at_most_100() -> None:
    assert _error(_k_of_n(1, [])).message == "k_of_n.of must have at least 1 item(s)"
    assert _error(_k_of_n(1, [_leaf(99)] * (MAX_K_OF_N + 1))).message == "k_of_n.of must have at most 100 item(s)"
    assert composite_availability(_k_of_n(MAX_K_OF_N, [_leaf(100)] * MAX_K_OF_N)).availability_ratio == 1.0


@pytest.mark.parametrize(
    ("system", "message"),
    [
        (_k_of_n(4, [_leaf(99)] * 3), "k_of_n.k must be at most the number of nodes in 'of' (3), got 4"),
        (_k_of_n(0, [_leaf(99)]), "k_of_n.k must be a whole number from 1 to 100 (e.g. 2), got 0"),
        ({"serial": [{"mttr_hours": 1}]}, "serial[0].mtbf_hours is required with mttr_hours"),
        ({"serial": [{"mtbf_hours": 1}]}, "serial[0].mttr_hours is required with mtbf_hours"),
        (_leaf(0), "availability must be a percentage greater than 0 and at most 100 (e.g. 99.95), got 0"),
    ],
)
def test_a_bad_node_is_refused_in_one_line_naming_where_it_is(system: dict[str, Any], message: str) -> None:
    error = _error(system)
    assert (error.argument, error.message) == ("system", message)


def test_a_bad_target_names_the_target() -> None:
    error = _error(_leaf(99), target=100)
    assert error.argument == "target"
    assert error.message.endswith("got 100")


def test_the_result_is_a_composite_availability() -> None:
    assert isinstance(composite_availability(_leaf(99)), CompositeAvailability)
