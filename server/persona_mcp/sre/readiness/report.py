"""The review for people: Markdown with the verdict, each finding with its fix, the open questions, the
checklist table and the error budget; and the `sre-readiness` prompt, which asks an assistant to gather a
service's facts from its code and design before running the review.
"""

from __future__ import annotations

import math
from functools import cache
from string import Template

from persona_mcp.catalog.render import MAX_SUBJECT_CHARS
from persona_mcp.data import read_text, resource_path
from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.readiness.evaluate import count_noun, is_or_are
from persona_mcp.sre.readiness.manifest import PROMPT_NAME, plain_number
from persona_mcp.sre.readiness.results import (
    TIERS,
    Finding,
    ReadinessReview,
    RepositoryEvidence,
    SLORecommendation,
)

# --- Markdown --------------------------------------------------------------------------------------------

_VERDICT = {
    "ready": "✅ Ready for production",
    "ready_with_conditions": "⚠️ Ready with conditions",
    "not_ready": "❌ Not ready for production",
}
_MARK = {"passed": "✅", "failed": "❌", "unknown": "❔", "not_applicable": "➖"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _days(days: float) -> str:
    return f"{plain_number(days)} engineer-day{'' if days == 1 else 's'}"


def _detailed(number: int, finding: Finding) -> list[str]:
    lines = [f"**{number}. {finding.title}** ({finding.severity.upper()}, `{finding.item_id}`)", ""]
    lines.append(f"- Issue: {finding.issue}")
    if finding.detail:
        lines.append(f"- Found: {finding.detail}")
    if finding.evidence:
        lines.append(f"- Evidence: {'; '.join(finding.evidence)}")
    lines += [
        f"- Risk: {finding.risk}",
        f"- Recommendation: {finding.recommendation}",
        f"- Owner: {finding.owner} · effort: {_days(finding.effort_days)}",
        "",
    ]
    return lines


def _budget_line(slo: SLORecommendation) -> str:
    share = f"{plain_number(round(slo.error_budget_ratio * 100, 6))}%"
    if slo.workload == "batch":
        return f"- **Error budget**: {share} of the runs per {slo.window}"
    minutes = f"{plain_number(slo.error_budget_minutes)} minutes ({slo.error_budget_human})"
    return f"- **Error budget**: {share} = {minutes} per {slo.window}"


def review_markdown(result: ReadinessReview, *, checklist: bool = True) -> str:
    """The review as a Markdown report for people, shaped like the research's example review.

    Args:
        result: The review.
        checklist: Include the per-item checklist (every item with its status mark). Without it the report
            lists just the items that do not apply, with their reasons, and points to the review's `checklist`
            field for the rest: the shorter form, for a reader that gets the structured review as well.

    The same review always renders to the same bytes: every order comes from the checklist or the manifest.
    Rendering only reads the review and raises nothing of its own.
    """
    out = _header(result)
    for heading, findings in (("Medium priority issues", result.medium), ("Low priority issues", result.low)):
        if findings:
            out += [f"### {heading}:", ""]
            out += [
                f"- **{f.title}** (`{f.item_id}`): {f.issue} {f.recommendation} Owner: {f.owner}."
                + (f" Evidence: {'; '.join(f.evidence)}" if f.evidence else "")
                for f in findings
            ]
            out.append("")
    if result.open_questions:
        out += ["### Open questions (unknown is not a pass):", ""]
        out += [
            f"- **{q.title}** (`{q.item_id}`, {q.severity}): {q.question} Evidence: {q.evidence}"
            for q in result.open_questions
        ]
        out.append("")
    waived = [] if checklist else [r for r in result.checklist if r.status == "not_applicable"]
    if waived:
        out += ["### Not applicable:", ""]
        out += [f"- `{r.item_id}`: {r.note}" for r in waived]
        out.append("")

    slo = result.slo_recommendation
    source = "from the manifest" if slo.source == "manifest" else f"default for the {result.tier} tier"
    out += [
        "### SLO recommendation:",
        "",
        f"- **Objective**: {plain_number(slo.availability)}% over {slo.window} ({source}; a {slo.workload} workload)",
        *[f"- **Measures**: {sentence}" for sentence in slo.measures],
        *([f"- **Latency**: p99 < {plain_number(slo.latency_p99_ms)} ms"] if slo.latency_p99_ms is not None else []),
        _budget_line(slo),
        f"- **Policy**: {slo.policy}",
        *([f"- **Note**: {slo.note}"] if slo.note else []),
        *([f"- **Rules**: {slo.rules}"] if slo.rules else []),
        "",
    ]
    if result.toil:
        out += ["### Toil:", "", "| task | minutes/week | hours/week | scales with load |", "|---|---|---|---|"]
        for task in result.toil:
            scales = {True: "yes ⚠️", False: "no", None: "unknown"}[task.scales_with_load]
            hours = f"{plain_number(task.minutes_per_week)} | {plain_number(task.hours_per_week)}"
            out.append(f"| {_cell(task.task)} | {hours} | {scales} |")
        out += ["", f"Total: {plain_number(result.toil_hours_per_week or 0)} hours/week.", ""]

    out += ["### Scores by category:", "", "| category | passed | failed | unknown | n/a | score |"]
    out.append("|---|---|---|---|---|---|")
    for score in result.categories:
        shown = "n/a" if score.score is None else f"{round(score.score * 100)}%"
        out.append(
            f"| {score.title} | {score.passed} | {score.failed} | {score.unknown} | {score.not_applicable} | {shown} |"
        )
    out.append("")
    if checklist:
        out += _checklist_section(result)
    else:
        out += [
            "The per-item checklist, every item with its status and note, is in the review's `checklist` field.",
            "",
        ]
    if result.repository is not None:
        out += _repository_section(result.repository)
    out += [f"**Recommendation**: {_verdict(result)}", ""]
    return "\n".join(out)


def _header(result: ReadinessReview) -> list[str]:
    """The title, the verdict with its reason, the tier and checklist line, and the blockers and high findings in
    full: what every form of the report opens with."""
    out = [f"## Production Readiness Review: {result.service}", ""]
    out += [f"### Overall assessment: {_VERDICT[result.assessment]}", "", result.reason, ""]
    tier = f"Tier: {result.tier}"
    if result.tier_source == "default":
        tier += " (the manifest names no tier, so standard is assumed)"
    out += [
        f"{tier} · checklist {result.checklist_version} ({result.checklist_hash}) · {len(result.checklist)} items "
        f"apply, {result.items_not_in_tier} do not apply to this tier",
        "",
    ]
    number = 0
    for heading, findings in (("Critical blockers", result.blockers), ("High priority issues", result.high)):
        if findings:
            out += [f"### {heading}:", ""]
            for finding in findings:
                number += 1
                out += _detailed(number, finding)
    return out


def summary_markdown(result: ReadinessReview) -> str:
    """The review in short, for an assistant's context (the `sre_readiness` tool's default, `detail: summary`).

    Blockers and high findings come in full, as in the report; medium and low ones (title, owner, evidence), the
    open questions and the scores one line each; the SLO without its rules pointer. The fixes and risks of the
    lesser findings, what counts as evidence for a question and the per-item checklist are left to `detail: full`
    and the CLI's report.
    """
    out = _header(result)
    for heading, findings in (("Medium priority issues", result.medium), ("Low priority issues", result.low)):
        if findings:
            out += [f"### {heading}:", ""]
            out += [
                f"- {f.title} (`{f.item_id}`, {f.owner})" + (f": {'; '.join(f.evidence)}" if f.evidence else "")
                for f in findings
            ]
            out.append("")
    if result.open_questions:
        out += ["### Open questions (unknown is not a pass):", ""]
        out += [f"- `{q.item_id}` ({q.severity}): {q.question}" for q in result.open_questions]
        out.append("")
    waived = [r for r in result.checklist if r.status == "not_applicable"]
    if waived:
        out += ["Not applicable: " + "; ".join(f"`{r.item_id}` ({r.note})" for r in waived) + ".", ""]
    slo = result.slo_recommendation
    source = "from the manifest" if slo.source == "manifest" else f"default for the {result.tier} tier"
    latency = f", p99 < {plain_number(slo.latency_p99_ms)} ms" if slo.latency_p99_ms is not None else ""
    out += [
        "### SLO recommendation:",
        "",
        f"- **Objective**: {plain_number(slo.availability)}% over {slo.window}{latency} ({source}; a {slo.workload} "
        "workload)",
        _budget_line(slo),
        f"- **Policy**: {slo.policy}",
        *([f"- **Note**: {slo.note}"] if slo.note else []),
        "",
    ]
    if result.toil:
        tasks = [
            f"{t.task} {plain_number(t.hours_per_week)} h" + (" (grows with load)" if t.scales_with_load else "")
            for t in result.toil
        ]
        out += [f"Toil: {plain_number(result.toil_hours_per_week or 0)} hours/week: {'; '.join(tasks)}.", ""]
    scores = [f"{s.title} {'n/a' if s.score is None else f'{round(s.score * 100)}%'}" for s in result.categories]
    out += [f"Scores (passed of the items that apply): {', '.join(scores)}.", ""]
    if result.repository is not None:
        out += _repository_section(result.repository)
    out += [
        "The fixes of the medium and low findings, what counts as evidence for each question and the per-item "
        "checklist: call again with detail=full.",
        "",
        f"**Recommendation**: {_verdict(result)}",
        "",
    ]
    return "\n".join(out)


def _repository_section(repository: RepositoryEvidence) -> list[str]:
    """The facts read from the repository with their lines, conflicts with the stated manifest, and gaps."""
    out = [f"### Evidence from the repository ({repository.root}, service {repository.service}):", ""]
    out += [f"- {fact}" for fact in repository.facts] or ["- no fact could be read"]
    out.append("")
    for heading, lines in (
        ("Stated and read differently (the stated value was used)", repository.conflicts),
        ("Looked for and not found", repository.missing),
        ("Also read (no manifest field)", repository.observations),
        ("Not read", repository.not_read),
    ):
        if lines:
            out += [f"{heading}:", "", *(f"- {line}" for line in lines), ""]
    return out


def _checklist_section(result: ReadinessReview) -> list[str]:
    """Every item of the tier with its status mark, by category."""
    out = ["### Production readiness checklist:", ""]
    for category, title in ((s.category, s.title) for s in result.categories):
        out += [f"**{title}**", ""]
        for row in (r for r in result.checklist if r.category == category):
            line = f"- {_MARK[row.status]} {row.title}"
            if row.status == "not_applicable":
                line += f" (not applicable: {row.note})"
            elif row.status == "unknown":
                line += " (open question)"
            elif row.status == "failed" and row.note:
                line += f" ({row.note})"
            if row.evidence and row.status == "passed":
                line += f" [evidence]({row.evidence})" if "://" in row.evidence else f" (evidence: {row.evidence})"
            out.append(line)
        out.append("")
    return out


def _verdict(result: ReadinessReview) -> str:
    """The closing recommendation: hold, launch with conditions, or launch."""
    if result.assessment == "not_ready":
        weeks = math.ceil(result.blocker_effort_days / 5)
        asked = sum(q.severity == "blocker" for q in result.open_questions)
        steps = []
        if result.blockers:
            steps.append(
                f"the {count_noun(len(result.blockers), 'blocker')} {is_or_are(len(result.blockers))} fixed (estimated "
                f"{_days(result.blocker_effort_days)}, about {count_noun(weeks, 'week')})"
            )
        if asked:
            steps.append(f"the {count_noun(asked, 'blocker question')} {is_or_are(asked)} answered")
        return f"Hold the launch until {' and '.join(steps)}."
    if result.assessment == "ready_with_conditions":
        return "Launch once every high-priority item has an owner and a date; fix them before relying on the SLO."
    return "Launch; schedule the remaining follow-ups."


# --- the prompt ------------------------------------------------------------------------------------------


@cache
def _prompt_template() -> Template:
    return Template(read_text(resource_path("prompts", f"{PROMPT_NAME}.md")))


def readiness_prompt(subject: str, tier: str | None = None) -> str:
    """The `sre-readiness` prompt's user message: gather the manifest from `subject`, call the tool, report.

    Args:
        subject: The code, design or description of the service.
        tier: Optional tier (critical, standard, internal, prototype); without it the assistant infers one.

    Raises:
        InvalidArgument: If `subject` is empty or too long, or `tier` is not a known tier.
    """
    if not subject or not subject.strip():
        raise InvalidArgument("subject", "is required: the code, design or description of the service")
    if len(subject) > MAX_SUBJECT_CHARS:
        raise InvalidArgument(
            "subject", f"{len(subject)} characters is over the limit of {MAX_SUBJECT_CHARS}; pass a smaller excerpt"
        )
    chosen = "unspecified"
    if tier is not None and tier.strip():
        chosen = tier.strip().lower()
        if chosen not in TIERS:
            raise InvalidArgument("tier", f"must be one of {', '.join(TIERS)}; got {tier.strip()[:40]!r}")
    return _prompt_template().substitute(subject=subject, tier=chosen)
