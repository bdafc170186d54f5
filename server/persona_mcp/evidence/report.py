"""An inference as a manifest file a team can commit: valid input to `persona-mcp review`, with the evidence
for each value written beside it as a comment, and what was not found or not read listed at the end."""

from __future__ import annotations

import re
from typing import Any

import yaml

from persona_mcp.evidence.results import Fact, Inference, ServiceSeen, SkippedFile

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def _comment(text: str) -> str:
    """`text` safe inside a YAML comment: a line break in a value read from a file must not end the comment."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _scalar(value: Any) -> str:
    return (
        str(yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False))
        .removesuffix("\n...\n")
        .strip()
    )


def _cites(facts: list[Fact]) -> str:
    return "; ".join(
        f"{e.cite()} {e.object}: {e.read}" if len(facts) == 1 else f"{f.field.rsplit('.', 1)[-1]}: {e.cite()} {e.read}"
        for f in facts
        for e in f.evidence
    )


def manifest_yaml(result: Inference, root: str) -> str:
    """The derived manifest as commented YAML."""
    facts: dict[str, list[Fact]] = {}
    for fact in result.facts:
        facts.setdefault(fact.field, []).append(fact)
    out = [
        f"# Derived by `persona-mcp infer` from {_comment(root)} for the service {_comment(result.service)}.",
        "# Each value cites the line it was read from. Edit it, add what the files cannot say, then:",
        "#   persona-mcp review THIS-FILE",
    ]
    for key, value in result.manifest.items():
        if isinstance(value, dict):
            out.append(f"{key}:")
            for inner, inner_value in value.items():
                out.append(_line(f"  {inner}: {_scalar(inner_value)}", facts.get(f"{key}.{inner}", [])))
        elif isinstance(value, list):
            out.append(f"{key}:")
            for item in value:
                name = item.get("name", "")
                cited = [f for field, found in facts.items() if field.startswith(f"{key}[{name}].") for f in found]
                out.append(_line(f"  - {_scalar(item)}", cited))
        else:
            out.append(_line(f"{key}: {_scalar(value)}", facts.get(key, [])))
    if result.missing:
        out += ["", "# Looked for and not found (the review asks about these):"]
        out += [f"#   {_comment(m.field)}: {_comment(m.looked_for)}" for m in result.missing]
    if result.observations:
        out += ["", "# Also read (the manifest has no field for these):"]
        out += [
            f"#   {_comment(o.subject)}: {_comment(o.finding)} ({', '.join(e.cite() for e in o.evidence)})"
            for o in result.observations
        ]
    if result.notes:
        out += ["", "# Notes:", *(f"#   {_comment(note)}" for note in result.notes)]
    out += _skipped(result.skipped)
    return "\n".join(out) + "\n"


def _line(text: str, facts: list[Fact]) -> str:
    return f"{text}  # {_comment(_cites(facts))}" if facts else text


def _skipped(skipped: list[SkippedFile]) -> list[str]:
    if not skipped:
        return []
    return ["", "# Not read:", *(f"#   {_comment(s.path)}: {_comment(s.reason)}" for s in skipped)]


def services_text(seen: list[ServiceSeen], skipped: list[SkippedFile]) -> str:
    """The workloads a repository defines, one per line, for `persona-mcp infer DIR` without a service."""
    if not seen:
        lines = ["No workloads found (Deployment, StatefulSet, DaemonSet, Job, CronJob, Rollout)."]
    else:
        width = max(len(s.name) for s in seen)
        lines = [
            f"{s.name:<{width}}  {s.kind:<11}  {'' if s.replicas is None else s.replicas:>3}  {s.path}" for s in seen
        ]
    return "\n".join([*lines, *(line.removeprefix("# ") for line in _skipped(skipped))]) + "\n"
