"""Catalog views shared by the MCP tools and the CLI: the same models, the same text."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from persona_mcp.catalog.loader import Catalog
from persona_mcp.catalog.model import Persona
from persona_mcp.catalog.render import persona_markdown

PersonaFormat = Literal["markdown", "json"]


class PersonaSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    category: str
    summary: str = Field(description="When to call this persona.")
    version: str
    hash: str = Field(description="Content hash: names the exact persona text a review used.")


class PersonaList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    personas: list[PersonaSummary]


class PersonaDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    version: str
    hash: str
    format: PersonaFormat
    markdown: str | None = Field(default=None, description="The brief, when format is markdown.")
    persona: dict[str, Any] | None = Field(default=None, description="Every persona field, when format is json.")


def summarize(persona: Persona) -> PersonaSummary:
    return PersonaSummary(
        id=persona.id,
        name=persona.name,
        category=persona.category,
        summary=persona.summary,
        version=persona.version,
        hash=persona.content_hash,
    )


def list_personas(catalog: Catalog) -> PersonaList:
    return PersonaList(personas=[summarize(p) for p in catalog])


def persona_document(persona: Persona, fmt: PersonaFormat = "markdown") -> PersonaDocument:
    if fmt == "json":
        return PersonaDocument(
            id=persona.id,
            version=persona.version,
            hash=persona.content_hash,
            format=fmt,
            persona=persona.model_dump(mode="json"),
        )
    return PersonaDocument(
        id=persona.id,
        version=persona.version,
        hash=persona.content_hash,
        format=fmt,
        markdown=persona_markdown(persona),
    )


def persona_json(persona: Persona) -> str:
    """The persona as pretty JSON with its hash, for people and scripts."""
    return json.dumps({**persona.model_dump(mode="json"), "hash": persona.content_hash}, indent=2, ensure_ascii=False)


def roster_markdown(catalog: Catalog) -> str:
    """The roster as a Markdown table, grouped by category."""
    rows = sorted(catalog, key=lambda p: (p.category, p.id))
    lines = ["# Persona roster", "", "| id | persona | category | version | when to call |", "|---|---|---|---|---|"]
    lines += [f"| `{p.id}` | {p.name} | {p.category} | {p.version} | {p.summary} |" for p in rows]
    return "\n".join(lines) + "\n"


def roster_table(catalog: Catalog) -> str:
    """The roster as a plain-text table for terminals."""
    rows = [(p.id, p.name, p.category, p.version) for p in catalog]
    header = ("ID", "NAME", "CATEGORY", "VERSION")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in [header, *rows]
    )
