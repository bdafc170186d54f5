"""MCP adapter for the production readiness review: the `sre_readiness` tool and the `sre-readiness` prompt.

The tool takes the manifest as a plain object and lets the core validate it, so a bad field comes back as
one line naming it (`slo.availability: must be > 0 and < 100, got 150`) rather than a schema dump. Its text is
the Markdown report without the per-item checklist: the structured content carries every item already, and an
assistant pays for each byte of the text in its context window.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server import MCPServer
from mcp_types import CallToolResult
from pydantic import Field

from persona_mcp.server.toolkit import READ_ONLY, domain_errors, tool_result
from persona_mcp.sre.readiness.results import ReadinessReview

MANIFEST = (
    "Service manifest: name (required), description, tier (critical|standard|internal|prototype), "
    "workload (request|stream|batch); "
    "slo{availability %, latency_p99_ms, window}; sla{availability}; topology{regions, zones}; "
    "dependencies[{name, kind, instances, availability, critical, zones}]; "
    "observability{metrics, logs, traces, dashboards, alerts}; "
    "deployment{strategy manual|rolling|blue-green|canary, rollback, automated_rollback, feature_flags}; "
    "incident_response{on_call, runbooks, escalation, postmortems}; "
    "capacity{load_tested, peak_rps, headroom_percent, autoscaling}; "
    "resilience{timeouts, retries_with_backoff, circuit_breakers, rate_limiting, graceful_degradation, chaos_tested}; "
    "disaster_recovery{backups, restore_tested, rpo_minutes, rto_minutes, multi_region}; "
    "security{review_passed, secrets_manager, tls}; toil[{task, minutes_per_week, scales_with_load}]; "
    "documentation{owner, design_doc, team_size}; evidence{item_id: link}; not_applicable{item_id: reason}. "
    "Flags are true/false. Omit what you do not know (unknown is never a pass); null means it does not exist."
)


def register_review(app: MCPServer) -> None:
    """Add the `sre_readiness` tool to `app` (the prompt is registered with the other prompts)."""

    @app.tool(title="Production readiness review", annotations=READ_ONLY)
    @domain_errors
    def sre_readiness(
        service: Annotated[dict[str, Any], Field(description=MANIFEST)],
    ) -> Annotated[CallToolResult, ReadinessReview]:
        """Production readiness review of a service: ready / ready_with_conditions / not_ready, blockers and
        high/medium findings with risk, fix and owner, open questions, checklist scores, an SLO with its error
        budget, toil, and the effort to clear the blockers."""
        from persona_mcp.sre.readiness import parse_manifest, review, review_markdown  # loads with the first call

        result = review(parse_manifest(service, "service"))
        return tool_result(result, review_markdown(result, checklist=False))
