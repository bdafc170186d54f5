"""The concern taxonomy and each persona's concerns: validated on load, derived from text when absent."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from persona_mcp.catalog.concerns import (
    ConcernProfile,
    Taxonomy,
    load_taxonomy,
    persona_profile,
    taxonomy,
    text_profile,
)
from persona_mcp.catalog.loader import Catalog, load_catalog, unknown_concern_problems
from persona_mcp.catalog.model import Persona
from persona_mcp.data import resource_path
from persona_mcp.errors import PersonaFileError

from .conftest import ROSTER, WriteFile

# --- the taxonomy -----------------------------------------------------------------------------------


def test_the_shipped_taxonomy_is_valid_and_broad() -> None:
    tax = taxonomy()
    assert len(tax.ids) == len(set(tax.ids)) >= 80
    # the common candidates for a new persona each have concerns of their own
    for concern_id in (
        "infrastructure-as-code",  # DevOps
        "data-pipelines",  # data engineering
        "ml-modeling",  # machine learning
        "accessibility",
        "frontend-ui",
        "mobile",
        "compliance",
        "technical-writing",
        "product-management",
        "ux-design",
        "database-administration",
        "networking",
        "release-management",
    ):
        assert concern_id in tax.by_id


@functools.cache
def _shipped_taxonomy_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(resource_path("concerns.yaml").read_text(encoding="utf-8"))
    return data


def taxonomy_data() -> dict[str, Any]:
    return copy.deepcopy(_shipped_taxonomy_data())


def load_error(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        Taxonomy.model_validate(data)
    return str(info.value)


def test_a_broken_taxonomy_file_is_reported_with_its_path(tmp_path: Path) -> None:
    data = taxonomy_data()
    data["concerns"][0]["group"] = "nowhere"
    path = tmp_path / "concerns.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(PersonaFileError) as info:
        load_taxonomy(path)
    assert str(path) in str(info.value)
    assert "concerns.0.group: unknown group 'nowhere'" in str(info.value)


def test_a_term_under_two_concerns_is_rejected_unless_declared_shared() -> None:
    data = taxonomy_data()
    data["concerns"][1]["synonyms"].append("postmortem")  # already a keyword of incident-response
    assert "'postmortem' is listed under" in load_error(data)
    data["shared_terms"].append(
        {"term": "postmortem", "concerns": [data["concerns"][1]["id"], "incident-response"], "reason": "on purpose"}
    )
    assert Taxonomy.model_validate(data).concerns


def test_a_software_term_may_repeat_an_everyday_term_but_not_a_keyword_or_synonym() -> None:
    data = taxonomy_data()
    data["software_terms"].append("postmortem")  # a keyword of incident-response
    assert "'postmortem' is a term of incident-response; list it in one place" in load_error(data)
    data["software_terms"][-1] = "canary"  # an everyday term of release-engineering: shows software, weakly names it
    assert Taxonomy.model_validate(data).software_terms[-1] == "canary"


def test_terms_are_compared_on_stems() -> None:
    data = taxonomy_data()
    data["concerns"][0]["synonyms"].append("readiness reviews")  # "readiness review" with a plural
    assert "repeats another term" in load_error(data)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # a concern id used twice
        (lambda d: d["concerns"].append(dict(d["concerns"][0], keywords=["zzz"], synonyms=[])), "duplicate concern"),
        # a group that is not declared
        (lambda d: d["concerns"][0].update(group="nowhere"), "unknown group"),
        # a term made only of stop words would match everywhere
        (lambda d: d["concerns"][0]["synonyms"].append("what is it"), "no content word"),
        # unknown fields are errors, not ignored
        (lambda d: d["concerns"][0].update(weight=3), "extra"),
        # a shared term must name concerns that exist
        (lambda d: d["shared_terms"].append({"term": "x", "concerns": ["a-b", "c-d"], "reason": "r"}), "unknown"),
    ],
)
def test_a_broken_taxonomy_names_the_problem(change: Any, expected: str) -> None:
    data = taxonomy_data()
    change(data)
    assert expected in load_error(data).casefold()


# --- persona concerns --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona_id", sorted(ROSTER))
def test_every_shipped_persona_declares_its_concerns(catalog: Catalog, persona_id: str) -> None:
    persona = catalog.get(persona_id)
    assert persona.concerns is not None
    assert len(persona.concerns.primary) >= 5
    assert set(persona.concerns.primary + persona.concerns.secondary) <= set(taxonomy().ids)


def test_an_unknown_concern_is_rejected_with_the_file_and_field(
    write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    persona_data["concerns"]["primary"][2] = "foo"
    path = write_persona(persona_data)
    with pytest.raises(PersonaFileError) as info:
        load_catalog([path.parent])
    assert str(path) in str(info.value)
    assert "concerns.primary.2: unknown concern 'foo'" in str(info.value)


def test_every_concern_a_shipped_persona_names_is_in_the_shipped_taxonomy(catalog: Catalog) -> None:
    # Loading skips this check for the shipped personas (it would read the taxonomy at every start-up),
    # so this is where a persona or taxonomy edit that breaks it is caught.
    assert {p.id: unknown_concern_problems(p) for p in catalog} == {p.id: [] for p in catalog}
    assert all(p.concerns is not None for p in catalog)


def test_a_misspelt_concern_gets_a_suggestion(write_persona: WriteFile, persona_data: dict[str, Any]) -> None:
    persona_data["concerns"]["secondary"][0] = "privacyy"
    path = write_persona(persona_data)
    with pytest.raises(PersonaFileError, match=r"concerns\.secondary\.0: unknown concern 'privacyy' \(did you mean"):
        load_catalog([path.parent])


def test_skip_invalid_reports_a_persona_with_an_unknown_concern(
    write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    persona_data["concerns"]["primary"].append("not-a-concern")
    path = write_persona(persona_data)
    warnings: list[str] = []
    catalog = load_catalog([path.parent], skip_invalid=True, warn=warnings.append)
    assert "data-engineer" not in catalog.personas
    assert any("unknown concern 'not-a-concern'" in w for w in warnings)


@pytest.mark.parametrize(
    ("concerns", "field"),
    [
        # a concern listed as both primary and secondary
        ({"primary": ["privacy"], "secondary": ["privacy"]}, "repeated"),
        # the block needs at least one primary concern
        ({"primary": [], "secondary": ["privacy"]}, "primary"),
        # ids are slugs
        ({"primary": ["Not A Slug"]}, "primary"),
        # unknown keys in the block
        ({"primary": ["privacy"], "tertiary": ["ml"]}, "tertiary"),
    ],
)
def test_the_concerns_block_is_validated(persona_data: dict[str, Any], concerns: dict[str, Any], field: str) -> None:
    persona_data["concerns"] = concerns
    with pytest.raises(ValidationError, match=field):
        Persona.model_validate(persona_data)


def test_the_concerns_block_is_optional_and_leaves_the_hash_of_a_persona_without_it(
    persona_data: dict[str, Any],
) -> None:
    del persona_data["concerns"]
    persona = Persona.model_validate(persona_data)
    assert persona.concerns is None
    dumped = persona.model_dump(mode="json")
    assert dumped.pop("concerns") is None
    # the hash is taken over the fields the persona had before concerns existed
    assert persona.content_hash == Persona.model_validate(dumped).content_hash


def test_a_persona_without_concerns_gets_them_from_its_own_text(persona_data: dict[str, Any]) -> None:
    del persona_data["concerns"]
    profile = persona_profile(Persona.model_validate(persona_data))
    assert profile.source == "derived"
    assert {"data-pipelines", "data-quality", "data-contracts"} <= set(profile.primary)
    for match in profile.mapping:
        assert match.terms
        assert match.fields
        assert all(not f.startswith(("boundaries", "skip_when")) for f in match.fields)


def declared(persona: Persona) -> ConcernProfile:
    assert persona.concerns is not None
    return ConcernProfile(
        primary=list(persona.concerns.primary), secondary=list(persona.concerns.secondary), source="declared"
    )


@pytest.mark.parametrize("persona_id", sorted(ROSTER))
def test_derived_concerns_agree_with_the_declared_ones(catalog: Catalog, persona_id: str) -> None:
    persona = catalog.get(persona_id)
    derived = persona_profile(persona.model_copy(update={"concerns": None}))
    want = declared(persona)
    # most of what a persona owns is found in its text, and little that it does not cover is added
    found = set(derived.primary + derived.secondary)
    assert len(found & set(want.primary)) >= 0.6 * len(want.primary)
    assert len(found - set(want.primary + want.secondary)) <= len(found) // 2


def test_free_text_maps_responsibilities_to_primary_concerns_and_says_why() -> None:
    profile = text_profile(
        "Query Optimizer",
        ["Find slow SQL queries, N+1 queries and missing indexes", "Read EXPLAIN ANALYZE plans"],
    )
    assert profile.primary == ["database-performance"]
    assert profile.secondary == ["latency-throughput"]  # "slow" is incidental to the first line
    match = next(m for m in profile.mapping if m.concern == "database-performance")
    assert "n+1 queries" in match.terms
    assert match.fields == ["name", "responsibilities.0", "responsibilities.1"]
