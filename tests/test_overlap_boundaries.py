"""The overlap verdict at each threshold: just under, at, and just over, for every rule.

A first audit found the thresholds untested where it matters: only exact copies (score 1.0) and full subsets
were checked, so MERGE_SCORE could move from 0.6 to 0.95, or EXTEND_COVERAGE from 0.75 to 0.9, with every
test green (issue 21). Here each candidate is built from declared concerns (weight 1 primary, 0.5
secondary), so its score and coverage against a one-persona roster are exact fractions, computed in each
case's comment; "just under" and "just over" are the nearest values those weights allow at that size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from persona_mcp.analysis.overlap import (
    CONDITIONS_COVERAGE,
    CONDITIONS_SCORE,
    EXTEND_COVERAGE,
    MERGE_SCORE,
    overlap_warnings,
    persona_overlap,
)
from persona_mcp.catalog.concerns import taxonomy
from persona_mcp.catalog.loader import Catalog, load_catalog
from persona_mcp.cli.main import main
from persona_mcp.errors import InvalidArgument

from .conftest import WriteFile

IDS = sorted(taxonomy().ids)
WIDE = (IDS[0:40], IDS[40:80])
"""A roster persona of weight 60: 40 primary concerns and 40 secondary ones."""
NARROW = (IDS[0:2], [])
"""A roster persona of weight 2."""
UNIQUE = IDS[80:]
"""Concerns no roster persona holds."""


def test_the_taxonomy_has_room_for_these_cases() -> None:
    assert len(UNIQUE) >= 20


def _catalog(tmp_path: Path, write_persona: WriteFile, persona_data: dict[str, Any], roster: Any) -> Catalog:
    primary, secondary = roster
    data = {**persona_data, "id": "roster-one", "name": "Roster One", "collaborates_with": []}
    data["concerns"] = {"primary": primary, "secondary": secondary}
    write_persona(data)
    return load_catalog([tmp_path / "personas"], include_builtin=False)


def _candidate(persona_data: dict[str, Any], primary: list[str], secondary: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    data = {**persona_data, "id": "candidate", "name": "Candidate", "collaborates_with": []}
    data["concerns"] = {"primary": primary, "secondary": list(secondary)}
    return data


# (roster, candidate primary, candidate secondary, expected score or coverage, expected decision)
CASES = [
    # MERGE_SCORE 0.6 (score = shared / union weight)
    ("merge just under", WIDE, IDS[0:36], UNIQUE[:1], 36 / 60.5, "extend"),  # 0.595; coverage 36/36.5
    ("merge at", WIDE, IDS[0:36], [], 36 / 60, "merge"),  # 0.6
    ("merge just over", WIDE, IDS[0:37], [], 37 / 60, "merge"),  # 0.617
    # EXTEND_COVERAGE 0.75 (coverage of the candidate by the roster; score stays under 0.6)
    ("extend just under", WIDE, IDS[0:29] + UNIQUE[:10], [], 29 / 39, "add_with_conditions"),  # 0.744
    ("extend at", WIDE, IDS[0:3] + UNIQUE[:1], [], 3 / 4, "extend"),  # 0.75
    ("extend just over", WIDE, IDS[0:30] + UNIQUE[:9], UNIQUE[9:10], 30 / 39.5, "extend"),  # 0.759
    # CONDITIONS_COVERAGE 0.4 (score stays under 0.25)
    ("conditions coverage just under", WIDE, IDS[0:12] + UNIQUE[:18], UNIQUE[18:19], 12 / 30.5, "add"),  # 0.393
    ("conditions coverage at", WIDE, IDS[0:12] + UNIQUE[:18], [], 12 / 30, "add_with_conditions"),  # 0.4
    ("conditions coverage just over", WIDE, IDS[0:12] + UNIQUE[:17], UNIQUE[17:18], 12 / 29.5, "add_with_conditions"),
    # CONDITIONS_SCORE 0.25 (coverage stays under 0.4; with the roster inside the candidate, score = coverage)
    ("conditions score just under", NARROW, IDS[0:2] + UNIQUE[:6], UNIQUE[6:7], 2 / 8.5, "add"),  # 0.235
    ("conditions score at", NARROW, IDS[0:2] + UNIQUE[:6], [], 2 / 8, "add_with_conditions"),  # 0.25
    ("conditions score just over", NARROW, IDS[0:2] + UNIQUE[:5], UNIQUE[5:6], 2 / 7.5, "add_with_conditions"),
]


@pytest.mark.parametrize(
    ("case", "roster", "primary", "secondary", "figure", "decision"), CASES, ids=[c[0] for c in CASES]
)
def test_the_verdict_turns_exactly_at_each_threshold(
    tmp_path: Path,
    write_persona: WriteFile,
    persona_data: dict[str, Any],
    case: str,
    roster: Any,
    primary: list[str],
    secondary: list[str],
    figure: float,
    decision: str,
) -> None:
    catalog = _catalog(tmp_path, write_persona, persona_data, roster)
    report = persona_overlap(catalog, candidate=_candidate(persona_data, primary, secondary))
    assert report.verdict is not None
    (pair,) = report.overlaps
    measured = pair.score if case.startswith(("merge", "conditions score")) else pair.coverage_of_subject_by_other
    assert measured == pytest.approx(figure, abs=1e-4)
    assert report.verdict.decision == decision, report.verdict.reasons


def test_the_cases_sit_on_both_sides_of_the_thresholds_the_module_states() -> None:
    # If a threshold moves, these cases no longer straddle it: the table above must be rebuilt with it.
    assert pytest.approx((0.595, MERGE_SCORE), abs=1e-3) == (36 / 60.5, 36 / 60)
    assert 29 / 39 < EXTEND_COVERAGE == 3 / 4 < 30 / 39.5
    assert 12 / 30.5 < CONDITIONS_COVERAGE == 12 / 30 < 12 / 29.5
    assert 2 / 8.5 < CONDITIONS_SCORE == 2 / 8 < 2 / 7.5


@pytest.mark.parametrize(
    ("primary", "secondary", "warning"),
    [
        (IDS[0:36], [], "overlap 0.60 (threshold 0.60;"),  # 0.6: at the merge threshold, validate warns
        (IDS[0:37], [], "overlap 0.62 (threshold 0.60;"),  # 0.617
        (IDS[0:20], IDS[40:72], "overlap 0.60 (threshold 0.60;"),  # (20 + 16) / 60 through secondaries
        (IDS[0:36], UNIQUE[:1], None),  # 0.595: just under, no warning
        (IDS[0:20], IDS[40:71], None),  # (20 + 15.5) / 60 = 0.592
    ],
)
def test_validate_warns_of_a_duplicate_from_the_merge_threshold_on(
    tmp_path: Path,
    write_persona: WriteFile,
    persona_data: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    primary: list[str],
    secondary: list[str],
    warning: str | None,
) -> None:
    _catalog(tmp_path, write_persona, persona_data, WIDE)
    write_persona(_candidate(persona_data, primary, secondary))
    assert main(["validate", str(tmp_path / "personas")]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if ": warning: personas " in line]
    if warning is None:
        assert warnings == []
    else:
        (line,) = warnings
        assert "personas candidate and roster-one " + warning in line
        assert line.endswith("merge them or narrow their concerns")
    # the same rule, asked directly
    catalog = load_catalog([tmp_path / "personas"], include_builtin=False)
    assert bool(overlap_warnings(catalog)) is (warning is not None)


# --- more shapes at the same thresholds ------------------------------------------------------------------
# The cases above change one candidate against one wide persona. These reach the same thresholds through
# secondary concerns (weight 0.5 on both sides), through a concern one side holds as primary and the other
# as secondary (counting 0.5 shared), and through the union of two roster personas, none of which alone
# holds enough. Each reason the user reads states the threshold it was measured against.

HEAVY = (IDS[0:20], IDS[20:60])
"""Twenty primary concerns and forty secondary ones (the most a persona may list): weight 40."""
HALVES = {"roster-a": (IDS[0:20], []), "roster-b": (IDS[20:40], [])}
"""Two personas of twenty primary concerns each, sharing none."""


def _roster(tmp_path: Path, write_persona: WriteFile, persona_data: dict[str, Any], personas: Any) -> Catalog:
    for persona_id, (primary, secondary) in personas.items():
        data = {**persona_data, "id": persona_id, "name": persona_id.title(), "collaborates_with": []}
        data["concerns"] = {"primary": primary, "secondary": secondary}
        write_persona(data)
    return load_catalog([tmp_path / "personas"], include_builtin=False)


# (roster, candidate primary, candidate secondary, expected decision, a reason's words)
SHAPES = [
    # score through secondaries: shared = 20 + 0.5 k of a union of 40
    ("secondaries merge under", {"r": HEAVY}, IDS[0:20], IDS[20:27], "extend", "alone holds 100%"),  # 23.5/40
    ("secondaries merge at", {"r": HEAVY}, IDS[0:20], IDS[20:28], "merge", "(merge threshold 60%)"),  # 24/40
    ("secondaries merge over", {"r": HEAVY}, IDS[0:20], IDS[20:29], "merge", "shares 61% of the combined"),
    # two of the roster's secondaries held as primary by the candidate: each counts 0.5 shared and 1 in the
    # union, so shared = 21 + 0.5 m of a union of 41, for m further shared secondaries
    ("mixed merge under", {"r": HEAVY}, IDS[0:22], IDS[22:29], "extend", "alone holds 96%"),  # 24.5/41 = 0.598
    ("mixed merge over", {"r": HEAVY}, IDS[0:22], IDS[22:30], "merge", "shares 61% of the combined"),  # 25/41
    # CONDITIONS_SCORE with a roster of weight 4 inside the candidate: score = coverage = 4 / the candidate's weight
    ("score under, finer", {"r": (IDS[0:4], [])}, IDS[0:4] + UNIQUE[:12], UNIQUE[12:13], "add", "score 0.24;"),
    ("score at, finer", {"r": (IDS[0:4], [])}, IDS[0:4] + UNIQUE[:12], [], "add_with_conditions", "score 0.25;"),
    ("score over, finer", {"r": (IDS[0:4], [])}, IDS[0:4] + UNIQUE[:11], UNIQUE[11:12], "add_with_conditions", "0.26"),
    # coverage through the union of two personas: 12 of the candidate's weight is held, 6 by each
    ("union extend under", HALVES, IDS[14:26] + UNIQUE[:4], UNIQUE[4:5], "add_with_conditions", "holds 73%"),
    ("union extend at", HALVES, IDS[14:26] + UNIQUE[:4], [], "extend", "holds 75% of its concern weight, roster-a"),
    ("union extend over", HALVES, IDS[14:26] + UNIQUE[:3], UNIQUE[3:4], "extend", "(extend threshold 75%)"),  # 12/15.5
    # conditions through the union: 12 held of 30, 30.5 and 29.5
    ("union conditions under", HALVES, IDS[14:26] + UNIQUE[:18], UNIQUE[18:19], "add", "holds 39%"),
    (
        "union conditions at",
        HALVES,
        IDS[14:26] + UNIQUE[:18],
        [],
        "add_with_conditions",
        "40%), spread over 2 personas",
    ),
    ("union conditions over", HALVES, IDS[14:26] + UNIQUE[:17], UNIQUE[17:18], "add_with_conditions", "holds 41%"),
]


@pytest.mark.parametrize(
    ("case", "roster", "primary", "secondary", "decision", "words"), SHAPES, ids=[c[0] for c in SHAPES]
)
def test_other_shapes_turn_at_the_same_thresholds(
    tmp_path: Path,
    write_persona: WriteFile,
    persona_data: dict[str, Any],
    case: str,
    roster: Any,
    primary: list[str],
    secondary: list[str],
    decision: str,
    words: str,
) -> None:
    catalog = _roster(tmp_path, write_persona, persona_data, roster)
    report = persona_overlap(catalog, candidate=_candidate(persona_data, primary, secondary))
    assert report.verdict is not None
    assert report.verdict.decision == decision, report.verdict.reasons
    assert words in " ".join(report.verdict.reasons)


def test_no_single_persona_of_the_union_cases_reaches_a_threshold_alone(
    tmp_path: Path, write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    # The union cases above turn on the union: each persona alone holds half of what is held, and shares
    # under a quarter of the combined weight.
    catalog = _roster(tmp_path, write_persona, persona_data, HALVES)
    report = persona_overlap(catalog, candidate=_candidate(persona_data, IDS[14:26] + UNIQUE[:4]))
    assert [(o.persona_id, o.coverage_of_subject_by_other) for o in report.overlaps] == [
        ("roster-a", 0.375),
        ("roster-b", 0.375),
    ]
    assert all(o.score < CONDITIONS_SCORE for o in report.overlaps)


def test_the_verdict_is_measured_against_the_closest_persona(
    tmp_path: Path, write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    catalog = _roster(tmp_path, write_persona, persona_data, HALVES)
    report = persona_overlap(catalog, candidate=_candidate(persona_data, IDS[0:20]))
    assert report.verdict is not None
    assert (report.verdict.decision, report.verdict.persona_id) == ("merge", "roster-a")
    assert report.verdict.reasons[0].startswith("It shares 100% of the combined concern weight with roster-a ")


def test_validate_lists_equal_overlaps_by_the_first_persona_then_the_second(
    tmp_path: Path, write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    copies = {name: (IDS[0:10], []) for name in ("copy-a", "copy-b", "copy-c", "copy-d")}
    catalog = _roster(tmp_path, write_persona, persona_data, copies)
    pairs = [line.split(" overlap ")[0].removeprefix("personas ") for line in overlap_warnings(catalog)]
    assert pairs == [
        "copy-a and copy-b",
        "copy-a and copy-c",
        "copy-a and copy-d",
        "copy-b and copy-c",
        "copy-b and copy-d",
        "copy-c and copy-d",
    ]


def test_extend_names_the_persona_that_holds_the_most_of_the_candidate_not_the_closest(
    tmp_path: Path, write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    # "big" holds all ten of the candidate's concerns among forty (score 0.25); "near" holds six of its eight
    # (score 0.5, coverage 0.6). Extending means growing the one that already covers it: big.
    roster = {"big": (IDS[0:40], []), "near": (IDS[0:6] + IDS[50:52], [])}
    catalog = _roster(tmp_path, write_persona, persona_data, roster)
    report = persona_overlap(catalog, candidate=_candidate(persona_data, IDS[0:10]))
    assert report.verdict is not None
    assert (report.verdict.decision, report.verdict.persona_id) == ("extend", "big")
    assert report.verdict.reasons[0] == "big alone holds 100% of its concern weight (extend threshold 75%)."
    assert report.verdict.reasons[1] == "Nothing it covers is new: deepen big (and its when_to_invoke) instead."


def test_extend_says_what_to_grow_the_persona_by(
    tmp_path: Path, write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    catalog = _catalog(tmp_path, write_persona, persona_data, WIDE)
    report = persona_overlap(catalog, candidate=_candidate(persona_data, IDS[0:3] + UNIQUE[:1]))  # 0.75
    assert report.verdict is not None
    assert report.verdict.reasons[1] == (
        f"Grow roster-one by what it lacks ({UNIQUE[0]}) rather than adding a persona to route to."
    )


@pytest.mark.parametrize(("threshold", "accepted"), [(-0.1, False), (0, False), (0.01, True), (1, True), (1.01, False)])
def test_the_warning_threshold_is_a_share_above_zero(
    tmp_path: Path, write_persona: WriteFile, persona_data: dict[str, Any], threshold: float, accepted: bool
) -> None:
    catalog = _catalog(tmp_path, write_persona, persona_data, NARROW)
    if accepted:
        assert overlap_warnings(catalog, threshold=threshold) == []
    else:
        with pytest.raises(InvalidArgument, match=rf"^threshold: {threshold} is outside \(0, 1\]$"):
            overlap_warnings(catalog, threshold=threshold)


def test_of_two_personas_holding_all_of_the_candidate_extend_names_the_closer(
    tmp_path: Path, write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    # Both hold the candidate's ten concerns; b-close shares half of the combined weight, a-wide a quarter.
    roster = {"a-wide": (IDS[0:10] + IDS[40:70], []), "b-close": (IDS[0:10] + IDS[40:50], [])}
    catalog = _roster(tmp_path, write_persona, persona_data, roster)
    report = persona_overlap(catalog, candidate=_candidate(persona_data, IDS[0:10]))
    assert report.verdict is not None
    assert (report.verdict.decision, report.verdict.persona_id) == ("extend", "b-close")


def test_conditions_count_only_the_personas_that_share_something(
    tmp_path: Path, write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    roster = {**HALVES, "roster-c": (IDS[60:70], [])}  # shares nothing with the candidate
    catalog = _roster(tmp_path, write_persona, persona_data, roster)
    report = persona_overlap(catalog, candidate=_candidate(persona_data, IDS[14:26] + UNIQUE[:18]))
    assert report.verdict is not None
    assert report.verdict.decision == "add_with_conditions"
    assert "(conditions from 40%), spread over 2 personas." in report.verdict.reasons[1]


@pytest.mark.parametrize(
    ("roster", "primary", "reasons"),
    [
        (  # exactly at the extend threshold, held by one persona alone
            WIDE,
            IDS[0:3] + UNIQUE[:1],
            ["roster-one alone holds 75% of its concern weight (extend threshold 75%)."],
        ),
        (  # an exact copy: nothing of it is new
            NARROW,
            IDS[0:2],
            [
                "It shares 100% of the combined concern weight with roster-one (merge threshold 60%): "
                "two reviews would repeat each other.",
                "Closest: roster-one (score 1.00; shared: " + ", ".join(IDS[0:2]) + ").",
                "Every one of its concerns is already held by some roster persona.",
            ],
        ),
        (  # nothing shared
            NARROW,
            UNIQUE[:3],
            [
                "3 of its 3 concerns are held by no roster persona: " + ", ".join(UNIQUE[:3]) + ".",
                "The roster already holds 0% of its concern weight (conditions from 40%).",
                "Closest: roster-one (score 0.00; shared: none).",
            ],
        ),
    ],
)
def test_the_reasons_a_user_reads(
    tmp_path: Path,
    write_persona: WriteFile,
    persona_data: dict[str, Any],
    roster: Any,
    primary: list[str],
    reasons: list[str],
) -> None:
    catalog = _catalog(tmp_path, write_persona, persona_data, roster)
    report = persona_overlap(catalog, candidate=_candidate(persona_data, primary))
    assert report.verdict is not None
    assert report.verdict.reasons[: len(reasons)] == reasons
