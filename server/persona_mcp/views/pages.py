"""Assemble a view's HTML from resources/views/: the page template, the shared stylesheet, the shared script
(the MCP Apps handshake, theming, the helpers) and the view's own renderer, all inline.

The same page serves two faces. As an MCP Apps resource (`ui://`) it carries no data: the host sends the tool
result after the `ui/initialize` handshake. As a standalone export it carries the result embedded in a
`<script type="application/json">` block and renders it on load, with no host. Either way nothing is fetched:
the page declares a Content-Security-Policy that allows no network at all, and the check on load refuses view
code that names a remote URL or loads a file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from persona_mcp.data import read_text, resource_path
from persona_mcp.errors import PersonaFileError

ViewName = Literal["readiness", "budget", "alerts"]

MAX_VIEW_BYTES = 40_000
"""A view is read by the host on every render and pasted into wikis: tens of KB at most (each is about a third)."""

MAX_DATA_BYTES = 2_000_000
"""The largest result a standalone export embeds (a repository review with every fact is well under 100 KB)."""


@dataclass(frozen=True)
class View:
    """One picture: its name, what it shows, the tool whose result it renders, and its renderer script."""

    name: ViewName
    title: str
    tool: str
    script: str


VIEWS: dict[ViewName, View] = {
    "readiness": View("readiness", "Production readiness scorecard", "sre_readiness", "readiness.js"),
    "budget": View("budget", "Error budget", "slo_budget_status", "budget.js"),
    "alerts": View("alerts", "Burn-rate alerts", "slo_burn_rate_alerts", "alerts.js"),
}

SLOTS = ("{{TITLE}}", "{{VIEW}}", "{{STYLE}}", "{{SCRIPT}}", "{{DATA}}")
"""The template's placeholders; each appears exactly once."""

_REMOTE = re.compile(
    r"""(?:https?:)?//[\w.-]+\.[a-z]{2,}|\b(?:src|href)\s*=\s*["'][^"'#]|url\(|@import|fetch\(|XMLHttpRequest|WebSocket"""
)
"""What would make the page reach the network: a remote URL, a file loaded by src/href, a CSS url() or
@import, a fetch, an XHR, a WebSocket. (`http://www.w3.org/2000/svg` is a namespace name, not a request; it is
written in the scripts as a constant the check allows.)"""
_SVG_NAMESPACE = "http://www.w3.org/2000/svg"


@cache
def _part(name: str) -> str:
    text = read_text(resource_path("views", name))
    found = _REMOTE.search(text.replace(_SVG_NAMESPACE, ""))
    if found:
        raise PersonaFileError(f"resources/views/{name}", [f"reaches the network: {found.group(0)!r}"])
    return text


@cache
def _template() -> str:
    text = _part("view.html")
    problems = [
        f"placeholder {slot} appears {text.count(slot)} times, needs 1" for slot in SLOTS if text.count(slot) != 1
    ]
    if problems:
        raise PersonaFileError("resources/views/view.html", problems)
    return text


def _fill(view: View, data: str) -> str:
    # One pass over the template, so a placeholder-like string inside a script or the data is never replaced.
    values = {
        "{{TITLE}}": view.title,
        "{{VIEW}}": view.name,
        "{{STYLE}}": _part("view.css"),
        "{{SCRIPT}}": _part("app.js") + "\n" + _part(view.script),
        "{{DATA}}": data,
    }
    return re.sub("|".join(re.escape(slot) for slot in SLOTS), lambda m: values[m.group(0)], _template())


def embed_json(data: Any) -> str:
    """`data` as JSON that is safe inside a `<script>` element: `<`, `>` and `&` are escaped, so no value can
    close the element or open a comment (the same escaping as Django's json_script)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def view_html(name: ViewName) -> str:
    """The MCP Apps page for view `name`: no data; the host sends the tool result.

    Raises:
        PersonaFileError: A view file is missing, reaches the network, or the page is over MAX_VIEW_BYTES.
    """
    view = VIEWS[name]
    html = _fill(view, "null")
    size = len(html.encode("utf-8"))
    if size > MAX_VIEW_BYTES:
        raise PersonaFileError(
            f"resources/views ({name})", [f"the page is {size} bytes; the limit is {MAX_VIEW_BYTES}"]
        )
    return html


def standalone_html(name: ViewName, result: Mapping[str, Any]) -> str:
    """One self-contained HTML file showing `result` (a tool result's structured content) in view `name`: the
    same page as the MCP view, with the data embedded, for CI artifacts and wikis.

    Raises:
        PersonaFileError: A view file is broken (see `view_html`), or the result is over MAX_DATA_BYTES.
    """
    view_html(name)  # the checks
    data = embed_json(dict(result))
    if len(data) > MAX_DATA_BYTES:
        raise PersonaFileError(f"{name} result", [f"{len(data)} bytes of data; the limit is {MAX_DATA_BYTES}"])
    return _fill(VIEWS[name], data)
