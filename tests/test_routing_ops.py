"""Operations work is software work: the SRE's daily vocabulary routes, mostly to the SRE (issue 13).

A staff SRE found "We restart the service by hand whenever it crashes" and "we were paged at 3am because the
disk filled up" turned away as naming no software term. These cases, several per class and none taken from
the labelled sets, hold the router to the vocabulary of toil, paging, disks, crashes, rollbacks, silent
batch failures, queue backlogs, certificates, postmortems and on-call staffing; the labelled operations sets
(routing-ops-a studied, routing-ops-b held out) measure it in tools/routing_quality.py.
"""

from __future__ import annotations

import re

import pytest

from persona_mcp.analysis.routing import MAX_TASK_CHARS, recommend_personas
from persona_mcp.catalog.loader import Catalog

from .conftest import ROOT
from .routing_set import FRESH_D, FRESH_I, FRESH_J, OPS_B, UNRELATED_SET, evaluate, load_tasks
from .test_routing import route_with
from .test_text_linear import hang_guard

OPS: dict[str, list[str]] = {
    "toil": [
        "We restart the service by hand whenever it crashes, a few times a week",
        "every monday someone has to restart the service by hand after the weekend batch",
        "half my week is manual restarts and clearing stuck jobs, how do we get out of this",
    ],
    "paging": [
        "we were paged at 3am because the disk filled up",
        "I got paged four times last night for the same flapping alert",
        "the pager went off during dinner for a warning nobody could act on",
    ],
    "disk": [
        "the disk filled up on the database host and writes started failing",
        "logs keep filling the root volume on our app servers",
        "out of disk on two nodes again, what should we be watching",
    ],
    "crash": [
        "the api service keeps crashing every few hours and comes back on its own",
        "after the deploy the service crashes on startup in production",
    ],
    "rollback": [
        "the rollback failed halfway and we had two versions serving traffic",
        "how do we roll back a release safely when the schema already changed",
    ],
    "batch": [
        "the nightly ETL job silently produced an empty report",
        "our nightly job failed silently for a week and nobody noticed",
        "the cron job stopped running after we moved servers",
    ],
    "certificates": [
        "our tls certificate expired on saturday and took the api down",
        "how do we make sure certificate renewal never gets missed again",
    ],
    "postmortem": [
        "how should we write the postmortem for yesterday's outage",
        "we keep having the same incident; our postmortems never lead to changes",
    ],
    "on-call staffing": [
        "we have four engineers on the on-call rotation and people are burning out",
        "what's a fair on-call handoff between the EU and US teams",
    ],
}


@pytest.mark.parametrize(("kind", "task"), [(k, t) for k, tasks in OPS.items() for t in tasks])
def test_operations_tasks_route_to_the_sre(catalog: Catalog, kind: str, task: str) -> None:
    result = recommend_personas(catalog, task, 3)
    assert result.recommendations, f"{kind}: turned away"
    assert result.recommendations[0].persona_id == "sre", [r.persona_id for r in result.recommendations]


@pytest.mark.parametrize(
    "task",
    [
        "my car battery died overnight, what should I check",
        "the kitchen sink backs up every few days",
        "I got paged by my kid's school about a fever",
        "the printer at home keeps jamming",
    ],
)
def test_operations_look_alikes_outside_software_are_still_turned_away(catalog: Catalog, task: str) -> None:
    assert recommend_personas(catalog, task, 3).recommendations == []


TASKS_FOR_RUNNER_UP = [
    *[t for tasks in OPS.values() for t in tasks],
    "a deadlock in the payment worker pool",
    "please review this pull request for naming",
    "our checkout endpoint is slow under load",
    "design the event schema for the orders service",
    "my cat knocks the plant over every night",
]


@pytest.mark.parametrize("task", TASKS_FOR_RUNNER_UP)
def test_the_runner_up_sentence_cites_the_score_the_answer_lists(catalog: Catalog, task: str) -> None:
    result = recommend_personas(catalog, task, 1)
    if result.runner_up is None:
        return
    cited = re.findall(r"scored (\d+\.\d\d)", result.runner_up.why)
    assert cited == [f"{result.runner_up.score:.2f}"]


@pytest.mark.parametrize(
    "task",
    [
        "a." * (MAX_TASK_CHARS // 2),  # ten thousand sentences
        "is it down? " * (MAX_TASK_CHARS // 12),  # thousands of questions
        "`" * MAX_TASK_CHARS,  # back-ticks without end
        "x" * MAX_TASK_CHARS,  # one word
        "a\n" * (MAX_TASK_CHARS // 2),  # many short lines
    ],
)
def test_hostile_tasks_route_in_linear_time(catalog: Catalog, task: str) -> None:
    with hang_guard():
        recommend_personas(catalog, task, 3)


# --- the README's routing figures, computed ------------------------------------------------------------

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def test_the_readme_states_the_held_out_figures_the_router_reaches(catalog: Catalog) -> None:
    # Held out: only aggregate figures are computed, never which tasks were missed. If routing changes, these
    # figures change, and the README must say the new ones (issue 21: README and code cannot drift).
    route = route_with(catalog)
    d, i, j = (_percent(evaluate(route, load_tasks(path)).top1) for path in (FRESH_D, FRESH_I, FRESH_J))
    ops = _percent(evaluate(route, load_tasks(OPS_B)).top1)
    unrelated = _percent(evaluate(route, load_tasks(UNRELATED_SET)).none_rejected)
    flat = " ".join(README.split())
    assert f"first {d}, {i} and {j} of the time" in flat
    assert f"operations set, {ops}" in flat
    assert f"{unrelated} get an empty list" in flat
