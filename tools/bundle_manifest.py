"""Writes the MCP Bundle's manifest.json: bundle/manifest.template.json plus what the project already says.

The tools and prompts are asked of the server itself (build_server over the shipped catalog), so the
manifest cannot drift from what the bundle serves; version, description, licence and keywords come from
pyproject.toml and the package. Each prompt's text is the server's own rendering with its required
arguments as the manifest's `${arguments.NAME}` placeholders. tests/test_bundle.py checks the result
against tools/list and prompts/list of the server started from the built bundle.

Usage: python tools/bundle_manifest.py OUT.json  (with persona-mcp importable: the project's .venv)
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any

import anyio
from mcp_types import TextContent

from persona_mcp import __version__
from persona_mcp.catalog.loader import load_catalog
from persona_mcp.server.app import PersonaServer, build_server

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "bundle" / "manifest.template.json"
PYPROJECT = ROOT / "pyproject.toml"
TOOL_OPTIONS = ("tools", "exclude_tools")
"""user_config entries that take tool names: their descriptions list the names the server knows."""


def one_line(text: str | None) -> str:
    """A docstring's text on one line (the manifest shows it as a sentence)."""
    return " ".join((text or "").split())


async def tool_entries(app: PersonaServer) -> list[dict[str, str]]:
    return [{"name": tool.name, "description": one_line(tool.description)} for tool in await app.list_tools()]


async def prompt_entries(app: PersonaServer) -> list[dict[str, Any]]:
    entries = []
    for prompt in await app.list_prompts():
        arguments = prompt.arguments or []
        placeholders = {a.name: f"${{arguments.{a.name}}}" for a in arguments if a.required}
        rendered = await app.get_prompt(prompt.name, placeholders)
        texts = [m.content.text for m in getattr(rendered, "messages", []) if isinstance(m.content, TextContent)]
        entries.append(
            {
                "name": prompt.name,
                "description": one_line(prompt.description),
                "arguments": [a.name for a in arguments],
                "text": "\n\n".join(texts),
            }
        )
    return entries


def manifest() -> dict[str, Any]:
    """The manifest for the package as installed, over the shipped catalog."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    app = build_server(load_catalog())
    tools = anyio.run(tool_entries, app)
    prompts = anyio.run(prompt_entries, app)
    stated = {
        "version": __version__,
        "description": project["description"],
        "license": project["license"],
        "keywords": project["keywords"],
    }
    head = {key: template.pop(key) for key in ("manifest_version", "name", "display_name")}
    template.pop("$comment", None)
    out: dict[str, Any] = {**head, **stated, **template, "tools": tools, "prompts": prompts}
    names = ", ".join(tool["name"] for tool in tools)
    for option in TOOL_OPTIONS:
        entry = out["user_config"][option]
        entry["description"] = f"{entry['description']} Tools: {names}."
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tools/bundle_manifest.py OUT.json", file=sys.stderr)
        return 2
    Path(argv[0]).write_text(json.dumps(manifest(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
