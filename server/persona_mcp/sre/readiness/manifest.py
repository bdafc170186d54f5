"""The service manifest: what a team states about a service (tier, workload, objectives, dependencies,
observability, deployment, incident response, capacity, resilience, recovery, security, toil, documentation)
as a strict schema, and the table of the fields a checklist check may name with the kind of value each holds.
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from persona_mcp.catalog.model import Slug
from persona_mcp.sre.durations import format_window, parse_duration
from persona_mcp.sre.readiness.results import Tier, Workload, untitled_schema

if TYPE_CHECKING:
    from persona_mcp.sre.readiness.checklist import Checklist


CHECKLIST_FILE = "readiness-checklist.yaml"
PROMPT_NAME = "sre-readiness"

DATASTORE_KINDS = frozenset(("database", "datastore", "cache", "queue", "storage", "search"))
"""Dependency kinds that hold state: one instance of any of them is a single point of failure."""

MAX_DEPENDENCIES = 100
MAX_TOIL_TASKS = 100
MAX_ANSWERS = 200
"""Most entries in `evidence` or in `not_applicable`."""


# --- constrained numbers ---------------------------------------------------------------------------------


def plain_number(value: float) -> str:
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
        return " and ".join(f"{op} {plain_number(v)}" for op, v in bounds if v is not None)

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
                "out_of_range", "must be {accepted}, got {got}", {"accepted": self.accepted, "got": plain_number(value)}
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


class _In(BaseModel):
    """Manifest sections: unknown fields are errors, booleans and numbers are not coerced ("yes" is an error)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        str_strip_whitespace=True,
        json_schema_extra=untitled_schema,
        defer_build=True,  # built with the first review, not at start-up
    )


class SLOSpec(_In):
    """The service's objectives."""

    availability: Percent | None = Field(default=None, description="Availability objective, percent (e.g. 99.9).")
    latency_p99_ms: Milliseconds | None = Field(default=None, description="p99 latency objective, milliseconds.")
    window: str | None = Field(default=None, max_length=64, description="SLO window, e.g. 30d or 4w.")
    error_query: str | None = Field(
        default=None, max_length=10_000, description="PromQL for bad events, with {{.window}} (for slo rules)."
    )
    total_query: str | None = Field(
        default=None, max_length=10_000, description="PromQL for all events, with {{.window}} (for slo rules)."
    )

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
    resource_requests: bool | None = Field(
        default=None, description="Every container declares its CPU and memory requests."
    )


class Resilience(_In):
    """Failure handling."""

    timeouts: bool | None = Field(default=None, description="Every outbound call has a timeout.")
    retries_with_backoff: bool | None = Field(default=None, description="Bounded retries with backoff and jitter.")
    circuit_breakers: bool | None = Field(default=None, description="Breakers on failing dependencies.")
    rate_limiting: bool | None = Field(default=None, description="Inbound traffic is rate limited.")
    graceful_degradation: bool | None = Field(default=None, description="Core path survives optional failures.")
    chaos_tested: bool | None = Field(default=None, description="Failures injected and survived.")
    health_checks: bool | None = Field(
        default=None, description="The platform checks each instance's health and routes around failed ones."
    )


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
    instances: Instances | None = Field(default=None, description="Instances (replicas) of the service itself.")

    @model_validator(mode="after")
    def _zones_cover_regions(self) -> Topology:
        if self.regions is not None and self.zones is not None and self.zones < self.regions:
            raise ValueError(f"zones ({self.zones}) must be at least regions ({self.regions}): a region has a zone")
        if self.instances is not None and self.zones is not None and self.instances < self.zones:
            raise ValueError(
                f"instances ({self.instances}) must be at least zones ({self.zones}): a zone it runs in has one"
            )
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
        from persona_mcp.sre.readiness.checklist import Checklist, load_checklist  # the checklist reads the manifest

        checklist = given if isinstance(given, Checklist) else load_checklist()
        check_item_ids(answers, checklist)
        return answers


def check_item_ids(answers: Iterable[str], checklist: Checklist) -> None:
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


def section_model(annotation: Any) -> type[BaseModel] | None:
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
        section = section_model(info.annotation)
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
