"""The readiness checklist (resources/readiness-checklist.yaml): items with their category, severity,
workloads and check, the tier policies and the SLO defaults per workload, validated on load with errors that
name the item and the field; and reading a service manifest, with errors that name the field and what it accepts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from persona_mcp.catalog.model import Line, SemVer, Slug
from persona_mcp.data import load_yaml_file, resource_path
from persona_mcp.errors import InvalidArgument, ManifestError, PersonaFileError
from persona_mcp.sre.durations import format_window, parse_duration
from persona_mcp.sre.readiness.checks import CHECK_TAGS, Check
from persona_mcp.sre.readiness.manifest import CHECKLIST_FILE, Sentence, ServiceManifest, section_model
from persona_mcp.sre.readiness.results import TIERS, WORKLOADS, Severity, Tier, Workload
from persona_mcp.sre.readiness.rules import Strict

if TYPE_CHECKING:
    from persona_mcp.sre.readiness.evaluate import TierPlan


# --- the checklist ---------------------------------------------------------------------------------------


class TierSLO(Strict):
    """The default objectives of a tier."""

    availability: float = Field(gt=0, lt=100)
    latency_p99_ms: float = Field(gt=0, le=3_600_000)
    window: str = Field(max_length=64)

    @field_validator("window")
    @classmethod
    def _window(cls, value: str) -> str:
        return format_window(parse_duration(value, "window"))


class TierPolicy(Strict):
    """What a tier expects: its default SLO, its error budget policy, and whether its findings only advise."""

    slo: TierSLO
    policy: Sentence
    advisory: bool = False


class Category(Strict):
    """A checklist category."""

    id: Slug
    title: Line


class ChecklistItem(Strict):
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


class WorkloadSLI(Strict):
    """What an SLO measures for one kind of workload: sentences with {availability}, {window}, {latency_p99_ms}
    and {runs_per_failure} (the runs a window must hold before one failed run fits in the budget) filled in."""

    measures: list[Sentence] = Field(min_length=1, max_length=5)


class Checklist(Strict):
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
    def plans(self) -> dict[Tier, TierPlan]:
        """What a review of each tier evaluates, compiled once per checklist (see `plan_tiers`)."""
        from persona_mcp.sre.readiness.evaluate import (
            plan_tiers,  # the review builds the plans; the checklist keeps them
        )

        return plan_tiers(self)


_LOC_TAGS = frozenset(CHECK_TAGS.values())


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
        model = None if info is None else section_model(info.annotation)
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
