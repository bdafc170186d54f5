"""What the benchmark's figures stand on (bench/run.py times things and asserts nothing; these check it).

The bare server returns each recorded result of ours unchanged, so a tool's row compares the same bytes; the
benchmark has sample arguments for every tool the server lists, and its largest inputs are ones the tools
accept (a figure for an error result would time the wrong thing).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from persona_mcp.analysis.routing import MAX_TASK_CHARS
from persona_mcp.catalog.loader import Catalog
from persona_mcp.catalog.render import MAX_SUBJECT_CHARS
from persona_mcp.server.app import build_server

from .conftest import ROOT, bench_module

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]

BARE = ROOT / "bench" / "bare_server.py"
TIMEOUT_S = 60
CALLS: dict[str, dict[str, Any]] = {
    "slo_error_budget": {"objective": 99.9, "window": "30d"},
    "recommend_personas": {"task": "Review the retry logic of our payment API"},
    "get_persona": {"persona_id": "nope"},  # an error result replays as an error result
}


def test_the_bare_server_echoes_and_replays_recorded_results_unchanged(catalog: Catalog, tmp_path: Path) -> None:
    def wire(result: Any) -> dict[str, Any]:
        dumped: dict[str, Any] = result.model_dump(mode="json", by_alias=True, exclude_none=True)
        return dumped

    async def main() -> None:
        async with Client(build_server(catalog)) as ours:
            recorded = {name: wire(await ours.call_tool(name, arguments)) for name, arguments in CALLS.items()}
        assert recorded["get_persona"]["isError"] is True
        recordings = tmp_path / "results.json"
        recordings.write_text(json.dumps(recorded), encoding="utf-8")
        params = StdioServerParameters(command=sys.executable, args=[str(BARE), "--replay", str(recordings)])
        with anyio.fail_after(TIMEOUT_S):
            async with Client(params) as bare:
                assert {tool.name for tool in (await bare.list_tools()).tools} == {"echo", *CALLS}
                echoed = wire(await bare.call_tool("echo", {"text": "hello"}))
                assert echoed["content"] == [{"type": "text", "text": "hello"}]
                for name, result in recorded.items():
                    assert wire(await bare.call_tool(name, {})) == result, name

    anyio.run(main)


async def test_the_benchmark_samples_every_tool_with_arguments_it_accepts(client: Client) -> None:
    bench = bench_module()
    listed = {tool.name for tool in (await client.list_tools()).tools}
    assert set(bench.SAMPLES) == listed
    for name, arguments in bench.SAMPLES.items():
        assert not (await client.call_tool(name, arguments)).is_error, name


async def test_the_largest_inputs_are_accepted_and_at_the_stated_limits(client: Client) -> None:
    bench = bench_module()
    inputs = bench.largest_inputs(9)
    for label, (method, params) in inputs.items():
        if method == "tools/call":
            result = await client.call_tool(params["name"], params["arguments"])
            assert not result.is_error, (label, result.content)
        else:
            prompt = await client.get_prompt(params["name"], params["arguments"])
            assert prompt.messages, label
    subject = inputs["prompt sre: a 400,000-character subject (its limit)"][1]["arguments"]["subject"]
    assert len(subject) == MAX_SUBJECT_CHARS
    task = next(p for m, p in inputs.values() if p.get("name") == "recommend_personas")["arguments"]["task"]
    assert len(task) == MAX_TASK_CHARS


def test_a_smoke_run_marks_its_verdicts_as_not_to_be_judged_by() -> None:
    bench = bench_module()
    table = bench.Table(smoke=True)
    table.add(bench.Row("a figure", "1", goal="≤ 2", passed=False))
    assert "miss (smoke)" in table.markdown()
    assert "MISS" not in table.markdown()
    table.smoke = False
    assert "| MISS |" in table.markdown()
    assert table.misses == 1
