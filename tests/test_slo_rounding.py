"""Rounding that is safe: whole events rounded down, durations never rounded up, text equal to the fields.

A staff SRE found 99.9% of 5,000,600 events reported as allowing 5,001 bad events (the field said 5000.6),
and a summary saying "20m 10s" where the field said "20m 9.6s" (issue 13). A budget must never promise an
event or a second the service does not have, and the two faces of one answer must say the same thing.
"""

from __future__ import annotations

import pytest

from persona_mcp.cli.main import main
from persona_mcp.sre.budget import budget_status, error_budget
from persona_mcp.sre.durations import format_duration

from .test_cli import subcommands


@pytest.mark.parametrize(
    ("objective", "total", "allowed"),
    [
        (99.9, 5_000_600, 5_000),  # 5000.6: the case
        (99.9, 7_200, 7),  # 7.2 (slo-vectors.md: 10 requests an hour for 30 days)
        (99.9, 1_000, 1),  # exactly 1: nothing to round
        (99.99, 9_999, 0),  # 0.9999: not one whole bad event
        (99, 150, 1),  # 1.5
        (95, 19, 0),  # 0.95
        (99.5, 1_000_000_000_001, 5_000_000_000),  # 5000000000.005 at a trillion events
    ],
)
def test_allowed_bad_events_are_whole_events_rounded_down_in_field_and_text(
    objective: float, total: int, allowed: int
) -> None:
    result = error_budget(objective, "30d", total_events=total)
    assert result.allowed_bad_events == allowed
    assert isinstance(result.allowed_bad_events, int)
    assert f"{allowed:,} bad events" in result.summary


@pytest.mark.parametrize(
    ("bad", "total", "remaining"),
    [
        (1, 7_200, 6),  # 7.2 - 1 = 6.2
        (7, 7_200, 0),  # 0.2 left: no whole event
        (0, 5_000_600, 5_000),
        (8, 7_200, -1),  # overspent by 0.8: shown as -1, never as 0
    ],
)
def test_remaining_events_are_rounded_down(bad: int, total: int, remaining: int) -> None:
    result = budget_status(99.9, "30d", bad_events=bad, total_events=total)
    assert result.remaining_events == remaining


@pytest.mark.parametrize(
    ("objective", "window"),
    [(99.9, "30d"), (99.95, "28d"), (99.99, "7d"), (99.999, "30d"), (99.5, "90d"), (99.7, "1h")],
)
def test_the_summary_shows_the_allowed_downtime_exactly_as_the_field(objective: float, window: str) -> None:
    result = error_budget(objective, window)
    assert result.allowed_downtime_human in result.summary
    assert result.allowed_downtime_human == format_duration(result.allowed_downtime_seconds)


@pytest.mark.parametrize(("downtime", "left"), [(1200.4, "23m 11.6s"), (1200, "23m 12s"), (2591.9995, "0.0005s")])
def test_the_time_left_in_the_summary_is_never_more_than_the_field(downtime: float, left: str) -> None:
    result = budget_status(99.9, "30d", downtime_seconds=downtime, elapsed="10d")
    assert result.remaining_seconds is not None
    assert f"{left} left" in result.summary
    assert format_duration(result.remaining_seconds) == left


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(1209.6, "20m 9.6s"), (1.2349, "1.234s"), (59.9999, "59.999s"), (86_399.9999, "23h 59m 59.999s")],
)
def test_durations_are_cut_at_the_millisecond_never_rounded_up(seconds: float, shown: str) -> None:
    assert format_duration(seconds) == shown


@pytest.mark.parametrize("command", subcommands())
def test_help_prints_a_percent_sign_once(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit):
        main([*command.split(), "--help"])
    assert "%%" not in capsys.readouterr().out
