"""tools/mutation.py stays runnable as the code moves: every target names functions, constants and tests that exist.

The mutation run itself is outside CI (docs/mutation.md); this checks only what would make it fail to start, or,
worse, quietly mutate nothing: a renamed function, a test file moved away.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_tool", ROOT / "tools" / "mutation.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_tool"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


TOOL = _tool()


@pytest.mark.parametrize("target", TOOL.TARGETS, ids=lambda t: t.name)
def test_each_target_names_what_exists(target: object) -> None:
    module = ROOT / TOOL.CORE / target.module  # type: ignore[attr-defined]
    spans = TOOL._lines(module.read_text(encoding="utf-8"), target.names)  # type: ignore[attr-defined]
    assert len(spans) == len(target.names)  # type: ignore[attr-defined]
    for test in target.tests:  # type: ignore[attr-defined]
        path, _, name = test.partition("::")
        assert (ROOT / path).is_file(), path
        assert not name or f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), test


def test_a_name_that_is_gone_stops_the_run_with_its_name() -> None:
    with pytest.raises(SystemExit, match="renamed_away not found"):
        TOOL._lines("X = 1\n", ("X", "renamed_away"))


def test_function_annotations_are_found_only_where_python_never_evaluates_them() -> None:
    source = (
        "from __future__ import annotations\n\n"
        "def f(a: int | None, *, b: str = 'x') -> dict[str, int]:\n"
        "    c: list[str | int] = []\n"
        "    return {}\n"
        "class M:\n"
        "    field: int | None = None\n"  # a model's field: pydantic evaluates it
    )
    spans = TOOL._annotation_spans(source)
    assert sorted(spans) == [((3, 9), (3, 19)), ((3, 27), (3, 30)), ((3, 41), (3, 55)), ((4, 7), (4, 22))]
    assert TOOL._annotation_spans(source.split("\n", 2)[2]) == []  # without the import they are evaluated


def test_the_command_is_documented() -> None:
    doc = (ROOT / "docs" / "mutation.md").read_text(encoding="utf-8")
    assert "python tools/mutation.py" in doc
    assert all(f"| {t.name} |" in doc for t in TOOL.TARGETS)
    assert Path(ROOT / "pyproject.toml").read_text(encoding="utf-8").count("cosmic-ray==") == 1


def test_every_explained_survivor_names_a_target_module_a_verdict_and_a_reason() -> None:
    modules = {t.module for t in TOOL.TARGETS}
    entries = TOOL.explanations().values()
    assert entries
    for entry in entries:
        assert set(entry) == {"module", "operator", "mutant", "verdict", "reason"}, entry
        assert entry["module"] in modules, entry
        assert entry["verdict"] in ("equivalent", "alive"), entry
        assert len(entry["reason"]) > 20, entry


def test_two_runs_of_one_target_cannot_overlap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    monkeypatch.setattr(TOOL, "WORK", tmp_path)
    target = TOOL.TARGETS[0]
    with (tmp_path / f"{target.name}.lock").open("w", encoding="utf-8") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(SystemExit, match=f"another run is working on {target.name}"):
            TOOL.run(target, 1.0, fresh=False)
