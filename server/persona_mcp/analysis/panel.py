"""A panel review: several personas review one subject, each in its own section, then reconcile.

The wording lives in resources/prompts/panel.md; the order in which disagreements are settled and the
default panel live in resources/panel.yaml. Each member's brief is the same Markdown a single persona's
prompt carries (render.persona_markdown).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from string import Template
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from persona_mcp.analysis.routing import MAX_LIMIT, MAX_TASK_CHARS, recommend_personas
from persona_mcp.catalog.agents import Entry
from persona_mcp.catalog.concerns import catalog_profiles, taxonomy
from persona_mcp.catalog.loader import Catalog
from persona_mcp.catalog.model import Line, Slug
from persona_mcp.catalog.profile import ConcernProfile
from persona_mcp.catalog.render import MAX_SUBJECT_CHARS, persona_markdown
from persona_mcp.data import load_yaml_file, read_text, resource_path
from persona_mcp.errors import InvalidArgument, PersonaFileError

PANEL_FILE = "panel.yaml"
PROMPT_FILE = "panel.md"

MAX_PANEL = MAX_LIMIT
"""At most nine personas on a panel: the size of the shipped roster, and already a long review."""

RECOMMENDED_PANEL = 3
"""How many recommended personas form a panel when none are named: enough for a second and third view."""


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: Line
    groups: list[Slug] = Field(min_length=1)
    rule: Line


class PanelConfig(BaseModel):
    """resources/panel.yaml: the reconciliation order and the default panel."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    reconciliation_order: list[_Step] = Field(min_length=2)
    default_panel: list[Slug] = Field(min_length=1, max_length=MAX_PANEL)

    @model_validator(mode="after")
    def _every_group_once(self) -> PanelConfig:
        listed = [g for step in self.reconciliation_order for g in step.groups]
        known = set(taxonomy().group_order)
        problems = [f"group {g!r} is listed more than once" for g in sorted({g for g in listed if listed.count(g) > 1})]
        problems += [f"unknown group {g!r}" for g in listed if g not in known]
        problems += [f"group {g!r} has no step" for g in taxonomy().group_order if g not in listed]
        if problems:
            raise ValueError("; ".join(problems))
        return self


@cache
def panel_config() -> PanelConfig:
    """The shipped panel configuration.

    Raises:
        PersonaFileError: If resources/panel.yaml is missing or invalid.
    """
    path = resource_path(PANEL_FILE)
    try:
        return PanelConfig.model_validate(load_yaml_file(path))
    except ValidationError as exc:
        raise PersonaFileError(str(path), [str(e["msg"]) for e in exc.errors()]) from exc


@cache
def _template() -> Template:
    return Template(read_text(resource_path("prompts", PROMPT_FILE)))


class PanelSelection(BaseModel):
    """Who sits on the panel and how they were chosen."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    persona_ids: list[str]
    source: Literal["requested", "recommended", "default"]
    note: str = Field(description="One sentence on how the panel was chosen, as the prompt states it.")


def _requested(catalog: Catalog, personas: Sequence[str]) -> list[str]:
    chosen: list[str] = []
    for raw in personas:
        persona_id = raw.strip() if isinstance(raw, str) else raw
        if not persona_id:
            continue
        persona = catalog.get(persona_id, "personas")
        if persona.id not in chosen:
            chosen.append(persona.id)
    if len(chosen) > MAX_PANEL:
        raise InvalidArgument("personas", f"{len(chosen)} personas is more than the {MAX_PANEL} a panel can hold")
    return chosen


def select_panel(catalog: Catalog, subject: str, personas: Sequence[str] | None = None) -> PanelSelection:
    """The panel for `subject`: the named personas, else the recommended ones, else the default trio.

    Args:
        catalog: The roster.
        subject: What the panel reviews (its first MAX_TASK_CHARS characters choose a panel).
        personas: Persona ids; blanks and repeats are dropped. None or empty recommends a panel.

    Raises:
        InvalidArgument: If more than nine distinct personas are named.
        UnknownPersona: If a named id is not in the catalog (argument `personas`; lists the known ids).
    """
    chosen = _requested(catalog, personas or [])
    if chosen:
        return PanelSelection(persona_ids=chosen, source="requested", note="The personas were named by the requester.")
    recommended = recommend_personas(catalog, subject[:MAX_TASK_CHARS], limit=RECOMMENDED_PANEL).recommendations
    if recommended:
        names = ", ".join(r.persona_id for r in recommended)
        return PanelSelection(
            persona_ids=[r.persona_id for r in recommended],
            source="recommended",
            note=f"No personas were named, so the panel is the ones recommended for this subject: {names}.",
        )
    defaults = [pid for pid in panel_config().default_panel if pid in catalog.personas] or catalog.ids[:3]
    return PanelSelection(
        persona_ids=defaults,
        source="default",
        note="No personas were named and none matched the subject, so the panel is the default: "
        + ", ".join(defaults)
        + ".",
    )


def _speaks_for(profile: ConcernProfile) -> int:
    """Index of the reconciliation step holding most of the persona's primary concerns."""
    tax = taxonomy()
    steps = panel_config().reconciliation_order
    counts = [0] * len(steps)
    for concern_id in profile.primary:
        concern = tax.by_id.get(concern_id)
        if concern is None:
            continue
        for index, step in enumerate(steps):
            if concern.group in step.groups:
                counts[index] += 1
    return max(range(len(steps)), key=lambda i: (counts[i], -i))


def _member(persona: Entry, step: str) -> str:
    header = (
        f'<persona-brief id="{persona.id}" name="{persona.name}" version="{persona.version}" '
        f'hash="{persona.content_hash}" speaks-for="{step}">'
    )
    return f"{header}\n{persona_markdown(persona).rstrip()}\n</persona-brief>"


def panel_prompt(catalog: Catalog, subject: str, personas: Sequence[str] | None = None) -> str:
    """One review by several personas, each in its own section and format, then a reconciliation.

    Args:
        catalog: The roster.
        subject: The code, diff, design or question to review.
        personas: Persona ids for the panel (repeats dropped, at most nine); None or empty takes the
            recommended personas for the subject, or the default panel when none is recommended.

    Raises:
        InvalidArgument: If `subject` is empty or too long, or more than nine personas are named.
        UnknownPersona: If a named id is not in the catalog (argument `personas`).
    """
    if not isinstance(subject, str) or not subject.strip():
        raise InvalidArgument("subject", "is required: the code, diff, design or question to review")
    if len(subject) > MAX_SUBJECT_CHARS:
        raise InvalidArgument(
            "subject", f"{len(subject)} characters is over the limit of {MAX_SUBJECT_CHARS}; pass a smaller excerpt"
        )
    selection = select_panel(catalog, subject, personas)
    members = [catalog.get(pid, "personas") for pid in selection.persona_ids]
    profiles = catalog_profiles(catalog)
    steps = panel_config().reconciliation_order
    rank = {p.id: _speaks_for(profiles[p.id]) for p in members}
    order = []
    for index, step in enumerate(steps, 1):
        voices = [f"`{p.id}`" for p in members if rank[p.id] == index - 1]
        who = f" ({', '.join(voices)})" if voices else ""
        order.append(f"{index}. {step.name}{who}: {step.rule}.")
    return _template().substitute(
        count=len(members),
        roster=", ".join(f"{p.name} (`{p.id}`)" for p in members),
        selection=selection.note,
        order="\n".join(order),
        members="\n\n".join(_member(p, steps[rank[p.id]].name) for p in members),
        subject=subject,
    )
