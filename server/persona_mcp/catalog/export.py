"""Personas as files other tools load: Claude Code subagents and Cursor rules.

A Claude Code subagent (https://docs.anthropic.com/en/docs/claude-code/sub-agents) is `<name>.md` with YAML
front matter (`name`, `description`, optionally `tools`, `model`, `color`) and the system prompt as its body;
Claude Code reads `.claude/agents/` of a project and `~/.claude/agents/`. A Cursor project rule
(https://docs.cursor.com/context/rules) is `.cursor/rules/<name>.mdc` with front matter `description`,
`globs` and `alwaysApply`; with no globs and alwaysApply false it is an "agent requested" rule, which
Cursor's agent pulls in when the description fits the task, the closest Cursor has to a reviewer persona.

The body of each file is the persona's brief exactly as this server serves it, so loading an exported
subagent back (`--personas-dir`) serves the same brief. Nothing here writes files: the command line does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import yaml

from persona_mcp.catalog.agents import Agent, Entry
from persona_mcp.catalog.loader import Catalog
from persona_mcp.catalog.render import persona_markdown

ExportFormat = Literal["claude-agent", "cursor-rule"]
FORMATS: tuple[ExportFormat, ...] = ("claude-agent", "cursor-rule")

MAX_DESCRIPTION_CHARS = 1_000
"""Longest description written: it is what the client reads to decide whether to call the agent, every turn."""


@dataclass(frozen=True)
class ExportedFile:
    """One file to write: its name inside the export directory and its text."""

    name: str
    text: str


def description(persona: Entry) -> str:
    """When to call the persona, as one paragraph: an agent's own description, or a persona's summary followed
    by its when-to-invoke lines."""
    if isinstance(persona, Agent):
        return persona.description
    text = f"{persona.summary} Use it for: " + "; ".join(line.rstrip(".") for line in persona.when_to_invoke) + "."
    return text if len(text) <= MAX_DESCRIPTION_CHARS else text[: MAX_DESCRIPTION_CHARS - 3].rstrip() + "..."


def _front_matter(fields: dict[str, Any]) -> str:
    dumped = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False)
    return f"---\n{dumped}---\n\n"


def claude_agent(persona: Entry) -> ExportedFile:
    """The persona as a Claude Code subagent file; an imported agent keeps its tools, model and other keys."""
    fields: dict[str, Any] = {"name": persona.id, "description": description(persona)}
    if isinstance(persona, Agent):
        fields |= {k: v for k, v in persona.metadata.items() if k not in fields}
        if not persona.version.startswith("sha256:"):
            fields["version"] = persona.version
    else:
        fields["version"] = persona.version
    return ExportedFile(f"{persona.id}.md", _front_matter(fields) + persona_markdown(persona))


def cursor_rule(persona: Entry) -> ExportedFile:
    """The persona as a Cursor "agent requested" project rule."""
    fields = {"description": f"{persona.name}: {description(persona)}", "globs": "", "alwaysApply": False}
    return ExportedFile(f"{persona.id}.mdc", _front_matter(fields) + persona_markdown(persona))


def export(catalog: Catalog, fmt: ExportFormat, ids: list[str] | None = None) -> list[ExportedFile]:
    """Every persona of `catalog` (or those in `ids`, each checked) as files of format `fmt`.

    Raises:
        UnknownPersona: If an id in `ids` is not in the catalog (argument `--only`; lists the known ids).
    """
    chosen = [catalog.get(pid, "--only") for pid in ids] if ids else list(catalog)
    build = claude_agent if fmt == "claude-agent" else cursor_rule
    return [build(persona) for persona in chosen]
