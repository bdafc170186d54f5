"""Persona overlap: the roster matrix, one persona against the rest, candidates, verdicts and warnings."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from persona_mcp.analysis.clusters import collection_report
from persona_mcp.analysis.overlap import (
    MAX_CANDIDATE_CHARS,
    MAX_ROSTER_PAIRS,
    MERGE_SCORE,
    Overlap,
    OverlapMatrix,
    compare_profiles,
    overlap_markdown,
    overlap_warnings,
    persona_overlap,
)
from persona_mcp.catalog.concerns import catalog_profiles, taxonomy
from persona_mcp.catalog.loader import Catalog, load_catalog
from persona_mcp.catalog.model import Concerns
from persona_mcp.catalog.profile import ConcernProfile
from persona_mcp.errors import InvalidArgument, UnknownPersona

from .conftest import EXAMPLE_PERSONA, ROOT, ROSTER, WriteFile


def persona_file(persona_id: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "personas" / f"{persona_id}.yaml").read_text(encoding="utf-8"))
    return data


# --- the research's judgement on the SRE ------------------------------------------------------------


def test_the_sre_overlaps_the_roster_in_the_order_the_research_found(catalog: Catalog) -> None:
    scores = {o.persona_id: o.score for o in persona_overlap(catalog, persona_id="sre").overlaps}
    # Performance Engineer most, then the Software Architect
    assert scores["performance-engineer"] > scores["software-architect"]
    # then the Concurrency Expert and the Security Engineer, in either order
    assert scores["software-architect"] > max(scores["concurrency-expert"], scores["security-engineer"])
    # then the QA Engineer
    assert min(scores["concurrency-expert"], scores["security-engineer"]) > scores["qa-engineer"]
    # then the Senior Engineer and the Code Reviewer, in either order
    assert scores["qa-engineer"] > max(scores["senior-engineer"], scores["code-reviewer"])
    assert min(scores["senior-engineer"], scores["code-reviewer"]) > 0
    # and the Workflow Executor not at all
    assert scores["workflow-executor"] == 0


def test_the_sre_is_added_with_the_researchs_three_conditions(catalog: Catalog) -> None:
    report = persona_overlap(catalog, persona_id="sre")
    assert report.verdict is not None
    assert report.verdict.decision == "add_with_conditions"
    conditions = {c.id: c for c in report.verdict.conditions}
    # reviewer not executor, principles over tools, production systems: each met by the SRE's own words
    assert conditions["reviewer-not-executor"].evidence is not None
    assert conditions["reviewer-not-executor"].evidence.startswith("boundaries.0: Reviews and advises")
    assert "vendor-specific" in (conditions["principles-over-tools"].evidence or "")
    assert "prototype" in (conditions["where-it-pays-off"].evidence or "").casefold()
    assert all(c.met for c in conditions.values())
    # and a boundary with each of its closest neighbours, quoting the line that draws it
    assert "boundary-performance-engineer" in conditions
    assert "performance-engineer" in (conditions["boundary-performance-engineer"].evidence or "")
    assert {"slo-error-budgets", "incident-response", "toil-automation"} <= set(report.unique_concerns)


def test_overlap_lists_every_other_persona_highest_first_with_directed_coverage(catalog: Catalog) -> None:
    report = persona_overlap(catalog, persona_id="sre")
    assert report.mode == "persona"
    assert report.subject is not None
    assert report.subject.in_roster
    assert [o.persona_id for o in report.overlaps] != []
    assert len(report.overlaps) == len(ROSTER) - 1
    assert [o.score for o in report.overlaps] == sorted((o.score for o in report.overlaps), reverse=True)
    perf = report.overlaps[0]
    assert perf.persona_id == "performance-engineer"
    assert "load-testing" in perf.shared_concerns
    assert 0 < perf.coverage_of_subject_by_other < perf.coverage_of_other_by_subject < 1
    assert report.union_coverage is not None
    assert 0 < report.union_coverage < 1


# --- the matrix -------------------------------------------------------------------------------------


def test_the_roster_matrix_is_square_symmetric_with_a_unit_diagonal(catalog: Catalog) -> None:
    report = collection_report(catalog, matrix=True)
    assert report.mode == "roster"
    assert report.verdict is None
    assert report.matrix is not None
    ids, rows = report.matrix.ids, report.matrix.scores
    assert sorted(ids) == sorted(ROSTER)
    assert all(len(row) == len(ids) for row in rows)
    for i in range(len(ids)):
        assert rows[i][i] == 1.0
        for j in range(len(ids)):
            assert rows[i][j] == rows[j][i]
            assert 0 <= rows[i][j] <= 1
    # the closest pairs are listed highest first and agree with the matrix
    for o in report.overlaps:
        assert rows[ids.index(o.subject_id)][ids.index(o.persona_id)] == o.score
    assert [o.score for o in report.overlaps] == sorted((o.score for o in report.overlaps), reverse=True)


def test_the_matrix_agrees_with_the_single_persona_report(catalog: Catalog) -> None:
    matrix = collection_report(catalog, matrix=True).matrix
    assert matrix is not None
    row = matrix.scores[matrix.ids.index("sre")]
    single = {o.persona_id: o.score for o in persona_overlap(catalog, persona_id="sre").overlaps}
    assert single == {pid: row[i] for i, pid in enumerate(matrix.ids) if pid != "sre"}


concern_ids = st.sampled_from([f"c{i}" for i in range(12)])
profiles = st.dictionaries(concern_ids, st.booleans(), min_size=1, max_size=8).map(
    lambda d: ConcernProfile(
        primary=[c for c, p in d.items() if p] or [next(iter(d))],
        secondary=[c for c, p in d.items() if not p and any(d.values())],
        source="declared",
    )
)


@given(profiles, profiles)
def test_the_score_is_symmetric_and_bounded_and_coverages_mirror(a: ConcernProfile, b: ConcernProfile) -> None:
    ab = compare_profiles("a", a, "b", b)
    ba = compare_profiles("b", b, "a", a)
    assert ab.score == ba.score
    assert 0 <= ab.score <= 1
    assert ab.coverage_of_subject_by_other == ba.coverage_of_other_by_subject
    assert ab.score <= min(ab.coverage_of_subject_by_other, ab.coverage_of_other_by_subject)
    assert compare_profiles("a", a, "a2", a).score == 1.0


def _naive_roster(catalog: Catalog) -> tuple[list[str], list[list[float]], list[Overlap]]:
    """The matrix and the closest pairs worked out pair by pair with compare_profiles."""
    profiles = catalog_profiles(catalog)
    ids = sorted(profiles)
    pairs = {
        (i, j): compare_profiles(ids[i], profiles[ids[i]], ids[j], profiles[ids[j]])
        for i in range(len(ids))
        for j in range(len(ids))
        if i != j
    }
    rows = [[1.0 if i == j else pairs[i, j].score for j in range(len(ids))] for i in range(len(ids))]
    closest = sorted((-o.score, i, j) for (i, j), o in pairs.items() if i < j and o.score > 0)
    return ids, rows, [pairs[i, j] for _, i, j in closest[:MAX_ROSTER_PAIRS]]


_POOL = [
    "load-testing",
    "caching",
    "injection",
    "slo-error-budgets",
    "code-readability",
    "data-races",
    "profiling",
    "ci-cd",
]


def agrees_with_the_pairwise_arithmetic(roster: Catalog) -> list[Overlap]:
    """Assert the roster's matrix and closest pairs equal the pair-by-pair computation; return the pairs."""
    report = collection_report(roster, matrix=True)
    assert report.matrix is not None
    ids, matrix, closest = _naive_roster(roster)
    assert report.matrix.ids == ids
    assert report.matrix.scores == matrix
    assert report.overlaps == closest
    return closest


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(st.sampled_from(_POOL), st.booleans(), max_size=4), min_size=1, max_size=70))
def test_the_matrix_and_closest_pairs_agree_with_the_pairwise_arithmetic(
    catalog: Catalog, rows: list[dict[str, bool]]
) -> None:
    # Few concerns and many personas: identical profiles, tied scores, more positive pairs than are listed,
    # and (for an empty draw) personas whose concerns are derived from their text.
    base = catalog.get("sre")
    personas = {}
    for index, drawn in enumerate(rows):
        primary = [c for c, p in drawn.items() if p] or list(drawn)[:1]
        concerns = Concerns(primary=primary, secondary=[c for c in drawn if c not in primary]) if drawn else None
        pid = f"p{index:03d}"
        personas[pid] = base.model_copy(update={"id": pid, "concerns": concerns})
    agrees_with_the_pairwise_arithmetic(Catalog(personas=personas))


@pytest.mark.parametrize("seed", range(4))
def test_the_closest_pairs_of_a_varied_roster_agree_with_the_pairwise_arithmetic(catalog: Catalog, seed: int) -> None:
    # Many concerns, few per persona: scores spread out, so the closest pairs are not all ties at the top.
    rng = random.Random(seed)
    concerns = taxonomy().ids[:30]
    base = catalog.get("sre")
    personas = {}
    for index in range(90):
        drawn = rng.sample(concerns, rng.randint(2, 7))
        cut = rng.randint(1, len(drawn))
        update = {"id": f"p{index:03d}", "concerns": Concerns(primary=drawn[:cut], secondary=drawn[cut:])}
        personas[f"p{index:03d}"] = base.model_copy(update=update)
    closest = agrees_with_the_pairwise_arithmetic(Catalog(personas=personas))
    assert len({o.score for o in closest}) > 5


def test_the_matrix_of_personas_that_share_nothing_lists_no_pairs() -> None:
    base = load_catalog().get("sre")
    personas = {
        f"p{i}": base.model_copy(update={"id": f"p{i}", "concerns": Concerns(primary=[c])}) for i, c in enumerate(_POOL)
    }
    report = collection_report(Catalog(personas=personas), matrix=True)
    assert report.matrix is not None
    assert report.matrix.scores == [[float(i == j) for j in range(len(_POOL))] for i in range(len(_POOL))]
    assert report.overlaps == []
    assert collection_report(Catalog(), matrix=True).matrix == OverlapMatrix(ids=[], scores=[])
    assert persona_overlap(Catalog()).matrix is None  # the tool's default never carries the matrix


# --- what is remembered per catalog ---------------------------------------------------------------


def test_a_repeated_question_gets_a_report_of_its_own(catalog: Catalog) -> None:
    first = persona_overlap(catalog, persona_id="sre")
    expected = first.model_dump_json()
    assert first.verdict is not None
    first.verdict.conditions[0].evidence = None
    first.verdict.conditions.clear()
    first.overlaps.clear()
    assert persona_overlap(catalog, persona_id="sre").model_dump_json() == expected


def test_the_conditions_follow_a_persona_that_changes_in_the_catalog() -> None:
    roster = load_catalog()
    before = persona_overlap(roster, persona_id="sre")
    assert before.verdict is not None
    assert all(c.met for c in before.verdict.conditions)
    roster.personas["sre"] = roster.personas["sre"].model_copy(update={"boundaries": [], "skip_when": []})
    after = persona_overlap(roster, persona_id="sre")
    assert after.verdict is not None
    met = {c.id: c.met for c in after.verdict.conditions}
    assert not met.pop("where-it-pays-off")
    assert [m for cid, m in met.items() if cid.startswith("boundary-")] == [False] * 3
    assert [c.id for c in after.verdict.conditions] == [c.id for c in before.verdict.conditions]


# --- candidates -------------------------------------------------------------------------------------


def test_the_example_data_engineer_is_added(catalog: Catalog) -> None:
    candidate = yaml.safe_load(EXAMPLE_PERSONA.read_text(encoding="utf-8"))
    report = persona_overlap(catalog, candidate=candidate)
    assert report.mode == "candidate"
    assert report.subject is not None
    assert not report.subject.in_roster
    assert report.verdict is not None
    assert report.verdict.decision == "add"
    assert report.verdict.conditions == []
    assert "data-pipelines" in report.unique_concerns


def test_a_copy_of_a_persona_under_another_id_is_merged_and_flagged(tmp_path: Path, write_persona: WriteFile) -> None:
    copy_of_perf = persona_file("performance-engineer")
    copy_of_perf["id"] = "speed-engineer"
    report = persona_overlap(load_catalog(), candidate=copy_of_perf)
    assert report.verdict is not None
    assert (report.verdict.decision, report.verdict.persona_id) == ("merge", "performance-engineer")
    assert report.overlaps[0].score == 1.0

    write_persona(copy_of_perf)
    roster = load_catalog([tmp_path / "personas"])
    warnings = overlap_warnings(roster)
    assert len(warnings) == 1
    assert "performance-engineer and speed-engineer overlap 1.00" in warnings[0]


def test_the_shipped_roster_has_no_near_duplicates(catalog: Catalog) -> None:
    assert overlap_warnings(catalog) == []
    assert overlap_warnings(catalog, threshold=0.01) != []


def test_a_subset_of_one_persona_extends_it_and_the_mapping_says_why(catalog: Catalog) -> None:
    candidate = {
        "name": "Query Optimizer",
        "responsibilities": [
            "Find slow SQL queries, N+1 queries and missing indexes",
            "Read EXPLAIN ANALYZE plans and tune them",
        ],
    }
    report = persona_overlap(catalog, candidate=candidate)
    assert report.verdict is not None
    assert (report.verdict.decision, report.verdict.persona_id) == ("extend", "performance-engineer")
    assert report.overlaps[0].coverage_of_subject_by_other == 1.0
    assert report.subject is not None
    assert report.subject.id == "query-optimizer"
    mapping = {m.concern: m for m in report.subject.concerns.mapping}
    assert mapping["database-performance"].terms[:2] == ["query optimizer", "n+1 queries"]


def test_a_free_text_candidate_may_describe_itself_and_its_triggers(catalog: Catalog) -> None:
    candidate = {
        "name": "DevOps Engineer",
        "description": "Owns the delivery platform.",
        "responsibilities": ["CI/CD pipelines", "Terraform and Kubernetes", "Monitoring and alerting"],
        "when_to_invoke": ["A deploy broke the build pipeline"],
    }
    report = persona_overlap(catalog, candidate=candidate)
    assert report.subject is not None
    assert {"ci-cd", "infrastructure-as-code", "containers-orchestration"} <= set(report.subject.concerns.primary)
    assert report.overlaps[0].persona_id == "sre"
    assert report.verdict is not None
    assert report.verdict.decision == "add_with_conditions"
    # a free-text candidate has no boundaries yet: the general conditions are reported as not met
    assert not any(c.met for c in report.verdict.conditions)


def test_a_candidate_with_a_roster_id_is_compared_with_the_others(catalog: Catalog) -> None:
    report = persona_overlap(catalog, candidate=persona_file("sre"))
    assert report.subject is not None
    assert report.subject.in_roster
    assert "sre" not in {o.persona_id for o in report.overlaps}
    assert report.overlaps == persona_overlap(catalog, persona_id="sre").overlaps


# --- bad arguments ----------------------------------------------------------------------------------


def test_an_unknown_persona_id_lists_the_known_ones(catalog: Catalog) -> None:
    with pytest.raises(UnknownPersona) as info:
        persona_overlap(catalog, persona_id="site-reliability")
    assert info.value.argument == "persona_id"
    assert all(pid in str(info.value) for pid in ROSTER)


@pytest.mark.parametrize(
    ("kwargs", "argument", "message"),
    [
        # one subject at a time
        ({"persona_id": "sre", "candidate": {"name": "x", "responsibilities": ["y"]}}, "candidate", "not both"),
        # an empty candidate
        ({"candidate": {}}, "candidate", "give a persona"),
        # a free-text candidate needs at least one responsibility
        ({"candidate": {"name": "X", "responsibilities": []}}, "candidate", "responsibilities"),
        # free text that names no engineering concern cannot be placed
        ({"candidate": {"name": "Baker", "responsibilities": ["Bake bread"]}}, "candidate.responsibilities", "no"),
        # huge text
        ({"candidate": {"name": "X", "responsibilities": ["y" * MAX_CANDIDATE_CHARS]}}, "candidate", "limit"),
        # one over-long responsibility
        ({"candidate": {"name": "X", "responsibilities": ["slo " * 600]}}, "candidate", "responsibilities.0"),
    ],
)
def test_bad_arguments_name_the_argument(catalog: Catalog, kwargs: dict[str, Any], argument: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        persona_overlap(catalog, **kwargs)
    assert info.value.argument == argument
    assert message in info.value.message


def test_an_invalid_full_persona_names_the_field(catalog: Catalog) -> None:
    candidate = copy.deepcopy(persona_file("sre"))
    candidate["concerns"]["primary"][2] = "foo"
    with pytest.raises(InvalidArgument, match=r"concerns\.primary\.2: unknown concern 'foo'"):
        persona_overlap(catalog, candidate=candidate)
    del candidate["mindset"]
    with pytest.raises(InvalidArgument, match="mindset: required field is missing"):
        persona_overlap(catalog, candidate=candidate)


def test_the_warning_threshold_is_checked(catalog: Catalog) -> None:
    for bad in (0, 1.5, -0.1):
        with pytest.raises(InvalidArgument, match="threshold"):
            overlap_warnings(catalog, bad)
    assert MERGE_SCORE <= 1


# --- determinism and rendering ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs", [{}, {"persona_id": "sre"}, {"candidate": {"name": "A", "responsibilities": ["SLOs"]}}]
)
def test_the_same_question_gets_the_same_answer_byte_for_byte(catalog: Catalog, kwargs: dict[str, Any]) -> None:
    first = persona_overlap(catalog, **kwargs).model_dump_json()
    assert persona_overlap(load_catalog(), **kwargs).model_dump_json() == first


def test_reports_render_as_markdown(catalog: Catalog) -> None:
    text = overlap_markdown(persona_overlap(catalog, persona_id="sre"))
    assert text.startswith("# Overlap: Site Reliability Engineer")
    assert "**Verdict: add_with_conditions**" in text
    assert "| `performance-engineer` |" in text
    roster = overlap_markdown(persona_overlap(catalog))
    assert roster.startswith("# Overlap across 9 personas")
    assert "## Most overlapping pairs" in roster
    assert "## Personas nobody else covers" in roster
