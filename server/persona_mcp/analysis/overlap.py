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

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import compress
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from persona_mcp.analysis.results import Condition, Overlap, OverlapMatrix, OverlapReport, Subject, Verdict
from persona_mcp.catalog.agents import Entry
from persona_mcp.catalog.concerns import catalog_profiles, per_catalog, persona_profile, text_profile
from persona_mcp.catalog.loader import Catalog, parse_persona
from persona_mcp.catalog.model import Line, Persona, Slug
from persona_mcp.catalog.profile import PRIMARY_WEIGHT, SECONDARY_WEIGHT, ConcernProfile
from persona_mcp.catalog.text import PhraseMatcher
from persona_mcp.data import load_yaml_file, resource_path
from persona_mcp.errors import InvalidArgument, PersonaFileError

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


# --- input model for free-text candidates ---------------------------------------------------------

Paragraph = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]


class CandidateText(BaseModel):
    """A candidate persona described in a few lines of free text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

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
    primary: frozenset[str]
    held: frozenset[str]

    @classmethod
    def of(cls, profile: ConcernProfile) -> _Weights:
        weights = profile.weights()
        return cls(weights, sum(weights.values()), frozenset(profile.primary), frozenset(weights))


def _compare(subject_id: str, a: _Weights, other_id: str, b: _Weights) -> Overlap:
    mine, theirs = a.by_concern, b.by_concern
    # Weights are 1 and 0.5, so the sums are exact in any order: the set intersection's order does not matter.
    shared = {c: mine[c] if mine[c] < theirs[c] else theirs[c] for c in a.held & b.held}
    inter = sum(shared.values())
    union = a.total + b.total - inter
    order = sorted(shared, key=lambda c: (-shared[c], -mine[c] - theirs[c], c)) if len(shared) > 1 else list(shared)
    return Overlap(
        subject_id=subject_id,
        persona_id=other_id,
        score=round(inter / union, DECIMALS) if union else 0.0,
        shared_concerns=order,
        coverage_of_subject_by_other=round(inter / a.total, DECIMALS) if a.total else 0.0,
        coverage_of_other_by_subject=round(inter / b.total, DECIMALS) if b.total else 0.0,
    )


def compare_profiles(subject_id: str, subject: ConcernProfile, other_id: str, other: ConcernProfile) -> Overlap:
    """Score, shared concerns and both directed coverages of two concern profiles."""
    return _compare(subject_id, _Weights.of(subject), other_id, _Weights.of(other))


def _ranked(overlaps: list[Overlap]) -> list[Overlap]:
    return sorted(overlaps, key=lambda o: (-o.score, o.persona_id, o.subject_id))


def _union_coverage(subject: _Weights, others: Sequence[_Weights]) -> tuple[float, list[str]]:
    """The exact union coverage (rounded only for display) and the concerns no other persona holds.

    The roster's weight for a concern is the heaviest any other persona gives it: primary where one holds it
    as primary, else secondary where one holds it at all."""
    primary = frozenset[str]().union(*(other.primary for other in others))
    held = frozenset[str]().union(*(other.held for other in others))
    covered = 0.0
    for concern, weight in subject.by_concern.items():
        if concern in primary:
            covered += min(weight, PRIMARY_WEIGHT)
        elif concern in held:
            covered += min(weight, SECONDARY_WEIGHT)
    unique = [c for c in subject.by_concern if c not in held]
    return (covered / subject.total if subject.total else 0.0), unique


# --- conditions -------------------------------------------------------------------------------------


class _ConditionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: Slug
    text: Line
    look_in: list[Literal["boundaries", "skip_when", "guidelines.do", "guidelines.dont"]] = Field(min_length=1)
    evidence: list[Line] = Field(min_length=1)


class _ConditionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

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


def _field_lines(persona: Entry | None, field: str) -> list[tuple[str, str]]:
    if persona is None:
        return []
    values: Mapping[str, list[str]] = {
        "boundaries": persona.boundaries,
        "skip_when": persona.skip_when,
        "guidelines.do": persona.guidelines.do,
        "guidelines.dont": persona.guidelines.dont,
    }
    return [(f"{field}.{i}", line) for i, line in enumerate(values[field])]


def _general_evidence(persona: Entry | None) -> list[tuple[_ConditionSpec, str | None]]:
    """Each general condition, with the first line of the persona's own text that shows it is kept."""
    specs, matcher = _conditions()
    out = []
    for spec in specs:
        evidence = None
        for name in spec.look_in:
            for where, line in _field_lines(persona, name):
                if any(hit.target == spec.id for hit in matcher.find(line)):
                    evidence = f"{where}: {line}"
                    break
            if evidence:
                break
        out.append((spec, evidence))
    return out


def _mention_evidence(persona: Entry | None, other: str) -> str | None:
    """The first boundaries or skip_when line of the persona that names `other`, as `field.index: text`."""
    mention = re.compile(rf"(?<![\w-]){re.escape(other)}(?![\w-])")
    return next(
        (
            f"{where}: {line}"
            for name in ("boundaries", "skip_when")
            for where, line in _field_lines(persona, name)
            if mention.search(line)
        ),
        None,
    )


class _SubjectText:
    """What a subject's own text says about the conditions, worked out once per subject and remembered.

    Reading it takes phrase matching and regular expressions over every boundary and guideline line, far
    more than the arithmetic of a report; a roster persona keeps one of these per catalog (see `_Roster`),
    a candidate gets a new one per call.
    """

    def __init__(self, persona: Entry | None) -> None:
        self._persona = persona
        self._general: list[tuple[_ConditionSpec, str | None]] | None = None
        self._mentions: dict[str, str | None] = {}

    def general_conditions(self) -> list[Condition]:
        if self._general is None:
            self._general = _general_evidence(self._persona)
        return [
            Condition(id=spec.id, text=spec.text, met=evidence is not None, evidence=evidence)
            for spec, evidence in self._general
        ]

    def mention(self, other: str) -> str | None:
        if other not in self._mentions:
            self._mentions[other] = _mention_evidence(self._persona, other)
        return self._mentions[other]


def _boundary_conditions(subject: _SubjectText, overlaps: Sequence[Overlap]) -> list[Condition]:
    out = []
    for overlap in [o for o in overlaps if o.score > 0][:MAX_BOUNDARY_CONDITIONS]:
        other = overlap.persona_id
        evidence = subject.mention(other)
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
    subject: _SubjectText, overlaps: list[Overlap], union_coverage: float, unique: list[str], total: int
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
            conditions=subject.general_conditions() + _boundary_conditions(subject, overlaps),
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


@dataclass
class _Roster:
    """What the overlap analysis derives from a catalog once (see `per_catalog`): each persona's profile and
    weights by id, the ids in order, the subjects' own text as it is read (filled in as personas are asked
    about) and the concern bits of the matrix (made on the first matrix)."""

    ids: list[str]
    profiles: dict[str, ConcernProfile]
    weights: dict[str, _Weights]
    texts: dict[str, _SubjectText] = field(default_factory=dict)
    bits: _Bits | None = None

    def concern_bits(self) -> _Bits:
        """The concern bits, made with the first matrix or collection report and kept."""
        if self.bits is None:
            self.bits = _Bits.of(self.ids, self.profiles)
        return self.bits

    def text(self, persona: Entry) -> _SubjectText:
        found = self.texts.get(persona.id)
        if found is None:
            found = self.texts[persona.id] = _SubjectText(persona)
        return found


def _roster(catalog: Catalog) -> _Roster:
    def build() -> _Roster:
        profiles = catalog_profiles(catalog)
        return _Roster(sorted(profiles), profiles, {pid: _Weights.of(p) for pid, p in profiles.items()})

    return per_catalog(catalog, "overlap-roster", build)


_UNITS = PRIMARY_WEIGHT / SECONDARY_WEIGHT
if not _UNITS.is_integer() or math.frexp(SECONDARY_WEIGHT)[0] != 0.5:  # pragma: no cover - see _Bits
    raise ImportError("the overlap matrix needs a power-of-two secondary weight and a primary weight a multiple of it")


@dataclass(frozen=True)
class _Bits:
    """Each persona's concerns as one integer, so the weight two personas share is a popcount.

    Weight is counted in units of SECONDARY_WEIGHT: a secondary concern is one bit, a primary one is
    PRIMARY_WEIGHT / SECONDARY_WEIGHT bits (its own bit in each of that many blocks of the mask), so
    sum_c min(a(c), b(c)) is `(mask_a & mask_b).bit_count()` units and a persona's total is its mask's
    popcount. The score inter / (total_a + total_b - inter) is then a ratio of two small whole numbers,
    and `scores` holds every one of them rounded. With a power-of-two unit (0.5) every sum of weights is
    exact in floating point, so the ratio in units is the very float `_compare` gets from the weights.
    """

    masks: list[int]
    units: list[int]
    scores: list[float]
    """scores[inter * stride + union]: the rounded score for `inter` shared units out of `union`."""
    stride: int

    @classmethod
    def of(cls, ids: Sequence[str], profiles: Mapping[str, ConcernProfile]) -> _Bits:
        bit: dict[str, int] = {}
        for pid in ids:
            for concern in (*profiles[pid].secondary, *profiles[pid].primary):
                bit.setdefault(concern, len(bit))
        blocks = int(_UNITS)
        masks = []
        for pid in ids:
            weights = profiles[pid].weights()
            mask = 0
            for concern, weight in weights.items():
                for block in range(blocks if weight == PRIMARY_WEIGHT else 1):
                    mask |= 1 << (bit[concern] + block * len(bit))
            masks.append(mask)
        units = [mask.bit_count() for mask in masks]
        stride = 2 * max(units, default=0) + 1
        scores = [
            round(inter / union, DECIMALS) if union else 0.0
            for inter in range(max(units, default=0) + 1)
            for union in range(stride)
        ]
        return cls(masks, units, scores, stride)


def _upper_scores(bits: _Bits) -> list[list[float]]:
    """Row i: the scores of persona i with each later persona (j > i), from the table of rounded scores."""
    masks, units, stride = bits.masks, bits.units, bits.stride
    # inter * stride + (t_i + t_j - inter) = inter * (stride - 1) + t_i + t_j; slicing the table at t_i
    # leaves one multiply and one add per pair.
    step = stride - 1
    rows = []
    for i, (mask, total) in enumerate(zip(masks, units, strict=True)):
        table = bits.scores[total:]
        later = zip(masks[i + 1 :], units[i + 1 :], strict=True)
        rows.append([table[(mask & other).bit_count() * step + t] for other, t in later])
    return rows


def _closest_pairs(upper: Sequence[Sequence[float]]) -> list[tuple[float, int, int]]:
    """The MAX_ROSTER_PAIRS pairs (score, i, j) with the highest positive scores, ties in index order.

    Each row's best pair is a different pair, so the best MAX_ROSTER_PAIRS rows show that many pairs at or
    above the smallest of their maxima: only pairs at or above it can be among the closest.
    """
    maxima = [max(row, default=0.0) for row in upper]
    best = sorted(maxima, reverse=True)
    floor = best[MAX_ROSTER_PAIRS - 1] if len(best) >= MAX_ROSTER_PAIRS else 0.0
    # score >= floor and score > 0, tested in C: the rows are long and most of their scores fall short.
    keep = floor.__le__ if floor > 0 else (0.0).__lt__
    candidates = [
        (row[k], i, i + 1 + k)
        for i, row in enumerate(upper)
        if maxima[i] >= floor
        for k in compress(range(len(row)), map(keep, row))
    ]
    # Ids are sorted, so index order is id order: the tie-break needs no string compares.
    return sorted(candidates, key=lambda p: (-p[0], p[1], p[2]))[:MAX_ROSTER_PAIRS]


def roster_matrix(catalog: Catalog) -> OverlapMatrix:
    """Every pairwise overlap score of the catalog (n x n)."""
    roster = _roster(catalog)
    ids, n = roster.ids, len(roster.ids)
    upper = _upper_scores(roster.concern_bits())
    # Row i is its column above the diagonal (row k's entry i, read off the transpose of the upper
    # triangle padded with zeros), the diagonal, then its own upper part.
    padded = [[0.0] * (i + 1) + row for i, row in enumerate(upper)]
    columns = list(zip(*padded, strict=True)) if n else []
    rows = [[*columns[i][:i], 1.0 if roster.weights[pid].total else 0.0, *upper[i]] for i, pid in enumerate(ids)]
    # The matrix is computed here, not user input: constructing it unvalidated saves checking n*n floats.
    return OverlapMatrix.model_construct(ids=ids, scores=rows)


def persona_overlap(
    catalog: Catalog, persona_id: str | None = None, candidate: dict[str, Any] | None = None
) -> OverlapReport:
    """Overlap of a roster persona or a candidate with the rest of the roster, or, with neither, the whole
    catalog's clusters of likely duplicates, closest pairs and distinct personas (analysis.clusters).

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
        from persona_mcp.analysis.clusters import collection_report

        return collection_report(catalog)
    roster = _roster(catalog)
    if persona_id is not None:
        persona = catalog.get(persona_id, "persona_id")
        subject_id, name, profile = persona.id, persona.name, roster.profiles[persona.id]
        text, subject = roster.text(persona), roster.weights[persona.id]
        mode: Literal["persona", "candidate"] = "persona"
    else:
        subject_id, name, subject_persona, profile = _candidate(candidate)
        text, subject = _SubjectText(subject_persona), _Weights.of(profile)
        mode = "candidate"
    others = {pid: w for pid, w in roster.weights.items() if pid != subject_id}
    overlaps = _ranked([_compare(subject_id, subject, pid, w) for pid, w in others.items()])
    union_coverage, unique = _union_coverage(subject, list(others.values()))
    total = len(profile.primary) + len(profile.secondary)
    return OverlapReport(
        mode=mode,
        subject=Subject(id=subject_id, name=name, in_roster=subject_id in catalog.personas, concerns=profile),
        overlaps=overlaps,
        union_coverage=_round(union_coverage),
        unique_concerns=unique,
        verdict=_verdict(text, overlaps, union_coverage, unique, total),
    )


def overlap_warnings(catalog: Catalog, threshold: float = MERGE_SCORE) -> list[str]:
    """One warning per pair of roster personas whose overlap score is at or above `threshold`.

    Raises:
        InvalidArgument: If `threshold` is not in (0, 1].
    """
    if not 0 < threshold <= 1:
        raise InvalidArgument("threshold", f"{threshold} is outside (0, 1]")
    matrix = roster_matrix(catalog)
    ids, rows = matrix.ids, matrix.scores
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
        from persona_mcp.analysis.clusters import collection_markdown

        return collection_markdown(report)
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
        lines += ["", "| concern | level | evidence | words | where |", "|---|---|---|---|---|"]
        lines += [
            f"| {m.concern} | {m.level} | {m.evidence:g} | {', '.join(m.terms)} | {', '.join(m.fields)} |"
            for m in concerns.mapping
        ]
    return "\n".join(lines) + "\n"
