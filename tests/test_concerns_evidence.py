"""A candidate's words weighed by their evidence: phrases and exact terms over a lone word that shares a stem.

"accessible names for form controls" added code-readability ("names" meets "naming") and implementation-design
("controls" meets "controller"), which diluted the candidate's one real, uncovered concern (issue 13).
"""

from __future__ import annotations

import pytest

from persona_mcp.catalog.concerns import LOOSE_HIT, text_profile


def concerns(*responsibilities: str, name: str = "Candidate") -> dict[str, float]:
    return {m.concern: m.evidence for m in text_profile(name, list(responsibilities)).mapping}


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Accessible names for form controls, keyboard navigation and focus order", "code-readability"),
        ("Accessible names for form controls, keyboard navigation and focus order", "implementation-design"),
        ("Screen reader support and alt text for every image, named landmarks", "code-readability"),
    ],
)
def test_a_lone_word_that_only_shares_a_stem_adds_no_concern(text: str, absent: str) -> None:
    found = concerns(text)
    assert absent not in found
    assert "accessibility" in found


@pytest.mark.parametrize(
    ("text", "concern"),
    [
        ("Find SQL injection in the data access layer", "injection"),  # a phrase
        ("Review every deadlock report", "locking-deadlocks"),  # one exact, specific word
        ("Keep p99 latency under budget", "latency-throughput"),  # two terms
        ("Variable names and clean code in reviews", "code-readability"),  # the same concern, in its own words
    ],
)
def test_strong_evidence_keeps_its_concern(text: str, concern: str) -> None:
    found = concerns(text)
    assert concern in found
    assert found[concern] >= 1


def test_evidence_adds_up_over_distinct_terms_and_shows_in_the_mapping() -> None:
    found = concerns("Keyboard navigation, focus order and screen reader testing for accessibility")
    assert found["accessibility"] == 4  # four distinct terms, each exact or a phrase
    assert LOOSE_HIT < 1
