"""Production readiness review: a service manifest checked against the readiness checklist.

Pure core: no MCP, no I/O beyond reading the shipped checklist. The checklist (resources/readiness-checklist.yaml)
is data, validated on load; each item's `check` is a small declarative rule over the manifest's fields, or a
named computed rule from `RULES`, compiled once per checklist (field paths, operators and rule arguments are
resolved before the first review, not on every call). The modules: `manifest` (the schema), `rules` and
`checks` (the rule language), `checklist` (the data, validated), `evaluate` (the review itself) and `report`
(Markdown and the prompt). The MCP tool `sre_readiness`, the `sre-readiness` prompt and the CLI command
`persona-mcp review` are thin adapters over `parse_manifest`, `review`, `review_markdown`, `summary_markdown`,
`review_content`, `failing_at` and `readiness_prompt`.

Three-valued evaluation. A field the manifest leaves out is unknown: the item becomes an open question, never a
pass. A field set to null means "there is none" (`slo: null`: no objective exists) and fails the item. An
`evidence` link turns an unknown item into a pass (it cannot overturn a failure the manifest's own facts show);
a `not_applicable` reason takes the item out of the score. Inside `all`, one failure fails and otherwise one
unknown leaves the result unknown; inside `any`, one pass passes and otherwise one unknown leaves it unknown.

Assessment. not_ready when any blocker item fails or is unanswered (an unanswered blocker is an open launch
question, and a review does not call a service ready around it); ready_with_conditions when no blocker is open
but a high item fails or is unanswered; ready otherwise, with medium and low items as follow-ups. Tiers marked
advisory in the checklist (prototype) count blocker items as high, so they are never not_ready.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The public names, by the module that defines them. They load on first use (PEP 562), so importing
# `persona_mcp.sre.readiness.results` for the tool's output schema does not load the rules and checklist.
_EXPORTS = {
    "checklist": ("Checklist", "ChecklistItem", "load_checklist", "load_manifest", "parse_checklist", "parse_manifest"),
    "manifest": ("ServiceManifest", "manifest_fields"),
    "report": ("readiness_prompt", "review_markdown", "summary_markdown"),
    "results": (
        "TIERS",
        "WORKLOADS",
        "CategoryScore",
        "ChecklistRow",
        "Finding",
        "OpenQuestion",
        "ReadinessReview",
        "SLORecommendation",
        "ToilRow",
        "review_content",
    ),
    "evaluate": ("failing_at", "review"),
    "rules": ("RULES",),
}
_OWNER = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = [
    "RULES",
    "TIERS",
    "WORKLOADS",
    "CategoryScore",
    "Checklist",
    "ChecklistItem",
    "ChecklistRow",
    "Finding",
    "OpenQuestion",
    "ReadinessReview",
    "SLORecommendation",
    "ServiceManifest",
    "ToilRow",
    "failing_at",
    "load_checklist",
    "load_manifest",
    "manifest_fields",
    "parse_checklist",
    "parse_manifest",
    "readiness_prompt",
    "review",
    "review_content",
    "review_markdown",
    "summary_markdown",
]

if TYPE_CHECKING:
    from persona_mcp.sre.readiness.checklist import (
        Checklist,
        ChecklistItem,
        load_checklist,
        load_manifest,
        parse_checklist,
        parse_manifest,
    )
    from persona_mcp.sre.readiness.evaluate import failing_at, review
    from persona_mcp.sre.readiness.manifest import ServiceManifest, manifest_fields
    from persona_mcp.sre.readiness.report import readiness_prompt, review_markdown, summary_markdown
    from persona_mcp.sre.readiness.results import (
        TIERS,
        WORKLOADS,
        CategoryScore,
        ChecklistRow,
        Finding,
        OpenQuestion,
        ReadinessReview,
        SLORecommendation,
        ToilRow,
        review_content,
    )
    from persona_mcp.sre.readiness.rules import RULES


def __getattr__(name: str) -> Any:
    module = _OWNER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
