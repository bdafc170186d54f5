"""Routing quality on the labelled request sets: the figures README's routing section quotes, per set.

    .venv/bin/python tools/routing_quality.py

Prints figures and asserts nothing (tests/test_routing*.py assert the targets). Top-1 accuracy, top-3 recall,
rejection of requests outside software and per-persona precision, recall and F1 on tests/data/routing-tasks.yaml,
for the whole set and for each half of its fixed split (weights were first tuned on the tuning half only), then
on the sets written independently of the personas and the code: routing-fresh-a, -b, -c, -e, -f, -g and -h and
routing-ops-a (their misses were studied; each is routed against the other sets' example requests, never its
own) and routing-fresh-d, -i and -j and routing-ops-b (held out: only their figures are printed, never their
misses). Speed over 1,000 personas is in bench/run.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/routing_set.py holds the labelled set and its split

from tests.routing_set import (  # noqa: E402
    FRESH_A,
    FRESH_B,
    FRESH_C,
    FRESH_E,
    FRESH_F,
    FRESH_G,
    FRESH_H,
    HELD_OUT,
    NONE,
    OPS_A,
    TASKS_FILE,
    UNRELATED_SET,
    Evaluation,
    evaluate,
    examples_without,
    load_tasks,
)

from persona_mcp.analysis.examples import Examples  # noqa: E402
from persona_mcp.analysis.routing import recommend_personas  # noqa: E402
from persona_mcp.catalog.loader import Catalog, load_catalog  # noqa: E402

ROUTING_TARGET_MS = 5.0
ROUNDS = 5
"""Each task is routed this many times; the median per task keeps a busy machine's hiccups out of the p99."""
MATRIX_TARGET_S = 1.0


# --- quality ----------------------------------------------------------------------------------------


def quality(catalog: Catalog) -> None:
    """Each studied set is routed against the example requests of the other studied sets only (never its
    own tasks); the held-out sets against the shipped examples, which never hold their tasks."""
    tasks = load_tasks()

    def route_with(examples: Examples | None) -> Callable[[str], list[str]]:
        def route(task: str) -> list[str]:
            result = recommend_personas(catalog, task, limit=3, examples=examples)
            return [r.persona_id for r in result.recommendations]

        return route

    original = route_with(examples_without(TASKS_FILE))
    for title, subset in (
        ("whole set", tasks),
        ("tuning half", [t for t in tasks if t.half == "tuning"]),
        ("held-out half", [t for t in tasks if t.half == "held-out"]),
    ):
        report(title, evaluate(original, subset))
    for title, path in (
        ("fresh set A (written independently; its misses were studied)", FRESH_A),
        ("fresh set B (written independently; its misses were studied)", FRESH_B),
        ("fresh set C (written independently; studied once its held-out figures were reported)", FRESH_C),
        ("fresh set E (pasted code, logs, terse; studied once its first figures were reported)", FRESH_E),
        ("fresh set F (a new user's mix; studied once its first figures were reported)", FRESH_F),
        ("fresh set G (many kinds of company; studied once its first figures were reported)", FRESH_G),
        ("fresh set H (ten developers' week; studied once its first figures were reported)", FRESH_H),
        ("ops set A (operations language; studied once its first figures were reported)", OPS_A),
    ):
        report(title, evaluate(route_with(examples_without(path)), load_tasks(path)))
    shipped = route_with(None)
    for path in HELD_OUT:
        report(f"{path.stem} (written independently; held out)", evaluate(shipped, load_tasks(path)), misses=False)
    look_alikes = evaluate(shipped, load_tasks(UNRELATED_SET))
    print(f"\n## {UNRELATED_SET.stem} (held out): {look_alikes.tasks} requests that are not about software, most")
    print(f"borrowing a software word: {look_alikes.none_rejected:6.1%} rejected")


def report(title: str, result: Evaluation, *, misses: bool = True) -> None:
    print(f"\n## {title}: {result.tasks} tasks")
    print(f"top-1 accuracy {result.top1:6.1%}   (target >= 90%)")
    print(f"top-3 recall   {result.top3_recall:6.1%}   (labelled tasks)")
    print(f"none rejected  {result.none_rejected:6.1%}   (target >= 90%)")
    print(f"lowest recall  {result.min_recall:6.1%}   (target >= 80%)")
    print(f"\n{'label':<22} {'n':>3} {'precision':>9} {'recall':>7} {'F1':>6}")
    for label, s in result.per_label.items():
        print(f"{label:<22} {s.support:>3} {s.precision:>9.2f} {s.recall:>7.2f} {s.f1:>6.2f}")
    if result.misses and misses:
        print("misses (id, label, first answer): " + "; ".join(f"{i} {lab}->{got}" for i, lab, got in result.misses))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.parse_args(argv)
    catalog = load_catalog()
    print(f"# routing quality: {len(catalog)} shipped personas, labels {sorted({t.label for t in load_tasks()})}")
    print(f"(`{NONE}` marks tasks outside software engineering, which should get no recommendation)")
    quality(catalog)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
