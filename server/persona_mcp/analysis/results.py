"""What the roster analyses answer: the overlap report and the routing recommendations, as the models the
MCP tools publish as their output schemas. Only the models live here, so a server can list its tools
without loading the taxonomy, the concern profiles or the routing index; analysis.overlap and
analysis.routing compute them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from persona_mcp.catalog.profile import ConcernProfile


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


# --- overlap ----------------------------------------------------------------------------------------


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


class ClusterMember(_Out):
    """A persona of a cluster, and what to do with it next to the cluster's anchor."""

    persona_id: str
    decision: Literal["merge", "extend", "related"] = Field(
        description="merge into the anchor; extend the anchor instead; related: linked through another member."
    )
    score: float = Field(ge=0, le=1, description="Its overlap score with the anchor.")
    coverage_by_anchor: float = Field(ge=0, le=1, description="Share of its concern weight the anchor holds.")


class Cluster(_Out):
    """Personas that duplicate each other, around the one with the widest concerns."""

    anchor: str = Field(description="The member the others would merge into or extend.")
    decision: Literal["merge", "extend"] = Field(description="merge when every member would merge, else extend.")
    size: int = Field(ge=2)
    shared_concerns: list[str] = Field(description="Concerns every member holds, heaviest for the anchor first.")
    why: str = Field(description="The thresholds that grouped them.")
    members: list[ClusterMember] = Field(description="The other members (the closest first, at most 10).")


class DistinctPersona(_Out):
    """A persona no other covers: it is in no cluster and holds concerns no other persona does."""

    persona_id: str
    only_here: list[str] = Field(description="Its primary concerns no other persona holds.")


class OverlapReport(_Out):
    """Overlap of one persona or candidate with the roster, or of the whole catalog (roster mode)."""

    mode: Literal["roster", "persona", "candidate"] = Field(description="What was compared.")
    subject: Subject | None = Field(default=None, description="Absent in roster mode.")
    overlaps: list[Overlap] = Field(description="Highest score first (roster mode: the closest pairs).")
    clusters: list[Cluster] = Field(default_factory=list, description="Roster mode: likely duplicates, largest first.")
    cluster_count: int = Field(default=0, description="Roster mode: clusters found (more than listed if many).")
    distinct: list[DistinctPersona] = Field(default_factory=list, description="Roster mode: nobody else covers them.")
    distinct_count: int = Field(default=0)
    persona_count: int = Field(default=0, description="Roster mode: personas compared.")
    matrix: OverlapMatrix | None = Field(default=None, description="Only when asked for (the command line).")
    union_coverage: float | None = Field(default=None, description="Share of the subject's weight the roster holds.")
    unique_concerns: list[str] = Field(default_factory=list, description="Subject's concerns no roster persona holds.")
    verdict: Verdict | None = Field(default=None, description="Absent in roster mode.")


# --- routing ----------------------------------------------------------------------------------------


class Recommendation(_Out):
    """A persona recommended for the task, with why."""

    persona_id: str = Field(description="Persona id; its prompt has the same name.")
    name: str
    score: float = Field(ge=0, description="Relevance (BM25F and the examples' vote); compare within one answer.")
    matched_triggers: list[str] = Field(description="The persona's when_to_invoke lines the task matches.")
    matched_concerns: list[str] = Field(description="Concern ids named by the task that the persona covers.")
    why: str = Field(description="One sentence on why it was recommended.")


class RunnerUp(_Out):
    """The best persona that was not recommended, and why it lost."""

    persona_id: str
    score: float = Field(ge=0, description="Its relevance on the same scale as the recommendations.")
    why: str = Field(description="Why it lost: under the cut-off, past the limit, or its skip_when matched.")


class Recommendations(_Out):
    """Personas for a task, best first; empty when nothing fits."""

    recommendations: list[Recommendation] = Field(description="Best first; empty when no persona fits the task.")
    runner_up: RunnerUp | None = Field(default=None, description="The closest persona left out, if any.")
    task_concerns: list[str] = Field(description="Concern ids the task names, through the taxonomy.")
