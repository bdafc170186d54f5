"""The concern taxonomy (resources/concerns.yaml) and the concerns each persona covers.

A concern is one area of engineering a reviewer can own, such as `slo-error-budgets` or `sql-injection`.
Personas declare theirs (`concerns: {primary, secondary}`); a persona without the block, and a free-text
candidate, get theirs from their own words through the taxonomy's keywords and synonyms, and the
mapping (which words hit which concern, and where) is kept so a person can check it.
"""

from __future__ import annotations

import difflib
import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from persona_mcp.catalog.agents import Agent, Entry
from persona_mcp.catalog.loader import describe_validation_error
from persona_mcp.catalog.model import Line, Slug
from persona_mcp.catalog.profile import ConcernMatch, ConcernProfile
from persona_mcp.catalog.text import PhraseHit, PhraseMatcher, stems, stopwords, tokenize
from persona_mcp.data import load_yaml_file, resource_path
from persona_mcp.errors import PersonaFileError

if TYPE_CHECKING:
    from persona_mcp.catalog.loader import Catalog

TAXONOMY_FILE = "concerns.yaml"

DERIVE_PRIMARY_LINES = 3
"""A concern that is the main concern of this many lines of a persona's text is primary when derived.

Chosen by agreement with the ten hand-annotated personas (the overlap score between derived and declared
profiles averages 0.75 at 3, lower at 2, 4 or 5): one or two lines in a long persona are usually
context ("hand this to sre"); three, or the summary or a responsibility's name, mean it works on it."""

DERIVE_MIN_LINES = 3
"""A concern matched in fewer lines of a persona's text than this is left out of a derived profile."""

Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80, pattern=r"^[^\n]*$")]


class _Strict(BaseModel):
    # The taxonomy's models are built when routing or overlap first loads it.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class ConcernGroup(_Strict):
    """A family of concerns (security, reliability, ...)."""

    id: Slug
    name: Line


class Concern(_Strict):
    """One engineering concern and the words people use for it."""

    id: Slug
    name: Line
    group: Slug
    keywords: list[Term] = Field(min_length=1, description="The usual terms for the concern.")
    synonyms: list[Term] = Field(
        default_factory=list, description="Abbreviations, product names, jargon and error names users type."
    )
    everyday: list[Term] = Field(
        default_factory=list,
        description="Terms that also mean something outside software ('race', 'canary', 'coverage'): they steer "
        "a software task to the concern, but on their own do not show that a task is about software.",
    )
    code_patterns: list[Line] = Field(
        default_factory=list,
        description="Regular expressions that recognise the concern in a code snippet, such as SQL built by "
        "string interpolation for injection; matched against the raw text of a task.",
    )
    code_hints: list[Line] = Field(
        default_factory=list,
        description="Regular expressions for code that suggests the concern without showing it (a bare snippet "
        "suggests a code review); a match counts like an everyday term.",
    )

    @property
    def terms(self) -> list[str]:
        return [*self.keywords, *self.synonyms, *self.everyday]

    @field_validator("code_patterns", "code_hints")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for index, pattern in enumerate(patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"item {index}, {pattern!r}, is not a valid regular expression: {exc}") from exc
        return patterns


class SharedTerm(_Strict):
    """A term that belongs to several concerns on purpose, with the reason."""

    term: Term
    concerns: list[Slug] = Field(min_length=2)
    reason: Line


def _normal(term: str) -> tuple[str, ...]:
    return tuple(stems(term))


class Taxonomy(_Strict):
    """The whole taxonomy file, validated: unique ids, known groups, no term under two concerns unless shared."""

    version: int = Field(ge=1)
    groups: list[ConcernGroup] = Field(min_length=1)
    concerns: list[Concern] = Field(min_length=1)
    shared_terms: list[SharedTerm] = Field(default_factory=list)
    software_terms: list[Term] = Field(
        default_factory=list,
        description="Words that show a task is about building software without naming a concern (code, API, SQL).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Taxonomy:
        problems: list[str] = []
        group_ids = [g.id for g in self.groups]
        ids = [c.id for c in self.concerns]
        for kind, values in (("group", group_ids), ("concern", ids)):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                problems.append(f"duplicate {kind} ids: {', '.join(dupes)}")
        for index, concern in enumerate(self.concerns):
            if concern.group not in group_ids:
                problems.append(f"concerns.{index}.group: unknown group {concern.group!r}")
        stop = stopwords()
        owners: dict[tuple[str, ...], list[str]] = {}
        for index, concern in enumerate(self.concerns):
            seen: set[tuple[str, ...]] = set()
            for term in concern.terms:
                key = _normal(term)
                if not key or all(token in stop for token in tokenize(term)):
                    problems.append(f"concerns.{index}: term {term!r} has no content word to match")
                    continue
                if key in seen:
                    # Terms are compared on stems, so "alerts" repeats "alerting".
                    problems.append(f"concerns.{index}: term {term!r} repeats another term of {concern.id}")
                    continue
                seen.add(key)
                owners.setdefault(key, []).append(concern.id)
        everyday = {_normal(term) for concern in self.concerns for term in concern.everyday}
        for index, term in enumerate(self.software_terms):
            key = _normal(term)
            if not key or all(token in stop for token in tokenize(term)):
                problems.append(f"software_terms.{index}: term {term!r} has no content word to match")
            elif key in owners and key not in everyday:  # "PR": shows software, names code review only weakly
                problems.append(
                    f"software_terms.{index}: {term!r} is a term of {', '.join(owners[key])}; list it in one place"
                )
        shared = {_normal(s.term): s for s in self.shared_terms}
        for index, entry in enumerate(self.shared_terms):
            unknown = [c for c in entry.concerns if c not in ids]
            if unknown:
                problems.append(f"shared_terms.{index}.concerns: unknown concerns {', '.join(unknown)}")
        for key, concern_ids in sorted(owners.items()):
            if len(concern_ids) < 2:
                continue
            declared = shared.get(key)
            if declared is None or set(declared.concerns) != set(concern_ids):
                problems.append(
                    f"term {' '.join(key)!r} is listed under {', '.join(concern_ids)}; "
                    "list it under one concern or declare it in shared_terms with a reason"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _with_joined(phrases: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The phrases, plus each hyphenated one in its one-word spelling ("hand-off" also as "handoff")."""
    known = {(_normal(term), target) for term, target in phrases}
    out = list(phrases)
    for term, target in phrases:
        joined = term.replace("-", "")
        if joined != term and (_normal(joined), target) not in known:
            known.add((_normal(joined), target))
            out.append((joined, target))
    return out


@dataclass(frozen=True)
class ConcernTaxonomy:
    """A validated taxonomy, indexed for lookups and phrase matching."""

    model: Taxonomy
    source: str
    by_id: dict[str, Concern] = field(init=False)
    group_order: list[str] = field(init=False)
    matcher: PhraseMatcher = field(init=False)
    everyday: frozenset[str] = field(init=False)
    software: PhraseMatcher = field(init=False)
    code_patterns: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False)
    code_hints: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {c.id: c for c in self.model.concerns})
        object.__setattr__(self, "group_order", [g.id for g in self.model.groups])
        phrases = [(term, c.id) for c in self.model.concerns for term in c.terms]
        everyday = {term for c in self.model.concerns for term in c.everyday}
        # Users word a concern more loosely than persona files do: in a task, two-word terms match either way
        # round (routing searches with either_order=True).
        object.__setattr__(self, "matcher", PhraseMatcher(_with_joined(phrases), either_order=True))
        object.__setattr__(self, "everyday", frozenset(everyday | {term.replace("-", "") for term in everyday}))
        software = PhraseMatcher(_with_joined([(term, "software") for term in self.model.software_terms]))
        object.__setattr__(self, "software", software)
        for kind in ("code_patterns", "code_hints"):
            compiled = tuple((c.id, re.compile(p, re.MULTILINE)) for c in self.model.concerns for p in getattr(c, kind))
            object.__setattr__(self, kind, compiled)

    def code_concerns(self, text: str) -> dict[str, bool]:
        """The concerns that code in `text` points at, in taxonomy order: True where a code pattern shows
        the concern, False where only a code hint suggests it."""
        found: dict[str, bool] = {}
        for concern_id, pattern in self.code_patterns:
            if concern_id not in found and pattern.search(text):
                found[concern_id] = True
        for concern_id, pattern in self.code_hints:
            if concern_id not in found and pattern.search(text):
                found[concern_id] = False
        return found

    @property
    def ids(self) -> list[str]:
        return list(self.by_id)

    def group_name(self, group_id: str) -> str:
        return next(g.name for g in self.model.groups if g.id == group_id)

    def suggest(self, concern_id: str) -> str:
        """' (did you mean ...?)' for a misspelt id, or ''."""
        close = difflib.get_close_matches(concern_id, self.ids, n=1, cutoff=0.6)
        return f" (did you mean {close[0]!r}?)" if close else ""


def load_taxonomy(path: Path | None = None) -> ConcernTaxonomy:
    """Load and validate a concern taxonomy file (the shipped one by default).

    Raises:
        PersonaFileError: If the file cannot be read or parsed, or fails validation; each problem is named.
    """
    path = path or resource_path(TAXONOMY_FILE)
    data = load_yaml_file(path)
    try:
        model = Taxonomy.model_validate(data)
    except ValidationError as exc:
        raise PersonaFileError(str(path), describe_validation_error(exc, "concern taxonomy")) from exc
    return ConcernTaxonomy(model=model, source=str(path))


@cache
def taxonomy() -> ConcernTaxonomy:
    """The shipped taxonomy, loaded once.

    Raises:
        PersonaFileError: If the shipped file is broken (a packaging error).
    """
    return load_taxonomy()


# --- mapping text to concerns ---------------------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    """A line of text to map, with its field path and whether a hit there alone makes a concern primary."""

    field: str
    text: str
    strong: bool = False


LOOSE_HIT = 0.5
"""Evidence of a word that matched a taxonomy term only through its stem ("controls" for "controller", "names"
for "naming"): generic words meet many terms that way, so alone it proves nothing."""

MIN_EVIDENCE = 1.0
"""Evidence a derived concern needs: one phrase or exact term, or two distinct loose words."""


def _hit_strength(surface: str, phrase: str) -> float:
    """1 for a phrase of several words or a word written as the term (or its plural); LOOSE_HIT for a single
    word that meets the term only through a shared stem."""
    if " " in phrase.strip() or "-" in phrase:
        return 1.0
    term = phrase.lower()
    return 1.0 if surface in (term, term + "s", term + "es") else LOOSE_HIT


@lru_cache(maxsize=1 << 16)
def _line_hits(matcher: PhraseMatcher, text: str) -> tuple[list[str], list[PhraseHit]]:
    """A line's tokens and phrase hits, remembered: collections repeat their boilerplate lines ("Performance
    optimized", "Documentation complete") across hundreds of agents."""
    tokens = tokenize(text)
    return tokens, matcher.find_tokens(tokens)


def derive_profile(
    lines: Iterable[TextLine], tax: ConcernTaxonomy, *, primary_lines: int, min_lines: int
) -> ConcernProfile:
    """Map text lines to concerns through the taxonomy's phrases.

    In each line, the concern matched by the most words is that line's main concern (several on a tie);
    the others are incidental. A concern is primary when it is the main concern of a strong line or of at
    least `primary_lines` lines; otherwise it is secondary if it is matched in at least `min_lines` lines,
    and left out below that. Evidence is weighed too (`_hit_strength`): a concern supported only by one word
    that shares a stem with its term ("accessible names for form controls" meets code-readability through
    "naming" and implementation-design through "controller") is left out, and one supported only by such
    words is never primary. The result lists, per concern, the words that hit it, where, and their evidence.
    """
    words: dict[str, list[str]] = {}
    fields: dict[str, list[str]] = {}
    main_lines: dict[str, int] = {}
    primary: set[str] = set()
    strength: dict[str, dict[str, float]] = {}  # concern -> matched taxonomy phrase -> its strongest evidence
    for line in lines:
        tokens, line_hits = _line_hits(tax.matcher, line.text)
        counts: dict[str, int] = {}
        for hit in line_hits:
            counts[hit.target] = counts.get(hit.target, 0) + hit.end - hit.start
            surface = " ".join(tokens[hit.start : hit.end])
            if surface not in words.setdefault(hit.target, []):
                words[hit.target].append(surface)
            found = strength.setdefault(hit.target, {})
            found[hit.phrase] = max(found.get(hit.phrase, 0.0), _hit_strength(surface, hit.phrase))
        if not counts:
            continue
        top = max(counts.values())
        for concern_id, count in counts.items():
            fields.setdefault(concern_id, []).append(line.field)
            if count == top:
                main_lines[concern_id] = main_lines.get(concern_id, 0) + 1
                if line.strong:
                    primary.add(concern_id)
    primary |= {c for c, n in main_lines.items() if n >= primary_lines}
    mapping = []
    for concern_id in [c for c in tax.ids if c in fields]:
        evidence = sum(strength[concern_id].values())
        if evidence < MIN_EVIDENCE:
            continue  # a lone word that only shares a stem with the concern's term: no evidence of the concern
        if concern_id not in primary and len(fields[concern_id]) < min_lines:
            continue
        strong = max(strength[concern_id].values()) >= 1
        level: Literal["primary", "secondary"] = "primary" if concern_id in primary and strong else "secondary"
        mapping.append(
            ConcernMatch(
                concern=concern_id,
                level=level,
                terms=words[concern_id],
                fields=fields[concern_id],
                evidence=evidence,
            )
        )
    return ConcernProfile(
        primary=[m.concern for m in mapping if m.level == "primary"],
        secondary=[m.concern for m in mapping if m.level == "secondary"],
        source="derived",
        mapping=mapping,
    )


def persona_lines(persona: Entry) -> list[TextLine]:
    """The lines of a persona that say what it does (not its boundaries or hand-offs, which name others)."""
    lines = [TextLine("name", persona.name, strong=True), TextLine("summary", persona.summary, strong=True)]
    for i, resp in enumerate(persona.responsibilities):
        lines.append(TextLine(f"responsibilities.{i}.name", resp.name, strong=True))
        lines += [TextLine(f"responsibilities.{i}.covers.{j}", c) for j, c in enumerate(resp.covers)]
    lines += [TextLine(f"when_to_invoke.{i}", w) for i, w in enumerate(persona.when_to_invoke)]
    lines += [TextLine(f"expertise.{i}", e) for i, e in enumerate(persona.expertise)]
    lines += [TextLine(f"review_checklist.{i}", q) for i, q in enumerate(persona.review_checklist)]
    lines += [TextLine(f"characteristics.{i}", c) for i, c in enumerate(persona.characteristics)]
    return lines


def persona_profile(persona: Entry, tax: ConcernTaxonomy | None = None) -> ConcernProfile:
    """The persona's declared concerns, or concerns derived from its own text when it declares none."""
    tax = tax or taxonomy()
    if persona.concerns is not None:
        return ConcernProfile(
            primary=list(persona.concerns.primary), secondary=list(persona.concerns.secondary), source="declared"
        )
    if isinstance(persona, Agent):
        return agent_profile(persona, tax)
    return derive_profile(persona_lines(persona), tax, primary_lines=DERIVE_PRIMARY_LINES, min_lines=DERIVE_MIN_LINES)


AGENT_LINES_PER_PRIMARY = 12
"""In an agent's body, the lines per concern it must lead to be primary (never under DERIVE_PRIMARY_LINES)."""
AGENT_LINES_PER_SECONDARY = 25
"""In an agent's body, the lines per concern it must be matched in to be secondary (never under
DERIVE_MIN_LINES)."""


def _identity_lines(agent: Agent) -> list[TextLine]:
    lines = [TextLine("name", agent.name, strong=True)]
    return lines + [TextLine(f"when_to_invoke.{i}", w, strong=True) for i, w in enumerate(agent.when_to_invoke)]


def agent_category(agent: Agent, tax: ConcernTaxonomy | None = None) -> str:
    """The category of an imported agent: the taxonomy group of what its name and description are about,
    else of its whole profile, else `general`."""
    tax = tax or taxonomy()
    said = derive_profile(_identity_lines(agent), tax, primary_lines=1, min_lines=1)
    return group_of_profile(said if said.primary else persona_profile(agent, tax), tax)


def agent_profile(agent: Agent, tax: ConcernTaxonomy) -> ConcernProfile:
    """Concerns of an imported agent: what its name and description say is primary, as for a candidate;
    from its body, only what many of its lines say.

    A persona file is written line by line for this catalog; an agent's body is a long system prompt whose
    checklists touch everything ("performance optimized", "monitoring configured"), so the thresholds grow
    with its length: a concern the body leads in one line of AGENT_LINES_PER_PRIMARY is primary, one it
    mentions in one of AGENT_LINES_PER_SECONDARY is secondary.
    """
    identity = _identity_lines(agent)
    # Its body once: the headed lists (a checklist's items are among them) and the opening paragraph.
    body = [TextLine(f"responsibilities.{i}.name", r.name) for i, r in enumerate(agent.responsibilities)]
    body += [
        TextLine(f"responsibilities.{i}.covers.{j}", c)
        for i, r in enumerate(agent.responsibilities)
        for j, c in enumerate(r.covers)
    ]
    body += [TextLine(f"expertise.{i}", e) for i, e in enumerate(agent.expertise)]
    return derive_profile(
        identity + body,
        tax,
        primary_lines=max(DERIVE_PRIMARY_LINES, len(body) // AGENT_LINES_PER_PRIMARY),
        min_lines=max(DERIVE_MIN_LINES, len(body) // AGENT_LINES_PER_SECONDARY),
    )


GENERAL_CATEGORY = "general"
"""The category of an agent whose text shows no concern of the taxonomy."""


def group_of_profile(profile: ConcernProfile, tax: ConcernTaxonomy | None = None) -> str:
    """The taxonomy group a profile's concerns fall in most (primary weighing twice a secondary), as a
    category; ties go to the group listed first in the taxonomy, and no concern at all gives `general`."""
    tax = tax or taxonomy()
    weight: dict[str, float] = {}
    for concern_id, w in profile.weights().items():
        if concern_id in tax.by_id:
            group = tax.by_id[concern_id].group
            weight[group] = weight.get(group, 0.0) + w
    if not weight:
        return GENERAL_CATEGORY
    return max(tax.group_order, key=lambda g: (weight.get(g, 0.0), -tax.group_order.index(g)))


def text_profile(
    name: str,
    responsibilities: Sequence[str],
    description: str | None = None,
    when_to_invoke: Sequence[str] = (),
    tax: ConcernTaxonomy | None = None,
) -> ConcernProfile:
    """Concerns of a free-text candidate: what its name and responsibilities say is primary, the rest secondary."""
    tax = tax or taxonomy()
    lines = [TextLine("name", name, strong=True)]
    lines += [TextLine(f"responsibilities.{i}", r, strong=True) for i, r in enumerate(responsibilities)]
    if description:
        lines.append(TextLine("description", description))
    lines += [TextLine(f"when_to_invoke.{i}", w) for i, w in enumerate(when_to_invoke)]
    # The main concern of the name or of a responsibility is primary; every other match is secondary,
    # since a few lines of text have no incidental mentions to filter out.
    return derive_profile(lines, tax, primary_lines=len(lines) + 1, min_lines=1)


# --- per-catalog caches ---------------------------------------------------------------------------

T = TypeVar("T")
_CACHE_SIZE = 16
_cache: dict[tuple[int, str], tuple[weakref.ref[Any], tuple[tuple[str, int], ...], Any]] = {}


def catalog_fingerprint(catalog: Catalog) -> tuple[tuple[str, int], ...]:
    """Identity of the catalog's content: its ids and persona objects (personas are immutable)."""
    return tuple((pid, id(p)) for pid, p in catalog.personas.items())


def per_catalog(catalog: Catalog, slot: str, build: Callable[[], T]) -> T:
    """`build()` once per catalog and slot; rebuilt when the catalog's personas change.

    The key is the catalog's identity plus the identity of each persona object, so a query on an
    unchanged catalog costs a tuple comparison instead of re-indexing.
    """
    key = (id(catalog), slot)
    fingerprint = catalog_fingerprint(catalog)
    entry = _cache.get(key)
    if entry is not None and entry[0]() is catalog and entry[1] == fingerprint:
        value: T = entry[2]
        return value
    value = build()
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[key] = (weakref.ref(catalog), fingerprint, value)
    return value


def catalog_profiles(catalog: Catalog) -> dict[str, ConcernProfile]:
    """Every persona's concern profile, by id, computed once per catalog."""
    tax = taxonomy()
    return per_catalog(catalog, "profiles", lambda: {p.id: persona_profile(p, tax) for p in catalog})
