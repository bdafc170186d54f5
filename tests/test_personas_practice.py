"""What a practitioner's review asked of the persona texts (issue 13), checked on their structure.

Security Engineer: bcrypt is CPU-hard, not memory-hard; LLM and agent risks; CSRF. Senior Engineer: owns
debugging, which the Workflow Executor sends it. SRE: live incidents, client-side and cascading failures,
on-call hand-offs, pipeline SLIs, cost. QA Engineer: accessibility and data-migration testing.
"""

from __future__ import annotations

import re

import pytest

from persona_mcp.catalog.loader import Catalog
from persona_mcp.catalog.model import Persona


def responsibility(persona: Persona, name: str) -> str:
    (found,) = [r for r in persona.responsibilities if r.name == name]
    return " ".join(found.covers).lower()


def test_the_security_engineer_never_calls_bcrypt_memory_hard(catalog: Catalog) -> None:
    persona = catalog.get("security-engineer")
    for line in (c for r in persona.responsibilities for c in r.covers):
        lowered = line.lower()
        if "memory-hard" in lowered:
            memory_hard = lowered.split("memory-hard")[0].rsplit("-", 1)[-1]
            assert "bcrypt" not in memory_hard, line
            assert "argon2id" in memory_hard, line
            assert "scrypt" in memory_hard, line


@pytest.mark.parametrize(
    ("persona_id", "responsibility_name", "terms"),
    [
        (
            "security-engineer",
            "LLM applications and agents",
            ["prompt injection", "excessive agency", "tool poisoning", "exfiltration", "llm01"],
        ),
        ("security-engineer", "Cross-site request forgery", ["samesite", "token", "origin"]),
        ("senior-engineer", "Debugging", ["reproduce", "stack trace", "bisect", "root cause"]),
        ("sre", "Live Incidents", ["mitigate first", "incident commander", "communications", "hand-offs"]),
        (
            "sre",
            "Client-Side and Cascading Failures",
            ["retry storms", "thundering herds", "metastable"],
        ),
        ("sre", "Pipelines, Cost and Efficiency", ["freshness", "completeness", "correctness", "cost"]),
        ("qa-engineer", "Accessibility and Migration Testing", ["wcag", "screen reader", "migration", "rollback"]),
    ],
)
def test_each_persona_owns_what_the_review_asked(
    catalog: Catalog, persona_id: str, responsibility_name: str, terms: list[str]
) -> None:
    text = responsibility(catalog.get(persona_id), responsibility_name)
    missing = [t for t in terms if t not in text]
    assert not missing


def test_the_workflow_executor_sends_bug_hunts_to_a_persona_that_debugs(catalog: Catalog) -> None:
    executor = catalog.get("workflow-executor")
    routes = [line for line in executor.skip_when if "bug" in line.lower()]
    assert routes
    assert "senior-engineer" in routes[0]
    assert any(r.name == "Debugging" for r in catalog.get("senior-engineer").responsibilities)
    assert any("bug" in line.lower() for line in catalog.get("senior-engineer").when_to_invoke)


@pytest.mark.parametrize(
    ("persona_id", "version"),
    [("security-engineer", "1.3.0"), ("senior-engineer", "1.3.0"), ("sre", "1.2.0"), ("qa-engineer", "1.2.0")],
)
def test_each_changed_persona_has_a_new_version(catalog: Catalog, persona_id: str, version: str) -> None:
    assert catalog.get(persona_id).version == version
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
