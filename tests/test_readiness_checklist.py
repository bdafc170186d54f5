"""The readiness checklist is data: the shipped file validates and covers every category; a bad file fails to load
with the item and the field named."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from persona_mcp.data import resource_path
from persona_mcp.errors import PersonaFileError
from persona_mcp.sre.readiness import (
    RULES,
    TIERS,
    Checklist,
    load_checklist,
    manifest_fields,
    parse_checklist,
    review,
)
from persona_mcp.sre.readiness.checks import EvidenceOnly, RuleCheck

REQUIRED_CATEGORIES = {
    "architecture",
    "slos",
    "observability",
    "incident-response",
    "capacity",
    "change-management",
    "resilience",
    "disaster-recovery",
    "security",
    "toil",
    "documentation",
}


@cache
def _shipped() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(resource_path("readiness-checklist.yaml").read_text(encoding="utf-8"))
    return data


def shipped_data() -> dict[str, Any]:
    """The shipped checklist as plain data, safe to mutate (parsed once: PyYAML is slow)."""
    return copy.deepcopy(_shipped())


def test_the_shipped_checklist_validates_with_at_least_40_items_in_every_category() -> None:
    checklist = load_checklist()
    assert len(checklist.items) >= 40
    assert {c.id for c in checklist.categories} == REQUIRED_CATEGORIES
    per_category = Counter(i.category for i in checklist.items)
    assert set(per_category) == REQUIRED_CATEGORIES
    assert all(count >= 2 for count in per_category.values())
    assert set(checklist.tiers) == set(TIERS)


def test_every_named_rule_is_used_by_an_item() -> None:
    used = {i.check.rule for i in load_checklist().items if isinstance(i.check, RuleCheck)}
    assert used == set(RULES)


def test_no_evidence_only_item_is_a_blocker_so_no_service_is_blocked_for_want_of_a_link() -> None:
    for item in load_checklist().items:
        if isinstance(item.check, EvidenceOnly):
            assert all(item.severity_for(t) != "blocker" for t in item.tiers), item.id


def test_a_prototype_is_held_to_the_basics_only() -> None:
    basics = {i.id for i in load_checklist().items if "prototype" in i.tiers}
    assert basics == {"owner-named", "basic-monitoring", "rollback-possible", "secrets-managed"}


def test_tiers_apply_progressively_more_items() -> None:
    items = load_checklist().items
    counts = [sum(t in i.tiers for i in items) for t in ("prototype", "internal", "standard", "critical")]
    assert counts == sorted(counts)
    prototype_only = [i.id for i in items if i.tiers == ["prototype"]]
    assert counts[-1] == len(items) - len(prototype_only)


def test_every_check_field_path_exists_in_the_manifest() -> None:
    # Validated on load; this pins the registry that validation uses.
    assert {"slo.availability", "deployment.strategy", "capacity.headroom_percent", "toil"} <= set(manifest_fields())
    assert "tier" not in manifest_fields()


Mutation = Callable[[dict[str, Any]], None]


def set_check(item_id: str, check: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        next(i for i in data["items"] if i["id"] == item_id)["check"] = check

    return mutate


def set_field(item_id: str, key: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        next(i for i in data["items"] if i["id"] == item_id)[key] = value

    return mutate


def drop_tier(data: dict[str, Any]) -> None:
    del data["tiers"]["internal"]


def duplicate_item(data: dict[str, Any]) -> None:
    data["items"].append(copy.deepcopy(data["items"][0]))


BAD_CHECKLISTS: list[tuple[str, Mutation, str]] = [
    # (what, how the shipped data is broken, what the error must mention)
    ("an unknown rule", set_check("slo-defined", {"rule": "slo_is_nice"}), "(slo-defined): check: unknown rule"),
    (
        "an unknown field path",
        set_check("runbooks", {"field": "incident_response.runbook", "is": True}),
        "(runbooks): check: unknown field path 'incident_response.runbook'",
    ),
    (
        "a nested unknown field path",
        set_check("runbooks", {"all": [{"field": "slo.availability", "present": True}, {"field": "x.y", "is": 1}]}),
        "(runbooks): check.all[1]: unknown field path 'x.y'",
    ),
    (
        "a number comparison on a boolean",
        set_check("timeouts", {"field": "resilience.timeouts", "gte": 1}),
        "(timeouts): check: gte needs a number field",
    ),
    (
        "a value outside a field's choices",
        set_check("progressive-rollout", {"field": "deployment.strategy", "in": ["canary", "yolo"]}),
        "(progressive-rollout): check: deployment.strategy is one of",
    ),
    (
        "two operators",
        set_check("timeouts", {"field": "resilience.timeouts", "is": True, "present": True}),
        "(timeouts): check: give exactly one of",
    ),
    ("a check with no kind", set_check("timeouts", {"when": "always"}), "(timeouts): check: a check needs one of"),
    (
        "bad rule arguments",
        set_check("toil-under-cap", {"rule": "toil_under_cap", "args": {"max_hours": 8}}),
        "(toil-under-cap): check: args of rule 'toil_under_cap'",
    ),
    ("an unknown severity", set_field("timeouts", "severity", "urgent"), "(timeouts): severity"),
    (
        "a severity for a tier the item skips",
        set_field("multi-region", "severity_by_tier", {"standard": "low"}),
        "(multi-region): severity_by_tier",
    ),
    ("an unknown category", set_field("timeouts", "category", "speed"), "(timeouts): category 'speed'"),
    ("a misspelt item field", set_field("timeouts", "recommendaton", "x"), "(timeouts): recommendaton: unknown field"),
    ("a tier without a policy", drop_tier, "missing: internal"),
    ("a duplicate id", duplicate_item, "id appears more than once"),
]


@pytest.mark.parametrize(("what", "mutate", "message"), BAD_CHECKLISTS, ids=[b[0] for b in BAD_CHECKLISTS])
def test_a_bad_checklist_fails_to_load_naming_the_item(what: str, mutate: Mutation, message: str) -> None:
    data = shipped_data()
    mutate(data)
    with pytest.raises(PersonaFileError) as info:
        parse_checklist(data, "checklist.yaml")
    assert info.value.path == "checklist.yaml"
    assert message in str(info.value), what


def test_a_bad_checklist_file_is_named_in_the_error(tmp_path: Path) -> None:
    data = shipped_data()
    set_check("slo-defined", {"rule": "slo_is_nice"})(data)
    path = tmp_path / "checklist.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(
        PersonaFileError, match=r"items\[0\] \(slo-defined\): check: unknown rule 'slo_is_nice'"
    ) as info:
        load_checklist(path)
    assert info.value.path == str(path)


def test_a_valid_custom_checklist_loads_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "checklist.yaml"
    path.write_text(yaml.safe_dump(shipped_data()), encoding="utf-8")
    custom = load_checklist(path)
    assert custom.content_hash == load_checklist().content_hash  # layout-independent


def test_each_checklist_reviews_by_its_own_checks() -> None:
    # Checks are compiled once per checklist; a custom checklist must get its own, and leave the shipped one alone.
    data = shipped_data()
    set_check("runbooks", {"field": "incident_response.runbooks", "is": False})(data)
    custom = parse_checklist(data, "custom.yaml")
    service = {"name": "svc", "tier": "critical", "incident_response": {"runbooks": False}}

    def status(checklist: Checklist | None = None) -> str:
        return next(r.status for r in review(service, checklist).checklist if r.item_id == "runbooks")

    assert (status(), status(custom), status()) == ("failed", "passed", "failed")


def test_a_custom_toil_cap_is_stated_to_the_hundredth() -> None:
    # A third of a 40-hour week is 13.332 h: the note shows 13.33, the share 33.33%, and the cap holds at it.
    data = shipped_data()
    set_check(
        "toil-under-cap", {"rule": "toil_under_cap", "args": {"cap_fraction": 0.3333, "hours_per_engineer_week": 40}}
    )(data)
    custom = parse_checklist(data, "custom.yaml")

    def row(minutes: float) -> tuple[str, str]:
        service = {"name": "svc", "tier": "critical", "toil": [{"task": "t", "minutes_per_week": minutes}]}
        found = next(r for r in review(service, custom).checklist if r.item_id == "toil-under-cap")
        return found.status, found.note or ""

    status, note = row(799.92)  # exactly 13.332 h
    assert status == "passed"
    assert note.startswith("13.33 h/week of toil against a cap of 13.33 h/week (33.33% of 40 h for 1 engineer assumed")
    assert row(800)[0] == "failed"
