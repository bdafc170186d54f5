"""A readiness review built from a repository: the derived manifest, what the team stated on top of it, and
each finding traced to the lines that decided it.

What the team states wins over what was read (a file can be out of date, or the truth can live elsewhere),
and every disagreement is reported, so neither side is silently dropped. A finding cites the facts of the
manifest fields its checklist item reads; for the dependency rules, only the dependencies it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from persona_mcp.evidence.infer import infer
from persona_mcp.evidence.results import Fact, Inference
from persona_mcp.sre.readiness import load_checklist, parse_manifest, review
from persona_mcp.sre.readiness.checks import fields_read
from persona_mcp.sre.readiness.results import Finding, ReadinessReview, RepositoryEvidence


def merge(read: Mapping[str, Any], stated: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The stated manifest over the read one, section by section and dependency by dependency; and the
    fields where both gave a value and the values differ."""
    merged: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in read.items()}
    conflicts: list[str] = []
    for key, value in stated.items():
        ours = merged.get(key)
        if key == "dependencies" and isinstance(value, list) and isinstance(ours, list):
            merged[key] = _merge_dependencies(ours, value, conflicts)
        elif isinstance(value, dict) and isinstance(ours, dict):
            for inner, inner_value in value.items():
                if inner in ours and ours[inner] != inner_value:
                    conflicts.append(f"{key}.{inner}: stated {inner_value!r}, read {ours[inner]!r}")
                ours[inner] = inner_value
        else:
            if key in merged and ours != value and key != "name":
                conflicts.append(f"{key}: stated {value!r}, read {ours!r}")
            merged[key] = value
    return merged, conflicts


def _merge_dependencies(read: list[Any], stated: list[Any], conflicts: list[str]) -> list[Any]:
    by_name = {d.get("name"): dict(d) for d in read if isinstance(d, dict)}
    result = []
    for dependency in stated:
        if not isinstance(dependency, dict):
            result.append(dependency)  # the manifest's validation names it
            continue
        found = by_name.pop(dependency.get("name"), {})
        for key, value in dependency.items():
            if key in found and found[key] != value:
                conflicts.append(f"dependencies[{dependency.get('name')}].{key}: stated {value!r}, read {found[key]!r}")
        result.append({**found, **dependency})
    return result + list(by_name.values())  # read and not stated: kept, the team did not say otherwise


def _cite(fact: Fact) -> list[str]:
    return [f"{e.cite()} {e.object}: {e.read}" for e in fact.evidence]


def _relevant(fact: Fact, fields: set[str], detail: str | None) -> bool:
    for field in fields:
        if fact.field == field or fact.field.startswith((f"{field}.", f"{field}[")):
            if fact.field.startswith("dependencies[") and detail is not None:
                name = fact.field[len("dependencies[") :].split("]", 1)[0]
                return name in detail
            return True
    return False


def _with_evidence(finding: Finding, inference: Inference, fields: set[str]) -> Finding:
    cites = [cite for fact in inference.facts if _relevant(fact, fields, finding.detail) for cite in _cite(fact)]
    if "dependencies" in fields and finding.detail:
        # What was read about a named dependency beyond its fields (its storage, say) belongs beside it.
        for seen in inference.observations:
            if seen.subject.split(" ", 1)[0] in finding.detail and seen.subject != "replicas":
                cites += [f"{e.cite()} {e.object}: {seen.finding}" for e in seen.evidence]
    return finding.model_copy(update={"evidence": list(dict.fromkeys(cites))}) if cites else finding


def review_repository(
    root: Path,
    service: str,
    stated: Mapping[str, Any] | None = None,
    source: str = "service",
    argument: str = "service",
) -> ReadinessReview:
    """Review `service` from the repository at `root`, with `stated` (a manifest's fields) over what was read.

    Raises:
        InvalidArgument: If `root` is not a directory or holds no workload named `service`.
        ManifestError: If the merged manifest is not valid (a stated field, named as in `source`).
    """
    inference = infer(root, service, argument)
    merged, conflicts = merge(inference.manifest, dict(stated or {}))
    merged.setdefault("name", service)
    result = review(parse_manifest(merged, source))
    checklist = load_checklist()
    fields = {item.id: fields_read(item.check) for item in checklist.items}
    updates: dict[str, Any] = {
        level: [_with_evidence(f, inference, fields.get(f.item_id, set())) for f in getattr(result, level)]
        for level in ("blockers", "high", "medium", "low")
    }
    updates["repository"] = repository_evidence(inference, str(root), conflicts)
    return result.model_copy(update=updates)


def repository_evidence(inference: Inference, root: str, conflicts: list[str]) -> RepositoryEvidence:
    """The inference in the review's words."""
    return RepositoryEvidence(
        root=root,
        service=inference.service,
        facts=[f"{fact.field} = {fact.value!r}: {'; '.join(_cite(fact))}" for fact in inference.facts],
        conflicts=conflicts,
        missing=[f"{m.field}: {m.looked_for}" for m in inference.missing],
        observations=[
            f"{o.subject}: {o.finding} ({', '.join(e.cite() for e in o.evidence)})" for o in inference.observations
        ],
        not_read=[f"{s.path}: {s.reason}" for s in inference.skipped],
    )
