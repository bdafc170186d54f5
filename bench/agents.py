"""A subagent collection of any size for the scale figures: `write(directory, 360)` fills a directory with
Claude Code agent files made from the sample collections in tests/data/agents.

The 53 distinct agents of the two samples (wshobson/agents and VoltAgent/awesome-claude-code-subagents) are
written again and again under new names, each copy keeping a different share of its body (from a fifth to
all of it), so the catalog has real agents' vocabulary and lengths and its copies are near, not exact,
duplicates. With `source`, a directory of real agents (a whole collection you cloned) is used instead.
The output is the same for the same count.
"""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "tests" / "data" / "agents"


def _agents(source: Path) -> dict[str, tuple[str, list[str]]]:
    """Name to (description, body lines) for each distinct agent under `source`."""
    from persona_mcp.catalog.agents import front_matter, is_agent_front_matter

    found: dict[str, tuple[str, list[str]]] = {}
    for path in sorted(source.rglob("*.md")):
        parsed = front_matter(path.read_text(encoding="utf-8"), str(path))
        if parsed is None or not is_agent_front_matter(parsed[0]) or path.name == "SKILL.md":
            continue
        data, body = parsed
        found.setdefault(str(data["name"]), (str(data["description"]), body.strip("\n").splitlines()))
    return found


def write(directory: Path, count: int, source: Path = SAMPLES) -> int:
    """Write `count` agents into `directory` (made if missing); returns how many were written."""
    agents = sorted(_agents(source).items())
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        name, (description, lines) = agents[number % len(agents)]
        copy = number // len(agents)
        kept = lines if copy == 0 else lines[: max(5, len(lines) * (4 + copy % 17) // 20)]
        front = f"---\nname: {name}{f'-{copy}' if copy else ''}\ndescription: {json.dumps(description)}\n---\n\n"
        (directory / f"{copy:03d}-{name}.md").write_text(front + "\n".join(kept) + "\n", encoding="utf-8")
    return count
