"""The SLO tools through the SDK client and the CLI: the adapters pass arguments through and return the core's
results unchanged, and bad arguments get errors that name them while the server keeps serving."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from mcp import Client
from mcp_types import TextContent

from persona_mcp.cli.main import main
from persona_mcp.sre.alerts import burn_rate_alerts
from persona_mcp.sre.availability import composite_availability
from persona_mcp.sre.budget import budget_status, error_budget
from persona_mcp.sre.capacity import capacity_forecast
from persona_mcp.sre.oncall import oncall_load
from persona_mcp.sre.toil import toil_assessment

from .conftest import ROOT

pytestmark = pytest.mark.anyio

SYSTEM = {"serial": [{"name": "api", "availability": 99.99}, {"name": "db", "availability": 99.95}]}
TASKS = [{"name": "cache", "minutes_per_occurrence": 30, "occurrences_per_week": 1, "automation_hours": 8}]

# (tool, arguments, the same call on the core)
CALLS: list[tuple[str, dict[str, Any], Any]] = [
    ("slo_error_budget", {"objective": 99.9, "window": "30d"}, lambda: error_budget("99.9", "30d")),
    (
        "slo_error_budget",
        {"objective": 99.95, "window": "28d", "total_events": 1_000_000, "sla": 99.95},
        lambda: error_budget("99.95", "28d", 1_000_000, "99.95"),
    ),
    (
        "slo_budget_status",
        {"objective": 99.9, "window": "30d", "downtime_seconds": 1200, "elapsed": "10d"},
        lambda: budget_status("99.9", "30d", downtime_seconds=1200, elapsed="10d"),
    ),
    (
        "slo_budget_status",
        {"objective": 99.5, "window": "7d", "bad_events": 900, "total_events": 100_000},
        lambda: budget_status("99.5", "7d", bad_events=900, total_events=100_000),
    ),
    ("slo_burn_rate_alerts", {"objective": 99.9, "window": "28d"}, lambda: burn_rate_alerts("99.9", "28d")),
    (
        "slo_burn_rate_alerts",
        {"objective": 99.9, "window": "30d", "profile": "sloth"},
        lambda: burn_rate_alerts("99.9", "30d", "sloth"),
    ),
    (
        "availability_composite",
        {"system": SYSTEM, "target": 99.9},
        lambda: composite_availability(SYSTEM, "99.9"),
    ),
    (
        "capacity_forecast",
        {
            "current_load": 1000,
            "current_utilization": 40,
            "threshold_utilization": 80,
            "growth_rate": 10,
            "lead_time_periods": 3,
            "latency_seconds": 0.2,
        },
        lambda: capacity_forecast(1000, 40, 80, 10, "month", 3, "0.2"),
    ),
    ("toil_assessment", {"tasks": TASKS, "team_size": 2}, lambda: toil_assessment(TASKS, 2)),
    ("oncall_load", {"team_size": 6, "pages_per_week": 4}, lambda: oncall_load(6, 4)),
]


@pytest.mark.parametrize(("tool", "arguments", "core"), CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CALLS)])
async def test_each_tool_returns_the_core_result_with_its_summary(
    client: Client, tool: str, arguments: dict[str, Any], core: Any
) -> None:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    expected = core()
    assert result.structured_content == expected.model_dump(mode="json")
    assert isinstance(result.content[0], TextContent)
    assert result.content[0].text == expected.summary


async def test_the_research_numbers_come_back_exactly(client: Client) -> None:
    budget = await client.call_tool("slo_error_budget", {"objective": 99.9, "window": "30d"})
    assert budget.structured_content is not None
    assert budget.structured_content["allowed_downtime_seconds"] == 2592
    assert budget.structured_content["allowed_downtime_human"] == "43m 12s"
    alerts = await client.call_tool("slo_burn_rate_alerts", {"objective": 99.9, "window": "28d"})
    assert alerts.structured_content is not None
    assert alerts.structured_content["alerts"][0]["burn_rate"] == 13.44


BAD: list[tuple[str, dict[str, Any], str]] = [
    # (tool, arguments, the argument the error must name)
    ("slo_error_budget", {"objective": 0}, "objective"),
    ("slo_error_budget", {"objective": 100}, "objective"),
    ("slo_error_budget", {"objective": 101}, "objective"),
    ("slo_error_budget", {"objective": "NaN"}, "objective"),
    ("slo_error_budget", {"objective": "abc"}, "objective"),
    ("slo_error_budget", {"objective": 99.9, "window": "-30d"}, "window"),
    ("slo_error_budget", {"objective": 99.9, "window": "30 parsecs"}, "window"),
    ("slo_budget_status", {"objective": 99.9}, "downtime_seconds"),
    ("slo_burn_rate_alerts", {"objective": 99.9, "profile": "custom"}, "alerts"),
    ("availability_composite", {"system": {"k_of_n": {"k": 3, "of": [{"availability": 99}] * 2}}}, "system"),
    ("availability_composite", {"system": {"availability": 150}}, "system"),
    (
        "capacity_forecast",
        {"current_load": 1, "current_utilization": 40, "threshold_utilization": 80, "growth_rate": -100},
        "growth_rate",
    ),
    (
        "capacity_forecast",
        {"current_load": 1, "current_utilization": 120, "threshold_utilization": 80, "growth_rate": 5},
        "current_utilization",
    ),
    ("toil_assessment", {"tasks": [{"name": "x"}], "team_size": 2}, "tasks"),
    ("oncall_load", {"team_size": 0, "pages_per_week": 1}, "team_size"),
]


@pytest.mark.parametrize(("tool", "arguments", "argument"), BAD, ids=[f"{b[0]}-{b[2]}-{i}" for i, b in enumerate(BAD)])
async def test_bad_arguments_are_errors_that_name_the_argument(
    client: Client, tool: str, arguments: dict[str, Any], argument: str
) -> None:
    result = await client.call_tool(tool, arguments)
    assert result.is_error
    assert isinstance(result.content[0], TextContent)
    text = result.content[0].text
    assert argument in text
    assert "Traceback" not in text
    assert not (await client.call_tool("slo_error_budget", {"objective": 99.9})).is_error  # still serving


# --- the same commands on the CLI ---------------------------------------------------------------------


def example(name: str) -> Any:
    return yaml.safe_load((ROOT / "examples" / "sre" / name).read_text(encoding="utf-8"))


CLI: list[tuple[list[str], Any]] = [
    (["slo", "budget", "99.9", "--window", "30d"], lambda: error_budget("99.9", "30d")),
    (["slo", "status", "99.9", "--downtime-seconds", "1200"], lambda: budget_status("99.9", "30d", 1200)),
    (["slo", "alerts", "99.9", "--profile", "sloth"], lambda: burn_rate_alerts("99.9", "30d", "sloth")),
    (
        ["availability", str(ROOT / "examples/sre/system.yaml"), "--target", "99.9"],
        lambda: composite_availability(example("system.yaml"), "99.9"),
    ),
    (
        [
            "capacity",
            "--current-load",
            "1000",
            "--current-utilization",
            "40",
            "--threshold-utilization",
            "80",
            "--growth-rate",
            "10",
        ],
        lambda: capacity_forecast(1000, 40, 80, 10),
    ),
    (
        ["toil", str(ROOT / "examples/sre/toil.yaml"), "--team-size", "4"],
        lambda: toil_assessment(example("toil.yaml")["tasks"], 4),
    ),
    (["oncall", "--team-size", "5", "--pages-per-week", "3"], lambda: oncall_load(5, 3)),
]


@pytest.mark.parametrize(("argv", "core"), CLI, ids=[" ".join(c[0][:2]) for c in CLI])
def test_each_cli_command_prints_the_core_result_as_json_and_as_a_table(
    capsys: pytest.CaptureFixture[str], argv: list[str], core: Any
) -> None:
    expected = core()
    assert main([*argv, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == expected.model_dump(mode="json")
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0] == expected.summary
    assert "field" in table


@pytest.mark.parametrize(
    ("argv", "argument"),
    [
        (["slo", "budget", "101"], "objective"),
        (["slo", "budget", "99.9", "--window", "30 parsecs"], "window"),
        (["availability", "/nonexistent/system.yaml"], "/nonexistent/system.yaml"),
        (["capacity", "--current-load", "1", "--current-utilization", "40", "--threshold-utilization", "80",
          "--growth-rate", "-150"], "growth_rate"),
    ],
)  # fmt: skip
def test_cli_errors_are_one_line_naming_the_argument(
    capsys: pytest.CaptureFixture[str], argv: list[str], argument: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert argument in err
