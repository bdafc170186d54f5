"""MCP Apps (`io.modelcontextprotocol/ui`) for the SRE tools: each view in persona_mcp.views is served as a
`ui://` resource (`text/html;profile=mcp-app`, an empty CSP allowance: it fetches nothing), and the tool whose
result it draws carries `_meta.ui.resourceUri`. Hosts with Apps render the picture beside the answer; every
client still gets the same full text and structured content, so nothing is lost without Apps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcp.server.apps import Apps, ResourceCsp, client_supports_apps
from mcp.server.mcpserver import Context
from mcp_types import CallToolResult

from persona_mcp.views.pages import VIEWS, ViewName, view_html

VIEW_URIS: dict[ViewName, str] = {name: f"ui://persona-mcp/{name}" for name in VIEWS}

VIEW_DATA_KEY = "persona-mcp/view-data"
"""The result `_meta` key under which a tool gives a view the words its short structured content leaves to the
text. Hosts pass a result's `_meta` to the view (SEP-1865, tool-result) and keep it out of the model's context."""


def view_apps() -> Apps:
    """The Apps extension with the three views' resources; the tools are bound with `view_tool`."""
    apps = Apps()
    for name, view in VIEWS.items():
        apps.add_html_resource(
            VIEW_URIS[name],
            view_html(name),
            name=f"view-{name}",
            title=view.title,
            description=f"Picture of {view.tool}'s result (MCP Apps).",
            csp=ResourceCsp(),
            prefers_border=True,
        )
    return apps


def view_tool(apps: Apps, view: ViewName, **tool_kwargs: Any) -> Callable[[Any], Any]:
    """Register a tool on `apps` whose result `view` draws (the SDK stamps `_meta.ui.resourceUri`)."""
    return apps.tool(resource_uri=VIEW_URIS[view], **tool_kwargs)


def with_view_data(result: CallToolResult, ctx: Context | None, data: Callable[[], dict[str, Any]]) -> CallToolResult:
    """`result`, and for a client that renders MCP Apps the view's data in its `_meta` (built only then).

    A summary's structured content keeps ids and numbers and leaves the words (titles, owners, fixes) to its text,
    which the model reads; the picture needs the words. Clients without Apps get `result` untouched: its text and
    structured content are the same for every client.
    """
    if ctx is None or not _renders_apps(ctx):
        return result
    return result.model_copy(update={"meta": {**(result.meta or {}), VIEW_DATA_KEY: data()}})


def _renders_apps(ctx: Context) -> bool:
    try:
        return client_supports_apps(ctx)
    except ValueError:  # called in-process outside a request (as the benchmarks do): no client, so no view
        return False
