"""Every number the README's prose states, computed from the code or the data it describes (issue 21).

The console examples are run by test_docs.py, the routing paragraph by test_routing_ops.py, the checklist's item
count and the repository limits by test_docs.py, the HTTP limits table by test_http_connections.py and the
performance table against bench/results.md by test_docs.py. Here: the rest of the prose, each sentence found in
the README with the figure computed, so a change to the code or the data that moves a figure fails until the
README says the new one.
"""

from __future__ import annotations

import re

import pytest

from persona_mcp.analysis.examples import load_examples
from persona_mcp.analysis.overlap import MAX_CANDIDATE_CHARS
from persona_mcp.analysis.routing import MAX_TASK_CHARS
from persona_mcp.catalog.concerns import taxonomy
from persona_mcp.catalog.loader import MAX_FILES_PER_DIR
from persona_mcp.catalog.render import MAX_SUBJECT_CHARS
from persona_mcp.data import MAX_DEPTH, MAX_FILE_BYTES, MAX_INT_DIGITS
from persona_mcp.server import stdio
from persona_mcp.server.http import HttpSettings
from persona_mcp.sre.alerts import MIN_PAGE_BURN, burn_rate_alerts
from persona_mcp.sre.budget import error_budget
from persona_mcp.sre.durations import parse_duration
from persona_mcp.sre.oncall import OPS_CAP_FRACTION, STANDARD_WEEK_HOURS, WORK_HOURS_PER_DAY, WORK_HOURS_PER_WEEK
from persona_mcp.sre.readiness import load_checklist

from .conftest import ROOT

FLAT = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def _says(sentence: str) -> None:
    assert sentence in FLAT, f"README.md no longer says: {sentence}"


def test_the_input_limits_the_readme_states() -> None:
    _says(f"(up to {MAX_SUBJECT_CHARS:,} characters)")
    _says(
        f"`subject` {MAX_SUBJECT_CHARS:,} characters, `task` {MAX_TASK_CHARS:,}, "
        f"a candidate persona {MAX_CANDIDATE_CHARS:,}"
    )
    _says(f"integers of at most {MAX_INT_DIGITS:,} digits")
    _says(f"{MAX_FILE_BYTES // 2**20} MiB, UTF-8, YAML 1.2 numbers and booleans, nesting {MAX_DEPTH},")
    _says(f"{MAX_FILES_PER_DIR:,} files a directory")
    _says(f"| a stdio message line | {stdio.MAX_LINE_BYTES // 2**20} MiB; JSON nested at most {stdio.MAX_DEPTH} deep")
    grace = HttpSettings().graceful_shutdown_s
    _says(f"requests in flight get {stdio.GRACE_S:g} s (stdio) or {grace:g} s (HTTP) to finish")


def test_the_data_counts_the_readme_states() -> None:
    _says(f"{len(load_examples().items)} requests written as users write")
    concerns = len(taxonomy().ids)
    _says("concerns.yaml): about 100,")
    assert abs(concerns - 100) <= 10, concerns


def test_the_slo_figures_of_the_prose_are_what_the_tools_compute() -> None:
    budget = error_budget(99.9, "30d")
    _says(f"(99.9% over 30 days: {budget.allowed_downtime_seconds / 60:g} minutes)")
    _says(f"(99.9% of 30 days is exactly {budget.allowed_downtime_seconds:,.0f} s;")
    _says(f"a day is {parse_duration('1d'):,.0f} s, `30d` is {parse_duration('30d'):,.0f} s")
    week, season, month = (burn_rate_alerts(99.9, w).summary for w in ("7d", "90d", "30d"))
    assert week.startswith("99.9% over 7d: page 14.4x over 14m/1m10s")
    _says("7 days pages at 14.4x over 14m/1m 10s")
    assert season.startswith("99.9% over 90d: page 14.4x over 3h/15m")
    _says("90 days over 3h/15m")
    assert re.findall(r"(?:page|ticket) ([\d.]+)x", month) == ["14.4", "6", "1"]
    _says("the 30-day factors stay (14.4, 6, 1)")
    _says(f"No page fires below {MIN_PAGE_BURN}x")
    assert burn_rate_alerts(99.9, "28d").summary.startswith("99.9% over 28d: page 13.44x")
    _says("a 28-day page factor is exactly 13.44")


def test_the_oncall_and_toil_limits_the_prose_states() -> None:
    _says(f"12 hours a day and at most {WORK_HOURS_PER_WEEK} hours a week")
    assert WORK_HOURS_PER_DAY == 12
    _says(f"stay within {OPS_CAP_FRACTION:.0%} of a {STANDARD_WEEK_HOURS}-hour week")
    checklist = load_checklist()
    (toil,) = [item for item in checklist.items if item.id == "toil-under-cap"]
    assert toil.check.args == {"cap_fraction": 0.5, "hours_per_engineer_week": 40}  # type: ignore[union-attr]
    _says("held to half of the team's week (`team_size` engineers of 40 hours")


@pytest.mark.parametrize("pages", [8, 9])
def test_a_weekly_pager_carries_at_most_the_incidents_the_readme_says(pages: int) -> None:
    from persona_mcp.sre.oncall import oncall_load

    _says("a weekly pager carries at most 8 incidents")
    load = oncall_load(team_size=8, pages_per_week=pages)
    assert ("over the 48 h one person can work" in load.summary) is (pages > 8)
