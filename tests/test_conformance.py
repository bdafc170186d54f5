"""The official MCP conformance suite (npm `@modelcontextprotocol/conformance`) against the HTTP server.

Every scenario that does not depend on the suite's fixture tools must pass; the rest are listed, each with
its reason, in tests/conformance-baseline.yml. Needs Node 22 and the package: `bash tools/ci-deps.sh`.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from .external import node_tools
from .processes import http_server

BASELINE = Path(__file__).resolve().parent / "conformance-baseline.yml"
SUITE_TIMEOUT_S = 300

# The generic scenarios: any server must pass them, whatever it serves. Never baseline these.
REQUIRED = (
    "server-initialize",  # the handshake-era initialize answers with a valid structure
    "ping",
    "logging-set-level",  # answered although the server sends no log notifications
    "completion-complete",  # completion/complete answers (with no values for the suite's unknown prompt)
    "tools-list",
    "prompts-list",
    "resources-list",
    "tools-call-error",  # an unknown tool is an isError result with a message, not a protocol error
    "dns-rebinding-protection",  # a foreign Host or Origin is refused, a localhost one accepted
)


def baseline_entries() -> list[str]:
    entries: list[str] = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))["server"]
    return entries


def scenario_results(output_dir: Path) -> dict[str, list[str]]:
    """Scenario name to the statuses of its checks, from the suite's `-o` directory."""
    results: dict[str, list[str]] = {}
    for checks_file in sorted(output_dir.glob("server-*/checks.json")):
        name = re.sub(r"-\d{4}-\d{2}-\d{2}T[\d-]+Z$", "", checks_file.parent.name).removeprefix("server-")
        checks = json.loads(checks_file.read_text(encoding="utf-8"))
        results[name] = [check["status"] for check in checks]
    return results


def test_every_baselined_scenario_says_why_and_no_required_one_is_baselined() -> None:
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    entries = [i for i, line in enumerate(lines) if line.startswith("  - ")]
    assert entries
    for index in entries:
        assert lines[index - 1].lstrip().startswith("#"), f"no comment above {lines[index].strip()}"
    assert not set(REQUIRED) & set(baseline_entries())


@pytest.mark.e2e
def test_the_conformance_suite_passes_except_the_baselined_fixture_scenarios(tmp_path: Path) -> None:
    tools = node_tools()
    output = tmp_path / "results"
    with http_server() as url:
        done = subprocess.run(
            [str(tools.node), str(tools.conformance), "server", "--url", url, "--suite", "active",
             "-o", str(output), "--expected-failures", str(BASELINE)],
            capture_output=True, text=True, timeout=SUITE_TIMEOUT_S, cwd=tmp_path,
        )  # fmt: skip
    summary = done.stdout[done.stdout.rfind("=== SUMMARY ===") :]
    assert done.returncode == 0, f"conformance suite failed (exit {done.returncode}):\n{summary}\n{done.stderr[-3000:]}"
    results = scenario_results(output)
    for name in REQUIRED:
        assert results.get(name), f"{name} did not run"
        assert set(results[name]) == {"SUCCESS"}, f"{name}: {results[name]}"
    assert set(baseline_entries()) <= set(results), "a baseline entry names no scenario of this suite version"
