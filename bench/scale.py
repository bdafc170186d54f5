"""Generate many valid personas for scale benchmarks, and time the catalog, routing and overlap over them.

    python bench/scale.py DIR --count 1000       # write DIR/<id>.yaml
    python bench/scale.py DIR --measure          # load DIR with the shipped personas; time routing, overlap

Each generated persona copies the structure of examples/personas/data-engineer.yaml key by key and fills
every field with text sampled from the shipped personas (and the example), so the text has the size and
vocabulary of real personas; any field a future schema adds to the example is carried over the same way.
Ids are `<domain>-reviewer-NNNN` and each file is named after its id; `collaborates_with` points at other
generated personas; one in four leaves out the optional `concerns` block (as a user's own persona may), so
routing and overlap derive its concerns from its text. The output is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import importlib
import inspect
import json
import random
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "personas" / "data-engineer.yaml"
SHIPPED = REPO / "personas"
DOMAINS = (
    "payments",
    "search",
    "mobile",
    "frontend",
    "compliance",
    "ml",
    "storage",
    "network",
    "identity",
    "billing",
    "messaging",
    "analytics",
    "gaming",
    "embedded",
    "devex",
    "observability",
)
FIXED_KEYS = {"id", "name", "category", "version", "collaborates_with"}
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_Loader)  # a SafeLoader (C when available)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a mapping")
    return data


def _pools(sources: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """Every value seen for each top-level key, and every item for list-valued keys."""
    pools: dict[str, list[Any]] = {}
    for source in sources:
        for key, value in source.items():
            pool = pools.setdefault(key, [])
            if isinstance(value, list):
                pool.extend(value)
            else:
                pool.append(value)
    return pools


def _unique_by_name(items: list[Any]) -> list[Any]:
    seen: set[str] = set()
    unique = []
    for item in items:
        name = str(item.get("name", "")).casefold() if isinstance(item, dict) else repr(item)
        if name not in seen:
            seen.add(name)
            unique.append(item)
    return unique


def _fill(key: str, template: Any, pools: dict[str, list[Any]], rng: random.Random) -> Any:
    """A value for `key` shaped like `template`, drawn from the pool of real values."""
    pool = pools.get(key) or []
    if isinstance(template, list):
        candidates = _unique_by_name(pool) if template and isinstance(template[0], dict) else list(set(map(str, pool)))
        candidates = candidates if candidates else list(template)
        count = min(len(template), len(candidates))
        return copy.deepcopy(rng.sample(sorted(candidates, key=str), count))
    same_shape = [value for value in pool if type(value) is type(template)]
    return copy.deepcopy(rng.choice(same_shape)) if same_shape else copy.deepcopy(template)


def persona_id(index: int) -> str:
    return f"{DOMAINS[index % len(DOMAINS)]}-reviewer-{index:04d}"


def generate(directory: Path, count: int, *, seed: int = 7) -> list[Path]:
    """Write `count` valid persona files into `directory`; returns their paths.

    Raises:
        ValueError: If the example or a shipped persona is not a YAML mapping.
    """
    example = _load(EXAMPLE)
    shipped = [_load(path) for path in sorted(SHIPPED.glob("*.yaml"))]
    pools = _pools([example, *shipped])
    categories = sorted({str(p.get("category")) for p in [example, *shipped] if p.get("category")})
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        pid = persona_id(index)
        domain = DOMAINS[index % len(DOMAINS)]
        data: dict[str, Any] = {}
        for key, template in example.items():
            if key == "id":
                data[key] = pid
            elif key == "name":
                data[key] = f"{domain.title()} Reviewer {index}"
            elif key == "category":
                data[key] = rng.choice(categories)
            elif key == "version":
                data[key] = f"1.{index % 7}.{index % 13}"
            elif key == "collaborates_with":
                others = rng.sample([i for i in range(count) if i != index], min(3, count - 1)) if count > 1 else []
                whens = [str(c.get("when")) for c in pools.get(key, []) if isinstance(c, dict)] or ["Related work"]
                data[key] = [{"persona_id": persona_id(i), "when": rng.choice(whens)} for i in others]
            elif key == "concerns" and index % 4 == 3:
                continue  # one in four leaves the optional block out, so its concerns are derived from its text
            elif key == "summary":
                data[key] = f"{rng.choice(pools[key])} ({domain})"
            else:
                data[key] = _fill(key, template, pools, rng)
        path = directory / f"{pid}.yaml"
        path.write_text(yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120), "utf-8")
        paths.append(path)
    return paths


TASKS = (
    "Review this PR that adds retries with exponential backoff to the payment client",
    "Our p99 latency doubled after the last deploy, find the bottleneck",
    "Is this service ready for production? We launch next week",
    "Check this SQL migration that adds a NOT NULL column to a 2 TB table",
    "Design the architecture for splitting the monolith's billing module into a service",
    "We leak goroutines under load and sometimes deadlock on shutdown",
    "Audit the login endpoint for injection, session fixation and weak password storage",
    "Write a test plan for the new checkout flow, including edge cases",
    "Set SLOs and error budgets for the search API and propose burn-rate alerts",
    "The nightly ETL job double counts orders when it is re-run after a failure",
    "Refactor this 900-line function into something a new hire can follow",
    "Run the release checklist step by step and make sure every reviewer signed off",
    "Our on-call engineers get 30 pages a week; how do we reduce toil?",
    "def transfer(a, b, amount):\n    a.balance -= amount\n    b.balance += amount  # is this thread safe?",
    "Plan capacity for Black Friday: traffic grows 8% a month and we are at 60% CPU",
    "Pick a partitioning scheme for an events table queried by customer and day",
    "Code review: naming, error handling and tests of this small utility module",
    "Threat model the file upload feature that stores user documents in S3",
    "What is a good recipe for banana bread?",
    "Help me plan a wedding seating chart",
)
"""Routing tasks as users write them: short, long, vague, with code, and two that fit no persona."""


def _call_over_catalog(fn: Callable[..., Any], catalog: Any, **named: Any) -> Any:
    """Call a core function whatever it names its catalog parameter, and whether it wants the catalog, a list
    of personas or a mapping of them; `named` arguments are passed by name.

    Raises:
        TypeError: If no calling convention fits.
    """
    parameters = inspect.signature(fn).parameters
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    others = [
        name
        for name, p in parameters.items()
        if name not in named and p.default is inspect.Parameter.empty and p.kind not in variadic
    ]
    problems = []
    for value in (catalog, list(catalog), catalog.personas):
        try:
            return fn(**dict.fromkeys(others, value), **named)
        except (TypeError, AttributeError) as exc:
            problems.append(f"{type(value).__name__}: {exc}")
    raise TypeError(f"{fn.__module__}.{fn.__qualname__}{inspect.signature(fn)}: " + "; ".join(problems))


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    """`module.name`, or None when the module does not exist yet."""
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise
    fn = getattr(found, name, None)
    return fn if callable(fn) else None


class OverBudget(Exception):
    """A measured call ran past its time budget."""


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Interrupt the Python code inside after `seconds` with OverBudget (SIGALRM; main thread only)."""

    def expired(signum: int, frame: FrameType | None) -> None:
        raise OverBudget(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _time_routing(catalog: Any, rounds: int, seconds: float) -> dict[str, Any] | None:
    recommend = _optional("persona_mcp.analysis.routing", "recommend_personas")
    if recommend is None:
        return None
    fresh = dataclasses.replace(catalog)  # a new catalog object: nothing cached for it yet
    start = time.perf_counter()
    with budget(seconds):
        _call_over_catalog(recommend, fresh, task=TASKS[0])
    first = time.perf_counter() - start
    samples = []
    for _ in range(rounds):
        for task in TASKS:
            start = time.perf_counter()
            _call_over_catalog(recommend, fresh, task=task)
            samples.append(time.perf_counter() - start)
    return {"first_s": first, "per_task_s": samples}


def _time_overlap(catalog: Any, rounds: int, seconds: float) -> dict[str, Any] | None:
    overlap = _optional("persona_mcp.analysis.overlap", "persona_overlap")
    if overlap is None:
        return None
    fresh = dataclasses.replace(catalog)
    start = time.perf_counter()
    with budget(seconds):
        _call_over_catalog(overlap, fresh)
    first = time.perf_counter() - start
    samples: list[float] = []
    for _ in range(max(rounds, 1)):
        start = time.perf_counter()
        _call_over_catalog(overlap, fresh)
        samples.append(time.perf_counter() - start)
        if sum(samples) > seconds:
            break
    return {"first_s": first, "matrix_s": samples}


def measure(directory: Path, rounds: int, seconds: float) -> dict[str, Any]:
    """Load `directory` with the shipped personas, then time routing per task and the overlap matrix.

    Routing and overlap cache what they derive per catalog object (concern profiles, indexes), so each is
    first timed on a fresh copy of the catalog (`first_s`: what the first request after start pays), then
    warm. A first call that runs past `seconds` is stopped and reported as `over_budget`.
    """
    from persona_mcp.catalog.loader import load_catalog

    start = time.perf_counter()
    catalog = load_catalog([directory])
    report: dict[str, Any] = {"personas": len(catalog), "load_s": time.perf_counter() - start}
    for name, timer in (("routing", _time_routing), ("overlap", _time_overlap)):
        try:
            report[name] = timer(catalog, rounds, seconds)
        except OverBudget as exc:
            report[name] = {"over_budget": seconds, "error": str(exc)}
        except Exception as exc:  # the top of a benchmark: report what failed and go on
            report[name] = {"error": f"{type(exc).__name__}: {exc}"[:400]}
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate personas for scale benchmarks, or time them.")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--count", type=int, default=1000, help="personas to generate (default: 1000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--measure", action="store_true", help="time load, routing and overlap; print JSON")
    parser.add_argument("--rounds", type=int, default=3, help="with --measure: passes over the tasks")
    parser.add_argument("--budget", type=float, default=120.0, help="with --measure: seconds allowed a first call")
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.directory, args.rounds, args.budget)))
        return 0
    paths = generate(args.directory, args.count, seed=args.seed)
    print(f"wrote {len(paths)} personas to {args.directory}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
