"""Composite availability: a system drawn as a tree of serial, parallel and k-of-n groups over leaf
dependencies, its availability computed exactly, the weakest links ranked by how much each one costs the
whole, and whether the hard dependencies leave room for the target.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Union

from pydantic import Discriminator, Field, Tag, model_validator

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.durations import format_duration
from persona_mcp.sre.numbers import (
    HUNDRED,
    MAX_K_OF_N,
    MAX_TREE_DEPTH,
    MAX_TREE_NODES,
    MONTH_30D,
    ONE,
    YEAR_365D,
    Name,
    Num,
    NumberLike,
    Percent,
    Result,
    StrictInput,
    as_float,
    as_float_or_none,
    decimal_places,
    exact,
    fmt_availability,
    fmt_plain,
    validate_input,
)


class LeafNode(StrictInput):
    """A component: its availability in percent, or its MTBF and MTTR in hours."""

    name: Name | None = Field(default=None, description="Component name.")
    availability: Annotated[Decimal, Num("a percentage", gt="0", le="100", example="99.95", percent=True)] | None = (
        Field(default=None, description="Availability in percent.")
    )
    mtbf_hours: Annotated[Decimal, Num("a number of hours", gt="0", le="1e9", example="720")] | None = Field(
        default=None, description="Mean time between failures, hours."
    )
    mttr_hours: Annotated[Decimal, Num("a number of hours", ge="0", le="1e9", example="0.5")] | None = Field(
        default=None, description="Mean time to repair, hours."
    )

    @model_validator(mode="after")
    def _one_form(self) -> LeafNode:
        timing = self.mtbf_hours is not None or self.mttr_hours is not None
        if self.availability is not None and timing:
            raise InvalidArgument("availability", "cannot be combined with mtbf_hours/mttr_hours: give one form")
        if self.availability is None and not timing:
            raise InvalidArgument("availability", "is required, or else mtbf_hours with mttr_hours")
        if timing and self.mtbf_hours is None:
            raise InvalidArgument("mtbf_hours", "is required with mttr_hours")
        if timing and self.mttr_hours is None:
            raise InvalidArgument("mttr_hours", "is required with mtbf_hours")
        return self

    @property
    def ratio(self) -> Decimal:
        """Availability as a ratio: percent / 100, or MTBF / (MTBF + MTTR)."""
        if self.availability is not None:
            return self.availability / HUNDRED
        assert self.mtbf_hours is not None  # by _one_form
        assert self.mttr_hours is not None
        return self.mtbf_hours / (self.mtbf_hours + self.mttr_hours)


class SerialNode(StrictInput):
    """Hard dependencies: all must be up (availabilities multiply)."""

    name: Name | None = Field(default=None, description="Group name.")
    serial: list[SystemNode] = Field(min_length=1, description="Nodes that must all be up.")


class ParallelNode(StrictInput):
    """Independent redundant replicas: up while any one is up (1 - prod(1 - a))."""

    name: Name | None = Field(default=None, description="Group name.")
    parallel: list[SystemNode] = Field(min_length=1, description="Nodes of which one suffices.")


class KOfNGroup(StrictInput):
    """At least k of the nodes must be up (independent, possibly different availabilities)."""

    k: Annotated[int, Num("a whole number", ge="1", le=str(MAX_K_OF_N), example="2", integer=True)] = Field(
        description="How many must be up."
    )
    of: list[SystemNode] = Field(min_length=1, max_length=MAX_K_OF_N, description="The nodes.")

    @model_validator(mode="after")
    def _k_at_most_n(self) -> KOfNGroup:
        if self.k > len(self.of):
            raise InvalidArgument("k", f"must be at most the number of nodes in 'of' ({len(self.of)}), got {self.k}")
        return self


class KOfNNode(StrictInput):
    """A k-of-n group: up while at least k of its n nodes are up."""

    name: Name | None = Field(default=None, description="Group name.")
    k_of_n: KOfNGroup = Field(description="{k, of: [nodes]}.")


def _node_kind(value: Any) -> str:
    if isinstance(value, Mapping):
        for key in ("serial", "parallel", "k_of_n"):
            if key in value:
                return f"{key.replace('_', '-')}-node"
        return "leaf-node"
    kinds: dict[type, str] = {SerialNode: "serial-node", ParallelNode: "parallel-node", KOfNNode: "k-of-n-node"}
    return kinds.get(type(value), "leaf-node")


SystemNode = Annotated[
    Union[  # noqa: UP007 - Tag annotations need the Union form
        Annotated[LeafNode, Tag("leaf-node")],
        Annotated[SerialNode, Tag("serial-node")],
        Annotated[ParallelNode, Tag("parallel-node")],
        Annotated[KOfNNode, Tag("k-of-n-node")],
    ],
    Discriminator(_node_kind),
]
"""A node of a system tree: a leaf, or a serial, parallel or k_of_n group of nodes."""

for _model in (SerialNode, ParallelNode, KOfNGroup, KOfNNode):
    _model.model_rebuild()


class CompositeInput(StrictInput):
    """Arguments of `composite_availability`."""

    system: SystemNode = Field(description="The system tree.")
    target: Percent | None = Field(default=None, description="Target availability in percent, e.g. 99.9.")


class WeakestLink(Result):
    """The leaf whose own failures cost the system the most availability."""

    name: str = Field(description="Leaf name, or its path when unnamed.")
    path: str = Field(description="Location in the tree, e.g. serial[1]; empty for the root.")
    availability_percent: float = Field(description="The leaf's availability in percent.")
    system_availability_if_perfect_percent: float = Field(description="System availability were this leaf never down.")
    downtime_share: float = Field(description="Fraction of system unavailability this leaf causes.")


class DependencyCheck(Result):
    """A serial hard dependency checked for the extra nine: unavailability at most 1/10 of the target's."""

    name: str = Field(description="Node name, or its path when unnamed.")
    path: str = Field(description="Location in the tree.")
    availability_percent: float = Field(description="The dependency's availability in percent.")
    required_percent: float = Field(description="Availability with the extra nine: 100 - (100 - target)/10.")
    has_extra_nine: bool = Field(description="Whether it meets required_percent.")


class CompositeAvailability(Result):
    """The availability of a system tree, its downtime, its weakest link and, with a target, its gaps."""

    availability_percent: float = Field(description="System availability in percent.")
    availability_ratio: float = Field(description="System availability as a ratio.")
    downtime_per_30d_seconds: float = Field(description="Expected downtime per 30 days.")
    downtime_per_30d_human: str = Field(description="e.g. 13m.")
    downtime_per_365d_seconds: float = Field(description="Expected downtime per 365 days.")
    downtime_per_365d_human: str = Field(description="e.g. 2h 37m 40s.")
    leaf_count: int = Field(description="Number of leaves.")
    weakest_link: WeakestLink | None = Field(description="Null when every leaf is 100%.")
    target_percent: float | None = Field(description="Target in percent, if given.")
    meets_target: bool | None = Field(description="System availability >= target.")
    dependencies: list[DependencyCheck] = Field(description="With a target: each serial hard dependency.")
    summary: str = Field(description="One line in plain words.")


@dataclass
class _Leaf:
    node: LeafNode
    path: str
    availability: Decimal
    importance: Decimal  # d(system availability) / d(leaf availability)


def _children(node: object) -> Iterator[tuple[object, str]]:
    """A raw or validated node's children with their path steps, as far as the shape is recognisable."""
    if isinstance(node, Mapping):
        group = node.get("k_of_n")
        kids = group.get("of") if isinstance(group, Mapping) else None
        key = "k_of_n.of"
        if kids is None:
            key = "serial" if "serial" in node else "parallel"
            kids = node.get(key)
    elif isinstance(node, SerialNode | ParallelNode | KOfNNode):
        key, kids = _group(node)
    else:
        return
    if isinstance(kids, list | tuple):
        for i, child in enumerate(kids):
            yield child, f"{key}[{i}]"


def _group(node: SerialNode | ParallelNode | KOfNNode) -> tuple[str, list[SystemNode]]:
    if isinstance(node, SerialNode):
        return "serial", node.serial
    if isinstance(node, ParallelNode):
        return "parallel", node.parallel
    return "k_of_n.of", node.k_of_n.of


def _join(path: str, step: str) -> str:
    return f"{path}.{step}" if path else step


def _check_tree_size(system: object) -> None:
    """Bound the tree before validating it, so a hostile input cannot exhaust the stack or the CPU."""
    stack: list[tuple[object, int, str]] = [(system, 1, "")]
    count = 0
    while stack:
        node, depth, path = stack.pop()
        count += 1
        if count > MAX_TREE_NODES:
            raise InvalidArgument("system", f"must have at most {MAX_TREE_NODES} nodes")
        if depth > MAX_TREE_DEPTH:
            raise InvalidArgument("system", f"{path} is too deep: a tree may be at most {MAX_TREE_DEPTH} levels deep")
        stack.extend((child, depth + 1, _join(path, step)) for child, step in _children(node))


def _product(values: Sequence[Decimal]) -> Decimal:
    result = ONE
    for value in values:
        result *= value
    return result


def _all_but_one(values: Sequence[Decimal]) -> list[Decimal]:
    """For each i, the product of all values except values[i] (prefix and suffix products, no division)."""
    prefix = [ONE]
    for value in values:
        prefix.append(prefix[-1] * value)
    suffix = ONE
    result = [ONE] * len(values)
    for i in range(len(values) - 1, -1, -1):
        result[i] = prefix[i] * suffix
        suffix *= values[i]
    return result


def _step(dist: list[Decimal], p: Decimal, cap: int) -> list[Decimal]:
    """Add one independent node (up with probability p) to a count distribution truncated at `cap`."""
    nxt = [value * (ONE - p) for value in dist]
    if len(dist) <= cap:
        nxt.append(Decimal(0))
    for j in range(1, len(nxt)):
        nxt[j] += dist[j - 1] * p
    return nxt


def _count_distribution(probabilities: Sequence[Decimal], cap: int) -> list[Decimal]:
    """P(exactly j up) for j = 0..min(n, cap), for independent nodes (the Poisson-binomial DP)."""
    dist = [ONE]
    for p in probabilities:
        dist = _step(dist, p, cap)
    return dist


def _at_least(k: int, probabilities: Sequence[Decimal]) -> Decimal:
    """P(at least k of the independent nodes are up), exact for different availabilities, within [0, 1]."""
    n = len(probabilities)
    dist = _count_distribution(probabilities, n)
    # Sum the shorter side: k = 1 reduces to 1 - prod(1 - p) (parallel), k = n to prod(p) (serial).
    value = ONE - sum(dist[:k], Decimal(0)) if k - 1 < n - k else sum(dist[k:], Decimal(0))
    # Each P(exactly j up) is rounded to 28 digits, so their sum can pass 1 by a unit in the last place (27 of 47
    # up at 99.9999998074% each: a negative downtime) and 1 less such a sum can fall below 0 (-0.01% shown).
    return min(max(value, Decimal(0)), ONE)


def _exactly_k_minus_1_of_others(k: int, probabilities: Sequence[Decimal]) -> list[Decimal]:
    """For each node i, P(exactly k - 1 of the other nodes are up): d P(at least k) / d p_i."""
    n, cap = len(probabilities), k - 1
    prefix = [[ONE]]
    for p in probabilities:
        prefix.append(_step(prefix[-1], p, cap))
    result = [Decimal(0)] * n
    suffix = [ONE]
    for i in range(n - 1, -1, -1):
        before = prefix[i]
        result[i] = sum(
            (before[j] * suffix[cap - j] for j in range(len(before)) if 0 <= cap - j < len(suffix)), Decimal(0)
        )
        suffix = _step(suffix, probabilities[i], cap)
    return result


def _availability(node: SystemNode, memo: dict[int, Decimal]) -> Decimal:
    if isinstance(node, LeafNode):
        value = node.ratio
    elif isinstance(node, SerialNode):
        value = _product([_availability(child, memo) for child in node.serial])
    elif isinstance(node, ParallelNode):
        value = ONE - _product([ONE - _availability(child, memo) for child in node.parallel])
    else:
        value = _at_least(node.k_of_n.k, [_availability(child, memo) for child in node.k_of_n.of])
    memo[id(node)] = value
    return value


def _leaves(node: SystemNode, path: str, importance: Decimal, memo: dict[int, Decimal], out: list[_Leaf]) -> None:
    """Collect the leaves with their Birnbaum importance: the product of local derivatives down the path."""
    if isinstance(node, LeafNode):
        out.append(_Leaf(node, path, memo[id(node)], importance))
        return
    key, kids = _group(node)
    values = [memo[id(child)] for child in kids]
    if isinstance(node, SerialNode):
        local = _all_but_one(values)
    elif isinstance(node, ParallelNode):
        local = _all_but_one([ONE - v for v in values])
    else:
        local = _exactly_k_minus_1_of_others(node.k_of_n.k, values)
    for i, child in enumerate(kids):
        _leaves(child, _join(path, f"{key}[{i}]"), importance * local[i], memo, out)


def _hard_dependencies(node: SystemNode, path: str, out: list[tuple[SystemNode, str]]) -> None:
    """The units whose failure alone takes the system down: children of serial groups reachable through serial
    groups only (nested serial groups are flattened)."""
    if not isinstance(node, SerialNode):
        return
    for i, child in enumerate(node.serial):
        child_path = _join(path, f"serial[{i}]")
        if isinstance(child, SerialNode):
            _hard_dependencies(child, child_path, out)
        else:
            out.append((child, child_path))


@exact
def composite_availability(
    system: SystemNode | Mapping[str, Any], target: NumberLike | None = None
) -> CompositeAvailability:
    """The availability of a system of independent components, its weakest link and, with a target, its gaps.

    Nodes: a leaf {"name"?, "availability": percent} or {"name"?, "mtbf_hours", "mttr_hours"} (availability
    = MTBF / (MTBF + MTTR)); {"serial": [nodes]} (hard dependencies multiply); {"parallel": [nodes]}
    (1 - prod(1 - a)); {"k_of_n": {"k": k, "of": [nodes]}} (at least k up, exact Poisson-binomial). Groups may
    have a "name". At most 1,000 nodes, 32 levels, 100 nodes per k_of_n.

    The weakest link is the leaf whose own failures cost the system the most availability: the largest gain
    if it never failed, (1 - a) * dA_system/da. In a serial chain that is the least available leaf. With a
    target, each serial hard dependency is checked for the extra nine (unavailability at most a tenth of
    the target's).

    Raises:
        InvalidArgument: the tree is malformed, too large, or a value is out of range (e.g. k greater than
            the number of nodes); the error names `system` and the path inside it, or `target`.
    """
    _check_tree_size(system)
    args = validate_input(CompositeInput, {"system": system, "target": target})
    memo: dict[int, Decimal] = {}
    total = _availability(args.system, memo)
    down = ONE - total
    leaves: list[_Leaf] = []
    _leaves(args.system, "", ONE, memo, leaves)

    weakest: WeakestLink | None = None
    gains = [(ONE - leaf.availability) * leaf.importance for leaf in leaves]
    best = max(gains)
    # Among gains equal up to rounding noise, the first leaf in document order wins, so ties read naturally.
    first = next(i for i, gain in enumerate(gains) if gain >= best * (ONE - Decimal("1e-20")))
    leaf = leaves[first]
    if best > 0:
        weakest = WeakestLink(
            name=leaf.node.name or leaf.path or "system",
            path=leaf.path,
            availability_percent=as_float(leaf.availability * HUNDRED),
            system_availability_if_perfect_percent=as_float(min(total + best, ONE) * HUNDRED),
            downtime_share=as_float(best / down) if down > 0 else 0.0,
        )

    checks: list[DependencyCheck] = []
    meets: bool | None = None
    if args.target is not None:
        target_ratio = args.target / HUNDRED
        meets = total >= target_ratio
        allowed = (ONE - target_ratio) / 10
        units: list[tuple[SystemNode, str]] = []
        _hard_dependencies(args.system, "", units)
        for unit, path in units:
            value = memo[id(unit)]
            checks.append(
                DependencyCheck(
                    name=unit.name or path,
                    path=path,
                    availability_percent=as_float(value * HUNDRED),
                    required_percent=as_float((ONE - allowed) * HUNDRED),
                    has_extra_nine=ONE - value <= allowed,
                )
            )

    month, year = down * MONTH_30D, down * YEAR_365D
    month_human = format_duration(month)
    shown = fmt_availability(total, decimal_places(args.target) if args.target is not None else 0)
    summary = f"Availability {shown} ({month_human} down per 30d)"
    if weakest is not None:
        summary += f"; weakest link {weakest.name} ({fmt_availability(leaf.availability)})"
    if args.target is not None:
        summary += f"; {'meets' if meets else 'misses'} the {fmt_plain(args.target)}% target"
        lacking = sum(not c.has_extra_nine for c in checks)
        if checks:
            summary += f", {lacking} of {len(checks)} hard dependencies lack the extra nine"
    return CompositeAvailability(
        availability_percent=as_float(total * HUNDRED),
        availability_ratio=as_float(total),
        downtime_per_30d_seconds=as_float(month),
        downtime_per_30d_human=month_human,
        downtime_per_365d_seconds=as_float(year),
        downtime_per_365d_human=format_duration(year),
        leaf_count=len(leaves),
        weakest_link=weakest,
        target_percent=as_float_or_none(args.target),
        meets_target=meets,
        dependencies=checks,
        summary=summary,
    )
