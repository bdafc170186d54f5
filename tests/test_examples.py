"""The example requests routing takes as neighbours: where they come from, what they may vote on, bad files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from tools.routing_examples import TARGET, render

from persona_mcp.analysis.examples import (
    EXAMPLES_FILE,
    MAX_EXAMPLES,
    UNRELATED,
    Examples,
    load_examples,
    parse_examples,
)
from persona_mcp.analysis.routing import NEIGHBOURS, recommend_personas
from persona_mcp.catalog.loader import Catalog
from persona_mcp.errors import PersonaFileError

from .conftest import ROOT, ROSTER
from .routing_set import HELD_OUT, NONE, STUDIED, UNRELATED_SET, load_tasks

SHIPPED = ROOT / "resources" / EXAMPLES_FILE


def test_the_shipped_file_is_what_the_studied_sets_give() -> None:
    # `python tools/routing_examples.py` rewrites it; a labelled set edited without that fails here.
    assert TARGET == SHIPPED
    assert SHIPPED.read_text(encoding="utf-8") == render()


def test_every_labelled_task_of_the_studied_sets_is_an_example_of_its_label() -> None:
    shipped = set(load_examples().items)
    for path in STUDIED:
        for task in load_tasks(path):
            assert (task.label, task.task.strip()) in shipped, task.id


def test_no_held_out_task_is_an_example_and_every_label_is_a_persona_or_unrelated() -> None:
    texts = {text for _, text in load_examples().items}
    for path in (*HELD_OUT, UNRELATED_SET):
        assert not {t.task.strip() for t in load_tasks(path)} & texts, path.name
    labels = {label for label, _ in load_examples().items}
    assert labels == set(ROSTER) | {UNRELATED}
    assert UNRELATED == NONE


def test_the_examples_vote_for_their_persona_among_those_that_fit(catalog: Catalog) -> None:
    task = "p99 latency of the checkout API doubled after the last release; where do we start?"
    shipped = [r.persona_id for r in recommend_personas(catalog, task, limit=9).recommendations]
    assert len(shipped) >= 2
    # The same task with examples that all resemble it and all belong to the persona ranked second.
    second = shipped[1]
    examples = Examples.of([(second, task)] * NEIGHBOURS)
    result = recommend_personas(catalog, task, limit=9, examples=examples)
    assert result.recommendations[0].persona_id == second
    assert sorted(r.persona_id for r in result.recommendations) == sorted(shipped)  # reordered, none added
    assert f"{NEIGHBOURS} of the {NEIGHBOURS} example requests most like it" in result.recommendations[0].why


def test_examples_never_route_a_task_that_is_not_about_software(catalog: Catalog) -> None:
    task = "bake a chocolate cake for twelve people"
    examples = Examples.of([("sre", task)] * NEIGHBOURS)
    assert recommend_personas(catalog, task, examples=examples).recommendations == []


def test_a_task_whose_nearest_examples_are_unrelated_is_turned_away_unless_it_shows_software(
    catalog: Catalog,
) -> None:
    pets = "there is a race condition between my two cats at the food bowl every morning"
    assert recommend_personas(catalog, pets, examples=Examples.of([])).recommendations  # "race condition"
    unrelated = Examples.of([(UNRELATED, pets)] * NEIGHBOURS)
    result = recommend_personas(catalog, pets, examples=unrelated)
    assert result.recommendations == []
    assert result.runner_up is not None
    assert "not about software" in result.runner_up.why
    # The same vote cannot turn away a task that shows software plainly (code and software terms).
    code = "race condition: two goroutines write `counts[key]++` on one map in our Go API service"
    assert recommend_personas(catalog, code, examples=Examples.of([(UNRELATED, code)] * NEIGHBOURS)).recommendations


def test_examples_of_a_persona_not_in_the_catalog_are_ignored(catalog: Catalog) -> None:
    task = "two goroutines write the same map and the service crashes"
    examples = Examples.of([("data-engineer", task)] * NEIGHBOURS)
    with_unknown = recommend_personas(catalog, task, examples=examples)
    without = recommend_personas(catalog, task, examples=Examples.of([]))
    assert with_unknown == without


# --- bad files ----------------------------------------------------------------------------------------


def shipped_data() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(SHIPPED.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(version=2), "version"),
        (lambda d: d.update(extra="x"), "extra"),
        (lambda d: d["examples"].update({"Not An Id": ["review this"]}), "examples.Not An Id"),
        (lambda d: d["examples"]["sre"].append(""), "examples.sre"),
        (lambda d: d["examples"]["sre"].append(["a list"]), "examples.sre"),
        (lambda d: d["examples"]["sre"].append("x" * 20_001), "examples.sre"),
    ],
)
def test_a_broken_examples_file_names_the_field(change: Any, expected: str) -> None:
    data = shipped_data()
    change(data)
    with pytest.raises(PersonaFileError) as info:
        parse_examples(data, "examples.yaml")
    assert expected in str(info.value)


def test_too_many_examples_are_refused() -> None:
    data = {"version": 1, "source": "test", "examples": {"sre": ["x"] * (MAX_EXAMPLES + 1)}}
    with pytest.raises(PersonaFileError, match="over the limit"):
        parse_examples(data, "examples.yaml")


def test_an_examples_file_is_read_with_the_safe_loader(tmp_path: Path) -> None:
    path = tmp_path / "examples.yaml"
    path.write_text("version: 1\nsource: a\nsource: b\nexamples: {}\n", encoding="utf-8")
    with pytest.raises(PersonaFileError, match="duplicate key 'source'"):
        load_examples(path)
    path.write_text("version: 1\nsource: test\nexamples:\n  sre: [is our SLO right?]\n", encoding="utf-8")
    assert load_examples(path).items == (("sre", "is our SLO right?"),)
