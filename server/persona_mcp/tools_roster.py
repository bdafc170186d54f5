"""MCP tools over the roster analyses: persona overlap and routing a task to the right personas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp_types import CallToolResult
from pydantic import Field

from persona_mcp.catalog import Catalog
from persona_mcp.overlap import OverlapReport, overlap_markdown, persona_overlap
from persona_mcp.routing import Recommendations, recommend_personas, recommendations_markdown
from persona_mcp.toolkit import READ_ONLY, Offload, tool_body, tool_result

CANDIDATE = (
    "A persona not in the roster: a full persona (as in personas/*.yaml) or "
    "{name, responsibilities: [free text], description?, when_to_invoke?}."
)
INLINE_MAX_PERSONAS = 100
"""Above this many personas the overlap matrix (quadratic) and routing run on a worker thread."""
INLINE_MAX_CHARS = 4_000
"""Above this many characters of free text a call runs on a worker thread (20,000 take ~25 ms to route)."""


class _Placement:
    """Where a roster tool's calls run: on a worker thread until one call has succeeded (it builds the
    catalog's concern profiles and routing index, which later calls reuse), on a large catalog, and for a
    long text; on the event loop otherwise. A first call that fails on a bad argument builds nothing, so
    the next call goes to a thread too."""

    def __init__(self, catalog: Catalog, text_is_long: Offload) -> None:
        self.catalog = catalog
        self.text_is_long = text_is_long
        self.warm = False

    def heavy(self, kwargs: Mapping[str, Any]) -> bool:
        return not self.warm or len(self.catalog) > INLINE_MAX_PERSONAS or self.text_is_long(kwargs)


def _candidate_is_long(kwargs: Mapping[str, Any]) -> bool:
    return kwargs.get("candidate") is not None and len(repr(kwargs["candidate"])) > INLINE_MAX_CHARS


def _task_is_long(kwargs: Mapping[str, Any]) -> bool:
    return len(kwargs["task"]) > INLINE_MAX_CHARS


def register_roster_tools(app: MCPServer, catalog: Catalog) -> None:
    """Add `persona_overlap` and `recommend_personas` to `app`."""

    overlap_placement = _Placement(catalog, _candidate_is_long)
    routing_placement = _Placement(catalog, _task_is_long)

    @app.tool(name="persona_overlap", title="Persona overlap", annotations=READ_ONLY)
    @tool_body(offload=overlap_placement.heavy)
    def persona_overlap_tool(
        persona_id: Annotated[str | None, Field(description="A roster persona to compare with the others.")] = None,
        candidate: Annotated[dict[str, Any] | None, Field(description=CANDIDATE)] = None,
    ) -> Annotated[CallToolResult, OverlapReport]:
        """Does a persona add value or duplicate the roster? Overlap scores (shared concerns, weighted primary
        over secondary), coverage both ways, unique concerns and a verdict: add, add_with_conditions, extend or
        merge. No argument: the roster's overlap matrix."""
        report = persona_overlap(catalog, persona_id=persona_id, candidate=candidate)
        overlap_placement.warm = True
        return tool_result(report, overlap_markdown(report))

    @app.tool(name="recommend_personas", title="Recommend personas", annotations=READ_ONLY)
    @tool_body(offload=routing_placement.heavy)
    def recommend_personas_tool(
        task: Annotated[str, Field(description="What needs reviewing, as the user said it.")],
        limit: Annotated[int, Field(description="Most personas to return, 1 to 9.")] = 3,
    ) -> Annotated[CallToolResult, Recommendations]:
        """Which personas should look at this task: ranked, with the triggers and concerns that matched and
        why; an empty list when no persona fits."""
        result = recommend_personas(catalog, task, limit)
        routing_placement.warm = True
        return tool_result(result, recommendations_markdown(result))
