"""The review: a manifest checked item by item against the checklist for its tier and workload, giving
findings, open questions, scores per category, an SLO recommendation and the assessment (ready, ready with
conditions, not ready); and `failing_at`, which a CI gate uses to fail on findings at or above a severity.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from pydantic_core import PydanticCustomError

from persona_mcp.errors import InvalidArgument, ManifestError
from persona_mcp.sre.budget import error_budget
from persona_mcp.sre.durations import format_window
from persona_mcp.sre.readiness.checklist import (
    Category,
    Checklist,
    ChecklistItem,
    TierPolicy,
    WorkloadSLI,
    load_checklist,
    parse_manifest,
)
from persona_mcp.sre.readiness.checks import Evaluator, compile_check
from persona_mcp.sre.readiness.manifest import ServiceManifest, SLOSpec, check_item_ids, plain_number
from persona_mcp.sre.readiness.results import (
    SEVERITIES,
    SEVERITY_RANK,
    STATUSES,
    WORKLOADS,
    Assessment,
    OpenQuestion,
    ReadinessReview,
    Severity,
    SLORecommendation,
    Status,
    Tier,
    Workload,
)
from persona_mcp.sre.readiness.rules import RuleContext, toil_tasks

# --- the review ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Step:
    """One item as a review of one tier evaluates it."""

    item: ChecklistItem
    severity: Severity
    evaluate: Evaluator
    question: OpenQuestion


@dataclass(frozen=True, slots=True)
class TierPlan:
    """One tier's items in report order (by category, then checklist order), the categories they fill, how many
    items skip the tier, and the SLO recommendation for a manifest that sets no objective of its own."""

    steps: tuple[_Step, ...]
    categories: tuple[Category, ...]
    not_in_tier: int
    default_slo: dict[Workload, SLORecommendation]


def plan_tiers(checklist: Checklist) -> dict[Tier, TierPlan]:
    """Each tier's plan: every check compiled once; severities, open questions and the default SLO resolved.

    Only the checklist goes in, so a plan is shared by every review with that checklist; nothing about a
    manifest or a review result is kept.
    """
    order = {c.id: i for i, c in enumerate(checklist.categories)}
    items = sorted(checklist.items, key=lambda i: order[i.category])
    compiled = {item.id: compile_check(item.check) for item in items}
    plans: dict[Tier, TierPlan] = {}
    for tier, policy in checklist.tiers.items():
        steps = []
        for item in items:
            if tier not in item.tiers:
                continue
            severity = item.severity_for(tier, policy.advisory)
            question = OpenQuestion(
                item_id=item.id,
                title=item.title,
                severity=severity,
                question=item.question,
                evidence=item.evidence,
                owner=item.owner,
            )
            steps.append(_Step(item, severity, compiled[item.id], question))
        used = {step.item.category for step in steps}
        categories = tuple(c for c in checklist.categories if c.id in used)
        defaults = {w: _slo_recommendation(None, policy, checklist.workloads[w], w) for w in WORKLOADS}
        plans[tier] = TierPlan(tuple(steps), categories, len(items) - len(steps), defaults)
    return plans


def _sets_slo(spec: SLOSpec | None) -> bool:
    """Whether the manifest sets any objective of its own; without one the review uses the tier's default SLO."""
    return spec is not None and (
        spec.availability is not None or spec.latency_p99_ms is not None or spec.window is not None
    )


def _window_phrase(seconds: float) -> str:
    """How a policy names the SLO window: "28-day" for whole days, else the window's label ("4h")."""
    days = seconds / 86_400
    return f"{int(days)}-day" if days == int(days) else format_window(seconds)


def _runs_per_failure(objective: float) -> int:
    """How many runs a window must hold before one failed run fits in the budget of `objective` percent: the
    smallest n with n * (1 - objective/100) >= 1, exact (99.9 -> 1,000; 95 -> 20)."""
    budget = 1 - Fraction(str(objective)) / 100
    return math.ceil(1 / budget)


def _slo_recommendation(
    spec: SLOSpec | None, policy: TierPolicy, sli: WorkloadSLI, workload: Workload, sla: float | None = None
) -> SLORecommendation:
    """The SLO to hold the service to: the manifest's objectives (`spec`, None when left out or null), the tier's
    default for any the manifest does not set, never looser than the SLA, measured as `workload` is measured.

    What the objective counts depends on the workload (SRE Workbook, ch. 2, "Implementing SLOs", its table of
    SLI types): requests served and their latency for a request workload; freshness and completeness for a
    pipeline or stream; runs that finish correctly by their deadline for a batch job. Only a request workload gets
    the tier's default p99 latency: a consumer or a job has no caller waiting on a response.

    An SLO sits inside its SLA so the team hears of trouble before the contract is broken (SRE Workbook, ch. 2
    "Implementing SLOs"; SRE book, ch. 4 "Service Level Objectives"). With an SLA and no SLO the recommendation
    is at least as strict as one that halves the SLA's error budget; a manifest SLO looser than its SLA is kept
    (it is the team's) and the note says what is wrong with it.
    """
    default = policy.slo
    availability = spec.availability if spec else None
    latency = spec.latency_p99_ms if spec else None
    window = spec.window if spec else None
    objective = availability if availability is not None else default.availability
    note: str | None = None
    if sla is not None and availability is None:
        inside = round(100 - (100 - sla) / 2, 6)
        if objective <= sla or objective < inside:
            objective = max(objective, inside)
            note = f"Set stricter than the SLA ({plain_number(sla)}%): half its error budget, so the SLO burns first."
    elif sla is not None and availability is not None and availability <= sla:
        note = (
            f"The SLO ({plain_number(availability)}%) is not stricter than the SLA ({plain_number(sla)}%): "
            "the contract breaks no later than the objective. "
            f"Set it at {plain_number(round(100 - (100 - sla) / 2, 6))}% or stricter."
        )
    budget = error_budget(objective, window or default.window)
    if latency is None and workload == "request":
        latency = default.latency_p99_ms
    filled = {
        "availability": plain_number(objective),
        "window": budget.window,
        "latency_p99_ms": plain_number(latency) if latency is not None else "the objective you set",
        "runs_per_failure": f"{_runs_per_failure(objective):,}",
    }
    return SLORecommendation(
        workload=workload,
        availability=objective,
        latency_p99_ms=latency,
        window=budget.window,
        measures=[sentence.format(**filled) for sentence in sli.measures],
        error_budget_ratio=budget.error_budget_ratio,
        error_budget_seconds=budget.allowed_downtime_seconds,
        error_budget_minutes=round(budget.allowed_downtime_seconds / 60, 4),
        error_budget_human=budget.allowed_downtime_human,
        policy=policy.policy.replace("{window}", _window_phrase(budget.window_seconds)),
        source="manifest" if availability is not None else "tier default",
        note=note,
        rules=(
            f"Write the objective ({plain_number(objective)}% over {budget.window}) into an SLO spec with the SLI's "
            "error and total queries, then `persona-mcp slo rules SPEC` (or the slo_rules tool) writes its recording "
            "rules and burn-rate alerts; see examples/slo/checkout.yaml."
        ),
    )


def _decide(step: _Step, manifest: ServiceManifest, ctx: RuleContext) -> tuple[Status, str | None, str | None]:
    """The item's status, note and evidence link: waivers first, then facts, then evidence for what facts leave open."""
    outcome = step.evaluate(manifest, ctx)
    item_id = step.item.id
    link = manifest.evidence.get(item_id)
    facts = "; ".join(outcome.notes) or None
    reason = manifest.not_applicable.get(item_id)
    if reason is not None:
        contradicted = " (the manifest's own facts fail this item)" if outcome.status == "failed" else ""
        return "not_applicable", reason + contradicted, link
    if manifest.workload not in step.item.workloads:
        kinds = " and ".join(step.item.workloads)
        return "not_applicable", f"applies to {kinds} workloads; this is a {manifest.workload} workload", link
    if outcome.status == "failed" and link:
        return (
            "failed",
            "; ".join(filter(None, [facts, "the evidence link does not outweigh the manifest's facts"])),
            link,
        )
    if outcome.status == "unknown" and link:
        return "passed", "answered by evidence", link
    return outcome.status, facts, link


def count_noun(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def is_or_are(n: int) -> str:
    return "is" if n == 1 else "are"


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(ids)


def _assess(
    failed: Mapping[str, list[str]], questions: list[OpenQuestion], advisory: bool, tier: str
) -> tuple[Assessment, str]:
    """The assessment and its one-line reason, from the ids of the failed items by severity and the open questions."""
    blocker_q = [q.item_id for q in questions if q.severity == "blocker"]
    high_q = [q.item_id for q in questions if q.severity == "high"]
    parts: list[str] = []
    assessment: Assessment
    if failed["blocker"] or blocker_q:
        assessment = "not_ready"
        if failed["blocker"]:
            parts.append(f"{count_noun(len(failed['blocker']), 'blocker')} failed ({_ids(failed['blocker'])})")
        if blocker_q:
            parts.append(f"{count_noun(len(blocker_q), 'blocker question')} unanswered ({_ids(blocker_q)})")
    elif failed["high"] or high_q:
        assessment = "ready_with_conditions"
        parts.append("no blocker open")
        if failed["high"]:
            parts.append(f"{count_noun(len(failed['high']), 'high finding')} to fix ({_ids(failed['high'])})")
        if high_q:
            parts.append(f"{count_noun(len(high_q), 'high question')} to answer ({_ids(high_q)})")
    else:
        assessment = "ready"
        parts.append("no blocker or high item open")
        follow_ups = len(failed["medium"]) + len(failed["low"])
        if follow_ups:
            parts.append(f"{count_noun(follow_ups, 'medium or low follow-up')}")
        if questions:
            parts.append(f"{count_noun(len(questions), 'lower-severity question')} open")
    reason = "; ".join(parts)
    if advisory:
        reason = f"{tier} tier, so findings are advice and block nothing: {reason}"
    return assessment, reason


def review(manifest: ServiceManifest | Mapping[str, Any], checklist: Checklist | None = None) -> ReadinessReview:
    """Review a service's production readiness against the checklist for its tier.

    Args:
        manifest: A validated `ServiceManifest`, or a mapping validated with `parse_manifest(..., "service")`.
        checklist: The checklist to apply; default the shipped one.

    Raises:
        ManifestError: If `manifest` is a mapping that is not a valid manifest, or its `evidence` or
            `not_applicable` names an id the checklist does not have.
        PersonaFileError: If the shipped checklist cannot be loaded (a broken installation).
    """
    checklist = checklist or load_checklist()
    if not isinstance(manifest, ServiceManifest):
        manifest = parse_manifest(manifest, "service", checklist)
    for field in ("evidence", "not_applicable"):
        try:
            check_item_ids(getattr(manifest, field), checklist)
        except PydanticCustomError as exc:
            key = str((exc.context or {}).get("key"))
            raise ManifestError("service", f"{field}.{key}", exc.message()) from exc

    tier = manifest.tier
    policy = checklist.tiers[tier]
    plan = checklist.plans[tier]
    sla = manifest.sla.availability if manifest.sla is not None else None
    if _sets_slo(manifest.slo) or sla is not None:
        slo = _slo_recommendation(manifest.slo, policy, checklist.workloads[manifest.workload], manifest.workload, sla)
    else:
        slo = plan.default_slo[manifest.workload]
    ctx = RuleContext(tier, policy, slo.availability, slo.window, slo.source)

    # Rows and findings are plain data validated once, with the whole review, at the end: one pass through
    # pydantic-core instead of a model per row.
    rows: list[dict[str, Any]] = []
    findings: dict[str, list[dict[str, Any]]] = {s: [] for s in SEVERITIES}
    failed: dict[str, list[str]] = {s: [] for s in SEVERITIES}
    questions: list[OpenQuestion] = []
    tally = {c.id: dict.fromkeys(STATUSES, 0) for c in plan.categories}
    for step in plan.steps:
        item, severity = step.item, step.severity
        status, note, link = _decide(step, manifest, ctx)
        rows.append(
            {
                "item_id": item.id,
                "category": item.category,
                "title": item.title,
                "severity": severity,
                "status": status,
                "note": note,
                "evidence": link,
            }
        )
        tally[item.category][status] += 1
        if status == "failed":
            failed[severity].append(item.id)
            findings[severity].append(
                {
                    "item_id": item.id,
                    "title": item.title,
                    "severity": severity,
                    "issue": item.issue,
                    "detail": note,
                    "risk": item.risk,
                    "recommendation": item.recommendation,
                    "owner": item.owner,
                    "effort_days": item.effort_days,
                }
            )
        elif status == "unknown":
            questions.append(step.question)
    questions.sort(key=lambda q: -SEVERITY_RANK[q.severity])

    scores: list[dict[str, Any]] = []
    for category in plan.categories:
        counts = tally[category.id]
        scored = counts["passed"] + counts["failed"] + counts["unknown"]
        scores.append(
            {
                "category": category.id,
                "title": category.title,
                "passed": counts["passed"],
                "failed": counts["failed"],
                "unknown": counts["unknown"],
                "not_applicable": counts["not_applicable"],
                "score": round(counts["passed"] / scored, 3) if scored else None,
            }
        )

    toil_state, tasks = toil_tasks(manifest)
    toil_rows = [
        {
            "task": t.task,
            "minutes_per_week": t.minutes_per_week,
            "hours_per_week": round(t.minutes_per_week / 60, 2),
            "scales_with_load": t.scales_with_load,
            "flagged": t.scales_with_load is True,
        }
        for t in sorted(tasks, key=lambda t: -t.minutes_per_week)
    ]
    toil_hours = round(sum(t.minutes_per_week for t in tasks) / 60, 2) if toil_state != "absent" else None

    assessment, reason = _assess(failed, questions, policy.advisory, tier)
    effort = round(sum(f["effort_days"] for f in findings["blocker"]), 2)
    tier_source: Literal["manifest", "default"] = "manifest" if "tier" in manifest.model_fields_set else "default"
    summary = (
        f"{manifest.name} ({tier}{' by default' if tier_source == 'default' else ''}): "
        f"{assessment.replace('_', ' ')}; {count_noun(len(failed['blocker']), 'blocker')}, "
        f"{len(failed['high'])} high, {len(failed['medium'])} medium, {len(failed['low'])} low, "
        f"{count_noun(len(questions), 'open question')}"
    )
    if failed["blocker"]:
        summary += f"; about {plain_number(effort)} engineer-days to clear the blockers"
    return ReadinessReview.model_validate(
        {
            "service": manifest.name,
            "tier": tier,
            "tier_source": tier_source,
            "assessment": assessment,
            "reason": reason,
            "blockers": findings["blocker"],
            "high": findings["high"],
            "medium": findings["medium"],
            "low": findings["low"],
            "open_questions": questions,
            "checklist": rows,
            "categories": scores,
            "slo_recommendation": slo,
            "toil": toil_rows,
            "toil_hours_per_week": toil_hours,
            "blocker_effort_days": effort,
            "items_not_in_tier": plan.not_in_tier,
            "checklist_version": checklist.version,
            "checklist_hash": checklist.content_hash,
            "summary": summary,
        }
    )


def failing_at(result: ReadinessReview, threshold: str) -> bool:
    """Whether anything at or above `threshold` is still open: failed, or unanswered (unknown is never a pass).

    The CI gate: `persona-mcp review --fail-on high` exits 1 exactly when this is true.

    Raises:
        InvalidArgument: If `threshold` is not blocker, high or medium.
    """
    if threshold not in ("blocker", "high", "medium"):
        raise InvalidArgument("threshold", f"must be one of blocker, high, medium; got {threshold!r}")
    floor = SEVERITY_RANK[threshold]
    return any(r.status in ("failed", "unknown") and SEVERITY_RANK[r.severity] >= floor for r in result.checklist)
