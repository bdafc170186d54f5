"""Persona overlap: how much two personas cover the same ground, and whether a new one adds value.

Every persona has a concern profile (declared, or derived from its text through the taxonomy); a concern
weighs 1.0 when primary and 0.5 when secondary. For two personas A and B with weights a(c) and b(c):

    score(A, B)        = sum_c min(a(c), b(c)) / sum_c max(a(c), b(c))     weighted Jaccard, symmetric, 0..1
    coverage(A by B)   = sum_c min(a(c), b(c)) / sum_c a(c)                how much of A's weight B also holds
    union coverage (A) = sum_c min(a(c), max over roster R of r(c)) / sum_c a(c)

The verdict for a subject compares these with the thresholds below, in this order: merge, extend,
add_with_conditions, add. The conditions come from resources/overlap.yaml and from the subject's own
boundaries and skip_when lines; nothing here is specific to one persona.
"""

from __future__ import annotations

import heapq
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from persona_mcp.catalog import Catalog, parse_persona
from persona_mcp.concerns import ConcernProfile, catalog_profiles, per_catalog, persona_profile, text_profile
from persona_mcp.data import load_yaml_file, resource_path
from persona_mcp.errors import InvalidArgument, PersonaFileError
from persona_mcp.model import Line, Persona, Slug
from persona_mcp.text import PhraseMatcher

CONDITIONS_FILE = "overlap.yaml"

MERGE_SCORE = 0.6
"""Score at or above which two personas are one persona twice: they share more than they hold apart
(at 0.6 the shared weight is 1.5 times the weight only one of them has), so a panel would get the same
review twice. Also the default threshold of `overlap_warnings`."""

EXTEND_COVERAGE = 0.75
"""Coverage at or above which a candidate is not a new role: one roster persona (or the roster together)
already holds three quarters of its concern weight, so growing that persona by the rest is cheaper than
a new persona everyone must learn to route to."""

CONDITIONS_COVERAGE = 0.4
"""Union coverage at or above which a new persona needs conditions. Below it the candidate is mostly new
ground (the example data engineer: 29%; an accessibility specialist: 33%); from two fifths on, as for the
SRE (43%), much of what it would say is already said by others unless it keeps to its side of each
boundary."""

CONDITIONS_SCORE = 0.25
"""Pair score at or above which a new persona needs conditions even when the roster as a whole covers
little of it: one neighbour is close enough that the boundary with it must be drawn."""

MAX_BOUNDARY_CONDITIONS = 3
"""Boundary conditions are drawn with at most this many closest neighbours; further ones overlap less."""

MAX_ROSTER_PAIRS = 50
"""The roster report lists this many closest pairs; the matrix has every pair."""

MAX_CANDIDATE_CHARS = 100_000
"""Largest candidate accepted, as JSON: a persona file is a few KiB, so this is a paste gone wrong."""

DECIMALS = 4


# --- output models ----------------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Overlap(_Out):
    """How much a subject and one other persona cover the same concerns."""

    subject_id: str = Field(description="The persona or candidate being compared.")
    persona_id: str = Field(description="The roster persona it is compared with.")
    score: float = Field(ge=0, le=1, description="Weighted Jaccard of the two concern sets (primary 1, secondary 0.5).")
    shared_concerns: list[str] = Field(description="Concern ids both hold, heaviest first.")
    coverage_of_subject_by_other: float = Field(
        ge=0, le=1, description="Share of the subject's weight the other holds."
    )
    coverage_of_other_by_subject: float = Field(
        ge=0, le=1, description="Share of the other's weight the subject holds."
    )


class OverlapMatrix(_Out):
    """Every pairwise score of the roster: scores[i][j] is the score of ids[i] and ids[j]."""

    ids: list[str] = Field(description="Persona ids, in row and column order.")
    scores: list[list[float]] = Field(
        description="scores[i][j]: overlap score of ids[i] and ids[j]; 1 on the diagonal."
    )


class Condition(_Out):
    """A condition on adding the subject, and whether its own text already meets it."""

    id: str = Field(description="Condition id, e.g. reviewer-not-executor or boundary-<persona>.")
    text: str = Field(description="What must hold.")
    met: bool = Field(description="True when a line of the subject's own text shows the condition is kept.")
    evidence: str | None = Field(default=None, description="That line, as `field.index: text`.")


class Verdict(_Out):
    """Whether the subject adds value next to the roster."""

    decision: Literal["add", "add_with_conditions", "extend", "merge"] = Field(
        description="add; add_with_conditions; extend persona_id instead; merge into persona_id."
    )
    persona_id: str | None = Field(default=None, description="For extend and merge: the roster persona concerned.")
    reasons: list[str] = Field(description="Why, with the figures that decided it.")
    conditions: list[Condition] = Field(description="For add_with_conditions: what must hold for the addition.")


class Subject(_Out):
    """The persona or candidate under analysis."""

    id: str = Field(description="Persona id, or a slug of the candidate's name.")
    name: str
    in_roster: bool = Field(description="True when a roster persona has this id.")
    concerns: ConcernProfile = Field(description="Its concerns, and for derived ones the words that mapped to them.")


class OverlapReport(_Out):
    """Overlap of one persona or candidate with the roster, or the roster's matrix."""

    mode: Literal["roster", "persona", "candidate"] = Field(description="What was compared.")
    subject: Subject | None = Field(default=None, description="Absent in roster mode.")
    overlaps: list[Overlap] = Field(description="Highest score first (roster mode: the closest pairs).")
    matrix: OverlapMatrix | None = Field(default=None, description="Roster mode only.")
    union_coverage: float | None = Field(default=None, description="Share of the subject's weight the roster holds.")
    unique_concerns: list[str] = Field(default_factory=list, description="Subject's concerns no roster persona holds.")
    verdict: Verdict | None = Field(default=None, description="Absent in roster mode.")


# --- input model for free-text candidates ---------------------------------------------------------

Paragraph = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]


class CandidateText(BaseModel):
    """A candidate persona described in a few lines of free text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Slug | None = None
    name: Line
    responsibilities: list[Paragraph] = Field(min_length=1, max_length=50)
    description: Annotated[str, StringConstraints(max_length=5_000)] | None = None
    when_to_invoke: list[Paragraph] = Field(default_factory=list, max_length=50)


_PERSONA_ONLY_KEYS = frozenset(Persona.model_fields) - frozenset(CandidateText.model_fields)


# --- the arithmetic ---------------------------------------------------------------------------------


def _round(value: float) -> float:
    return round(value, DECIMALS)


@dataclass(frozen=True)
class _Weights:
    by_concern: dict[str, float]
    total: float

    @classmethod
    def of(cls, profile: ConcernProfile) -> _Weights:
        weights = profile.weights()
        return cls(weights, sum(weights.values()))


def _compare(subject_id: str, a: _Weights, other_id: str, b: _Weights) -> Overlap:
    shared = {c: min(w, b.by_concern[c]) for c, w in a.by_concern.items() if c in b.by_concern}
    inter = sum(shared.values())
    union = a.total + b.total - inter
    order = sorted(shared, key=lambda c: (-shared[c], -a.by_concern[c] - b.by_concern[c], c))
    return Overlap(
        subject_id=subject_id,
        persona_id=other_id,
        score=_round(inter / union) if union else 0.0,
        shared_concerns=order,
        coverage_of_subject_by_other=_round(inter / a.total) if a.total else 0.0,
        coverage_of_other_by_subject=_round(inter / b.total) if b.total else 0.0,
    )


def compare_profiles(subject_id: str, subject: ConcernProfile, other_id: str, other: ConcernProfile) -> Overlap:
    """Score, shared concerns and both directed coverages of two concern profiles."""
    return _compare(subject_id, _Weights.of(subject), other_id, _Weights.of(other))


def _ranked(overlaps: list[Overlap]) -> list[Overlap]:
    return sorted(overlaps, key=lambda o: (-o.score, o.persona_id, o.subject_id))


def _union_coverage(subject: _Weights, others: Sequence[_Weights]) -> tuple[float, list[str]]:
    """The exact union coverage (rounded only for display) and the concerns no other persona holds."""
    best: dict[str, float] = {}
    for other in others:
        for concern, weight in other.by_concern.items():
            if weight > best.get(concern, 0.0):
                best[concern] = weight
    covered = sum(min(w, best.get(c, 0.0)) for c, w in subject.by_concern.items())
    unique = [c for c in subject.by_concern if c not in best]
    return (covered / subject.total if subject.total else 0.0), unique


# --- conditions -------------------------------------------------------------------------------------


class _ConditionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    text: Line
    look_in: list[Literal["boundaries", "skip_when", "guidelines.do", "guidelines.dont"]] = Field(min_length=1)
    evidence: list[Line] = Field(min_length=1)


class _ConditionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    conditions: list[_ConditionSpec] = Field(min_length=1)


@cache
def _conditions() -> tuple[list[_ConditionSpec], PhraseMatcher]:
    path = resource_path(CONDITIONS_FILE)
    try:
        specs = _ConditionsFile.model_validate(load_yaml_file(path)).conditions
    except ValidationError as exc:
        raise PersonaFileError(str(path), [str(exc)]) from exc
    matcher = PhraseMatcher((phrase, spec.id) for spec in specs for phrase in spec.evidence)
    return specs, matcher


def _field_lines(persona: Persona | None, field: str) -> list[tuple[str, str]]:
    if persona is None:
        return []
    values: Mapping[str, list[str]] = {
        "boundaries": persona.boundaries,
        "skip_when": persona.skip_when,
        "guidelines.do": persona.guidelines.do,
        "guidelines.dont": persona.guidelines.dont,
    }
    return [(f"{field}.{i}", line) for i, line in enumerate(values[field])]


def _general_conditions(persona: Persona | None) -> list[Condition]:
    specs, matcher = _conditions()
    out = []
    for spec in specs:
        evidence = None
        for field in spec.look_in:
            for where, line in _field_lines(persona, field):
                if any(hit.target == spec.id for hit in matcher.find(line)):
                    evidence = f"{where}: {line}"
                    break
            if evidence:
                break
        out.append(Condition(id=spec.id, text=spec.text, met=evidence is not None, evidence=evidence))
    return out


def _boundary_conditions(persona: Persona | None, overlaps: Sequence[Overlap]) -> list[Condition]:
    out = []
    for overlap in [o for o in overlaps if o.score > 0][:MAX_BOUNDARY_CONDITIONS]:
        other = overlap.persona_id
        mention = re.compile(rf"(?<![\w-]){re.escape(other)}(?![\w-])")
        evidence = next(
            (
                f"{where}: {line}"
                for field in ("boundaries", "skip_when")
                for where, line in _field_lines(persona, field)
                if mention.search(line)
            ),
            None,
        )
        shared = ", ".join(overlap.shared_concerns)
        out.append(
            Condition(
                id=f"boundary-{other}",
                text=f"Keeps to its side of the boundary with {other} on {shared}, and hands the rest over.",
                met=evidence is not None,
                evidence=evidence,
            )
        )
    return out


# --- the verdict ------------------------------------------------------------------------------------


def _percent(value: float) -> str:
    return f"{value:.0%}"


def _verdict(
    persona: Persona | None, overlaps: list[Overlap], union_coverage: float, unique: list[str], total: int
) -> Verdict:
    if not overlaps:
        return Verdict(decision="add", reasons=["The roster has no other persona to overlap with."], conditions=[])
    best = overlaps[0]
    widest = min(overlaps, key=lambda o: (-o.coverage_of_subject_by_other, -o.score, o.persona_id))
    closest = (
        f"Closest: {best.persona_id} (score {best.score:.2f}; shared: {', '.join(best.shared_concerns) or 'none'})."
    )
    unique_line = (
        f"{len(unique)} of its {total} concerns are held by no roster persona: {', '.join(unique)}."
        if unique
        else "Every one of its concerns is already held by some roster persona."
    )
    covered = f"The roster already holds {_percent(union_coverage)} of its concern weight"
    if best.score >= MERGE_SCORE:
        return Verdict(
            decision="merge",
            persona_id=best.persona_id,
            reasons=[
                f"It shares {_percent(best.score)} of the combined concern weight with {best.persona_id} "
                f"(merge threshold {_percent(MERGE_SCORE)}): two reviews would repeat each other.",
                closest,
                unique_line,
            ],
            conditions=[],
        )
    if widest.coverage_of_subject_by_other >= EXTEND_COVERAGE or union_coverage >= EXTEND_COVERAGE:
        alone = widest.coverage_of_subject_by_other >= EXTEND_COVERAGE
        first = (
            f"{widest.persona_id} alone holds {_percent(widest.coverage_of_subject_by_other)} of its concern weight"
            if alone
            else f"{covered}, {widest.persona_id} the largest part"
        )
        grow = (
            f"Grow {widest.persona_id} by what it lacks ({', '.join(unique)}) rather than adding a persona to route to."
            if unique
            else f"Nothing it covers is new: deepen {widest.persona_id} (and its when_to_invoke) instead."
        )
        return Verdict(
            decision="extend",
            persona_id=widest.persona_id,
            reasons=[f"{first} (extend threshold {_percent(EXTEND_COVERAGE)}).", grow, closest],
            conditions=[],
        )
    if union_coverage >= CONDITIONS_COVERAGE or best.score >= CONDITIONS_SCORE:
        return Verdict(
            decision="add_with_conditions",
            reasons=[
                unique_line,
                f"{covered} (conditions from {_percent(CONDITIONS_COVERAGE)}), spread over "
                f"{sum(1 for o in overlaps if o.score > 0)} personas.",
                closest,
            ],
            conditions=_general_conditions(persona) + _boundary_conditions(persona, overlaps),
        )
    return Verdict(
        decision="add",
        reasons=[unique_line, f"{covered} (conditions from {_percent(CONDITIONS_COVERAGE)}).", closest],
        conditions=[],
    )


# --- entry points -----------------------------------------------------------------------------------


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:64].strip("-") or "candidate"


def _candidate(candidate: Any) -> tuple[str, str, Persona | None, ConcernProfile]:
    """Validate a candidate and work out its concerns.

    Raises:
        InvalidArgument: If the candidate is empty, too large, or matches neither accepted shape.
    """
    if not isinstance(candidate, dict) or not candidate:
        raise InvalidArgument(
            "candidate", "give a persona (same schema as personas/*.yaml) or {name, responsibilities: [text]}"
        )
    size = len(json.dumps(candidate, ensure_ascii=False, default=str))
    if size > MAX_CANDIDATE_CHARS:
        raise InvalidArgument("candidate", f"{size} characters is over the limit of {MAX_CANDIDATE_CHARS}")
    # Any field only a full persona has (mindset, review_checklist, ...) makes it one; else it is free text.
    if not set(candidate) & _PERSONA_ONLY_KEYS:
        try:
            text = CandidateText.model_validate(candidate)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in exc.errors()
            )
            raise InvalidArgument("candidate", problems) from exc
        profile = text_profile(text.name, text.responsibilities, text.description, text.when_to_invoke)
        if not profile.primary and not profile.secondary:
            raise InvalidArgument(
                "candidate.responsibilities",
                "no concern of the taxonomy was recognised in the text; describe what it reviews in engineering terms",
            )
        return text.id or _slug(text.name), text.name, None, profile
    try:
        persona = parse_persona(candidate, "candidate")
    except PersonaFileError as exc:
        raise InvalidArgument("candidate", "; ".join(exc.problems)) from exc
    return persona.id, persona.name, persona, persona_profile(persona)


def _roster_report(catalog: Catalog) -> OverlapReport:
    ids, weights = _roster_weights(catalog)
    n = len(ids)
    inter = _intersections(weights)
    rows = [[0.0] * n for _ in range(n)]
    for i in range(n):
        rows[i][i] = 1.0 if weights[i].total else 0.0
    pairs: list[tuple[float, int, int]] = []
    for (i, j), shared in inter.items():
        union = weights[i].total + weights[j].total - shared
        score = round(shared / union, DECIMALS) if union else 0.0
        rows[i][j] = rows[j][i] = score
        if score > 0:
            pairs.append((score, i, j))
    # Ids are sorted in the catalog, so index order is id order: the tie-break needs no string compares.
    closest = heapq.nsmallest(MAX_ROSTER_PAIRS, pairs, key=lambda p: (-p[0], p[1], p[2]))
    top = [_compare(ids[i], weights[i], ids[j], weights[j]) for _, i, j in closest]
    # The matrix is computed here, not user input: constructing it unvalidated saves checking n*n floats.
    matrix = OverlapMatrix.model_construct(ids=ids, scores=rows)
    return OverlapReport(mode="roster", overlaps=top, matrix=matrix)


def _roster_weights(catalog: Catalog) -> tuple[list[str], list[_Weights]]:
    def build() -> tuple[list[str], list[_Weights]]:
        profiles = catalog_profiles(catalog)
        ids = sorted(profiles)
        return ids, [_Weights.of(profiles[i]) for i in ids]

    return per_catalog(catalog, "overlap-weights", build)


def _intersections(weights: Sequence[_Weights]) -> dict[tuple[int, int], float]:
    """sum_c min(a(c), b(c)) for every pair (i < j) that shares a concern, through an inverted index."""
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, w in enumerate(weights):
        for concern, weight in w.by_concern.items():
            postings.setdefault(concern, []).append((index, weight))
    inter: dict[tuple[int, int], float] = {}
    get = inter.get
    for entries in postings.values():
        for k, (i, wi) in enumerate(entries):
            for j, wj in entries[k + 1 :]:
                key = (i, j)
                inter[key] = get(key, 0.0) + (wi if wi < wj else wj)
    return inter


def persona_overlap(
    catalog: Catalog, persona_id: str | None = None, candidate: dict[str, Any] | None = None
) -> OverlapReport:
    """Overlap of a roster persona or a candidate with the rest of the roster, or the roster's matrix.

    Args:
        catalog: The roster.
        persona_id: A roster persona to compare with the others.
        candidate: A persona not in the roster: a full persona (same schema as personas/*.yaml) or
            `{name, responsibilities: [text], description?, when_to_invoke?}`, whose text is mapped to
            concerns through the taxonomy (the mapping is returned). A roster persona with the same id is
            left out of the comparison, as the candidate would replace it.

    Raises:
        InvalidArgument: If both `persona_id` and `candidate` are given, or the candidate is empty, too
            large, invalid, or has no recognisable concern.
        UnknownPersona: If `persona_id` is not in the catalog (the message lists the known ids).
    """
    if persona_id is not None and candidate is not None:
        raise InvalidArgument("candidate", "give persona_id or candidate, not both")
    if persona_id is None and candidate is None:
        return _roster_report(catalog)
    profiles = catalog_profiles(catalog)
    subject_persona: Persona | None
    if persona_id is not None:
        persona = catalog.get(persona_id, "persona_id")
        subject_id, name, subject_persona, profile = persona.id, persona.name, persona, profiles[persona.id]
        mode: Literal["persona", "candidate"] = "persona"
    else:
        subject_id, name, subject_persona, profile = _candidate(candidate)
        mode = "candidate"
    subject = _Weights.of(profile)
    others = {pid: _Weights.of(p) for pid, p in profiles.items() if pid != subject_id}
    overlaps = _ranked([_compare(subject_id, subject, pid, w) for pid, w in others.items()])
    union_coverage, unique = _union_coverage(subject, list(others.values()))
    total = len(profile.primary) + len(profile.secondary)
    return OverlapReport(
        mode=mode,
        subject=Subject(id=subject_id, name=name, in_roster=subject_id in catalog.personas, concerns=profile),
        overlaps=overlaps,
        union_coverage=_round(union_coverage),
        unique_concerns=unique,
        verdict=_verdict(subject_persona, overlaps, union_coverage, unique, total),
    )


def overlap_warnings(catalog: Catalog, threshold: float = MERGE_SCORE) -> list[str]:
    """One warning per pair of roster personas whose overlap score is at or above `threshold`.

    Raises:
        InvalidArgument: If `threshold` is not in (0, 1].
    """
    if not 0 < threshold <= 1:
        raise InvalidArgument("threshold", f"{threshold} is outside (0, 1]")
    report = _roster_report(catalog)
    assert report.matrix is not None
    ids, rows = report.matrix.ids, report.matrix.scores
    profiles = catalog_profiles(catalog)
    warnings = []
    pairs = [(rows[i][j], ids[i], ids[j]) for i in range(len(ids)) for j in range(i + 1, len(ids))]
    for score, a, b in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if score < threshold:
            break
        shared = _compare(a, _Weights.of(profiles[a]), b, _Weights.of(profiles[b])).shared_concerns
        warnings.append(
            f"personas {a} and {b} overlap {score:.2f} (threshold {threshold:.2f}; shared: {', '.join(shared)}); "
            "merge them or narrow their concerns"
        )
    return warnings


def overlap_markdown(report: OverlapReport) -> str:
    """The report as Markdown for people (the CLI and resources)."""
    lines: list[str] = []
    if report.mode == "roster":
        assert report.matrix is not None
        ids = report.matrix.ids
        lines += ["# Roster overlap", "", "| | " + " | ".join(f"`{i}`" for i in ids) + " |"]
        lines.append("|---|" + "---|" * len(ids))
        for pid, row in zip(ids, report.matrix.scores, strict=True):
            lines.append(f"| `{pid}` | " + " | ".join(f"{s:.2f}" for s in row) + " |")
        lines += ["", "## Closest pairs", ""]
        lines += [
            f"- `{o.subject_id}` and `{o.persona_id}`: {o.score:.2f} ({', '.join(o.shared_concerns)})"
            for o in report.overlaps
        ]
        return "\n".join(lines) + "\n"
    assert report.subject is not None
    assert report.verdict is not None
    subject, verdict = report.subject, report.verdict
    target = f" `{verdict.persona_id}`" if verdict.persona_id else ""
    lines += [f"# Overlap: {subject.name} (`{subject.id}`)", "", f"**Verdict: {verdict.decision}{target}**", ""]
    lines += [f"- {r}" for r in verdict.reasons]
    if verdict.conditions:
        lines += ["", "## Conditions", ""]
        for c in verdict.conditions:
            state = f"met: {c.evidence}" if c.met else "not yet stated in the persona"
            lines.append(f"- **{c.id}**: {c.text} ({state})")
    lines += ["", "## Overlaps", "", "| persona | score | covers subject | covered by subject | shared |"]
    lines.append("|---|---|---|---|---|")
    lines += [
        f"| `{o.persona_id}` | {o.score:.2f} | {_percent(o.coverage_of_subject_by_other)} | "
        f"{_percent(o.coverage_of_other_by_subject)} | {', '.join(o.shared_concerns)} |"
        for o in report.overlaps
    ]
    lines += ["", f"Union coverage: {_percent(report.union_coverage or 0.0)}."]
    if report.unique_concerns:
        lines.append(f"Unique concerns: {', '.join(report.unique_concerns)}.")
    concerns = subject.concerns
    lines += ["", f"## Concerns ({concerns.source})", "", f"- primary: {', '.join(concerns.primary)}"]
    lines.append(f"- secondary: {', '.join(concerns.secondary) or '-'}")
    if concerns.mapping:
        lines += ["", "| concern | level | words | where |", "|---|---|---|---|"]
        lines += [
            f"| {m.concern} | {m.level} | {', '.join(m.terms)} | {', '.join(m.fields)} |" for m in concerns.mapping
        ]
    return "\n".join(lines) + "\n"
