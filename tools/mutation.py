"""Mutation testing of the rules users rely on, with Cosmic Ray, module by module (outside CI; docs/mutation.md).

    python tools/mutation.py                 # every target, each within its share of the time budget
    python tools/mutation.py overlap budget  # some targets
    python tools/mutation.py --list          # the targets, their functions and their tests
    python tools/mutation.py --budget 3600   # seconds for the whole run (default 2400); a stopped run resumes
    python tools/mutation.py --survivors budget  # after adding tests: run the survivors again

Cosmic Ray rewrites the module on disk for each mutant and runs the target's tests in a new process, so the
run works on a copy of the checkout under .mutation/ (the checkout stays untouched and usable meanwhile), with
PYTHONPATH pointing the tests at the copy's source. Each target names the functions and constants it covers
(the rest of a large module, such as routing's BM25 arithmetic, is out of scope: a line filter skips it) and a
fast set of tests that exercise them. Sessions are SQLite files under .mutation/: a run cut by its budget
goes on where it stopped; --fresh starts again (after the module changed).
"""

from __future__ import annotations

import argparse
import ast
import fcntl
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
CORE = "server/persona_mcp/"


@dataclass(frozen=True)
class Target:
    name: str
    module: str
    """Path under server/persona_mcp/."""
    tests: tuple[str, ...]
    names: tuple[str, ...] = ()
    """Top-level functions, classes (Class or Class.method) and constants mutated; empty: the whole module."""
    conftest: bool = True
    """False when the tests need none of tests/conftest.py's fixtures: not importing the MCP SDK saves a
    second a mutant."""


TARGETS = (
    Target(
        "budget",
        "sre/budget.py",
        ("tests/test_policy_boundaries.py", "tests/test_slo.py", "tests/test_slo_rounding.py"),
        conftest=False,
    ),
    Target(
        "alerts",
        "sre/alerts.py",
        ("tests/test_alerts.py", "tests/test_slo_alert_windows.py", "tests/test_slo.py"),
        conftest=False,
    ),
    Target("availability", "sre/availability.py", ("tests/test_availability.py", "tests/test_slo.py"), conftest=False),
    Target(
        "durations",
        "sre/durations.py",
        ("tests/test_durations.py", "tests/test_numbers.py", "tests/test_slo_rounding.py", "tests/test_slo.py"),
        conftest=False,
    ),
    Target(
        "numbers",
        "sre/numbers.py",
        ("tests/test_numbers.py", "tests/test_slo_rounding.py", "tests/test_durations.py", "tests/test_slo.py"),
        conftest=False,
    ),
    Target(
        "toil",
        "sre/toil.py",
        ("tests/test_toil.py", "tests/test_policy_boundaries.py", "tests/test_slo.py"),
        conftest=False,
    ),
    Target(
        "oncall",
        "sre/oncall.py",
        ("tests/test_oncall.py", "tests/test_policy_boundaries.py", "tests/test_slo.py"),
        conftest=False,
    ),
    Target(
        "readiness-rules",
        "sre/readiness/rules.py",
        ("tests/test_readiness_boundaries.py", "tests/test_readiness_practice.py", "tests/test_readiness_checklist.py"),
        (
            "in_series",
            "rule_no_single_points_of_failure",
            "rule_zone_redundancy",
            "rule_slo_achievable_with_dependencies",
            "rule_critical_dependency_availability_known",
            "rule_sla_looser_than_slo",
            "rule_slo_meets_tier_target",
            "rule_toil_under_cap",
            "rule_toil_not_scaling_with_load",
        ),
    ),
    Target(
        "readiness-checks",
        "sre/readiness/checks.py",
        ("tests/test_readiness_boundaries.py", "tests/test_readiness_practice.py", "tests/test_readiness_checklist.py"),
        ("_always", "_one_of", "_TESTS", "_NEEDS", "_FieldTest", "_Group", "_RuleCall", "_Fixed", "compile_check"),
    ),
    Target(
        "overlap",
        "analysis/overlap.py",
        ("tests/test_overlap_boundaries.py",),
        (
            "MERGE_SCORE",
            "EXTEND_COVERAGE",
            "CONDITIONS_COVERAGE",
            "CONDITIONS_SCORE",
            "_verdict",
            "_percent",
            "overlap_warnings",
        ),
    ),
    Target(
        "routing",
        "analysis/routing.py",
        (
            "tests/test_routing_boundaries.py",
            "tests/test_routing.py::test_bad_arguments_name_the_argument",
            "tests/test_routing.py::test_a_task_at_the_length_limit_is_accepted",
            "tests/test_routing.py::test_recommendations_are_ranked_and_limited",
            "tests/test_routing.py::test_the_runner_up_is_the_best_persona_left_out_and_says_why",
            "tests/test_routing.py::test_ties_are_broken_by_id",
        ),
        (
            "MIN_SCORE",
            "RELATIVE_CUTOFF",
            "MIN_EVIDENCE",
            "UNRELATED_SHARE",
            "STRONG_EVIDENCE",
            "MAX_TASK_CHARS",
            "MAX_LIMIT",
            "recommend_personas",
        ),
    ),
    Target(
        "http",
        "server/http.py",
        ("tests/test_http_settings.py",),
        (
            "LOOPBACK_NAMES",
            "DEFAULT_MAX_BODY_BYTES",
            "DEFAULT_MAX_CONCURRENCY",
            "is_loopback",
            "check_exposure",
            "transport_security",
        ),
    ),
)


EXCLUDED_OPERATORS = (
    r"core/ReplaceBinaryOperator_\w+_(BitOr|BitAnd|BitXor|LShift|RShift|MatMult)$",
    r"core/ReplaceComparisonOperator_(Eq|NotEq)_(Is|IsNot)$",
)
"""Left out as a class. Bitwise, shift and matrix operators in place of arithmetic: on the floats and Decimals
of this code each is a TypeError that any test through the line kills; they would double the run and teach
nothing. `==` turned into `is` (and `!=` into `is not`): this code compares with literals (strings, small
integers) that CPython interns, where the two agree; the mutant is equivalent, not a gap."""


def _command(target: Target) -> list[str]:
    python = str(ROOT / ".venv" / "bin" / "python")
    flags = ["-x", "-q", "-p", "no:cacheprovider", *([] if target.conftest else ["--noconftest"])]
    return ["env", "PYTHONPATH=server", python, "-m", "pytest", *flags, *target.tests]


def _lines(source: str, names: tuple[str, ...]) -> list[str]:
    """Line ranges ("start-end") of the named top-level definitions and assignments in `source`."""
    tree = ast.parse(source)
    spans: dict[str, tuple[int, int]] = {}
    for node in tree.body:
        end = node.end_lineno or node.lineno
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            spans[node.name] = (node.lineno, end)
        elif isinstance(node, ast.ClassDef):
            spans[node.name] = (node.lineno, end)
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    spans[f"{node.name}.{item.name}"] = (item.lineno, item.end_lineno or item.lineno)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    spans[target.id] = (node.lineno, end)
    missing = [name for name in names if name not in spans]
    if missing:
        raise SystemExit(f"mutation: {', '.join(missing)} not found at the top of the module; update TARGETS")
    return [f"{spans[name][0]}-{spans[name][1]}" for name in names]


def _annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the parameter, return and local-variable annotations of functions sit: with `from __future__ import
    annotations` they are strings Python never evaluates, so a mutant there (`int | None` -> `int + None`) is
    equivalent. (A class attribute's annotation is not among them: pydantic evaluates a model's.)"""
    tree = ast.parse(source)
    if not any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(a.name == "annotations" for a in node.names)
        for node in tree.body
    ):
        return []
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # A local variable's annotation (`loc: list[str | int] = ...`) is never evaluated either.
            for inner in ast.walk(node):
                note = inner.annotation if isinstance(inner, ast.AnnAssign) else None
                if note is not None and note.end_lineno is not None and note.end_col_offset is not None:
                    spans.append(((note.lineno, note.col_offset), (note.end_lineno, note.end_col_offset)))
            args = node.args
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            notes = [a.annotation for a in every if a is not None and a.annotation is not None]
            for note in [*notes, node.returns]:
                if note is not None and note.end_lineno is not None and note.end_col_offset is not None:
                    spans.append(((note.lineno, note.col_offset), (note.end_lineno, note.end_col_offset)))
    return spans


def _skip_annotations(session: Path, module: str) -> None:
    """Mark the mutants inside function annotations as skipped (equivalent, see _annotation_spans)."""
    from cosmic_ray.work_db import use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans = _annotation_spans((ROOT / module).read_text(encoding="utf-8"))
    with use_db(str(session)) as db:
        skipped = [
            item.job_id
            for item in db.work_items
            for m in item.mutations
            if any(start <= tuple(m.start_pos) and tuple(m.end_pos) <= end for start, end in spans)
        ]
        if skipped:
            db.set_multiple_results(
                skipped, WorkResult(output="annotation (never evaluated)", worker_outcome=WorkerOutcome.SKIPPED)
            )


def _copy_tree(tree: Path) -> None:
    """The checkout's files (not its virtual environment or caches) under .mutation/, one copy per target so
    that two targets can run side by side."""
    if tree.exists():
        shutil.rmtree(tree)
    ignore = shutil.ignore_patterns(".venv", ".git", ".mutation", "__pycache__", ".*_cache", "node_modules", ".ci")
    shutil.copytree(ROOT, tree, ignore=ignore)


def _config(target: Target, timeout: float) -> Path:
    module = CORE + target.module
    text = [
        "[cosmic-ray]",
        f'module-path = "{module}"',
        f"timeout = {timeout}",
        "excluded-modules = []",
        f'test-command = "{" ".join(_command(target))}"',
        "[cosmic-ray.distributor]",
        'name = "local"',
        "[cosmic-ray.filters.operators-filter]",
        "exclude-operators = [" + ", ".join(f"'{e}'" for e in EXCLUDED_OPERATORS) + "]",
    ]
    if target.names:
        spans = _lines((ROOT / module).read_text(encoding="utf-8"), target.names)
        text += ["[cosmic-ray.filters.line-filter.lines]", f'"{module}" = {spans!r}'.replace("'", '"')]
    path = WORK / f"{target.name}.toml"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def _bin(name: str) -> str:
    return str(ROOT / ".venv" / "bin" / name)


def _counts(session: Path) -> dict[str, int]:
    """Mutants by outcome: killed, survived, incompetent (the mutant does not import), pending, skipped."""
    counts = {"killed": 0, "survived": 0, "incompetent": 0, "timeout": 0, "pending": 0, "skipped": 0}
    with sqlite3.connect(session) as db:
        rows = db.execute(
            "SELECT r.worker_outcome, r.test_outcome FROM work_items w LEFT JOIN work_results r USING (job_id)"
        ).fetchall()
    for worker, test in rows:  # SQLAlchemy stores the enums by name: NORMAL, SKIPPED, KILLED, SURVIVED...
        if worker is None:
            counts["pending"] += 1
        elif worker == "SKIPPED":
            counts["skipped"] += 1
        elif test == "KILLED":
            counts["killed"] += 1
        elif test == "SURVIVED":
            counts["survived"] += 1
        else:
            counts["incompetent"] += 1
    return counts


DEFERRED = "deferred: not run while survivors are run again"


def _retest_survivors(session: Path) -> None:
    """Forget the survivors' results so that exec runs them again (after tests were added: a mutant once
    killed stays killed while tests are only added), and hold back the mutants not run yet meanwhile."""
    with sqlite3.connect(session) as db:
        db.execute(
            "INSERT INTO work_results (job_id, worker_outcome, output) SELECT job_id, 'SKIPPED', ? FROM work_items "
            "WHERE job_id NOT IN (SELECT job_id FROM work_results)",
            (DEFERRED,),
        )
        db.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'")


def _release_deferred(session: Path) -> None:
    with sqlite3.connect(session) as db:
        db.execute("DELETE FROM work_results WHERE output = ?", (DEFERRED,))


def run(target: Target, budget: float, fresh: bool, survivors: bool = False) -> dict[str, int]:
    """Run `target`'s mutants within `budget` seconds, holding its lock: two runs of one target would share its
    tree and session, rewrite the tree under each other's test runs and record those mutants as exceptions."""
    WORK.mkdir(exist_ok=True)
    with (WORK / f"{target.name}.lock").open("w", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"mutation: another run is working on {target.name}; wait for it to end") from None
        return _run(target, budget, fresh, survivors)


def _run(target: Target, budget: float, fresh: bool, survivors: bool) -> dict[str, int]:
    tree = WORK / f"tree-{target.name}"
    _copy_tree(tree)
    config = _config(target, timeout=60.0)
    session = WORK / f"{target.name}.sqlite"
    if fresh:
        session.unlink(missing_ok=True)
    if survivors and session.exists():
        _retest_survivors(session)
    # The tests must pass on the unmutated copy, or every mutant would count as killed.
    if subprocess.run(_command(target), cwd=tree, capture_output=True, check=False).returncode:
        raise SystemExit(f"mutation: {target.name}'s tests fail without a mutant: {' '.join(target.tests)}")
    if not session.exists():
        subprocess.run([_bin("cosmic-ray"), "init", str(config), str(session)], cwd=tree, check=True)
        subprocess.run([_bin("cr-filter-operators"), str(session), str(config)], cwd=tree, check=True)
        _skip_annotations(session, CORE + target.module)
        if target.names:
            subprocess.run([_bin("cr-filter-lines"), "--config", str(config), str(session)], cwd=tree, check=True)
    # Its own process group, so that the budget stops the test run under way too.
    exec_command = [_bin("cosmic-ray"), "exec", str(config), str(session)]
    with subprocess.Popen(exec_command, cwd=tree, start_new_session=True) as proc:
        try:
            proc.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            print(f"mutation: {target.name} stopped at its budget ({budget:.0f} s); run again to go on")
    # A run stopped mid-mutant leaves the module mutated: put the original back before the next target.
    shutil.copy2(ROOT / CORE / target.module, tree / CORE / target.module)
    _skip_annotations(session, CORE + target.module)  # again: a run may have taken them before they were marked
    _release_deferred(session)
    return _counts(session)


EXPLAINED = ROOT / "tools" / "mutation-survivors.yaml"


def explanations() -> dict[tuple[str, str, str], dict[str, str]]:
    """The explained survivors (tools/mutation-survivors.yaml) by module, operator and mutated line."""
    import yaml

    entries = yaml.safe_load(EXPLAINED.read_text(encoding="utf-8")) or []
    return {(e["module"], e["operator"], " ".join(e["mutant"].split())): e for e in entries}


def _survivors(session: Path) -> list[tuple[int, str, str]]:
    """(line, operator, mutated line) of each surviving mutant."""
    with sqlite3.connect(session) as db:
        rows = db.execute(
            "SELECT m.start_pos_row, m.operator_name, r.diff FROM mutation_specs m JOIN work_results r "
            "USING (job_id) WHERE r.test_outcome = 'SURVIVED' ORDER BY m.start_pos_row, m.operator_name"
        ).fetchall()
    found = []
    for line, operator, diff in rows:
        changed = [d[1:].strip() for d in (diff or "").splitlines() if d.startswith("+") and not d.startswith("+++")]
        found.append((line, operator.removeprefix("core/"), " ".join(" ".join(changed).split())))
    return found


def report(targets: list[Target]) -> int:
    """The figures and the survivors as Markdown, for docs/mutation.md; the number of unexplained survivors."""
    known = explanations()
    print("| target | module | killed | survived | equivalent | not run | score |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    lines, unexplained = [], 0
    for target in targets:
        session = WORK / f"{target.name}.sqlite"
        if not session.exists():
            print(f"| {target.name} | {target.module} | - | - | - | - | not run |")
            continue
        c = _counts(session)
        equivalent = 0
        for line, operator, mutant in _survivors(session):
            entry = known.get((target.module, operator, mutant))
            if entry is None:
                unexplained += 1
                lines.append(f"- `{target.module}:{line}` {operator} (`{mutant}`): UNEXPLAINED")
                continue
            equivalent += entry["verdict"] == "equivalent"
            lines.append(f"- `{target.module}:{line}` {operator} (`{mutant}`): {entry['verdict']}; {entry['reason']}")
        alive = c["survived"] - equivalent
        done = c["killed"] + alive
        score = f"{c['killed'] / done:.1%}" if done else "-"
        row = f"{c['killed']} | {alive} | {equivalent} | {c['pending']}"
        print(f"| {target.name} | {target.module} | {row} | {score} |")
    print("\n## Surviving mutants and why\n\n" + ("\n".join(lines) or "None."))
    return unexplained


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="*", help=f"among: {', '.join(t.name for t in TARGETS)} (default: all)")
    parser.add_argument("--budget", type=float, default=2400.0, help="seconds for the whole run (default 2400)")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results of these targets")
    parser.add_argument("--survivors", action="store_true", help="run the surviving mutants again (after new tests)")
    parser.add_argument("--list", action="store_true", help="list the targets and stop")
    parser.add_argument("--report", action="store_true", help="print the figures and survivors as Markdown")
    args = parser.parse_args(argv)
    by_name = {t.name: t for t in TARGETS}
    unknown = [name for name in args.targets if name not in by_name]
    if unknown:
        parser.error(f"unknown target {', '.join(unknown)}; accepted: {', '.join(by_name)}")
    chosen = [by_name[name] for name in args.targets] or list(TARGETS)
    if args.report:
        unexplained = report(chosen)
        if unexplained:
            print(f"\nmutation: {unexplained} survivor(s) unexplained: kill or explain each in {EXPLAINED.name}")
        return 1 if unexplained else 0
    if args.list:
        for t in chosen:
            print(f"{t.name}: {CORE}{t.module} [{', '.join(t.names) or 'whole module'}] <- {' '.join(t.tests)}")
        return 0
    deadline = time.monotonic() + args.budget
    print(f"{'target':<18} {'killed':>6} {'survived':>8} {'incompetent':>11} {'pending':>7}  score")
    for i, target in enumerate(chosen):
        share = (deadline - time.monotonic()) / (len(chosen) - i)
        c = run(target, max(share, 1.0), args.fresh, args.survivors)
        done = c["killed"] + c["survived"]
        score = f"{c['killed'] / done:.1%}" if done else "-"
        counts = f"{c['killed']:>6} {c['survived']:>8} {c['incompetent']:>11} {c['pending']:>7}"
        print(f"{target.name:<18} {counts}  {score}")
    print(f"survivors: {_bin('cr-report')} --show-diff --surviving-only .mutation/<target>.sqlite")
    return 0


if __name__ == "__main__":
    sys.exit(main())
