"""The benchmark's reference server does what bench/results.md says it does.

Benchmarks time things and assert nothing; this checks what their figures stand on: the floor is a bare
server whose `echo` returns its text, and with `--replay` it returns each recorded result of ours unchanged,
so the "result size" rows compare our tools with the very bytes they send.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from persona_mcp.catalog import Catalog
from persona_mcp.server import build_server

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
