"""What a readiness review answers, and the words it answers in: tiers, severities, statuses, workloads
and the assessment, and the models of the review's result (findings, open questions, the checklist table,
scores, the SLO recommendation, toil). The MCP tool publishes ReadinessReview as its output schema; keeping
the models apart from the rules lets a server list its tools without loading the checklist machinery. The tool's
default answer is a summary (`review_content`): the same model with the checklist and the prose left out.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Tier = Literal["critical", "standard", "internal", "prototype"]
Severity = Literal["blocker", "high", "medium", "low"]
Status = Literal["passed", "failed", "unknown", "not_applicable"]
Assessment = Literal["ready", "ready_with_conditions", "not_ready"]
Threshold = Literal["blocker", "high", "medium"]
Workload = Literal["request", "stream", "batch"]
Detail = Literal["summary", "full"]

TIERS: tuple[Tier, ...] = ("critical", "standard", "internal", "prototype")
SEVERITIES: tuple[Severity, ...] = ("blocker", "high", "medium", "low")
STATUSES: tuple[Status, ...] = ("passed", "failed", "unknown", "not_applicable")
WORKLOADS: tuple[Workload, ...] = ("request", "stream", "batch")
SEVERITY_RANK: dict[str, int] = {"blocker": 3, "high": 2, "medium": 1, "low": 0}

Words = str | None
"""A field of prose. Every review has it; a summary's structured content leaves it out (its text carries the
words), so the published output schema, which the SDK checks each result against, lets it be absent."""


def untitled_schema(schema: dict[str, Any]) -> None:
    """Drop the per-field titles pydantic derives from field names: they repeat the names and cost context."""
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=untitled_schema, defer_build=True)


class Finding(_Out):
    """A checklist item the service fails."""

    item_id: str = Field(description="Checklist item id.")
    title: Words = None
    severity: Severity = Field(description="Severity in this tier.")
    issue: Words = Field(default=None, description="What is wrong.")
    detail: str | None = Field(default=None, description="The manifest facts that decided it.")
    risk: Words = Field(default=None, description="What can happen.")
    recommendation: Words = Field(default=None, description="What to do.")
    owner: Words = Field(default=None, description="Typical owning role.")
    effort_days: float = Field(description="Rough effort to fix, engineer-days.")
    evidence: list[str] = Field(
        default_factory=list, description="Repository lines behind it (path:line, object: what was read)."
    )


class OpenQuestion(_Out):
    """A checklist item the manifest does not answer: answer it with facts or an evidence link."""

    item_id: str = Field(description="Checklist item id.")
    title: Words = None
    severity: Severity = Field(description="Severity in this tier if the answer is no.")
    question: Words = None
    evidence: Words = Field(default=None, description="What counts as evidence.")
    owner: Words = Field(default=None, description="Typical owning role.")


class ChecklistRow(_Out):
    """One checklist item and its status for this service."""

    item_id: str
    category: str
    title: str
    severity: Severity = Field(description="Severity in this tier.")
    status: Status
    note: str | None = Field(description="Why: the deciding facts, or the not-applicable reason.")
    evidence: str | None = Field(description="Evidence link from the manifest.")


class CategoryScore(_Out):
    """Counts per status in one category."""

    category: str
    title: Words = None
    passed: int
    failed: int
    unknown: int
    not_applicable: int
    score: float | None = Field(description="passed / (passed + failed + unknown); null if all not applicable.")


class SLORecommendation(_Out):
    """The SLO to hold the service to, with its error budget."""

    workload: Workload = Field(description="The kind of workload the objectives are written for.")
    availability: float = Field(
        description="The objective, percent: requests served (request), time fresh (stream), runs on time (batch)."
    )
    latency_p99_ms: float | None = Field(
        description="p99 latency objective, ms; null for stream and batch workloads unless the manifest sets one."
    )
    window: str = Field(description="SLO window, e.g. 30d.")
    measures: list[str] = Field(
        default_factory=list, description="What the SLIs measure for this workload, with the objective filled in."
    )
    error_budget_ratio: float = Field(description="1 - availability/100.")
    error_budget_seconds: float = Field(description="Allowed full downtime per window, seconds.")
    error_budget_minutes: float = Field(description="The same in minutes.")
    error_budget_human: str = Field(description="e.g. 43m 12s.")
    policy: Words = Field(default=None, description="What happens when the budget is spent.")
    source: Literal["manifest", "tier default"] = Field(
        description="Where the availability comes from; missing latency or window use the tier default."
    )
    note: str | None = Field(default=None, description="How the SLA shaped the objective, or what is wrong with it.")
    rules: str = Field(default="", description="How to turn the objective into Prometheus rules and alerts.")


class ToilRow(_Out):
    """A recurring manual task and its weekly cost."""

    task: str
    minutes_per_week: float
    hours_per_week: float
    scales_with_load: bool | None
    flagged: bool = Field(description="Grows with load: automate it first.")


class RepositoryEvidence(_Out):
    """Where a review read from a repository: the facts with their lines, and what it did not find or read."""

    root: str = Field(description="The repository read.")
    service: str = Field(description="The service's workload in it.")
    facts: list[str] = Field(description="field = value: path:line, object: what was read.")
    conflicts: list[str] = Field(description="Where the stated manifest and the repository disagree (stated wins).")
    missing: list[str] = Field(description="Facts looked for and not found.")
    observations: list[str] = Field(description="What the files show that the manifest has no field for.")
    not_read: list[str] = Field(description="Files skipped, and why.")


class ReadinessReview(_Out):
    """A production readiness review of one service."""

    service: str
    tier: Tier
    tier_source: Literal["manifest", "default"] = Field(description="default: the manifest named no tier.")
    assessment: Assessment
    reason: str = Field(description="One line: why this assessment.")
    blockers: list[Finding] = Field(description="Failed items that block launch.")
    high: list[Finding]
    medium: list[Finding]
    low: list[Finding]
    open_questions: list[OpenQuestion] = Field(description="Unanswered items; never counted as passed.")
    checklist: list[ChecklistRow] = Field(
        default_factory=list, description="Every item of the tier with its status (left out of a summary)."
    )
    categories: list[CategoryScore]
    slo_recommendation: SLORecommendation
    toil: list[ToilRow] = Field(description="Largest first.")
    toil_hours_per_week: float | None = Field(description="Total; null when toil is not given.")
    blocker_effort_days: float = Field(description="Effort to fix the failed blockers, engineer-days.")
    items_not_in_tier: int = Field(description="Checklist items that do not apply to this tier.")
    checklist_version: str
    checklist_hash: str
    repository: RepositoryEvidence | None = Field(
        default=None, description="The repository facts the review was built from, when it was."
    )
    summary: str = Field(description="One line.")


_FINDING_WORDS = {"title", "issue", "detail", "risk", "recommendation", "owner"}
SUMMARY_LEAVES_OUT: dict[str, Any] = {
    "checklist": True,
    **{group: {"__all__": _FINDING_WORDS} for group in ("blockers", "high", "medium", "low")},
    "open_questions": {"__all__": {"title", "question", "evidence", "owner"}},
    "categories": {"__all__": {"title"}},
    "slo_recommendation": {"measures", "policy", "rules", "note"},
}
"""What a summary's structured content leaves out: the per-item checklist, and the words that its text (the
summary Markdown) carries. What stays is what a program decides by: ids, severities, statuses, counts, scores,
the SLO's numbers, toil and the repository's evidence."""


def review_content(review: ReadinessReview, detail: Detail = "summary") -> dict[str, Any]:
    """The review as structured content: every field with `full`; with `summary`, the fields a program decides by
    (SUMMARY_LEAVES_OUT says which go). Both shapes meet the tool's published output schema, which requires no
    field."""
    if detail == "full":
        return review.model_dump(mode="json")
    return review.model_dump(mode="json", exclude=SUMMARY_LEAVES_OUT)
