"""The persona schema and the shipped roster: every file validates and meets the depth the project promises."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from persona_mcp.catalog.loader import Catalog
from persona_mcp.catalog.model import Persona

from .conftest import ROSTER


def test_the_shipped_catalog_is_exactly_the_nine_persona_roster(catalog: Catalog) -> None:
    assert {p.id: (p.name, p.category) for p in catalog} == ROSTER


@pytest.mark.parametrize("persona_id", sorted(ROSTER))
def test_each_shipped_persona_is_written_in_depth(catalog: Catalog, persona_id: str) -> None:
    persona = catalog.get(persona_id)
    assert len(persona.responsibilities) >= 6
    assert all(len(r.covers) >= 2 for r in persona.responsibilities)
    assert len(persona.review_checklist) >= 10
    assert all(q.endswith("?") for q in persona.review_checklist)
    assert len(persona.output_format.severity_levels) >= 3
    assert len(persona.boundaries) >= 3
    assert len(persona.when_to_invoke) >= 4
    assert persona.skip_when
    assert len(persona.summary) <= 160
    assert {c.persona_id for c in persona.collaborates_with} <= set(ROSTER) - {persona_id}


@pytest.mark.parametrize("persona_id", sorted(ROSTER))
def test_each_output_template_shows_where_every_severity_level_goes(catalog: Catalog, persona_id: str) -> None:
    persona = catalog.get(persona_id)
    template = persona.output_format.template.casefold()
    missing = [s.level for s in persona.output_format.severity_levels if s.level.replace("-", " ") not in template]
    # Levels may be spelled with a hyphen or a space in the headings; "info"-style levels may be folded
    # into a lower section, so at most one level may go without its own mention.
    assert len(missing) <= 1, missing


# Each concept of the research behind the SRE persona, with the words that show it is covered.
SRE_CONCEPTS = {
    "SLI": r"\bSLIs?\b",
    "SLO": r"\bSLOs?\b",
    "SLA": r"\bSLAs?\b",
    "error budget": r"error[- ]budget",
    "error-budget policy": r"(error[- ]budget )?polic(y|ies)",
    "toil": r"\btoil\b",
    "the six traits of toil": r"manual.{0,40}repetitive.{0,40}automatable.{0,40}tactical",
    "toil cap of 50%": r"50 ?%",
    "on-call cap of 25%": r"25 ?%",
    "paging on user impact": r"pag(e|es|ing)\b.*user",
    "blameless postmortem": r"blameless",
    "postmortem timeline": r"timeline",
    "root cause": r"root cause",
    "action items": r"action items?",
    "capacity planning": r"capacity",
    "load testing": r"load[- ]test",
    "graceful degradation": r"graceful(ly)? degrad",
    "circuit breakers": r"circuit[- ]breaker",
    "rate limiting": r"rate[- ]limit",
    "bulkheads": r"bulkhead",
    "chaos engineering": r"chaos",
    "metrics": r"\bmetrics\b",
    "logs": r"\blogs\b",
    "traces": r"\btrac(es|ing)\b",
    "blue-green": r"blue[- ]green",
    "canary": r"\bcanar(y|ies)\b",
    "rolling": r"\brolling\b",
    "rollback": r"roll ?back",
    "backups": r"backups?",
    "RPO": r"\bRPO\b",
    "RTO": r"\bRTO\b",
    "DR drills": r"drills?",
    "multi-region failover": r"multi-region",
    "secrets": r"secrets?",
    "certificates": r"certificate",
    "production readiness review": r"production readiness",
    "reviewer, not executor": r"\bexecut",
    "principles before tools": r"principles?",
    "prototypes": r"prototype",
}


@pytest.mark.parametrize("concept", sorted(SRE_CONCEPTS))
def test_the_sre_persona_carries_every_concept_of_the_research(catalog: Catalog, concept: str) -> None:
    text = yaml.safe_dump(catalog.get("sre").model_dump(mode="json"), width=10_000)
    assert re.search(SRE_CONCEPTS[concept], text, flags=re.IGNORECASE | re.DOTALL), concept


def test_the_sre_persona_says_when_it_is_not_worth_calling(catalog: Catalog) -> None:
    sre = catalog.get("sre")
    assert any("prototype" in line.casefold() for line in sre.skip_when + sre.boundaries)
    assert [s.level for s in sre.output_format.severity_levels][:3] == ["blocker", "high", "medium"]


# --- the schema itself ---------------------------------------------------------------------------


def test_a_valid_persona_validates(persona_data: dict[str, Any]) -> None:
    assert Persona.model_validate(persona_data).id == "data-engineer"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        # an unknown field: a typo must not be silently ignored
        (lambda d: d.update(responsibilites=[]), "responsibilites"),
        # a wrong type: a list where text is expected
        (lambda d: d.update(summary=["not", "a", "line"]), "summary"),
        # a required field missing
        (lambda d: d.pop("review_checklist"), "review_checklist"),
        # versions are semver
        (lambda d: d.update(version="1.0"), "version"),
        # ids are slugs: safe in URIs and file names
        (lambda d: d.update(id="../etc/passwd"), "id"),
        (lambda d: d.update(id="Data Engineer"), "id"),
        # a summary is one line
        (lambda d: d.update(summary="line one\nline two"), "summary"),
        # list items are single lines
        (lambda d: d["review_checklist"].append("first\nsecond?"), "review_checklist"),
        # nested unknown fields are caught too
        (lambda d: d["responsibilities"][0].update(owner="me"), "responsibilities.0.owner"),
        # an empty list where at least one entry is needed
        (lambda d: d.update(boundaries=[]), "boundaries"),
        # severity levels must be distinct
        (
            lambda d: d["output_format"]["severity_levels"].append({"level": "low", "meaning": "again"}),
            "severity_levels",
        ),
    ],
)
def test_schema_violations_name_the_field(persona_data: dict[str, Any], change: Any, field: str) -> None:
    change(persona_data)
    with pytest.raises(ValidationError) as info:
        Persona.model_validate(persona_data)
    locations = [".".join(str(p) for p in e["loc"]) for e in info.value.errors()]
    assert any(field.split(".")[-1] in loc for loc in locations), locations


def test_duplicate_responsibility_names_are_rejected(persona_data: dict[str, Any]) -> None:
    persona_data["responsibilities"].append(dict(persona_data["responsibilities"][0]))
    with pytest.raises(ValidationError, match="responsibility names must be unique"):
        Persona.model_validate(persona_data)


def test_a_persona_cannot_collaborate_with_itself(persona_data: dict[str, Any]) -> None:
    persona_data["collaborates_with"].append({"persona_id": "data-engineer", "when": "always"})
    with pytest.raises(ValidationError, match="must not name the persona itself"):
        Persona.model_validate(persona_data)


def test_the_content_hash_ignores_layout_but_not_content(persona_data: dict[str, Any]) -> None:
    original = Persona.model_validate(persona_data)
    relaid = Persona.model_validate(yaml.safe_load(yaml.safe_dump(persona_data, default_flow_style=True)))
    assert relaid.content_hash == original.content_hash
    persona_data["review_checklist"][0] = "A different question?"
    assert Persona.model_validate(persona_data).content_hash != original.content_hash
    assert re.fullmatch(r"sha256:[0-9a-f]{16}", original.content_hash)


def test_focus_lookup_ignores_case(catalog: Catalog) -> None:
    sre = catalog.get("sre")
    first = sre.responsibilities[0]
    assert sre.responsibility(first.name.upper()) == first
    assert sre.responsibility("no such responsibility") is None
