"""The benchmark's reference server does what bench/results.md says it does.

Benchmarks time things and assert nothing; this checks what their figures stand on: the floor is a bare
server whose `echo` returns its text, and with `--replay` it returns each recorded result of ours unchanged,
so the "result size" rows compare our tools with the very bytes they send.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from persona_mcp.catalog.loader import Catalog
from persona_mcp.server.app import build_server

from .conftest import ROOT

pytestmark = pytest.mark.e2e

FLOOR = ROOT / "bench" / "floor_server.py"
TIMEOUT_S = 60
CALLS: dict[str, dict[str, Any]] = {
    "slo_error_budget": {"objective": 99.9, "window": "30d"},
    "recommend_personas": {"task": "Review the retry logic of our payment API"},
    "get_persona": {"persona_id": "nope"},  # an error result replays as an error result
}


def test_the_floor_echoes_and_replays_recorded_results_unchanged(catalog: Catalog, tmp_path: Path) -> None:
    def wire(result: Any) -> dict[str, Any]:
        dumped: dict[str, Any] = result.model_dump(mode="json", by_alias=True, exclude_none=True)
        return dumped

    async def main() -> None:
        async with Client(build_server(catalog)) as ours:
            recorded = {name: wire(await ours.call_tool(name, arguments)) for name, arguments in CALLS.items()}
        assert recorded["get_persona"]["isError"] is True
        recordings = tmp_path / "results.json"
        recordings.write_text(json.dumps(recorded), encoding="utf-8")
        params = StdioServerParameters(command=sys.executable, args=[str(FLOOR), "--replay", str(recordings)])
        with anyio.fail_after(TIMEOUT_S):
            async with Client(params) as floor:
                assert {tool.name for tool in (await floor.list_tools()).tools} == {"echo", *CALLS}
                echoed = wire(await floor.call_tool("echo", {"text": "hello"}))
                assert echoed["content"] == [{"type": "text", "text": "hello"}]
                for name, result in recorded.items():
                    assert wire(await floor.call_tool(name, {})) == result, name

    anyio.run(main)


def test_a_smoke_run_marks_its_verdicts_as_not_to_be_judged_by() -> None:
    # A quick run's few calls cannot tell 1.2x from 1.3x; its table must not read like a full run's.
    spec = importlib.util.spec_from_file_location("bench_figures", ROOT / "bench" / "figures.py")
    assert spec is not None
    assert spec.loader is not None
    figures = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = figures  # dataclasses look their module up while the class is built
    spec.loader.exec_module(figures)
    table = figures.Table()
    table.add(figures.Row("tools/call x vs echo", result=figures.verdict(False)))
    table.add(figures.Row("a figure with no target"))
    assert "| MISS |" in table.markdown()
    table.smoke = True
    smoke = table.markdown()
    assert "| miss (smoke) |" in smoke
    assert "MISS" not in smoke
    assert smoke.splitlines()[-1].endswith("|  |")  # no verdict, no mark
