"""The readiness review's toil cap is half the team's week, and its policy names the manifest's window.

A fixed 8 hours a week ignored the team's size, and a 28-day review spoke of a "30-day budget" (issue 13).
"""

from __future__ import annotations

from typing import Any

import pytest

from persona_mcp.readiness import review


def _toil_row(manifest: dict[str, Any]) -> Any:
    return next(r for r in review(manifest).checklist if r.item_id == "toil-under-cap")


@pytest.mark.parametrize(
    ("team_size", "minutes", "status"),
    [
        (None, 1200, "passed"),  # no team size: one engineer assumed, 20 h is exactly the cap
        (None, 1201, "failed"),
        (4, 4800, "passed"),  # four engineers: 80 h a week of toil is half of 160
        (4, 4801, "failed"),
        (1, 1201, "failed"),
        (10, 9000, "passed"),  # 150 h against 200
    ],
)
def test_toil_is_capped_at_half_the_teams_week(team_size: int | None, minutes: int, status: str) -> None:
    manifest: dict[str, Any] = {"name": "svc", "tier": "standard", "toil": [{"task": "t", "minutes_per_week": minutes}]}
    if team_size is not None:
        manifest["documentation"] = {"team_size": team_size}
    assert _toil_row(manifest).status == status


@pytest.mark.parametrize(
    ("window", "phrase"), [("28d", "28-day"), ("7d", "7-day"), ("90d", "90-day"), ("4w", "28-day")]
)
def test_the_policy_names_the_manifests_window(window: str, phrase: str) -> None:
    result = review({"name": "svc", "tier": "critical", "slo": {"availability": 99.95, "window": window}})
    assert f"{phrase} budget" in result.slo_recommendation.policy
    assert "30-day" not in result.slo_recommendation.policy or window == "30d"


@pytest.mark.parametrize("bad", [0, -1, True, "four", 2.5])
def test_a_bad_team_size_is_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(ValueError, match="team_size"):
        review({"name": "svc", "documentation": {"team_size": bad}})
