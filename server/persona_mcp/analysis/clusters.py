"""The collection question: across a whole catalog (nine personas, or a thousand imported agents), which
personas duplicate each other, which pairs overlap most, and which cover ground nobody else does.

Two personas are likely duplicates when the pair would get `merge` or `extend` from the overlap verdict
(analysis.overlap): their concern score reaches MERGE_SCORE, or one holds at least EXTEND_COVERAGE of the
other's concern weight while they share at least EXTEND_MIN_SCORE of their combined weight. Likely
duplicates are grouped by single linkage (a duplicate of a duplicate joins the group), and each group is
anchored on its member with the widest concerns, the one the others would merge into or extend; each member's
verdict is its pair's with the anchor (or `related`, when it joined through another member). Scores come from
the same bit masks as the roster matrix, so a thousand personas (half a million pairs) take well under a
second; the matrix itself is never built unless asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Literal

from persona_mcp.analysis.overlap import (
    DECIMALS,
    EXTEND_COVERAGE,
    MERGE_SCORE,
    _Bits,
    _closest_pairs,
    _compare,
    _percent,
    _roster,
    _upper_scores,
    roster_matrix,
)
from persona_mcp.analysis.results import Cluster, ClusterMember, DistinctPersona, Overlap, OverlapReport
from persona_mcp.catalog.loader import Catalog

EXTEND_MIN_SCORE = 0.4
"""The least overlap score at which a pair whose one member holds EXTEND_COVERAGE of the other's weight counts
as a duplicate. Below it the pair shares under 40% of their combined concern weight: the smaller is a narrow
slice of a broad persona (a technical writer inside a generalist whose prompt mentions documentation), which
the per-persona verdict may still call `extend`, but which is no duplicate to clean out of a collection."""

MAX_CLUSTERS = 25
MAX_MEMBERS = 10
MAX_DISTINCT = 50
MAX_SHARED = 6
"""Clusters, members a cluster, distinct personas and shared concerns listed at most (the counts are always
given): the report, text and structured content together, stays under 100 KB for a thousand personas."""


@dataclass(frozen=True)
class _Pair:
    score: float
    i: int
    j: int


def _likely_duplicates(bits: _Bits, upper: Sequence[Sequence[float]]) -> list[_Pair]:
    """Pairs that would be merged or extended, best first: scores as the verdict sees them (rounded)."""
    duplicates = []
    floor = min(EXTEND_MIN_SCORE, MERGE_SCORE).__le__
    for i, row in enumerate(upper):
        for k in compress(range(len(row)), map(floor, row)):  # the few pairs near the top, picked out in C
            j, score = i + 1 + k, row[k]
            smaller = min(bits.units[i], bits.units[j])
            covered = round((bits.masks[i] & bits.masks[j]).bit_count() / smaller, DECIMALS) if smaller else 0.0
            if score >= MERGE_SCORE or (score >= EXTEND_MIN_SCORE and covered >= EXTEND_COVERAGE):
                duplicates.append(_Pair(score, i, j))
    return sorted(duplicates, key=lambda p: (-p.score, p.i, p.j))


def _groups(n: int, pairs: list[_Pair]) -> list[list[int]]:
    """Connected groups of the pairs (union-find), each sorted, largest first."""
    parent = list(range(n))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for pair in pairs:
        a, b = root(pair.i), root(pair.j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = {}
    for k in sorted({p.i for p in pairs} | {p.j for p in pairs}):
        members.setdefault(root(k), []).append(k)
    return sorted(members.values(), key=lambda group: (-len(group), group[0]))


def _member(overlap: Overlap) -> ClusterMember:
    """A member's verdict next to the anchor: merge, extend (the anchor holds most of it), or related."""
    covered = overlap.coverage_of_subject_by_other
    if overlap.score >= MERGE_SCORE:
        decision: Literal["merge", "extend", "related"] = "merge"
    else:
        decision = "extend" if covered >= EXTEND_COVERAGE else "related"
    return ClusterMember(
        persona_id=overlap.subject_id, decision=decision, score=overlap.score, coverage_by_anchor=covered
    )


def _why(members: list[ClusterMember]) -> str:
    counts = {d: sum(1 for m in members if m.decision == d) for d in ("merge", "extend", "related")}
    parts = [f"{counts['merge']} would merge (score from {_percent(MERGE_SCORE)})"] if counts["merge"] else []
    if counts["extend"]:
        parts.append(f"{counts['extend']} would extend it (it holds from {_percent(EXTEND_COVERAGE)} of theirs)")
    if counts["related"]:
        parts.append(f"{counts['related']} are linked through another member")
    return "; ".join(parts)


def collection_report(catalog: Catalog, *, matrix: bool = False) -> OverlapReport:
    """Clusters of likely duplicates, the most overlapping pairs and the distinct personas of `catalog`;
    with `matrix`, also every pairwise score (n x n: for the command line, never the default tool result)."""
    roster = _roster(catalog)
    ids = roster.ids
    bits = roster.concern_bits()
    upper = _upper_scores(bits)
    duplicates = _likely_duplicates(bits, upper)
    weights = [roster.weights[pid] for pid in ids]
    clusters = []
    for group in _groups(len(ids), duplicates):
        anchor = max(group, key=lambda k: (bits.units[k], -k))  # the widest concerns; ties to the first id
        members = [_member(_compare(ids[k], weights[k], ids[anchor], weights[anchor])) for k in group if k != anchor]
        members.sort(key=lambda m: (-m.score, m.persona_id))
        common = frozenset.intersection(*(weights[k].held for k in group))
        anchor_weights = weights[anchor].by_concern
        clusters.append(
            Cluster(
                anchor=ids[anchor],
                decision="merge" if all(m.decision == "merge" for m in members) else "extend",
                size=len(group),
                shared_concerns=sorted(common, key=lambda c: (-anchor_weights[c], c))[:MAX_SHARED],
                why=_why(members),
                members=members[:MAX_MEMBERS],
            )
        )
    linked = {k for pair in duplicates for k in (pair.i, pair.j)}
    held: dict[str, int] = {}
    for pid in ids:
        for concern in roster.weights[pid].held:
            held[concern] = held.get(concern, 0) + 1
    distinct = [
        DistinctPersona(persona_id=pid, only_here=sorted(c for c in roster.weights[pid].primary if held[c] == 1))
        for k, pid in enumerate(ids)
        if k not in linked and any(held[c] == 1 for c in roster.weights[pid].primary)
    ]
    report = OverlapReport(
        mode="roster",
        overlaps=[_compare(ids[i], weights[i], ids[j], weights[j]) for _, i, j in _closest_pairs(upper)],
        clusters=clusters[:MAX_CLUSTERS],
        cluster_count=len(clusters),
        distinct=distinct[:MAX_DISTINCT],
        distinct_count=len(distinct),
        persona_count=len(ids),
    )
    if matrix:
        report.matrix = roster_matrix(catalog)
    return report


def collection_markdown(report: OverlapReport) -> str:
    """The collection report for people: clusters with each member's verdict, the closest pairs, the
    distinct personas."""
    lines = [f"# Overlap across {report.persona_count} personas", ""]
    if report.clusters:
        shown = len(report.clusters)
        more = f" (the {shown} largest shown)" if report.cluster_count > shown else ""
        lines += [f"## {report.cluster_count} clusters of likely duplicates{more}", ""]
        for cluster in report.clusters:
            shared = ", ".join(cluster.shared_concerns) or "-"
            lines.append(f"- **{cluster.decision}** into `{cluster.anchor}` ({cluster.size} personas; {cluster.why}):")
            lines.append("  " + ", ".join(f"`{m.persona_id}` {m.decision} {m.score:.2f}" for m in cluster.members))
            if cluster.size - 1 > len(cluster.members):
                lines[-1] += f", and {cluster.size - 1 - len(cluster.members)} more"
            lines.append(f"  shared: {shared}")
    else:
        lines.append("No two personas are likely duplicates (none would be merged or extended).")
    lines += ["", "## Most overlapping pairs", ""]
    lines += [
        f"- `{o.subject_id}` and `{o.persona_id}`: {o.score:.2f} ({', '.join(o.shared_concerns[:MAX_SHARED])})"
        for o in report.overlaps
    ] or ["- none"]
    lines += ["", f"## Personas nobody else covers ({report.distinct_count})", ""]
    lines += [f"- `{d.persona_id}`: only it holds {', '.join(d.only_here)}" for d in report.distinct] or ["- none"]
    if report.matrix is not None:
        lines += ["", "## Matrix", "", "| | " + " | ".join(f"`{i}`" for i in report.matrix.ids) + " |"]
        lines.append("|---|" + "---|" * len(report.matrix.ids))
        for pid, row in zip(report.matrix.ids, report.matrix.scores, strict=True):
            lines.append(f"| `{pid}` | " + " | ".join(f"{s:.2f}" for s in row) + " |")
    return "\n".join(lines) + "\n"
