"""Routing a task to personas: quality on the labelled set, explanations, determinism and bad arguments."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from persona_mcp.analysis.examples import Examples
from persona_mcp.analysis.routing import (
    ASK_WEIGHT,
    CONTEXT_WEIGHT,
    MAX_TASK_CHARS,
    _segments,
    recommend_personas,
    recommendations_markdown,
)
from persona_mcp.catalog.loader import Catalog, load_catalog
from persona_mcp.errors import InvalidArgument

from .conftest import ROSTER, WriteFile
from .routing_set import (
    FRESH_A,
    FRESH_B,
    FRESH_C,
    FRESH_D,
    FRESH_E,
    FRESH_F,
    FRESH_G,
    FRESH_H,
    FRESH_I,
    FRESH_J,
    NONE,
    TASKS_FILE,
    UNRELATED_SET,
    Evaluation,
    evaluate,
    examples_without,
    load_tasks,
)

TASKS = load_tasks()

# Per labelled set: top-1 accuracy, the lowest recall of any persona, and the share of unrelated tasks that
# get no recommendation; the targets are 0.90, 0.80 and 0.90. Each studied set is routed against
# the example requests of the other studied sets only (examples_without), never its own. The figures are
# floors at what each set reaches, below the targets where it is below them, so that a change cannot lose
# ground unnoticed. When first routed, unseen: fresh-b 0.84, C 0.89, E 0.79 (terse, pasted code and
# logs), F 0.82 (0.58 of its unrelated tasks rejected), G 0.88, H 0.82; the held-out D and I are below.
TARGETS: dict[str, tuple[Path, float, float, float]] = {
    "original": (TASKS_FILE, 0.96, 0.875, 1.0),
    "fresh-a": (FRESH_A, 0.975, 0.875, 1.0),
    "fresh-b": (FRESH_B, 0.98, 1.0, 0.875),
    "fresh-c": (FRESH_C, 0.95, 0.70, 1.0),
    "fresh-e": (FRESH_E, 0.92, 0.70, 0.90),
    "fresh-f": (FRESH_F, 0.94, 0.80, 0.83),
    "fresh-g": (FRESH_G, 0.95, 0.90, 0.80),
    "fresh-h": (FRESH_H, 0.94, 0.80, 0.90),
}

HELD_OUT_TOP1_FLOOR = 0.88
"""fresh-d, -i and -j are held out (0.92, 0.92 and 0.95 top-1 with the shipped examples): nothing was tuned on
them and their tasks are never read, so only a floor under their top-1 accuracy is asserted here; the exact
figures, and the held-out operations set's (routing-ops-b), are held to the README's in
tests/test_routing_ops.py."""


def route_with(catalog: Catalog, examples: Examples | None = None) -> Any:
    """Routing as the server does it; with `examples`, against those example requests instead of the shipped
    ones (a studied set is measured against the other sets' examples, never its own)."""

    def route(task: str) -> list[str]:
        return [r.persona_id for r in recommend_personas(catalog, task, limit=3, examples=examples).recommendations]

    return route


@pytest.fixture(scope="module")
def held_out(catalog: Catalog) -> Evaluation:
    route = route_with(catalog, examples_without(TASKS_FILE))
    return evaluate(route, [t for t in TASKS if t.half == "held-out"])


# --- the labelled set -------------------------------------------------------------------------------


def test_the_labelled_set_is_large_and_balanced() -> None:
    counts = Counter(t.label for t in TASKS)
    assert len(TASKS) >= 140
    assert set(counts) == set(ROSTER) | {NONE}
    assert min(counts.values()) >= 12
    assert len({t.id for t in TASKS}) == len(TASKS)
    # the split gives each label the same number of tasks in each half
    for label in counts:
        halves = Counter(t.half for t in TASKS if t.label == label)
        assert abs(halves["tuning"] - halves["held-out"]) <= 1


@pytest.fixture(scope="module")
def evaluations(catalog: Catalog) -> dict[str, Evaluation]:
    return {
        name: evaluate(route_with(catalog, examples_without(path)), load_tasks(path))
        for name, (path, *_) in TARGETS.items()
    }


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_routing_puts_the_right_persona_first(evaluations: dict[str, Evaluation], name: str) -> None:
    result = evaluations[name]
    assert result.top1 >= TARGETS[name][1], result.misses


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_persona_is_found_for_its_own_tasks(evaluations: dict[str, Evaluation], name: str) -> None:
    recalls = {label: s.recall for label, s in evaluations[name].per_label.items() if label != NONE}
    assert min(recalls.values()) >= TARGETS[name][2], recalls


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_tasks_outside_software_engineering_get_no_recommendation(
    evaluations: dict[str, Evaluation], name: str
) -> None:
    result = evaluations[name]
    rejected = result.none_rejected
    assert rejected >= TARGETS[name][3], [m for m in result.misses if m[1] == NONE]


@pytest.mark.parametrize(
    ("path", "per_label"),
    [
        (FRESH_A, 8),
        (FRESH_B, 8),
        (FRESH_C, 10),
        (FRESH_D, 10),
        (FRESH_E, 10),
        (FRESH_F, 12),
        (FRESH_G, 10),
        (FRESH_H, 10),
        (FRESH_I, 10),
        (FRESH_J, 10),
    ],
)
def test_the_fresh_sets_hold_the_same_number_of_tasks_per_label(path: Path, per_label: int) -> None:
    tasks = load_tasks(path)
    counts = Counter(t.label for t in tasks)
    assert set(counts) == set(ROSTER) | {NONE}
    assert set(counts.values()) == {per_label}
    assert len({t.id for t in tasks}) == len(tasks)


@pytest.mark.parametrize("path", [FRESH_D, FRESH_I, FRESH_J], ids=lambda p: p.stem)
def test_the_held_out_sets_keep_a_floor_under_top1(catalog: Catalog, path: Path) -> None:
    # Held out: a failure reports the figure, never which of its tasks were missed.
    top1 = evaluate(route_with(catalog), load_tasks(path)).top1
    assert top1 >= HELD_OUT_TOP1_FLOOR, {"top1": top1}


UNRELATED_REJECTED_FLOOR = 0.80
"""The held-out look-alikes (tests/data/routing-unrelated.yaml): 84% rejected when first routed."""


def test_most_unrelated_look_alikes_are_rejected(catalog: Catalog) -> None:
    tasks = load_tasks(UNRELATED_SET)
    assert len(tasks) >= 150
    assert {t.label for t in tasks} == {NONE}
    # Held out: a failure reports the share, never which tasks were routed.
    rejected = evaluate(route_with(catalog), tasks).none_rejected
    assert rejected >= UNRELATED_REJECTED_FLOOR, {"rejected": rejected}


def test_the_held_out_half_meets_the_top1_and_rejection_targets(held_out: Evaluation) -> None:
    # Per-persona recall on the held-out half is reported by tools/routing_quality.py, not asserted here: with
    # eight tasks a persona, one miss is 12.5 points, and the senior engineer stays below 80% on it.
    assert held_out.top1 >= 0.90, held_out.misses
    assert held_out.none_rejected >= 0.90


@pytest.mark.parametrize(
    "task",
    [
        "bake a chocolate cake",
        "what's the capital of France?",
        "help with my chemistry homework: balance Fe + O2 -> Fe2O3",  # one operator is not code
    ],
)
def test_an_unrelated_task_gets_an_empty_list_rather_than_a_guess(catalog: Catalog, task: str) -> None:
    assert recommend_personas(catalog, task).recommendations == []


def test_code_of_two_kinds_shows_a_task_is_about_software(catalog: Catalog) -> None:
    task = "the counter ends up lower than expected: count += 1 runs in record() on many threads"
    assert recommend_personas(catalog, task).recommendations[0].persona_id == "concurrency-expert"


# --- explanations -----------------------------------------------------------------------------------


def test_a_recommendation_says_which_triggers_and_concerns_matched(catalog: Catalog) -> None:
    result = recommend_personas(catalog, "write the postmortem for yesterday's outage and set an SLO")
    best = result.recommendations[0]
    assert best.persona_id == "sre"
    assert set(best.matched_triggers) <= set(catalog.get("sre").when_to_invoke)
    assert any("postmortem" in t for t in best.matched_triggers)
    assert {"incident-response", "slo-error-budgets"} <= set(best.matched_concerns)
    assert {"incident-response", "slo-error-budgets"} <= set(result.task_concerns)
    assert best.why.startswith("The task matches Site Reliability Engineer's trigger")
    assert best.why.endswith(".")
    assert "\n" not in best.why


def test_the_runner_up_is_the_best_persona_left_out_and_says_why(catalog: Catalog) -> None:
    result = recommend_personas(catalog, "our p99 latency doubled after the release; profile it", limit=1)
    assert len(result.recommendations) == 1
    runner_up = result.runner_up
    assert runner_up is not None
    assert runner_up.persona_id != result.recommendations[0].persona_id
    assert runner_up.score <= result.recommendations[0].score
    assert runner_up.why


def test_recommendations_are_ranked_and_limited(catalog: Catalog) -> None:
    task = "is this cache thread safe and fast enough? it is shared by all request threads"
    for limit in (1, 2, 9):
        recs = recommend_personas(catalog, task, limit=limit).recommendations
        assert 1 <= len(recs) <= limit
        assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)
    ids = [r.persona_id for r in recommend_personas(catalog, task, limit=9).recommendations]
    assert {"concurrency-expert", "performance-engineer"} <= set(ids)


def test_markdown_rendering(catalog: Catalog) -> None:
    assert recommendations_markdown(recommend_personas(catalog, "bake a cake")).startswith("No persona fits")
    text = recommendations_markdown(recommend_personas(catalog, "threat model our webhook"))
    assert text.startswith("1. **Security Engineer** (`security-engineer`")


# --- determinism, ties and the index cache ----------------------------------------------------------


def test_the_same_task_gets_the_same_answer_byte_for_byte(catalog: Catalog) -> None:
    task = TASKS[0].task
    first = recommend_personas(catalog, task).model_dump_json()
    assert recommend_personas(load_catalog(), task).model_dump_json() == first


def test_ties_are_broken_by_id(tmp_path: Path, write_persona: WriteFile, persona_data: dict[str, Any]) -> None:
    for persona_id in ("zeta-data", "alpha-data"):
        write_persona(dict(persona_data, id=persona_id))
    roster = load_catalog([tmp_path / "personas"])
    recs = recommend_personas(roster, "our ETL pipeline drops rows during the backfill").recommendations
    assert [r.persona_id for r in recs[:2]] == ["alpha-data", "zeta-data"]
    assert recs[0].score == recs[1].score


def test_a_persona_added_to_the_catalog_is_routed_to_at_once(
    write_persona: WriteFile, persona_data: dict[str, Any], tmp_path: Path
) -> None:
    # What the routing index's cache must never cost a user: a persona added after the first request is found.
    roster = load_catalog()
    task = "our ETL backfill double counts rows"
    assert "data-engineer" not in [r.persona_id for r in recommend_personas(roster, task).recommendations]
    write_persona(persona_data)
    roster.personas["data-engineer"] = load_catalog([tmp_path / "personas"]).get("data-engineer")
    assert recommend_personas(roster, task).recommendations[0].persona_id == "data-engineer"


# --- bad arguments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "limit", "argument"),
    [
        # the task is required
        ("", 3, "task"),
        ("   \n", 3, "task"),
        # and bounded
        ("x" * (MAX_TASK_CHARS + 1), 3, "task"),
        # limit is 1..9
        ("flaky tests", 0, "limit"),
        ("flaky tests", 10, "limit"),
        ("flaky tests", True, "limit"),
    ],
)
def test_bad_arguments_name_the_argument(catalog: Catalog, task: str, limit: Any, argument: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        recommend_personas(catalog, task, limit=limit)
    assert info.value.argument == argument


def test_a_task_at_the_length_limit_is_accepted(catalog: Catalog) -> None:
    task = ("Our checkout service pages the on-call engineer every night. " * 400)[:MAX_TASK_CHARS]
    assert recommend_personas(catalog, task).recommendations[0].persona_id == "sre"


# --- what a task asks ---------------------------------------------------------------------------------


def weights_of(task: str) -> dict[str, float]:
    """Each prose sentence of `task` with the weight its words get."""
    return {text.strip(): weight for text, weight, _ in _segments(task) if not text.startswith("`")}


@pytest.mark.parametrize(
    "ask",
    [
        "how do we untangle the shared tables",  # a question without its question mark
        "Which message queue should we pick",
        "track these to closure, with an owner per item",  # an imperative
        "please split it into smaller steps",
        "Can you check the retry logic?",
    ],
)
def test_a_sentence_that_asks_weighs_more_than_the_background(ask: str) -> None:
    background = "Four services share one database and write to each other's tables."
    weights = weights_of(f"{background} {ask}")
    assert weights[background] == CONTEXT_WEIGHT
    assert weights[ask] == ASK_WEIGHT


def test_a_task_that_asks_nothing_weighs_every_sentence_the_same() -> None:
    weights = weights_of("The nightly export timed out again. The on-call engineer restarted it.")
    assert set(weights.values()) == {1.0}


def test_a_wrapped_line_stays_one_sentence_but_list_items_and_paragraphs_do_not() -> None:
    task = (
        "I've got a feature that touches the REST API and the schema. Can you break it into\n"
        "ordered steps with a done-criterion for each?\n"
        "- step one is known\n"
        "- step two is not\n"
        "\n"
        "The mobile client ships separately"
    )
    weights = weights_of(task)
    assert weights["Can you break it into ordered steps with a done-criterion for each?"] == ASK_WEIGHT
    assert weights["- step one is known"] == CONTEXT_WEIGHT
    assert weights["- step two is not"] == CONTEXT_WEIGHT
    assert weights["The mobile client ships separately"] == CONTEXT_WEIGHT


@pytest.mark.parametrize("ask", ["Tips?", "Thoughts?", "What's going on?", "how do we get out of this"])
def test_a_question_without_content_asks_about_everything_the_task_says(ask: str) -> None:
    weights = weights_of(f"The nightly export takes four hours on a million rows. {ask}")
    assert set(weights.values()) == {1.0}
