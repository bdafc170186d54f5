"""MCP adapter for the production readiness review: the `sre_readiness` tool and the `sre-readiness` prompt.

The tool takes the manifest as a plain object and lets the core validate it, so a bad field comes back as
one line naming it (`slo.availability: must be > 0 and < 100, got 150`) rather than a schema dump. An assistant
pays for each byte of the result, text and structured content both, in its context window, so by default
(`detail: summary`) the text is the short report and the structured content only the ids, severities, scores and
numbers the text does not spell out (the payment example's result: 37 KB in full, under 12 KB in summary).
`detail: full` gives the Markdown report without the per-item checklist, and the whole review, checklist
included, as structured content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import anyio
from mcp.server.apps import Apps
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from persona_mcp.errors import InvalidArgument, PersonaMCPError
from persona_mcp.server.toolkit import READ_ONLY, tool_result
from persona_mcp.server.ui import view_tool, with_view_data
from persona_mcp.sre.readiness.results import Detail, ReadinessReview, review_content

MANIFEST = (
    "name (required), description, tier critical|standard|internal|prototype, "
    "workload request|stream|batch; "
    "slo{availability %, latency_p99_ms, window}; sla{availability}; topology{regions, zones, instances}; "
    "dependencies[{name, kind, instances, availability, critical, zones}]; "
    "observability{metrics, logs, traces, dashboards, alerts}; "
    "deployment{strategy manual|rolling|blue-green|canary, rollback, automated_rollback, feature_flags}; "
    "incident_response{on_call, runbooks, escalation, postmortems}; "
    "capacity{load_tested, peak_rps, headroom_percent, autoscaling, resource_requests}; "
    "resilience{timeouts, retries_with_backoff, circuit_breakers, rate_limiting, graceful_degradation, chaos_tested, "
    "health_checks}; "
    "disaster_recovery{backups, restore_tested, rpo_minutes, rto_minutes, multi_region}; "
    "security{review_passed, secrets_manager, tls}; toil[{task, minutes_per_week, scales_with_load}]; "
    "documentation{owner, design_doc, team_size}; evidence{item_id: link}; not_applicable{item_id: reason}. "
    "Omit unknowns (never a pass); null = none."
)


REPOSITORY = "Absolute path, within the server's --allow-dir."
SERVICE_NAME = "Its workload in the repository (default: service.name)."
DETAIL = "summary, or full: adds lesser findings' fixes and the per-item checklist."


def register_review(apps: Apps, allowed_dirs: tuple[Path, ...] = ()) -> None:
    """Add the `sre_readiness` tool to `apps`, with its scorecard view (MCP Apps; the prompt is registered with
    the other prompts); it reads repositories only inside `allowed_dirs`."""

    @view_tool(apps, "readiness", title="Production readiness review", annotations=READ_ONLY)
    async def sre_readiness(
        service: Annotated[dict[str, Any] | None, Field(description=MANIFEST)] = None,
        repository: Annotated[str | None, Field(description=REPOSITORY, max_length=4096)] = None,
        service_name: Annotated[str | None, Field(description=SERVICE_NAME, max_length=200)] = None,
        detail: Annotated[Detail, Field(description=DETAIL)] = "summary",
        ctx: Context | None = None,
    ) -> Annotated[CallToolResult, ReadinessReview]:
        """A service's verdict, findings with fix and owner, open questions, scores, SLO and error budget, toil.
        With repository, facts come from its files (cited path:line); service adds the rest."""
        from persona_mcp.sre.readiness import (  # loads with the first call
            parse_manifest,
            review,
            review_markdown,
            summary_markdown,
        )

        try:
            if repository is not None:
                # Reading a repository can take seconds: a worker thread keeps the loop answering meanwhile.
                result = await anyio.to_thread.run_sync(_from_repository, service, repository, service_name)
            elif service is None:
                raise InvalidArgument("service", "give the service manifest, or a repository and service_name")
            else:
                result = review(parse_manifest(service, "service"))
        except PersonaMCPError as exc:
            raise ToolError(str(exc)) from exc
        if detail == "full":
            return tool_result(result, review_markdown(result, checklist=False))
        summary = tool_result(review_content(result, "summary"), summary_markdown(result))
        # The scorecard draws what the summary's text says in words (titles, owners, fixes): a host with MCP Apps
        # gets them in the result's _meta, for the view, not the model.
        return with_view_data(summary, ctx, lambda: result.model_dump(mode="json", exclude={"checklist"}))

    def _from_repository(service: dict[str, Any] | None, repository: str, service_name: str | None) -> ReadinessReview:
        from persona_mcp.evidence.review import review_repository
        from persona_mcp.evidence.tree import allowed_directory

        root = allowed_directory(repository, allowed_dirs)
        name = service_name or (service or {}).get("name")
        if not isinstance(name, str) or not name:
            raise InvalidArgument("service_name", "name the service's workload in the repository")
        return review_repository(root, name, service, "service", argument="service_name")
