"""MCP Apps (`io.modelcontextprotocol/ui`) for the SRE tools: each view in persona_mcp.views is served as a
`ui://` resource (`text/html;profile=mcp-app`, an empty CSP allowance: it fetches nothing), and the tool whose
result it draws carries `_meta.ui.resourceUri`. Hosts with Apps render the picture beside the answer; every
client still gets the same full text and structured content, so nothing is lost without Apps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcp.server.apps import Apps, ResourceCsp

from persona_mcp.views.pages import VIEWS, ViewName, view_html

VIEW_URIS: dict[ViewName, str] = {name: f"ui://persona-mcp/{name}" for name in VIEWS}


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
