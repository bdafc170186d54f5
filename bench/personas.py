"""Many valid personas for the scale figures: `write(directory, 1000)` fills a directory with persona files.

Each generated persona copies the structure of examples/personas/data-engineer.yaml key by key and fills every
field with text sampled from the shipped personas, so the text has the size and vocabulary of real ones. Ids
are `<domain>-reviewer-NNNN`; `collaborates_with` points at other generated personas; one in four leaves out
the optional `concerns` block, as a user's own persona may, so routing and overlap derive its concerns from
its text. The output is the same for the same seed.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "personas" / "data-engineer.yaml"
SHIPPED = REPO / "personas"
DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
DOMAINS = ("payments", "search", "mobile", "frontend", "compliance", "ml", "storage", "network", "identity")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a mapping")
    return data


def _pools(sources: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """Every value seen for each top-level key, and every item of list-valued keys."""
    pools: dict[str, list[Any]] = {}
    for source in sources:
        for key, value in source.items():
            pools.setdefault(key, []).extend(value if isinstance(value, list) else [value])
    return pools


def _fill(key: str, template: Any, pools: dict[str, list[Any]], rng: random.Random) -> Any:
    """A value for `key` shaped like `template`, drawn from the pool of real values."""
    pool = pools.get(key) or []
    if isinstance(template, list):
        if template and isinstance(template[0], dict):
            by_name = {str(item.get("name", repr(item))).casefold(): item for item in pool if isinstance(item, dict)}
            candidates: list[Any] = [by_name[name] for name in sorted(by_name)]
        else:
            candidates = sorted({str(item) for item in pool})
        candidates = candidates or list(template)
        return copy.deepcopy(rng.sample(candidates, min(len(template), len(candidates))))
    same_shape = [value for value in pool if type(value) is type(template)]
    return copy.deepcopy(rng.choice(same_shape) if same_shape else template)


def persona_id(index: int) -> str:
    return f"{DOMAINS[index % len(DOMAINS)]}-reviewer-{index:04d}"


def write(directory: Path, count: int, *, seed: int = 7) -> list[Path]:
    """Write `count` valid persona files into `directory`; returns their paths."""
    example = _load(EXAMPLE)
    shipped = [_load(path) for path in sorted(SHIPPED.glob("*.yaml"))]
    pools = _pools([example, *shipped])
    categories = sorted({str(p["category"]) for p in [example, *shipped] if p.get("category")})
    whens = [str(c["when"]) for c in pools.get("collaborates_with", []) if isinstance(c, dict)] or ["Related work"]
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        domain = DOMAINS[index % len(DOMAINS)]
        data: dict[str, Any] = {}
        for key, template in example.items():
            if key == "id":
                data[key] = persona_id(index)
            elif key == "name":
                data[key] = f"{domain.title()} Reviewer {index}"
            elif key == "category":
                data[key] = rng.choice(categories)
            elif key == "version":
                data[key] = f"1.{index % 7}.{index % 13}"
            elif key == "collaborates_with":
                others = rng.sample([i for i in range(count) if i != index], min(3, count - 1))
                data[key] = [{"persona_id": persona_id(i), "when": rng.choice(whens)} for i in others]
            elif key == "concerns" and index % 4 == 3:
                continue  # derived from the persona's text instead
            elif key == "summary":
                data[key] = f"{rng.choice(pools[key])} ({domain})"
            else:
                data[key] = _fill(key, template, pools, rng)
        path = directory / f"{persona_id(index)}.yaml"
        text = yaml.dump(data, Dumper=DUMPER, sort_keys=False, allow_unicode=True, width=120)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
