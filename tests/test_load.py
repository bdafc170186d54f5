"""Load: 32 concurrent clients against one HTTP server on 127.0.0.1 for a bounded time, with zero errors.

The load generator (bench/load.py) runs in its own process so that, on a 2-core machine, it does not share
a core or an event loop with the test. PERSONA_MCP_LOAD_SECONDS shortens the run for quick local checks.
"""

from __future__ import annotations

import os

import pytest

from .external import finish_load, start_load
from .processes import http_server

pytestmark = pytest.mark.e2e

CLIENTS = 32
SECONDS = float(os.environ.get("PERSONA_MCP_LOAD_SECONDS", "30"))


def test_32_clients_calling_tools_and_prompts_for_a_bounded_time_see_no_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with http_server() as url:
        report = finish_load(start_load(url, CLIENTS, SECONDS), SECONDS)
    with capsys.disabled():  # the figures belong on the terminal, not only in a failure report
        print(f"\nload, one server: {report['calls']} calls, {report['throughput']:.0f} calls/s, "
              f"p50 {report['p50_ms']:.1f} ms, p99 {report['p99_ms']:.1f} ms, {report['errors']} errors")  # fmt: skip
    assert report["errors"] == 0, (report["errors_by_kind"], report["error_samples"])
    assert set(report["calls_by_kind"]) == {"tools/call list_personas", "tools/call get_persona", "prompts/get sre"}
    assert report["calls"] >= CLIENTS
