"""Catalog views shared by the MCP tools and the CLI: the same models, the same text."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from persona_mcp.catalog.agents import Entry
from persona_mcp.catalog.loader import Catalog
from persona_mcp.catalog.render import persona_markdown
from persona_mcp.catalog.text import stems
from persona_mcp.errors import InvalidArgument

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
    total: int = Field(description="Personas that matched, before the limit.")
    categories: dict[str, int] = Field(description="Every category of the catalog and how many personas it has.")


DEFAULT_LIST_LIMIT = 50
"""Entries list_personas returns unless asked for more: a catalog of hundreds would fill a context window."""

MAX_LIST_LIMIT = 1000
MAX_QUERY_CHARS = 500


class PersonaDocument(BaseModel):
    """What `get_persona` returns as structured content: the persona's fields, never the brief again.

    The brief travels once, as the result's text (a model reads both parts; the sre brief alone is some 23 KB),
    so the structured content names the persona and its sections for a client to navigate by.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    version: str
    hash: str
    format: PersonaFormat
    sections: list[str] | None = Field(default=None, description="The brief's section headings, when markdown.")
    persona: dict[str, Any] | None = Field(default=None, description="Every persona field, when format is json.")


def summarize(persona: Entry) -> PersonaSummary:
    return PersonaSummary(
        id=persona.id,
        name=persona.name,
        category=persona.category,
        summary=persona.summary,
        version=persona.version,
        hash=persona.content_hash,
    )


def _words(text: str) -> set[str]:
    return set(stems(text.replace("-", " ")))


def list_personas(
    catalog: Catalog, category: str | None = None, query: str | None = None, limit: int | None = DEFAULT_LIST_LIMIT
) -> PersonaList:
    """The catalog's personas, in `category` when given, matching `query` when given, at most `limit` of them.

    A query keeps the personas whose id, name, category or summary share a word with it (by stem, so
    "databases" finds "database"), those sharing more of its words first, then by id.

    Raises:
        InvalidArgument: If `category` is not one of the catalog's (the message lists them), the query is
            too long, or `limit` is out of range.
    """
    entries = list(catalog)
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.category] = counts.get(entry.category, 0) + 1
    if category is not None:
        if category not in counts:
            raise InvalidArgument("category", f"unknown category {category[:80]!r}; known: {', '.join(sorted(counts))}")
        entries = [e for e in entries if e.category == category]
    if query is not None and query.strip():
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidArgument("query", f"at most {MAX_QUERY_CHARS} characters, got {len(query)}")
        wanted = _words(query)
        scored = [(len(wanted & _words(f"{e.id} {e.name} {e.category} {e.summary}")), e) for e in entries]
        entries = [e for score, e in sorted(scored, key=lambda pair: (-pair[0], pair[1].id)) if score]
    if limit is not None and not 1 <= limit <= MAX_LIST_LIMIT:
        raise InvalidArgument("limit", f"must be from 1 to {MAX_LIST_LIMIT}, got {limit}")
    shown = entries if limit is None else entries[:limit]
    categories = dict(sorted(counts.items()))
    return PersonaList(personas=[summarize(p) for p in shown], total=len(entries), categories=categories)


def persona_list_markdown(result: PersonaList) -> str:
    """A listing as a Markdown table, saying how many matched when the limit cut it."""
    lines = ["| id | persona | category | when to call |", "|---|---|---|---|"]
    lines += [f"| `{p.id}` | {p.name} | {p.category} | {p.summary} |" for p in result.personas]
    if result.total > len(result.personas):
        shown = f"{len(result.personas)} of {result.total} shown"
        lines += ["", f"{shown}; narrow with `category` or `query`, or raise `limit`."]
    if not result.personas:
        lines = ["No persona matched."]
    categories = ", ".join(f"{name} ({n})" for name, n in result.categories.items())
    return "\n".join([*lines, "", f"Categories: {categories}."]) + "\n"


def persona_document(persona: Entry, fmt: PersonaFormat = "markdown") -> tuple[PersonaDocument, str]:
    """The structured fields and the text of one persona: the Markdown brief, or the persona as JSON."""
    fields: dict[str, Any] = {
        "id": persona.id,
        "name": persona.name,
        "version": persona.version,
        "hash": persona.content_hash,
        "format": fmt,
    }
    if fmt == "json":
        return PersonaDocument(**fields, persona=persona.model_dump(mode="json")), persona_json(persona)
    brief = persona_markdown(persona)
    return PersonaDocument(**fields, sections=section_headings(brief)), brief


def section_headings(markdown: str) -> list[str]:
    """The second-level headings of a Markdown text, in order, skipping fenced code (a persona's output
    template is fenced Markdown with headings of its own)."""
    headings: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            headings.append(line[3:].strip())
    return headings


def persona_json(persona: Entry) -> str:
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
