"""How a fact cites its source: `path:line`, the object, and what was read there; and the small readings
every derivation shares (the keys of a workload's replicas and image, whether a window is an SLO window).
"""

from __future__ import annotations

import re

from persona_mcp.evidence.compose import KIND as COMPOSE
from persona_mcp.evidence.documents import Document
from persona_mcp.evidence.helm import KIND as HELM
from persona_mcp.evidence.kubernetes import Workload
from persona_mcp.evidence.operations import Step
from persona_mcp.evidence.results import Evidence
from persona_mcp.sre.durations import parse_duration


def is_window(text: str) -> bool:
    """A duration of at least a day: an SLO window (a minute-long "window" is a typo for a month)."""
    try:
        return parse_duration(text) >= 86_400
    except ValueError:
        return False


STATEFUL = frozenset({"cache", "database", "datastore", "queue", "search", "storage"})
BACKUP = re.compile(r"backup|pg_dump|pg_basebackup|mysqldump|mongodump|velero|restic|wal-g|barman", re.IGNORECASE)


def step_evidence(step: Step, read: str) -> Evidence:
    job = str(step.keys[1]) if step.doc.path.startswith(".github/") else str(step.keys[0])
    return Evidence(path=step.doc.path, line=step.line, object=f"job/{job}", read=read)


def replicas_keys(workload: Workload) -> tuple[str | int, ...]:
    if workload.kind == HELM:
        return ("replicaCount",)
    return (*workload.pod, "deploy", "replicas") if workload.kind == COMPOSE else ("spec", "replicas")


def image_path(workload: Workload) -> tuple[str | int, ...]:
    return (*workload.containers[0].path, "image") if workload.containers else workload.pod


def replicas_phrase(count: int) -> str:
    return f"{count} replica" + ("" if count == 1 else "s")


def evidence_at(workload: Workload, read: str, *keys: str | int) -> Evidence:
    return Evidence(
        path=workload.doc.path, line=workload.doc.line(*keys), object=f"{workload.kind}/{workload.name}", read=read
    )


def doc_evidence(doc: Document, read: str, *keys: str | int) -> Evidence:
    data = doc.data if isinstance(doc.data, dict) else {}
    name = (data.get("metadata") or {}).get("name", "?") if isinstance(data.get("metadata"), dict) else "?"
    return Evidence(path=doc.path, line=doc.line(*keys), object=f"{data.get('kind', 'document')}/{name}", read=read)
