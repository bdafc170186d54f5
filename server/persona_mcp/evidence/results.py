"""What inference answers with: the derived manifest, each fact with its evidence, and what was not found."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Evidence(_Out):
    """Where a fact was read: the file and line, the object, and what was read there."""

    path: str = Field(description="File, relative to the repository root.")
    line: int = Field(description="1-based line.")
    object: str = Field(description="The object read, e.g. Deployment/redis-cart.")
    read: str = Field(description="What was read, e.g. 'replicas unset: 1'.")

    def cite(self) -> str:
        """`path:line`."""
        return f"{self.path}:{self.line}"


class Fact(_Out):
    """One fact of the manifest and the evidence for it."""

    field: str = Field(description="Manifest field, dotted, e.g. deployment.strategy or dependencies[db].instances.")
    value: Any = Field(description="The value set in the manifest.")
    evidence: list[Evidence]


class Observation(_Out):
    """Something the files say about the service that the manifest has no field for (probes, limits...)."""

    subject: str = Field(description="What it is about, e.g. readiness probe.")
    finding: str = Field(description="What the files show.")
    evidence: list[Evidence]


class Missing(_Out):
    """A fact looked for and not found: an open question for the team."""

    field: str
    looked_for: str = Field(description="What would have answered it.")


class SkippedFile(_Out):
    """A file or directory not read, and why."""

    path: str
    reason: str


class ServiceSeen(_Out):
    """A workload found in the repository."""

    name: str
    kind: str = Field(description="Deployment, StatefulSet, CronJob... or compose.")
    path: str = Field(description="Where it is defined, path:line.")
    replicas: int | None
    image: str


class Inference(_Out):
    """A service's manifest derived from its repository, with the evidence for every fact."""

    service: str
    manifest: dict[str, Any] = Field(description="The manifest, in the shape `persona-mcp review` accepts.")
    facts: list[Fact]
    observations: list[Observation]
    missing: list[Missing]
    skipped: list[SkippedFile]
    notes: list[str] = Field(default_factory=list)
