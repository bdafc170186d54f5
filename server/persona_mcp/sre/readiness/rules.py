"""Named rules: the checks one comparison cannot state (single points of failure, zone redundancy, an SLO the
dependencies can carry, an SLA looser than the SLO, toil under its cap, ...), each a function of the
manifest that returns an `Outcome`, with the three-valued evaluation primitives they share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from persona_mcp.sre.budget import error_budget
from persona_mcp.sre.numbers import decimal_places, exact
from persona_mcp.sre.readiness.manifest import (
    DATASTORE_KINDS,
    Dependency,
    ServiceManifest,
    ToilTask,
    Topology,
    plain_number,
)
from persona_mcp.sre.readiness.results import Status, Tier

if TYPE_CHECKING:
    from persona_mcp.sre.readiness.checklist import TierPolicy


# --- evaluation primitives -------------------------------------------------------------------------------

Presence = Literal["absent", "null", "value"]


def _get(model: BaseModel, name: str) -> tuple[Presence, Any]:
    """Whether `name` was given on `model`, given as null, or given with a value."""
    if name not in model.model_fields_set:
        return "absent", None
    value = getattr(model, name)
    return ("null", None) if value is None else ("value", value)


def _lookup(manifest: ServiceManifest, path: str) -> tuple[Presence, Any]:
    """A dotted field path on the manifest; a missing or null section makes everything below it missing or null."""
    current: Any = manifest
    for part in path.split("."):
        if part not in current.model_fields_set:
            return "absent", None
        current = getattr(current, part)
        if current is None:
            return "null", None
    return "value", current


@dataclass(frozen=True)
class Outcome:
    """The result of a check: its status and the facts that decided it."""

    status: Status
    notes: tuple[str, ...] = ()


def unknown_because(*notes: str) -> Outcome:
    return Outcome("unknown", notes)


def failed_because(*notes: str) -> Outcome:
    return Outcome("failed", notes)


def passed_because(*notes: str) -> Outcome:
    return Outcome("passed", notes)


def show_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return plain_number(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    return str(value)


def _pct(value: float) -> str:
    """A percentage the manifest gave, as written: 99.99995 stays "99.99995%", never rounded to "100%"."""
    return f"{plain_number(value)}%"


def _pct_against(value: float, target: float) -> str:
    """`value` in percent beside `target`, rounded down to as many decimals as the target has (at least 4), so
    the text never shows a shortfall as meeting the target: 99.900025 against 99.90003 is "99.90002%", not
    "99.9%"."""
    places = max(4, decimal_places(Decimal(repr(target))))
    shown = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR)
    return f"{plain_number(float(shown))}%"


# --- named rules -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleContext:
    """What a rule may use besides the manifest: the tier, its policy and the SLO the review holds it to."""

    tier: Tier
    policy: TierPolicy
    slo_availability: float
    slo_window: str
    slo_source: str


class Strict(BaseModel):
    # The checklist's models are built when the checklist first loads, with the first review.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class NoArgs(Strict):
    """A rule that takes no arguments."""


class ToilCapArgs(Strict):
    """Arguments of `toil_under_cap`: the share of the team's working week that toil may take.

    Site Reliability Engineering, ch. 5 "Eliminating Toil": at most 50% of an SRE's time goes to toil and other
    operational work; the rest is engineering that removes it.
    """

    cap_fraction: float = Field(gt=0, le=1)
    hours_per_engineer_week: float = Field(gt=0, le=168)


RuleFn = Callable[[ServiceManifest, RuleContext, Any], Outcome]


@dataclass(frozen=True)
class Rule:
    """A computed check: what data alone cannot express."""

    fn: RuleFn
    args: type[Strict]
    doc: str
    reads: tuple[str, ...]
    """The manifest fields (sections or dotted fields) the rule looks at: the evidence a finding cites."""


def _dependencies(manifest: ServiceManifest) -> tuple[Presence, list[Dependency]]:
    state, deps = _lookup(manifest, "dependencies")
    return state, list(deps or [])


@exact
def in_series(percents: Iterable[float], target: float) -> tuple[float, bool]:
    """The availability in percent of independent hard dependencies in series, and whether it meets `target`.

    The figure `slo.composite_availability` gives for a serial system (exact decimals from each number's shortest
    repr, so 99.95 is 0.9995, under the SLO math's own decimal context), without the weakest link, budgets and
    summary it builds around it.
    """
    total = Decimal(1)
    for percent in percents:
        total *= Decimal(repr(percent)) / 100
    return float(total * 100) + 0.0, total >= Decimal(repr(target)) / 100


def rule_no_single_points_of_failure(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when a datastore or a critical dependency has exactly one instance."""
    state, deps = _dependencies(manifest)
    if state == "absent":
        return unknown_because("dependencies not given")
    if not deps:
        return passed_because("no dependencies")
    spofs: list[str] = []
    unclear: list[str] = []
    for dep in deps:
        stateful = None if dep.kind is None else dep.kind in DATASTORE_KINDS
        at_risk = stateful is True or dep.critical is True
        maybe = not at_risk and (stateful is None or dep.critical is None)
        if dep.instances == 1 and at_risk:
            spofs.append(f"{dep.name} ({dep.kind or 'critical'}) has 1 instance")
        elif dep.instances == 1 and maybe:
            unclear.append(f"{dep.name} has 1 instance but its kind or criticality is not given")
        elif dep.instances is None and (at_risk or maybe):
            unclear.append(f"{dep.name}: instances not given")
    if spofs:
        return failed_because(*spofs)
    if unclear:
        return unknown_because(*unclear)
    return passed_because()


def rule_zone_redundancy(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when the service, or a datastore or critical dependency, is confined to one availability zone.

    A zone is a failure domain: power, cooling and network fail together inside it, and providers design for
    losing one (AWS and Google Cloud reliability guidance: spread across at least two zones). Instances in one
    zone are one failure away from an outage however many there are.
    """
    state, topology = _lookup(manifest, "topology")
    problems: list[str] = []
    unclear: list[str] = []
    zones = topology.zones if state == "value" and isinstance(topology, Topology) else None
    if zones == 1:
        problems.append(f"{manifest.name} runs in 1 availability zone")
    elif zones is None:
        unclear.append("the service's zones not given (topology.zones)")
    dep_state, deps = _dependencies(manifest)
    for dep in deps if dep_state == "value" else []:
        at_risk = dep.critical is True or (dep.kind is not None and dep.kind in DATASTORE_KINDS)
        if at_risk and dep.zones == 1:
            problems.append(f"{dep.name} ({dep.kind or 'critical'}) runs in 1 availability zone")
        elif at_risk and dep.zones is None:
            unclear.append(f"{dep.name}: zones not given")
    if problems:
        return failed_because(*problems)
    if unclear:
        return unknown_because(*unclear)
    return passed_because(f"{manifest.name} and its critical dependencies span 2 or more zones")


def rule_slo_achievable_with_dependencies(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when the critical dependencies in series are less available than the SLO.

    With `slo: null` (no objective) the target is the tier's default, the SLO the review recommends; with the
    SLO left out the item stays unknown, so leaving facts out never turns it into a pass.
    """
    state, deps = _dependencies(manifest)
    if state == "absent":
        return unknown_because("dependencies not given")
    if _lookup(manifest, "slo.availability")[0] == "absent":
        return unknown_because("slo.availability not given")
    critical = [d for d in deps if d.critical is True]
    known = [d.availability for d in critical if d.availability is not None]
    missing = [d.name for d in critical if d.availability is None]
    unclear = [d.name for d in deps if d.critical is None]
    target = ctx.slo_availability
    if known:
        combined, meets = in_series(known, target)
        fact = (
            f"critical dependencies in series allow {_pct_against(combined, target)} against the "
            f"{_pct(target)} objective ({ctx.slo_source})"
        )
        if not meets:
            return failed_because(fact)
    else:
        fact = "no critical dependency with a known availability"
    if missing:
        return unknown_because(f"availability not given for: {', '.join(missing)}")
    if unclear:
        return unknown_because(f"criticality not given for: {', '.join(unclear)}")
    return passed_because(fact)


def rule_critical_dependency_availability_known(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when a critical dependency's availability is given as null (known to be unknown to the team)."""
    state, deps = _dependencies(manifest)
    if state == "absent":
        return unknown_because("dependencies not given")
    critical = [d for d in deps if d.critical is True]
    none = [d.name for d in critical if _get(d, "availability")[0] == "null"]
    absent = [d.name for d in critical if _get(d, "availability")[0] == "absent"]
    if none:
        return failed_because(f"no availability figure for: {', '.join(none)}")
    if absent:
        return unknown_because(f"availability not given for: {', '.join(absent)}")
    unclear = [d.name for d in deps if d.critical is None]
    if unclear:
        return unknown_because(f"criticality not given for: {', '.join(unclear)}")
    return passed_because()


def rule_sla_looser_than_slo(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when an SLA is as strict as the SLO or stricter, or when there is an SLA and no SLO; n/a without an SLA."""
    sla_state, sla = _lookup(manifest, "sla.availability")
    if sla_state == "absent":
        return unknown_because("sla not given")
    if sla_state == "null":
        return Outcome("not_applicable", ("no SLA",))
    slo_state, slo = _lookup(manifest, "slo.availability")
    if slo_state == "absent":
        return unknown_because("slo.availability not given")
    if slo_state == "null":
        return failed_because(f"an SLA of {_pct(sla)} with no SLO behind it")
    budget = error_budget(slo, ctx.slo_window, sla=sla)
    if not budget.sla_ok:
        return failed_because(f"SLA {_pct(sla)} is not looser than the SLO {_pct(slo)}")
    return passed_because(f"SLA {_pct(sla)} under the SLO {_pct(slo)}")


def rule_slo_meets_tier_target(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when the availability objective is below, or the latency objective above, the tier's default."""
    state, availability = _lookup(manifest, "slo.availability")
    if state == "absent":
        return unknown_because("slo.availability not given")
    if state == "null":
        return Outcome("not_applicable", ("no SLO to compare (see slo-defined)",))
    default = ctx.policy.slo
    problems = []
    if availability < default.availability:
        problems.append(
            f"availability {_pct(availability)} is looser than the {ctx.tier} tier's {_pct(default.availability)}"
        )
    lat_state, latency = _lookup(manifest, "slo.latency_p99_ms")
    if lat_state == "value" and manifest.workload == "request" and latency > default.latency_p99_ms:
        problems.append(
            f"p99 {plain_number(latency)} ms is looser than the {ctx.tier} tier's "
            f"{plain_number(default.latency_p99_ms)} ms"
        )
    return failed_because(*problems) if problems else passed_because()


def toil_tasks(manifest: ServiceManifest) -> tuple[Presence, list[ToilTask]]:
    state, tasks = _lookup(manifest, "toil")
    return state, list(tasks or [])


def rule_toil_under_cap(manifest: ServiceManifest, ctx: RuleContext, args: ToilCapArgs) -> Outcome:
    """Fails when recurring manual work takes more than `cap_fraction` of the team's week (documentation.team_size
    engineers of `hours_per_engineer_week`; one engineer when the team size is not given, which it says)."""
    state, tasks = toil_tasks(manifest)
    if state == "absent":
        return unknown_because("toil not given")
    hours = sum(t.minutes_per_week for t in tasks) / 60
    team_state, team = _lookup(manifest, "documentation.team_size")
    size = team if team_state == "value" and isinstance(team, int) else 1
    cap = args.cap_fraction * args.hours_per_engineer_week * size
    who = f"{size} engineer(s)" if team_state == "value" else "1 engineer assumed (documentation.team_size not given)"
    fact = (
        f"{plain_number(round(hours, 2))} h/week of toil against a cap of {plain_number(round(cap, 2))} h/week "
        f"({plain_number(args.cap_fraction * 100)}% of {plain_number(args.hours_per_engineer_week)} h for {who})"
    )
    return failed_because(fact) if hours > cap else passed_because(fact)


def rule_toil_not_scaling_with_load(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when a recurring manual task grows with load."""
    state, tasks = toil_tasks(manifest)
    if state == "absent":
        return unknown_because("toil not given")
    growing = [
        f"{t.task} ({plain_number(t.minutes_per_week)} min/week) grows with load" for t in tasks if t.scales_with_load
    ]
    if growing:
        return failed_because(*growing)
    unclear = [t.task for t in tasks if t.scales_with_load is None]
    if unclear:
        return unknown_because(f"scales_with_load not given for: {', '.join(unclear)}")
    return passed_because()


RULES: dict[str, Rule] = {
    "no_single_points_of_failure": Rule(
        rule_no_single_points_of_failure,
        NoArgs,
        "a datastore or critical dependency with one instance fails",
        ("dependencies",),
    ),
    "slo_achievable_with_dependencies": Rule(
        rule_slo_achievable_with_dependencies,
        NoArgs,
        "critical dependencies in series must meet the SLO",
        ("slo", "dependencies"),
    ),
    "critical_dependency_availability_known": Rule(
        rule_critical_dependency_availability_known,
        NoArgs,
        "every critical dependency states its availability",
        ("dependencies",),
    ),
    "sla_looser_than_slo": Rule(rule_sla_looser_than_slo, NoArgs, "an SLA must be lower than the SLO", ("sla", "slo")),
    "slo_meets_tier_target": Rule(
        rule_slo_meets_tier_target, NoArgs, "objectives at least the tier's defaults", ("slo",)
    ),
    "zone_redundancy": Rule(
        rule_zone_redundancy,
        NoArgs,
        "no zone holds the service or a critical dependency alone",
        ("topology", "dependencies"),
    ),
    "toil_under_cap": Rule(
        rule_toil_under_cap,
        ToilCapArgs,
        "weekly toil at most cap_fraction of the team's week",
        ("toil", "documentation.team_size"),
    ),
    "toil_not_scaling_with_load": Rule(
        rule_toil_not_scaling_with_load, NoArgs, "no toil task grows with load", ("toil",)
    ),
}
"""The named computed rules a checklist `check` may use: {rule: name, args: {...}}."""
