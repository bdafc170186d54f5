"""MCP tools over the roster analyses: persona overlap and routing a task to the right personas.

The tools publish the result models (analysis.results) when they are listed; the analyses themselves, with
the taxonomy and the indexes they build, load with the first call.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server import MCPServer
from mcp_types import CallToolResult
from pydantic import Field

from persona_mcp.analysis.results import OverlapReport, Recommendations
from persona_mcp.catalog.loader import Catalog
from persona_mcp.server.toolkit import READ_ONLY, threaded_domain_errors, tool_result

CANDIDATE = (
    "A persona not in the roster: a full persona (as in personas/*.yaml) or "
    "{name, responsibilities: [free text], description?, when_to_invoke?}."
)


def register_roster_tools(app: MCPServer, catalog: Catalog) -> None:
    """Add `persona_overlap` and `recommend_personas` to `app`."""

    @app.tool(name="persona_overlap", title="Persona overlap", annotations=READ_ONLY)
    @threaded_domain_errors
    def persona_overlap_tool(
        persona_id: Annotated[str | None, Field(description="A roster persona to compare with the others.")] = None,
        candidate: Annotated[dict[str, Any] | None, Field(description=CANDIDATE)] = None,
    ) -> Annotated[CallToolResult, OverlapReport]:
        """Does a persona add value or duplicate the roster? Overlap scores, coverage both ways, unique concerns
        and a verdict: add, add_with_conditions, extend or merge. No argument: the roster's overlap matrix."""
        from persona_mcp.analysis.overlap import overlap_markdown, persona_overlap

        report = persona_overlap(catalog, persona_id=persona_id, candidate=candidate)
        return tool_result(report, overlap_markdown(report))

    @app.tool(name="recommend_personas", title="Recommend personas", annotations=READ_ONLY)
    @threaded_domain_errors
    def recommend_personas_tool(
        task: Annotated[str, Field(description="What needs reviewing, as the user said it.")],
        limit: Annotated[int, Field(description="Most personas to return, 1 to 9.")] = 3,
    ) -> Annotated[CallToolResult, Recommendations]:
        """Which personas should review this task, ranked, with the triggers and concerns that matched; empty
        when none fits."""
        from persona_mcp.analysis.routing import recommend_personas, recommendations_markdown

        result = recommend_personas(catalog, task, limit)
        return tool_result(result, recommendations_markdown(result))
