"""The persona schema: what a file in personas/ must contain.

Every persona, shipped or user-supplied, is validated by `Persona` on load. The model forbids unknown
fields, so a typo in a user's file is an error that names the field instead of a silently ignored key.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=64)]
"""A lower-case identifier such as `software-architect`: safe in URIs, prompt names and file names."""

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300, pattern=r"^[^\n]*$")]
"""One line of text (no newlines)."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
"""Free text, possibly several paragraphs of Markdown."""

SemVer = Annotated[
    str,
    StringConstraints(pattern=r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Responsibility(_Strict):
    """One area the persona owns in a review."""

    name: Line = Field(description="Short name, offered as a `focus` value for the persona's prompt.")
    covers: list[Line] = Field(min_length=1, description="What the responsibility covers, one item a line.")


class Guidelines(_Strict):
    """How the persona behaves: what it always does and what it never does."""

    do: list[Line] = Field(min_length=1)
    dont: list[Line] = Field(min_length=1)


class SeverityLevel(_Strict):
    """A level of finding in the persona's report, most severe first."""

    level: Slug
    meaning: Line


class OutputFormat(_Strict):
    """The shape of the persona's report."""

    severity_levels: list[SeverityLevel] = Field(min_length=2)
    template: Text = Field(description="Markdown skeleton of the report.")

    @field_validator("severity_levels")
    @classmethod
    def _unique_levels(cls, levels: list[SeverityLevel]) -> list[SeverityLevel]:
        names = [level.level for level in levels]
        if len(names) != len(set(names)):
            raise ValueError(f"severity levels must be unique, got {names}")
        return levels


class Collaboration(_Strict):
    """Another persona this one hands work to, and when."""

    persona_id: Slug
    when: Line


class Concerns(_Strict):
    """The engineering concerns a persona covers, as ids from the concern taxonomy (resources/concerns.yaml)."""

    primary: list[Slug] = Field(min_length=1, max_length=40, description="Concerns the persona owns.")
    secondary: list[Slug] = Field(
        default_factory=list, max_length=40, description="Concerns it touches but leaves to another persona."
    )

    @model_validator(mode="after")
    def _distinct(self) -> Concerns:
        listed = [*self.primary, *self.secondary]
        repeated = sorted({c for c in listed if listed.count(c) > 1})
        if repeated:
            raise ValueError(f"each concern may be listed once, as primary or secondary; repeated: {repeated}")
        return self


class Persona(_Strict):
    """A reviewer persona: its identity, what it checks and how it reports."""

    id: Slug
    name: Line
    category: Slug
    version: SemVer
    summary: Line = Field(description="One line: when to call this persona.")
    mindset: Text
    characteristics: list[Line] = Field(min_length=1)
    responsibilities: list[Responsibility] = Field(min_length=1)
    when_to_invoke: list[Line] = Field(min_length=1)
    skip_when: list[Line] = Field(default_factory=list)
    expertise: list[Line] = Field(min_length=1)
    guidelines: Guidelines
    review_checklist: list[Line] = Field(min_length=1, description="The questions the persona asks in a review.")
    output_format: OutputFormat
    boundaries: list[Line] = Field(min_length=1, description="What the persona does not do.")
    collaborates_with: list[Collaboration] = Field(default_factory=list)
    concerns: Concerns | None = Field(
        default=None,
        description="Concern ids (primary, secondary); when absent they are derived from the persona's text.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Persona:
        names = [r.name.casefold() for r in self.responsibilities]
        if len(names) != len(set(names)):
            raise ValueError("responsibility names must be unique within a persona")
        if any(c.persona_id == self.id for c in self.collaborates_with):
            raise ValueError("collaborates_with must not name the persona itself")
        return self

    @cached_property
    def content_hash(self) -> str:
        """A digest of the validated content, independent of YAML layout and comments.

        A review that records this value names exactly which persona text produced it.
        """
        # exclude_none: a persona without the optional concerns block keeps the hash it had before the field.
        canonical = json.dumps(
            self.model_dump(mode="json", exclude_none=True), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def responsibility(self, name: str) -> Responsibility | None:
        """The responsibility whose name matches `name`, ignoring case."""
        wanted = name.strip().casefold()
        return next((r for r in self.responsibilities if r.name.casefold() == wanted), None)
