"""Production readiness review: a service manifest checked against the readiness checklist.

Pure core: no MCP, no I/O beyond reading the shipped checklist. The checklist (resources/readiness-checklist.yaml)
is data, validated on load; each item's `check` is a small declarative rule over the manifest's fields, or a
named computed rule from `RULES`, compiled once per checklist (field paths, operators and rule arguments are
resolved before the first review, not on every call). The MCP tool `sre_readiness`, the `sre-readiness` prompt
and the CLI command `persona-mcp review` are thin adapters over `parse_manifest`, `review`, `review_markdown`,
`failing_at` and `readiness_prompt`.

Three-valued evaluation. A field the manifest leaves out is unknown: the item becomes an open question, never a
pass. A field set to null means "there is none" (`slo: null`: no objective exists) and fails the item. An
`evidence` link turns an unknown item into a pass (it cannot overturn a failure the manifest's own facts show);
a `not_applicable` reason takes the item out of the score. Inside `all`, one failure fails and otherwise one
unknown leaves the result unknown; inside `any`, one pass passes and otherwise one unknown leaves it unknown.

Assessment. not_ready when any blocker item fails or is unanswered (an unanswered blocker is an open launch
question, and a review does not call a service ready around it); ready_with_conditions when no blocker is open
but a high item fails or is unanswered; ready otherwise, with medium and low items as follow-ups. Tiers marked
advisory in the checklist (prototype) count blocker items as high, so they are never not_ready.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import operator
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext
from fractions import Fraction
from functools import cache, cached_property
from pathlib import Path
from string import Template
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from persona_mcp.catalog.model import Line, SemVer, Slug
from persona_mcp.catalog.render import MAX_SUBJECT_CHARS
from persona_mcp.data import load_yaml_file, read_text, resource_path
from persona_mcp.errors import InvalidArgument, ManifestError, PersonaFileError
from persona_mcp.sre.budget import error_budget
from persona_mcp.sre.durations import format_window, parse_duration

__all__ = [
    "RULES",
    "TIERS",
    "WORKLOADS",
    "CategoryScore",
    "Checklist",
    "ChecklistItem",
    "ChecklistRow",
    "Finding",
    "OpenQuestion",
    "ReadinessReview",
    "SLORecommendation",
    "ServiceManifest",
    "ToilRow",
    "failing_at",
    "load_checklist",
    "load_manifest",
    "manifest_fields",
    "parse_checklist",
    "parse_manifest",
    "readiness_prompt",
    "review",
    "review_markdown",
]

Tier = Literal["critical", "standard", "internal", "prototype"]
Severity = Literal["blocker", "high", "medium", "low"]
Status = Literal["passed", "failed", "unknown", "not_applicable"]
Assessment = Literal["ready", "ready_with_conditions", "not_ready"]
Threshold = Literal["blocker", "high", "medium"]
Workload = Literal["request", "stream", "batch"]

TIERS: tuple[Tier, ...] = ("critical", "standard", "internal", "prototype")
SEVERITIES: tuple[Severity, ...] = ("blocker", "high", "medium", "low")
STATUSES: tuple[Status, ...] = ("passed", "failed", "unknown", "not_applicable")
WORKLOADS: tuple[Workload, ...] = ("request", "stream", "batch")
_RANK: dict[str, int] = {"blocker": 3, "high": 2, "medium": 1, "low": 0}

CHECKLIST_FILE = "readiness-checklist.yaml"
PROMPT_NAME = "sre-readiness"

DATASTORE_KINDS = frozenset(("database", "datastore", "cache", "queue", "storage", "search"))
"""Dependency kinds that hold state: one instance of any of them is a single point of failure."""

MAX_DEPENDENCIES = 100
MAX_TOIL_TASKS = 100
MAX_ANSWERS = 200
"""Most entries in `evidence` or in `not_applicable`."""


# --- constrained numbers ---------------------------------------------------------------------------------


def _plain(value: float) -> str:
    """A number as people write it: 100.0 -> "100", 99.95 -> "99.95", never an exponent."""
    text = format(Decimal(repr(float(value))).normalize(), "f")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class Range:
    """Pydantic metadata for a bounded number whose error states the whole range: "must be > 0 and < 100, got 150"."""

    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None

    @property
    def accepted(self) -> str:
        """The bounds in words, e.g. "> 0 and < 100"."""
        bounds = [(">", self.gt), (">=", self.ge), ("<", self.lt), ("<=", self.le)]
        return " and ".join(f"{op} {_plain(v)}" for op, v in bounds if v is not None)

    def _check(self, value: float) -> float:
        ok = (
            (self.gt is None or value > self.gt)
            and (self.ge is None or value >= self.ge)
            and (self.lt is None or value < self.lt)
            and (self.le is None or value <= self.le)
            and math.isfinite(value)
        )
        if not ok:
            raise PydanticCustomError(
                "out_of_range", "must be {accepted}, got {got}", {"accepted": self.accepted, "got": _plain(value)}
            )
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result = handler(schema)
        names = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}
        for attr, key in names.items():
            bound = getattr(self, attr)
            if bound is not None:
                result[key] = bound
        return result


Percent = Annotated[float, Range(gt=0, lt=100)]
DependencyPercent = Annotated[float, Range(gt=0, le=100)]
Milliseconds = Annotated[float, Range(gt=0, le=3_600_000)]
Minutes = Annotated[float, Range(ge=0, le=5_256_000)]  # up to ten years
WeeklyMinutes = Annotated[float, Range(ge=0, le=10_080)]  # a week has 10,080 minutes
Instances = Annotated[int, Range(ge=1, le=100_000)]
Rps = Annotated[float, Range(ge=0, le=1e9)]
Headroom = Annotated[float, Range(ge=0, le=1000)]
Days = Annotated[float, Range(ge=0, le=365)]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\n]*$")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\n]*$")]
Link = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=r"^[^\n]*$")]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Sentence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600, pattern=r"^[^\n]*$")]

DependencyKind = Literal[
    "database", "datastore", "cache", "queue", "storage", "search", "service", "api", "third-party", "other"
]
Strategy = Literal["manual", "rolling", "blue-green", "canary"]


# --- the service manifest ------------------------------------------------------------------------------


def _untitled(schema: dict[str, Any]) -> None:
    """Drop the per-field titles pydantic derives from field names: they repeat the names and cost context."""
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)


class _In(BaseModel):
    """Manifest sections: unknown fields are errors, booleans and numbers are not coerced ("yes" is an error)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, str_strip_whitespace=True, json_schema_extra=_untitled
    )


class SLOSpec(_In):
    """The service's objectives."""

    availability: Percent | None = Field(default=None, description="Availability objective, percent (e.g. 99.9).")
    latency_p99_ms: Milliseconds | None = Field(default=None, description="p99 latency objective, milliseconds.")
    window: str | None = Field(default=None, max_length=64, description="SLO window, e.g. 30d or 4w.")

    @field_validator("window")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        return None if value is None else format_window(parse_duration(value, "window"))


class SLASpec(_In):
    """A contractual SLA."""

    availability: Percent | None = Field(default=None, description="Contractual availability, percent.")


class Dependency(_In):
    """Something the service calls or stores data in."""

    name: Name = Field(description="Dependency name.")
    kind: DependencyKind | None = Field(default=None, description="What it is; datastores hold state.")
    instances: Instances | None = Field(default=None, description="Independent instances or replicas.")
    availability: DependencyPercent | None = Field(default=None, description="Its availability, percent.")
    critical: bool | None = Field(default=None, description="The service fails without it.")
    zones: Zones | None = Field(default=None, description="Availability zones its instances run in.")


class Observability(_In):
    """What the service emits."""

    metrics: bool | None = Field(default=None, description="Request, error and latency metrics.")
    logs: bool | None = Field(default=None, description="Central, searchable logs.")
    traces: bool | None = Field(default=None, description="Distributed tracing.")
    dashboards: bool | None = Field(default=None, description="SLI dashboards.")
    alerts: bool | None = Field(default=None, description="Paging alerts on symptoms.")


class Deployment(_In):
    """How releases reach production."""

    strategy: Strategy | None = Field(default=None, description="manual, rolling, blue-green or canary.")
    rollback: bool | None = Field(default=None, description="A release can be reverted.")
    automated_rollback: bool | None = Field(default=None, description="Reverts itself on SLI regressions.")
    feature_flags: bool | None = Field(default=None, description="Features can be switched off at run time.")


class IncidentResponse(_In):
    """How incidents are handled."""

    on_call: bool | None = Field(default=None, description="An on-call rotation is paged.")
    runbooks: bool | None = Field(default=None, description="Runbooks for the paging alerts.")
    escalation: bool | None = Field(default=None, description="An escalation path.")
    postmortems: bool | None = Field(default=None, description="Blameless postmortems are written.")


class Capacity(_In):
    """Load and headroom."""

    load_tested: bool | None = Field(default=None, description="Load tested above the expected peak.")
    peak_rps: Rps | None = Field(default=None, description="Expected peak requests per second.")
    headroom_percent: Headroom | None = Field(default=None, description="Capacity above the peak, percent.")
    autoscaling: bool | None = Field(default=None, description="Capacity follows load automatically.")


class Resilience(_In):
    """Failure handling."""

    timeouts: bool | None = Field(default=None, description="Every outbound call has a timeout.")
    retries_with_backoff: bool | None = Field(default=None, description="Bounded retries with backoff and jitter.")
    circuit_breakers: bool | None = Field(default=None, description="Breakers on failing dependencies.")
    rate_limiting: bool | None = Field(default=None, description="Inbound traffic is rate limited.")
    graceful_degradation: bool | None = Field(default=None, description="Core path survives optional failures.")
    chaos_tested: bool | None = Field(default=None, description="Failures injected and survived.")


class DisasterRecovery(_In):
    """Backups and recovery."""

    backups: bool | None = Field(default=None, description="Automatic backups.")
    restore_tested: bool | None = Field(default=None, description="A restore from backup was tested.")
    rpo_minutes: Minutes | None = Field(default=None, description="Acceptable data loss, minutes.")
    rto_minutes: Minutes | None = Field(default=None, description="Time allowed to recover, minutes.")
    multi_region: bool | None = Field(default=None, description="Survives the loss of a region.")


class SecurityOps(_In):
    """Operational security."""

    review_passed: bool | None = Field(default=None, description="A security review was passed.")
    secrets_manager: bool | None = Field(default=None, description="Secrets live in a secrets manager.")
    tls: bool | None = Field(default=None, description="Traffic is encrypted in transit.")


class ToilTask(_In):
    """A recurring manual task."""

    task: ShortText = Field(description="What is done by hand.")
    minutes_per_week: WeeklyMinutes = Field(description="Hands-on minutes per week.")
    scales_with_load: bool | None = Field(default=None, description="Grows with traffic or customers.")


class Documentation(_In):
    """Ownership and documents."""

    owner: ShortText | None = Field(default=None, description="The owning team.")
    design_doc: bool | None = Field(default=None, description="A current design document exists.")
    team_size: Annotated[int, Field(ge=1, le=10_000)] | None = Field(
        default=None, description="Engineers who run the service (the toil cap is half their week)."
    )


def _unique(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        key = value.casefold()
        if key in seen:
            raise PydanticCustomError(
                "duplicate",
                "{what} must be unique; {value} appears more than once",
                {"what": what, "value": repr(value)},
            )
        seen.add(key)


Zones = Annotated[int, Range(ge=1, le=1_000)]


class Topology(_In):
    """Where the service runs: its failure domains."""

    regions: Zones | None = Field(default=None, description="Regions it runs in.")
    zones: Zones | None = Field(default=None, description="Availability zones it runs in, all regions together.")

    @model_validator(mode="after")
    def _zones_cover_regions(self) -> Topology:
        if self.regions is not None and self.zones is not None and self.zones < self.regions:
            raise ValueError(f"zones ({self.zones}) must be at least regions ({self.regions}): a region has a zone")
        return self


class ServiceManifest(_In):
    """What is known about a service. Leave out what is not known (it stays an open question); null means none."""

    name: Name = Field(description="Service name.")
    description: Description | None = Field(default=None, description="What it does and for whom.")
    tier: Tier = Field(default="standard", description="critical, standard, internal or prototype; default standard.")
    workload: Workload = Field(
        default="request",
        description="request (answers callers; default), stream (consumers, pipelines) or batch (scheduled jobs).",
    )
    slo: SLOSpec | None = Field(default=None, description="Objectives; null when none is defined.")
    sla: SLASpec | None = Field(default=None, description="Contractual SLA; null when there is none.")
    topology: Topology | None = Field(default=None, description="Regions and zones it runs in.")
    dependencies: list[Dependency] | None = Field(default=None, max_length=MAX_DEPENDENCIES)
    observability: Observability | None = None
    deployment: Deployment | None = None
    incident_response: IncidentResponse | None = None
    capacity: Capacity | None = None
    resilience: Resilience | None = None
    disaster_recovery: DisasterRecovery | None = None
    security: SecurityOps | None = None
    toil: list[ToilTask] | None = Field(default=None, max_length=MAX_TOIL_TASKS, description="Recurring manual work.")
    documentation: Documentation | None = None
    evidence: dict[Slug, Link] = Field(
        default_factory=dict, max_length=MAX_ANSWERS, description="Checklist item id -> link proving it."
    )
    not_applicable: dict[Slug, Sentence] = Field(
        default_factory=dict, max_length=MAX_ANSWERS, description="Checklist item id -> why it does not apply."
    )

    @field_validator("dependencies")
    @classmethod
    def _unique_dependencies(cls, deps: list[Dependency] | None) -> list[Dependency] | None:
        _unique((d.name for d in deps or []), "names")
        return deps

    @field_validator("toil")
    @classmethod
    def _unique_tasks(cls, tasks: list[ToilTask] | None) -> list[ToilTask] | None:
        _unique((t.task for t in tasks or []), "tasks")
        return tasks

    @field_validator("evidence", "not_applicable")
    @classmethod
    def _known_items(cls, answers: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        given = (info.context or {}).get("checklist")
        checklist = given if isinstance(given, Checklist) else load_checklist()
        _check_item_ids(answers, checklist)
        return answers


def _check_item_ids(answers: Iterable[str], checklist: Checklist) -> None:
    known = checklist.item_ids
    for key in answers:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise PydanticCustomError("unknown_item", "not a checklist item id{hint}", {"key": key, "hint": hint})


# --- the fields a check may name -------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldKind:
    """What a manifest field holds, so a check's operator and value can be validated on load."""

    kind: Literal["bool", "number", "choice", "text", "list"]
    choices: tuple[str, ...] = ()


def _strip(annotation: Any) -> Any:
    """The annotation without Optional and Annotated wrappers."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def _kind_of(annotation: Any) -> FieldKind | None:
    bare = _strip(annotation)
    origin = typing.get_origin(bare)
    if bare is bool:
        return FieldKind("bool")
    if bare in (int, float):
        return FieldKind("number")
    if bare is str:
        return FieldKind("text")
    if origin is Literal:
        return FieldKind("choice", tuple(str(a) for a in typing.get_args(bare)))
    if origin is list:
        return FieldKind("list")
    return None


def _section_model(annotation: Any) -> type[BaseModel] | None:
    bare = _strip(annotation)
    if typing.get_origin(bare) is list:
        bare = _strip(typing.get_args(bare)[0])
    return bare if isinstance(bare, type) and issubclass(bare, BaseModel) else None


@cache
def manifest_fields() -> dict[str, FieldKind]:
    """Every field path a checklist `check` may name (e.g. `slo.availability`), with what it holds.

    Derived from `ServiceManifest`, so a field added to the manifest is usable in checks at once. Raises nothing.
    """
    paths: dict[str, FieldKind] = {}
    for name, info in ServiceManifest.model_fields.items():
        if name in ("tier", "evidence", "not_applicable"):
            continue
        section = _section_model(info.annotation)
        if section is not None and typing.get_origin(_strip(info.annotation)) is not list:
            for sub, sub_info in section.model_fields.items():
                kind = _kind_of(sub_info.annotation)
                if kind is not None:
                    paths[f"{name}.{sub}"] = kind
            continue
        kind = _kind_of(info.annotation)
        if kind is not None:
            paths[name] = kind
    return paths


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


def _unknown(*notes: str) -> Outcome:
    return Outcome("unknown", notes)


def _failed(*notes: str) -> Outcome:
    return Outcome("failed", notes)


def _passed(*notes: str) -> Outcome:
    return Outcome("passed", notes)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _plain(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _pct(value: float) -> str:
    return f"{_plain(round(value, 4))}%"


# --- named rules -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleContext:
    """What a rule may use besides the manifest: the tier, its policy and the SLO the review holds it to."""

    tier: Tier
    policy: TierPolicy
    slo_availability: float
    slo_window: str
    slo_source: str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class NoArgs(_Strict):
    """A rule that takes no arguments."""


class ToilCapArgs(_Strict):
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
    args: type[_Strict]
    doc: str


def _dependencies(manifest: ServiceManifest) -> tuple[Presence, list[Dependency]]:
    state, deps = _lookup(manifest, "dependencies")
    return state, list(deps or [])


_EXACT = Context(prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])
"""The decimal arithmetic of the SLO math (`persona_mcp.sre.numbers`), independent of the caller's context."""


def _in_series(percents: Iterable[float], target: float) -> tuple[float, bool]:
    """The availability in percent of independent hard dependencies in series, and whether it meets `target`.

    The figure `slo.composite_availability` gives for a serial system (exact decimals from each number's shortest
    repr, so 99.95 is 0.9995), without the weakest link, budgets and summary it builds around it.
    """
    with localcontext(_EXACT):
        total = Decimal(1)
        for percent in percents:
            total *= Decimal(repr(percent)) / 100
        return float(total * 100) + 0.0, total >= Decimal(repr(target)) / 100


def rule_no_single_points_of_failure(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when a datastore or a critical dependency has exactly one instance."""
    state, deps = _dependencies(manifest)
    if state == "absent":
        return _unknown("dependencies not given")
    if not deps:
        return _passed("no dependencies")
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
        return _failed(*spofs)
    if unclear:
        return _unknown(*unclear)
    return _passed()


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
        return _failed(*problems)
    if unclear:
        return _unknown(*unclear)
    return _passed(f"{manifest.name} and its critical dependencies span 2 or more zones")


def rule_slo_achievable_with_dependencies(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when the critical dependencies in series are less available than the SLO.

    With `slo: null` (no objective) the target is the tier's default, the SLO the review recommends; with the
    SLO left out the item stays unknown, so leaving facts out never turns it into a pass.
    """
    state, deps = _dependencies(manifest)
    if state == "absent":
        return _unknown("dependencies not given")
    if _lookup(manifest, "slo.availability")[0] == "absent":
        return _unknown("slo.availability not given")
    critical = [d for d in deps if d.critical is True]
    known = [d.availability for d in critical if d.availability is not None]
    missing = [d.name for d in critical if d.availability is None]
    unclear = [d.name for d in deps if d.critical is None]
    target = ctx.slo_availability
    if known:
        combined, meets = _in_series(known, target)
        fact = (
            f"critical dependencies in series allow {_pct(combined)} against the "
            f"{_pct(target)} objective ({ctx.slo_source})"
        )
        if not meets:
            return _failed(fact)
    else:
        fact = "no critical dependency with a known availability"
    if missing:
        return _unknown(f"availability not given for: {', '.join(missing)}")
    if unclear:
        return _unknown(f"criticality not given for: {', '.join(unclear)}")
    return _passed(fact)


def rule_critical_dependency_availability_known(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when a critical dependency's availability is given as null (known to be unknown to the team)."""
    state, deps = _dependencies(manifest)
    if state == "absent":
        return _unknown("dependencies not given")
    critical = [d for d in deps if d.critical is True]
    none = [d.name for d in critical if _get(d, "availability")[0] == "null"]
    absent = [d.name for d in critical if _get(d, "availability")[0] == "absent"]
    if none:
        return _failed(f"no availability figure for: {', '.join(none)}")
    if absent:
        return _unknown(f"availability not given for: {', '.join(absent)}")
    unclear = [d.name for d in deps if d.critical is None]
    if unclear:
        return _unknown(f"criticality not given for: {', '.join(unclear)}")
    return _passed()


def rule_sla_looser_than_slo(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when an SLA is as strict as the SLO or stricter, or when there is an SLA and no SLO; n/a without an SLA."""
    sla_state, sla = _lookup(manifest, "sla.availability")
    if sla_state == "absent":
        return _unknown("sla not given")
    if sla_state == "null":
        return Outcome("not_applicable", ("no SLA",))
    slo_state, slo = _lookup(manifest, "slo.availability")
    if slo_state == "absent":
        return _unknown("slo.availability not given")
    if slo_state == "null":
        return _failed(f"an SLA of {_pct(sla)} with no SLO behind it")
    budget = error_budget(slo, ctx.slo_window, sla=sla)
    if not budget.sla_ok:
        return _failed(f"SLA {_pct(sla)} is not looser than the SLO {_pct(slo)}")
    return _passed(f"SLA {_pct(sla)} under the SLO {_pct(slo)}")


def rule_slo_meets_tier_target(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when the availability objective is below, or the latency objective above, the tier's default."""
    state, availability = _lookup(manifest, "slo.availability")
    if state == "absent":
        return _unknown("slo.availability not given")
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
            f"p99 {_plain(latency)} ms is looser than the {ctx.tier} tier's {_plain(default.latency_p99_ms)} ms"
        )
    return _failed(*problems) if problems else _passed()


def _toil(manifest: ServiceManifest) -> tuple[Presence, list[ToilTask]]:
    state, tasks = _lookup(manifest, "toil")
    return state, list(tasks or [])


def rule_toil_under_cap(manifest: ServiceManifest, ctx: RuleContext, args: ToilCapArgs) -> Outcome:
    """Fails when recurring manual work takes more than `cap_fraction` of the team's week (documentation.team_size
    engineers of `hours_per_engineer_week`; one engineer when the team size is not given, which it says)."""
    state, tasks = _toil(manifest)
    if state == "absent":
        return _unknown("toil not given")
    hours = sum(t.minutes_per_week for t in tasks) / 60
    team_state, team = _lookup(manifest, "documentation.team_size")
    size = team if team_state == "value" and isinstance(team, int) else 1
    cap = args.cap_fraction * args.hours_per_engineer_week * size
    who = f"{size} engineer(s)" if team_state == "value" else "1 engineer assumed (documentation.team_size not given)"
    fact = (
        f"{_plain(round(hours, 2))} h/week of toil against a cap of {_plain(round(cap, 2))} h/week "
        f"({_plain(args.cap_fraction * 100)}% of {_plain(args.hours_per_engineer_week)} h for {who})"
    )
    return _failed(fact) if hours > cap else _passed(fact)


def rule_toil_not_scaling_with_load(manifest: ServiceManifest, ctx: RuleContext, args: NoArgs) -> Outcome:
    """Fails when a recurring manual task grows with load."""
    state, tasks = _toil(manifest)
    if state == "absent":
        return _unknown("toil not given")
    growing = [f"{t.task} ({_plain(t.minutes_per_week)} min/week) grows with load" for t in tasks if t.scales_with_load]
    if growing:
        return _failed(*growing)
    unclear = [t.task for t in tasks if t.scales_with_load is None]
    if unclear:
        return _unknown(f"scales_with_load not given for: {', '.join(unclear)}")
    return _passed()


RULES: dict[str, Rule] = {
    "no_single_points_of_failure": Rule(
        rule_no_single_points_of_failure, NoArgs, "a datastore or critical dependency with one instance fails"
    ),
    "slo_achievable_with_dependencies": Rule(
        rule_slo_achievable_with_dependencies, NoArgs, "critical dependencies in series must meet the SLO"
    ),
    "critical_dependency_availability_known": Rule(
        rule_critical_dependency_availability_known, NoArgs, "every critical dependency states its availability"
    ),
    "sla_looser_than_slo": Rule(rule_sla_looser_than_slo, NoArgs, "an SLA must be lower than the SLO"),
    "slo_meets_tier_target": Rule(rule_slo_meets_tier_target, NoArgs, "objectives at least the tier's defaults"),
    "zone_redundancy": Rule(rule_zone_redundancy, NoArgs, "no zone holds the service or a critical dependency alone"),
    "toil_under_cap": Rule(rule_toil_under_cap, ToilCapArgs, "weekly toil at most cap_fraction of the team's week"),
    "toil_not_scaling_with_load": Rule(rule_toil_not_scaling_with_load, NoArgs, "no toil task grows with load"),
}
"""The named computed rules a checklist `check` may use: {rule: name, args: {...}}."""


# --- the rule language -----------------------------------------------------------------------------------

Scalar = bool | int | float | str
_OPERATORS = ("is", "in", "gte", "gt", "lte", "lt", "present")


class FieldCheck(_Strict):
    """Compare one manifest field: {field: deployment.rollback, is: true}."""

    field: str = Field(max_length=100)
    is_: Scalar | None = Field(default=None, alias="is")
    in_: list[Scalar] | None = Field(default=None, alias="in", min_length=1, max_length=20)
    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None
    present: Literal[True] | None = None

    @property
    def operator(self) -> tuple[str, Any]:
        """The one operator given and its operand."""
        return next((op, v) for op, v in self._operands().items() if v is not None)

    @model_validator(mode="after")
    def _valid(self) -> FieldCheck:
        given = [op for op, v in self._operands().items() if v is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(_OPERATORS)}; got {', '.join(given) or 'none'}")
        kind = manifest_fields().get(self.field)
        if kind is None:
            close = difflib.get_close_matches(self.field, sorted(manifest_fields()), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown field path {self.field!r}{hint}")
        op, operand = self.operator
        if op == "present":
            return self
        if op in ("gte", "gt", "lte", "lt") and kind.kind != "number":
            raise ValueError(f"{op} needs a number field; {self.field} holds {kind.kind}")
        if kind.kind == "list":
            raise ValueError(f"{self.field} is a list: only present applies (use a named rule)")
        if op == "in" and kind.kind == "bool":
            raise ValueError(f"{self.field} holds true or false: use is")
        for value in operand if op == "in" else [operand] if op == "is" else []:
            _check_operand(self.field, kind, value)
        return self

    def _operands(self) -> dict[str, Any]:
        return {
            "is": self.is_,
            "in": self.in_,
            "gte": self.gte,
            "gt": self.gt,
            "lte": self.lte,
            "lt": self.lt,
            "present": self.present,
        }


def _check_operand(field: str, kind: FieldKind, value: Scalar) -> None:
    if kind.kind == "bool" and not isinstance(value, bool):
        raise ValueError(f"{field} holds true or false, got {_show(value)}")
    if kind.kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError(f"{field} holds a number, got {_show(value)}")
    if kind.kind == "text" and not isinstance(value, str):
        raise ValueError(f"{field} holds text, got {_show(value)}")
    if kind.kind == "choice" and value not in kind.choices:
        raise ValueError(f"{field} is one of {', '.join(kind.choices)}; got {_show(value)}")


class AllCheck(_Strict):
    """Every check passes: {all: [...]}."""

    all: list[Check] = Field(min_length=1, max_length=20)


class AnyCheck(_Strict):
    """At least one check passes: {any: [...]}."""

    any: list[Check] = Field(min_length=1, max_length=20)


class RuleCheck(_Strict):
    """A named computed rule: {rule: toil_under_cap, args: {cap_fraction: 0.5, hours_per_engineer_week: 40}}."""

    rule: str = Field(max_length=64)
    args: dict[str, Scalar] = Field(default_factory=dict, max_length=10)

    @model_validator(mode="after")
    def _known(self) -> RuleCheck:
        rule = RULES.get(self.rule)
        if rule is None:
            raise ValueError(f"unknown rule {self.rule!r}; known rules: {', '.join(sorted(RULES))}")
        try:
            rule.args.model_validate(self.args)
        except ValidationError as exc:
            problem = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in problem["loc"])
            raise ValueError(f"args of rule {self.rule!r}: {where}: {problem['msg']}") from None
        return self


class EvidenceOnly(_Strict):
    """The manifest cannot express the item: only an `evidence` link answers it."""

    evidence_only: Literal[True]


_CHECK_TAGS = {"field": "field-check", "all": "all-check", "any": "any-check", "rule": "rule-check"}
_CHECK_TAGS["evidence_only"] = "evidence-check"


def _check_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        names = {
            FieldCheck: "field",
            AllCheck: "all",
            AnyCheck: "any",
            RuleCheck: "rule",
            EvidenceOnly: "evidence_only",
        }
        return _CHECK_TAGS[names[type(value)]]
    if isinstance(value, Mapping):
        for key, tag in _CHECK_TAGS.items():
            if key in value:
                return tag
    return None


Check = Annotated[
    Union[  # noqa: UP007 - Tag annotations need the Union form
        Annotated[FieldCheck, Tag("field-check")],
        Annotated[AllCheck, Tag("all-check")],
        Annotated[AnyCheck, Tag("any-check")],
        Annotated[RuleCheck, Tag("rule-check")],
        Annotated[EvidenceOnly, Tag("evidence-check")],
    ],
    Discriminator(
        _check_tag,
        custom_error_type="invalid_check",
        custom_error_message="a check needs one of: field, all, any, rule, evidence_only",
    ),
]
"""One node of the rule language."""

AllCheck.model_rebuild()
AnyCheck.model_rebuild()


# --- compiled checks -------------------------------------------------------------------------------------

Evaluator = Callable[[ServiceManifest, RuleContext], Outcome]
"""A check compiled once per checklist: the manifest and the review's context in, the outcome out."""


def _always(value: Any, operand: Any) -> bool:
    return True


def _one_of(value: Any, operand: Any) -> bool:
    return value in operand


_TESTS: dict[str, Callable[[Any, Any], Any]] = {
    "present": _always,
    "is": operator.eq,
    "in": _one_of,
    "gte": operator.ge,
    "gt": operator.gt,
    "lte": operator.le,
    "lt": operator.lt,
}
_NEEDS = {"present": "", "is": "", "in": "one of ", "gte": ">= ", "gt": "> ", "lte": "<= ", "lt": "< "}
_PASSED = _passed()


@dataclass(frozen=True, slots=True)
class _FieldTest:
    """A compiled `FieldCheck`. A walk that stops at a part of the path gives that part's outcome: unknown when it
    is left out, failed when it is null, each naming the path up to there (`slo not given`, `slo is none`)."""

    field: str
    steps: tuple[tuple[str, Outcome, Outcome], ...]  # (attribute, outcome if absent, outcome if null)
    test: Callable[[Any, Any], Any]
    operand: Any
    needs: str  # the failure note's ending, e.g. ", needs >= 30"

    @classmethod
    def of(cls, check: FieldCheck) -> _FieldTest:
        steps = []
        where = ""
        for part in check.field.split("."):
            where = f"{where}.{part}" if where else part
            steps.append((part, _unknown(f"{where} not given"), _failed(f"{where} is none")))
        op, operand = check.operator
        return cls(check.field, tuple(steps), _TESTS[op], operand, f", needs {_NEEDS[op]}{_show(operand)}")

    def __call__(self, manifest: ServiceManifest, ctx: RuleContext) -> Outcome:
        current: Any = manifest
        for name, absent, none in self.steps:
            if name not in current.model_fields_set:
                return absent
            current = getattr(current, name)
            if current is None:
                return none
        if self.test(current, self.operand):
            return _PASSED
        return _failed(f"{self.field} is {_show(current)}{self.needs}")


@dataclass(frozen=True, slots=True)
class _Group:
    """A compiled `all` (every) or `any`, three-valued; its outcome carries the notes of the checks that share its
    status."""

    checks: tuple[Evaluator, ...]
    every: bool

    def __call__(self, manifest: ServiceManifest, ctx: RuleContext) -> Outcome:
        outcomes = [check(manifest, ctx) for check in self.checks]
        statuses = {o.status for o in outcomes}
        status: Status
        if self.every:
            status = "failed" if "failed" in statuses else "unknown" if "unknown" in statuses else "passed"
        elif "passed" in statuses or "not_applicable" in statuses:
            status = "passed"
        else:
            status = "unknown" if "unknown" in statuses else "failed"
        return Outcome(status, tuple(n for o in outcomes if o.status == status for n in o.notes))


@dataclass(frozen=True, slots=True)
class _RuleCall:
    """A compiled `RuleCheck`: the rule with its arguments validated once."""

    fn: RuleFn
    args: _Strict

    def __call__(self, manifest: ServiceManifest, ctx: RuleContext) -> Outcome:
        return self.fn(manifest, ctx, self.args)


@dataclass(frozen=True, slots=True)
class _Fixed:
    """A check whose outcome the manifest cannot change (`evidence_only`)."""

    outcome: Outcome

    def __call__(self, manifest: ServiceManifest, ctx: RuleContext) -> Outcome:
        return self.outcome


def _compile(check: Check) -> Evaluator:
    """`check` as a callable, with field paths, operators and rule arguments resolved now rather than per review."""
    if isinstance(check, FieldCheck):
        return _FieldTest.of(check)
    if isinstance(check, AllCheck):
        return _Group(tuple(_compile(c) for c in check.all), every=True)
    if isinstance(check, AnyCheck):
        return _Group(tuple(_compile(c) for c in check.any), every=False)
    if isinstance(check, RuleCheck):
        rule = RULES[check.rule]
        return _RuleCall(rule.fn, rule.args.model_validate(check.args))
    return _Fixed(_unknown("only evidence answers this item"))


# --- the checklist ---------------------------------------------------------------------------------------


class TierSLO(_Strict):
    """The default objectives of a tier."""

    availability: float = Field(gt=0, lt=100)
    latency_p99_ms: float = Field(gt=0, le=3_600_000)
    window: str = Field(max_length=64)

    @field_validator("window")
    @classmethod
    def _window(cls, value: str) -> str:
        return format_window(parse_duration(value, "window"))


class TierPolicy(_Strict):
    """What a tier expects: its default SLO, its error budget policy, and whether its findings only advise."""

    slo: TierSLO
    policy: Sentence
    advisory: bool = False


class Category(_Strict):
    """A checklist category."""

    id: Slug
    title: Line


class ChecklistItem(_Strict):
    """One readiness question with how to decide it, how much it matters and what to do about it."""

    id: Slug
    category: Slug
    title: Line
    question: Sentence
    severity: Severity
    severity_by_tier: dict[Tier, Severity] = Field(default_factory=dict)
    tiers: list[Tier] = Field(min_length=1, max_length=4)
    workloads: list[Workload] = Field(default_factory=lambda: list(WORKLOADS), min_length=1, max_length=3)
    issue: Sentence
    risk: Sentence
    recommendation: Sentence
    owner: Line
    effort_days: float = Field(ge=0, le=365)
    evidence: Sentence
    check: Check

    @model_validator(mode="after")
    def _consistent(self) -> ChecklistItem:
        if len(set(self.tiers)) != len(self.tiers):
            raise ValueError("tiers: each tier at most once")
        if len(set(self.workloads)) != len(self.workloads):
            raise ValueError("workloads: each workload at most once")
        stray = sorted(set(self.severity_by_tier) - set(self.tiers))
        if stray:
            raise ValueError(f"severity_by_tier: names tiers the item does not apply to: {', '.join(stray)}")
        return self

    def severity_for(self, tier: Tier, advisory: bool = False) -> Severity:
        """The item's severity in `tier`; an advisory tier counts a blocker as high."""
        severity = self.severity_by_tier.get(tier, self.severity)
        return "high" if advisory and severity == "blocker" else severity


class WorkloadSLI(_Strict):
    """What an SLO measures for one kind of workload: sentences with {availability}, {window}, {latency_p99_ms}
    and {runs_per_failure} (the runs a window must hold before one failed run fits in the budget) filled in."""

    measures: list[Sentence] = Field(min_length=1, max_length=5)


class Checklist(_Strict):
    """The production readiness checklist."""

    version: SemVer
    categories: list[Category] = Field(min_length=1, max_length=50)
    tiers: dict[Tier, TierPolicy]
    workloads: dict[Workload, WorkloadSLI]
    items: list[ChecklistItem] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _consistent(self) -> Checklist:
        missing = [t for t in TIERS if t not in self.tiers]
        if missing:
            raise ValueError(f"tiers: every tier needs a policy; missing: {', '.join(missing)}")
        unworded = [w for w in WORKLOADS if w not in self.workloads]
        if unworded:
            raise ValueError(f"workloads: every workload needs its SLIs; missing: {', '.join(unworded)}")
        for workload, sli in self.workloads.items():
            for index, sentence in enumerate(sli.measures):
                try:
                    sentence.format(availability="", window="", latency_p99_ms="", runs_per_failure="")
                except (KeyError, IndexError, ValueError) as exc:
                    raise ValueError(
                        f"workloads.{workload}.measures[{index}]: placeholders are {{availability}}, {{window}}, "
                        f"{{latency_p99_ms}} and {{runs_per_failure}}; got {exc}"
                    ) from None
        category_ids = [c.id for c in self.categories]
        if len(set(category_ids)) != len(category_ids):
            raise ValueError("categories: ids must be unique")
        seen: set[str] = set()
        for index, item in enumerate(self.items):
            if item.id in seen:
                raise ValueError(f"items[{index}] ({item.id}): id appears more than once")
            seen.add(item.id)
            if item.category not in category_ids:
                raise ValueError(
                    f"items[{index}] ({item.id}): category {item.category!r} is not one of {', '.join(category_ids)}"
                )
        empty = [c for c in category_ids if not any(i.category == c for i in self.items)]
        if empty:
            raise ValueError(f"categories without items: {', '.join(empty)}")
        return self

    @cached_property
    def item_ids(self) -> frozenset[str]:
        """Every item id."""
        return frozenset(i.id for i in self.items)

    @cached_property
    def content_hash(self) -> str:
        """A digest of the validated checklist, independent of YAML layout: names exactly what a review used."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def category_title(self, category_id: str) -> str:
        """The title of a category."""
        return next(c.title for c in self.categories if c.id == category_id)

    @cached_property
    def _plans(self) -> dict[Tier, _TierPlan]:
        """What a review of each tier evaluates, compiled once per checklist (see `_plan_tiers`)."""
        return _plan_tiers(self)


_LOC_TAGS = frozenset(_CHECK_TAGS.values())


def _describe_checklist_error(exc: ValidationError, data: Mapping[str, Any]) -> list[str]:
    """One line per problem, naming the item by index and id: `items[3] (slo-defined): check: unknown rule ...`."""
    items = data.get("items")
    lines = []
    for error in exc.errors(include_url=False):
        loc = [part for part in error["loc"] if part not in _LOC_TAGS]
        prefix = ""
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            index = loc[1]
            raw = items[index] if isinstance(items, list) and index < len(items) else None
            item_id = raw.get("id") if isinstance(raw, Mapping) else None
            prefix = f"items[{index}]" + (f" ({item_id})" if isinstance(item_id, str) else "")
            loc = loc[2:]
        path = _path(loc)
        where = ": ".join(p for p in (prefix, path) if p) or "(top level)"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field (not part of the checklist schema)"
        elif error["type"] == "missing":
            message = "required field is missing"
        lines.append(f"{where}: {message}")
    return lines


def parse_checklist(data: Any, source: str) -> Checklist:
    """Validate already-parsed data as a readiness checklist.

    Raises:
        PersonaFileError: If the data does not match the schema; each problem names the item (index and id),
            the field and what was expected, e.g. an unknown rule name or field path in a `check`.
    """
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else type(data).__name__
        raise PersonaFileError(source, [f"expected a mapping with version, categories, tiers and items, got {kind}"])
    try:
        return Checklist.model_validate(dict(data))
    except ValidationError as exc:
        raise PersonaFileError(source, _describe_checklist_error(exc, data)) from exc


@cache
def _default_checklist() -> Checklist:
    path = resource_path(CHECKLIST_FILE)
    return parse_checklist(load_yaml_file(path), str(path))


def load_checklist(path: Path | None = None) -> Checklist:
    """The readiness checklist: the shipped one (validated once, then cached) or the file at `path`.

    Raises:
        PersonaFileError: If the file cannot be read, is not safe YAML, or fails validation (the message names
            the item and the field).
    """
    if path is None:
        return _default_checklist()
    return parse_checklist(load_yaml_file(path), str(path))


# --- parsing manifests -----------------------------------------------------------------------------------


def _path(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part != "[key]":
            text += f".{part}" if text else str(part)
    return text


def _given(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return type(value).__name__


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The manifest model that holds the last element of `loc`."""
    model: type[BaseModel] | None = ServiceManifest
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        model = None if info is None else _section_model(info.annotation)
    return model


def _error_path(error: Any) -> str:
    loc = list(error["loc"])
    if error["type"] == "unknown_item":  # name the unknown key, not just the mapping
        loc.append(str((error.get("ctx") or {}).get("key")))
    return _path(loc) or "(top level)"


def _manifest_message(error: Any) -> str:
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        model = _model_at(loc)
        accepted = f"; accepted: {', '.join(model.model_fields)}" if model is not None else ""
        return f"unknown field{accepted}"
    if kind == "value_error" and isinstance(ctx.get("error"), InvalidArgument):
        return str(ctx["error"].message)
    if kind == "string_pattern_mismatch":
        if "[key]" in loc:
            return f"{_given(given)} is not a checklist item id (lower-case words joined by hyphens)"
        return "must be a single line of text"
    messages = {
        "missing": "is required",
        "bool_type": f"must be true or false, got {_given(given)}",
        "int_type": f"must be a whole number, got {_given(given)}",
        "float_type": f"must be a number, got {_given(given)}",
        "string_type": f"must be text, got {_given(given)}",
        "literal_error": f"must be one of {ctx.get('expected')}, got {_given(given)}",
        "model_type": f"must be a mapping of fields, got {_given(given)}",
        "model_attributes_type": f"must be a mapping of fields, got {_given(given)}",
        "dict_type": f"must be a mapping, got {_given(given)}",
        "list_type": f"must be a list, got {_given(given)}",
        "too_long": f"must have at most {ctx.get('max_length')} entries",
        "string_too_long": f"must be at most {ctx.get('max_length')} characters",
        "string_too_short": "must not be empty",
        "finite_number": "must be a finite number",
    }
    return messages.get(kind, str(error["msg"]).removeprefix("Value error, "))


def parse_manifest(data: Any, source: str = "service", checklist: Checklist | None = None) -> ServiceManifest:
    """Validate already-parsed data (a YAML file's content or a tool argument) as a service manifest.

    Args:
        data: The manifest as a mapping.
        source: Where it came from, for the error message: a file path, or the argument name `service`.
        checklist: The checklist whose item ids `evidence` and `not_applicable` may name (default: shipped).

    Raises:
        ManifestError: If the data does not match the schema. The message names the first bad field path
            (e.g. `slo.availability: must be > 0 and < 100, got 150`); `problems` lists every one.
    """
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else type(data).__name__
        raise ManifestError(source, "(top level)", f"expected a mapping of manifest fields, got {kind}")
    try:
        return ServiceManifest.model_validate(dict(data), context={"checklist": checklist or load_checklist()})
    except ValidationError as exc:
        problems = [(_error_path(e), _manifest_message(e)) for e in exc.errors(include_url=False)]
        field, message = problems[0]
        raise ManifestError(source, field, message, [f"{f}: {m}" for f, m in problems]) from exc


def load_manifest(path: Path, checklist: Checklist | None = None) -> ServiceManifest:
    """Read a service manifest from a YAML (or JSON) file.

    Raises:
        PersonaFileError: If the file cannot be read or is not safe YAML.
        ManifestError: If its content is not a valid manifest; the message names the file and the field.
    """
    return parse_manifest(load_yaml_file(path), str(path), checklist)


# --- the review ------------------------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_untitled)


class Finding(_Out):
    """A checklist item the service fails."""

    item_id: str = Field(description="Checklist item id.")
    title: str
    severity: Severity = Field(description="Severity in this tier.")
    issue: str = Field(description="What is wrong.")
    detail: str | None = Field(description="The manifest facts that decided it.")
    risk: str = Field(description="What can happen.")
    recommendation: str = Field(description="What to do.")
    owner: str = Field(description="Typical owning role.")
    effort_days: float = Field(description="Rough effort to fix, engineer-days.")


class OpenQuestion(_Out):
    """A checklist item the manifest does not answer: answer it with facts or an evidence link."""

    item_id: str = Field(description="Checklist item id.")
    title: str
    severity: Severity = Field(description="Severity in this tier if the answer is no.")
    question: str
    evidence: str = Field(description="What counts as evidence.")
    owner: str = Field(description="Typical owning role.")


class ChecklistRow(_Out):
    """One checklist item and its status for this service."""

    item_id: str
    category: str
    title: str
    severity: Severity = Field(description="Severity in this tier.")
    status: Status
    note: str | None = Field(description="Why: the deciding facts, or the not-applicable reason.")
    evidence: str | None = Field(description="Evidence link from the manifest.")


class CategoryScore(_Out):
    """Counts per status in one category."""

    category: str
    title: str
    passed: int
    failed: int
    unknown: int
    not_applicable: int
    score: float | None = Field(description="passed / (passed + failed + unknown); null if all not applicable.")


class SLORecommendation(_Out):
    """The SLO to hold the service to, with its error budget."""

    workload: Workload = Field(description="The kind of workload the objectives are written for.")
    availability: float = Field(
        description="The objective, percent: requests served (request), time fresh (stream), runs on time (batch)."
    )
    latency_p99_ms: float | None = Field(
        description="p99 latency objective, ms; null for stream and batch workloads unless the manifest sets one."
    )
    window: str = Field(description="SLO window, e.g. 30d.")
    measures: list[str] = Field(description="What the SLIs measure for this workload, with the objective filled in.")
    error_budget_ratio: float = Field(description="1 - availability/100.")
    error_budget_seconds: float = Field(description="Allowed full downtime per window, seconds.")
    error_budget_minutes: float = Field(description="The same in minutes.")
    error_budget_human: str = Field(description="e.g. 43m 12s.")
    policy: str = Field(description="What happens when the budget is spent.")
    source: Literal["manifest", "tier default"] = Field(
        description="Where the availability comes from; missing latency or window use the tier default."
    )
    note: str | None = Field(default=None, description="How the SLA shaped the objective, or what is wrong with it.")


class ToilRow(_Out):
    """A recurring manual task and its weekly cost."""

    task: str
    minutes_per_week: float
    hours_per_week: float
    scales_with_load: bool | None
    flagged: bool = Field(description="Grows with load: automate it first.")


class ReadinessReview(_Out):
    """A production readiness review of one service."""

    service: str
    tier: Tier
    tier_source: Literal["manifest", "default"] = Field(description="default: the manifest named no tier.")
    assessment: Assessment
    reason: str = Field(description="One line: why this assessment.")
    blockers: list[Finding] = Field(description="Failed items that block launch.")
    high: list[Finding]
    medium: list[Finding]
    low: list[Finding]
    open_questions: list[OpenQuestion] = Field(description="Unanswered items; never counted as passed.")
    checklist: list[ChecklistRow] = Field(description="Every item of the tier with its status.")
    categories: list[CategoryScore]
    slo_recommendation: SLORecommendation
    toil: list[ToilRow] = Field(description="Largest first.")
    toil_hours_per_week: float | None = Field(description="Total; null when toil is not given.")
    blocker_effort_days: float = Field(description="Effort to fix the failed blockers, engineer-days.")
    items_not_in_tier: int = Field(description="Checklist items that do not apply to this tier.")
    checklist_version: str
    checklist_hash: str
    summary: str = Field(description="One line.")


@dataclass(frozen=True, slots=True)
class _Step:
    """One item as a review of one tier evaluates it."""

    item: ChecklistItem
    severity: Severity
    evaluate: Evaluator
    question: OpenQuestion


@dataclass(frozen=True, slots=True)
class _TierPlan:
    """One tier's items in report order (by category, then checklist order), the categories they fill, how many
    items skip the tier, and the SLO recommendation for a manifest that sets no objective of its own."""

    steps: tuple[_Step, ...]
    categories: tuple[Category, ...]
    not_in_tier: int
    default_slo: dict[Workload, SLORecommendation]


def _plan_tiers(checklist: Checklist) -> dict[Tier, _TierPlan]:
    """Each tier's plan: every check compiled once; severities, open questions and the default SLO resolved.

    Only the checklist goes in, so a plan is shared by every review with that checklist; nothing about a
    manifest or a review result is kept.
    """
    order = {c.id: i for i, c in enumerate(checklist.categories)}
    items = sorted(checklist.items, key=lambda i: order[i.category])
    compiled = {item.id: _compile(item.check) for item in items}
    plans: dict[Tier, _TierPlan] = {}
    for tier, policy in checklist.tiers.items():
        steps = []
        for item in items:
            if tier not in item.tiers:
                continue
            severity = item.severity_for(tier, policy.advisory)
            question = OpenQuestion(
                item_id=item.id,
                title=item.title,
                severity=severity,
                question=item.question,
                evidence=item.evidence,
                owner=item.owner,
            )
            steps.append(_Step(item, severity, compiled[item.id], question))
        used = {step.item.category for step in steps}
        categories = tuple(c for c in checklist.categories if c.id in used)
        defaults = {w: _slo_recommendation(None, policy, checklist.workloads[w], w) for w in WORKLOADS}
        plans[tier] = _TierPlan(tuple(steps), categories, len(items) - len(steps), defaults)
    return plans


def _sets_slo(spec: SLOSpec | None) -> bool:
    """Whether the manifest sets any objective of its own; without one the review uses the tier's default SLO."""
    return spec is not None and (
        spec.availability is not None or spec.latency_p99_ms is not None or spec.window is not None
    )


def _window_phrase(seconds: float) -> str:
    """How a policy names the SLO window: "28-day" for whole days, else the window's label ("4h")."""
    days = seconds / 86_400
    return f"{int(days)}-day" if days == int(days) else format_window(seconds)


def _runs_per_failure(objective: float) -> int:
    """How many runs a window must hold before one failed run fits in the budget of `objective` percent: the
    smallest n with n * (1 - objective/100) >= 1, exact (99.9 -> 1,000; 95 -> 20)."""
    budget = 1 - Fraction(str(objective)) / 100
    return math.ceil(1 / budget)


def _slo_recommendation(
    spec: SLOSpec | None, policy: TierPolicy, sli: WorkloadSLI, workload: Workload, sla: float | None = None
) -> SLORecommendation:
    """The SLO to hold the service to: the manifest's objectives (`spec`, None when left out or null), the tier's
    default for any the manifest does not set, never looser than the SLA, measured as `workload` is measured.

    What the objective counts depends on the workload (SRE Workbook, ch. 2, "Implementing SLOs", its table of
    SLI types): requests served and their latency for a request workload; freshness and completeness for a
    pipeline or stream; runs that finish correctly by their deadline for a batch job. Only a request workload gets
    the tier's default p99 latency: a consumer or a job has no caller waiting on a response.

    An SLO sits inside its SLA so the team hears of trouble before the contract is broken (SRE Workbook, ch. 2
    "Implementing SLOs"; SRE book, ch. 4 "Service Level Objectives"). With an SLA and no SLO the recommendation
    is at least as strict as one that halves the SLA's error budget; a manifest SLO looser than its SLA is kept
    (it is the team's) and the note says what is wrong with it.
    """
    default = policy.slo
    availability = spec.availability if spec else None
    latency = spec.latency_p99_ms if spec else None
    window = spec.window if spec else None
    objective = availability if availability is not None else default.availability
    note: str | None = None
    if sla is not None and availability is None:
        inside = round(100 - (100 - sla) / 2, 6)
        if objective <= sla or objective < inside:
            objective = max(objective, inside)
            note = f"Set stricter than the SLA ({_plain(sla)}%): half its error budget, so the SLO burns first."
    elif sla is not None and availability is not None and availability <= sla:
        note = (
            f"The SLO ({_plain(availability)}%) is not stricter than the SLA ({_plain(sla)}%): the contract breaks "
            f"no later than the objective. Set it at {_plain(round(100 - (100 - sla) / 2, 6))}% or stricter."
        )
    budget = error_budget(objective, window or default.window)
    if latency is None and workload == "request":
        latency = default.latency_p99_ms
    filled = {
        "availability": _plain(objective),
        "window": budget.window,
        "latency_p99_ms": _plain(latency) if latency is not None else "the objective you set",
        "runs_per_failure": f"{_runs_per_failure(objective):,}",
    }
    return SLORecommendation(
        workload=workload,
        availability=objective,
        latency_p99_ms=latency,
        window=budget.window,
        measures=[sentence.format(**filled) for sentence in sli.measures],
        error_budget_ratio=budget.error_budget_ratio,
        error_budget_seconds=budget.allowed_downtime_seconds,
        error_budget_minutes=round(budget.allowed_downtime_seconds / 60, 4),
        error_budget_human=budget.allowed_downtime_human,
        policy=policy.policy.replace("{window}", _window_phrase(budget.window_seconds)),
        source="manifest" if availability is not None else "tier default",
        note=note,
    )


def _decide(step: _Step, manifest: ServiceManifest, ctx: RuleContext) -> tuple[Status, str | None, str | None]:
    """The item's status, note and evidence link: waivers first, then facts, then evidence for what facts leave open."""
    outcome = step.evaluate(manifest, ctx)
    item_id = step.item.id
    link = manifest.evidence.get(item_id)
    facts = "; ".join(outcome.notes) or None
    reason = manifest.not_applicable.get(item_id)
    if reason is not None:
        contradicted = " (the manifest's own facts fail this item)" if outcome.status == "failed" else ""
        return "not_applicable", reason + contradicted, link
    if manifest.workload not in step.item.workloads:
        kinds = " and ".join(step.item.workloads)
        return "not_applicable", f"applies to {kinds} workloads; this is a {manifest.workload} workload", link
    if outcome.status == "failed" and link:
        return (
            "failed",
            "; ".join(filter(None, [facts, "the evidence link does not outweigh the manifest's facts"])),
            link,
        )
    if outcome.status == "unknown" and link:
        return "passed", "answered by evidence", link
    return outcome.status, facts, link


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(ids)


def _assess(
    failed: Mapping[str, list[str]], questions: list[OpenQuestion], advisory: bool, tier: str
) -> tuple[Assessment, str]:
    """The assessment and its one-line reason, from the ids of the failed items by severity and the open questions."""
    blocker_q = [q.item_id for q in questions if q.severity == "blocker"]
    high_q = [q.item_id for q in questions if q.severity == "high"]
    parts: list[str] = []
    assessment: Assessment
    if failed["blocker"] or blocker_q:
        assessment = "not_ready"
        if failed["blocker"]:
            parts.append(f"{_count(len(failed['blocker']), 'blocker')} failed ({_ids(failed['blocker'])})")
        if blocker_q:
            parts.append(f"{_count(len(blocker_q), 'blocker question')} unanswered ({_ids(blocker_q)})")
    elif failed["high"] or high_q:
        assessment = "ready_with_conditions"
        parts.append("no blocker open")
        if failed["high"]:
            parts.append(f"{_count(len(failed['high']), 'high finding')} to fix ({_ids(failed['high'])})")
        if high_q:
            parts.append(f"{_count(len(high_q), 'high question')} to answer ({_ids(high_q)})")
    else:
        assessment = "ready"
        parts.append("no blocker or high item open")
        follow_ups = len(failed["medium"]) + len(failed["low"])
        if follow_ups:
            parts.append(f"{_count(follow_ups, 'medium or low follow-up')}")
        if questions:
            parts.append(f"{_count(len(questions), 'lower-severity question')} open")
    reason = "; ".join(parts)
    if advisory:
        reason = f"{tier} tier, so findings are advice and block nothing: {reason}"
    return assessment, reason


def review(manifest: ServiceManifest | Mapping[str, Any], checklist: Checklist | None = None) -> ReadinessReview:
    """Review a service's production readiness against the checklist for its tier.

    Args:
        manifest: A validated `ServiceManifest`, or a mapping validated with `parse_manifest(..., "service")`.
        checklist: The checklist to apply; default the shipped one.

    Raises:
        ManifestError: If `manifest` is a mapping that is not a valid manifest, or its `evidence` or
            `not_applicable` names an id the checklist does not have.
        PersonaFileError: If the shipped checklist cannot be loaded (a broken installation).
    """
    checklist = checklist or load_checklist()
    if not isinstance(manifest, ServiceManifest):
        manifest = parse_manifest(manifest, "service", checklist)
    for field in ("evidence", "not_applicable"):
        try:
            _check_item_ids(getattr(manifest, field), checklist)
        except PydanticCustomError as exc:
            key = str((exc.context or {}).get("key"))
            raise ManifestError("service", f"{field}.{key}", exc.message()) from exc

    tier = manifest.tier
    policy = checklist.tiers[tier]
    plan = checklist._plans[tier]
    sla = manifest.sla.availability if manifest.sla is not None else None
    if _sets_slo(manifest.slo) or sla is not None:
        slo = _slo_recommendation(manifest.slo, policy, checklist.workloads[manifest.workload], manifest.workload, sla)
    else:
        slo = plan.default_slo[manifest.workload]
    ctx = RuleContext(tier, policy, slo.availability, slo.window, slo.source)

    # Rows and findings are plain data validated once, with the whole review, at the end: one pass through
    # pydantic-core instead of a model per row.
    rows: list[dict[str, Any]] = []
    findings: dict[str, list[dict[str, Any]]] = {s: [] for s in SEVERITIES}
    failed: dict[str, list[str]] = {s: [] for s in SEVERITIES}
    questions: list[OpenQuestion] = []
    tally = {c.id: dict.fromkeys(STATUSES, 0) for c in plan.categories}
    for step in plan.steps:
        item, severity = step.item, step.severity
        status, note, link = _decide(step, manifest, ctx)
        rows.append(
            {
                "item_id": item.id,
                "category": item.category,
                "title": item.title,
                "severity": severity,
                "status": status,
                "note": note,
                "evidence": link,
            }
        )
        tally[item.category][status] += 1
        if status == "failed":
            failed[severity].append(item.id)
            findings[severity].append(
                {
                    "item_id": item.id,
                    "title": item.title,
                    "severity": severity,
                    "issue": item.issue,
                    "detail": note,
                    "risk": item.risk,
                    "recommendation": item.recommendation,
                    "owner": item.owner,
                    "effort_days": item.effort_days,
                }
            )
        elif status == "unknown":
            questions.append(step.question)
    questions.sort(key=lambda q: -_RANK[q.severity])

    scores: list[dict[str, Any]] = []
    for category in plan.categories:
        counts = tally[category.id]
        scored = counts["passed"] + counts["failed"] + counts["unknown"]
        scores.append(
            {
                "category": category.id,
                "title": category.title,
                "passed": counts["passed"],
                "failed": counts["failed"],
                "unknown": counts["unknown"],
                "not_applicable": counts["not_applicable"],
                "score": round(counts["passed"] / scored, 3) if scored else None,
            }
        )

    toil_state, tasks = _toil(manifest)
    toil_rows = [
        {
            "task": t.task,
            "minutes_per_week": t.minutes_per_week,
            "hours_per_week": round(t.minutes_per_week / 60, 2),
            "scales_with_load": t.scales_with_load,
            "flagged": t.scales_with_load is True,
        }
        for t in sorted(tasks, key=lambda t: -t.minutes_per_week)
    ]
    toil_hours = round(sum(t.minutes_per_week for t in tasks) / 60, 2) if toil_state != "absent" else None

    assessment, reason = _assess(failed, questions, policy.advisory, tier)
    effort = round(sum(f["effort_days"] for f in findings["blocker"]), 2)
    tier_source: Literal["manifest", "default"] = "manifest" if "tier" in manifest.model_fields_set else "default"
    summary = (
        f"{manifest.name} ({tier}{' by default' if tier_source == 'default' else ''}): "
        f"{assessment.replace('_', ' ')}; {_count(len(failed['blocker']), 'blocker')}, "
        f"{len(failed['high'])} high, {len(failed['medium'])} medium, {len(failed['low'])} low, "
        f"{_count(len(questions), 'open question')}"
    )
    if failed["blocker"]:
        summary += f"; about {_plain(effort)} engineer-days to clear the blockers"
    return ReadinessReview.model_validate(
        {
            "service": manifest.name,
            "tier": tier,
            "tier_source": tier_source,
            "assessment": assessment,
            "reason": reason,
            "blockers": findings["blocker"],
            "high": findings["high"],
            "medium": findings["medium"],
            "low": findings["low"],
            "open_questions": questions,
            "checklist": rows,
            "categories": scores,
            "slo_recommendation": slo,
            "toil": toil_rows,
            "toil_hours_per_week": toil_hours,
            "blocker_effort_days": effort,
            "items_not_in_tier": plan.not_in_tier,
            "checklist_version": checklist.version,
            "checklist_hash": checklist.content_hash,
            "summary": summary,
        }
    )


def failing_at(result: ReadinessReview, threshold: str) -> bool:
    """Whether anything at or above `threshold` is still open: failed, or unanswered (unknown is never a pass).

    The CI gate: `persona-mcp review --fail-on high` exits 1 exactly when this is true.

    Raises:
        InvalidArgument: If `threshold` is not blocker, high or medium.
    """
    if threshold not in ("blocker", "high", "medium"):
        raise InvalidArgument("threshold", f"must be one of blocker, high, medium; got {threshold!r}")
    floor = _RANK[threshold]
    return any(r.status in ("failed", "unknown") and _RANK[r.severity] >= floor for r in result.checklist)


# --- Markdown --------------------------------------------------------------------------------------------

_VERDICT = {
    "ready": "✅ Ready for production",
    "ready_with_conditions": "⚠️ Ready with conditions",
    "not_ready": "❌ Not ready for production",
}
_MARK = {"passed": "✅", "failed": "❌", "unknown": "❔", "not_applicable": "➖"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _days(days: float) -> str:
    return f"{_plain(days)} engineer-day{'' if days == 1 else 's'}"


def _detailed(number: int, finding: Finding) -> list[str]:
    lines = [f"**{number}. {finding.title}** ({finding.severity.upper()}, `{finding.item_id}`)", ""]
    lines.append(f"- Issue: {finding.issue}")
    if finding.detail:
        lines.append(f"- Found: {finding.detail}")
    lines += [
        f"- Risk: {finding.risk}",
        f"- Recommendation: {finding.recommendation}",
        f"- Owner: {finding.owner} · effort: {_days(finding.effort_days)}",
        "",
    ]
    return lines


def _budget_line(slo: SLORecommendation) -> str:
    share = f"{_plain(round(slo.error_budget_ratio * 100, 6))}%"
    if slo.workload == "batch":
        return f"- **Error budget**: {share} of the runs per {slo.window}"
    minutes = f"{_plain(slo.error_budget_minutes)} minutes ({slo.error_budget_human})"
    return f"- **Error budget**: {share} = {minutes} per {slo.window}"


def review_markdown(result: ReadinessReview, *, checklist: bool = True) -> str:
    """The review as a Markdown report for people, shaped like the research's example review.

    Args:
        result: The review.
        checklist: Include the per-item checklist (every item with its status mark). Without it the report
            lists just the items that do not apply, with their reasons, and points to the review's `checklist`
            field for the rest: the shorter form, for a reader that gets the structured review as well.

    The same review always renders to the same bytes: every order comes from the checklist or the manifest.
    Rendering only reads the review and raises nothing of its own.
    """
    out = [f"## Production Readiness Review: {result.service}", ""]
    out += [f"### Overall assessment: {_VERDICT[result.assessment]}", "", result.reason, ""]
    tier = f"Tier: {result.tier}"
    if result.tier_source == "default":
        tier += " (the manifest names no tier, so standard is assumed)"
    out += [
        f"{tier} · checklist {result.checklist_version} ({result.checklist_hash}) · {len(result.checklist)} items "
        f"apply, {result.items_not_in_tier} do not apply to this tier",
        "",
    ]
    number = 0
    for heading, findings in (("Critical blockers", result.blockers), ("High priority issues", result.high)):
        if findings:
            out += [f"### {heading}:", ""]
            for finding in findings:
                number += 1
                out += _detailed(number, finding)
    for heading, findings in (("Medium priority issues", result.medium), ("Low priority issues", result.low)):
        if findings:
            out += [f"### {heading}:", ""]
            out += [
                f"- **{f.title}** (`{f.item_id}`): {f.issue} {f.recommendation} Owner: {f.owner}." for f in findings
            ]
            out.append("")
    if result.open_questions:
        out += ["### Open questions (unknown is not a pass):", ""]
        out += [
            f"- **{q.title}** (`{q.item_id}`, {q.severity}): {q.question} Evidence: {q.evidence}"
            for q in result.open_questions
        ]
        out.append("")
    waived = [] if checklist else [r for r in result.checklist if r.status == "not_applicable"]
    if waived:
        out += ["### Not applicable:", ""]
        out += [f"- `{r.item_id}`: {r.note}" for r in waived]
        out.append("")

    slo = result.slo_recommendation
    source = "from the manifest" if slo.source == "manifest" else f"default for the {result.tier} tier"
    out += [
        "### SLO recommendation:",
        "",
        f"- **Objective**: {_plain(slo.availability)}% over {slo.window} ({source}; a {slo.workload} workload)",
        *[f"- **Measures**: {sentence}" for sentence in slo.measures],
        *([f"- **Latency**: p99 < {_plain(slo.latency_p99_ms)} ms"] if slo.latency_p99_ms is not None else []),
        _budget_line(slo),
        f"- **Policy**: {slo.policy}",
        *([f"- **Note**: {slo.note}"] if slo.note else []),
        "",
    ]
    if result.toil:
        out += ["### Toil:", "", "| task | minutes/week | hours/week | scales with load |", "|---|---|---|---|"]
        for task in result.toil:
            scales = {True: "yes ⚠️", False: "no", None: "unknown"}[task.scales_with_load]
            hours = f"{_plain(task.minutes_per_week)} | {_plain(task.hours_per_week)}"
            out.append(f"| {_cell(task.task)} | {hours} | {scales} |")
        out += ["", f"Total: {_plain(result.toil_hours_per_week or 0)} hours/week.", ""]

    out += ["### Scores by category:", "", "| category | passed | failed | unknown | n/a | score |"]
    out.append("|---|---|---|---|---|---|")
    for score in result.categories:
        shown = "n/a" if score.score is None else f"{round(score.score * 100)}%"
        out.append(
            f"| {score.title} | {score.passed} | {score.failed} | {score.unknown} | {score.not_applicable} | {shown} |"
        )
    out.append("")
    if checklist:
        out += _checklist_section(result)
    else:
        out += [
            "The per-item checklist, every item with its status and note, is in the review's `checklist` field.",
            "",
        ]
    out += [f"**Recommendation**: {_verdict(result)}", ""]
    return "\n".join(out)


def _checklist_section(result: ReadinessReview) -> list[str]:
    """Every item of the tier with its status mark, by category."""
    out = ["### Production readiness checklist:", ""]
    for category, title in ((s.category, s.title) for s in result.categories):
        out += [f"**{title}**", ""]
        for row in (r for r in result.checklist if r.category == category):
            line = f"- {_MARK[row.status]} {row.title}"
            if row.status == "not_applicable":
                line += f" (not applicable: {row.note})"
            elif row.status == "unknown":
                line += " (open question)"
            elif row.status == "failed" and row.note:
                line += f" ({row.note})"
            if row.evidence and row.status == "passed":
                line += f" [evidence]({row.evidence})" if "://" in row.evidence else f" (evidence: {row.evidence})"
            out.append(line)
        out.append("")
    return out


def _verdict(result: ReadinessReview) -> str:
    """The closing recommendation: hold, launch with conditions, or launch."""
    if result.assessment == "not_ready":
        weeks = math.ceil(result.blocker_effort_days / 5)
        asked = sum(q.severity == "blocker" for q in result.open_questions)
        steps = []
        if result.blockers:
            steps.append(
                f"the {_count(len(result.blockers), 'blocker')} {_are(len(result.blockers))} fixed (estimated "
                f"{_days(result.blocker_effort_days)}, about {_count(weeks, 'week')})"
            )
        if asked:
            steps.append(f"the {_count(asked, 'blocker question')} {_are(asked)} answered")
        return f"Hold the launch until {' and '.join(steps)}."
    if result.assessment == "ready_with_conditions":
        return "Launch once every high-priority item has an owner and a date; fix them before relying on the SLO."
    return "Launch; schedule the remaining follow-ups."


# --- the prompt ------------------------------------------------------------------------------------------


@cache
def _prompt_template() -> Template:
    return Template(read_text(resource_path("prompts", f"{PROMPT_NAME}.md")))


def readiness_prompt(subject: str, tier: str | None = None) -> str:
    """The `sre-readiness` prompt's user message: gather the manifest from `subject`, call the tool, report.

    Args:
        subject: The code, design or description of the service.
        tier: Optional tier (critical, standard, internal, prototype); without it the assistant infers one.

    Raises:
        InvalidArgument: If `subject` is empty or too long, or `tier` is not a known tier.
    """
    if not subject or not subject.strip():
        raise InvalidArgument("subject", "is required: the code, design or description of the service")
    if len(subject) > MAX_SUBJECT_CHARS:
        raise InvalidArgument(
            "subject", f"{len(subject)} characters is over the limit of {MAX_SUBJECT_CHARS}; pass a smaller excerpt"
        )
    chosen = "unspecified"
    if tier is not None and tier.strip():
        chosen = tier.strip().lower()
        if chosen not in TIERS:
            raise InvalidArgument("tier", f"must be one of {', '.join(TIERS)}; got {tier.strip()[:40]!r}")
    return _prompt_template().substitute(subject=subject, tier=chosen)
