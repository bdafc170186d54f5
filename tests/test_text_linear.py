"""Text analysis on hostile input: linear work however the text is built, and no recursion.

The first wave tokenized identifiers with a pattern that backtracked over a long run of letters (a
19,000-character word took over a second, holding the GIL), and the stemmer recursed once per consecutive
`y` (a run of about 1,000 crashed routing). The scanners now read each character a bounded number of times.

The reference patterns below are the first wave's: clear definitions of what the scanners must find, fine on
short text. Property tests hold the scanners to them; the hostile inputs run at the largest size a tool
accepts (MAX_SUBJECT_CHARS), under a guard that fails only if a call hangs for far longer than linear work
takes (about a third of a second here): a hang detector, not a timing assertion.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persona_mcp.catalog.render import MAX_SUBJECT_CHARS
from persona_mcp.catalog.text import code_markers, compounds, stem, terms, tokenize

REF_IDENTIFIER = re.compile(r"[A-Za-z][a-z0-9]*[A-Z][A-Za-z0-9]*")
REF_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
REF_TOKEN = re.compile(r"[a-z0-9]+(?:\+[0-9]+|\+\+|#)?")
REF_COMPOUND = re.compile(r"\b[a-z]+(?:-[a-z]+)+\b")
REF_CALL = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\([^()\n]*\)")
REF_FILE = re.compile(
    r"\b[\w-]+\.(?:py|js|jsx|ts|tsx|go|java|kt|rb|rs|cs|cpp|php|scala|swift|sql|sh|ya?ml|json|toml|tf)\b"
)


def reference_tokenize(text: str) -> list[str]:
    def split(match: re.Match[str]) -> str:
        parts = REF_CAMEL_BOUNDARY.split(match.group(0))
        return " ".join(parts) if len(parts) >= 3 else match.group(0)

    return REF_TOKEN.findall(REF_IDENTIFIER.sub(split, text.replace("_", " ")).lower())


def reference_compounds(text: str) -> list[str]:
    return [match.group().replace("-", "") for match in REF_COMPOUND.finditer(text.lower())]


# Small alphabets make the hard cases (identifier edges, hyphen chains, dotted calls) common.
IDENTIFIER_TEXT = st.text(alphabet="aAbBzZyY09_-. é\n(`)#+", max_size=40)


@settings(max_examples=3000)
@given(IDENTIFIER_TEXT)
def test_tokenize_finds_what_the_reference_pattern_finds(text: str) -> None:
    assert tokenize(text) == reference_tokenize(text)


@settings(max_examples=3000)
@given(IDENTIFIER_TEXT)
def test_compounds_are_what_the_reference_pattern_finds(text: str) -> None:
    assert compounds(text) == reference_compounds(text)


@settings(max_examples=3000)
@given(st.text(alphabet="aA_1.é(x) -y\n", max_size=30))
def test_calls_and_file_names_count_as_code_exactly_when_the_reference_patterns_match(text: str) -> None:
    # code_markers counts kinds of code; a text with a call or a file name and nothing else counts 1.
    only_these = not re.search(r"`|==|!=|=>|->|::|&&|\|\||\+=|\+\+|;|/|select|update|insert|_|[a-z]{2,}[A-Z]", text)
    if only_these and not re.search(r"\b[A-Z][A-Za-z0-9]*(?:Error|Exception)\b", text):
        expected = bool(REF_CALL.search(text)) + bool(REF_FILE.search(text))
        assert code_markers(text) == expected


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        ("a hand-off between teams", ["handoff"]),  # the plain case
        ("roll-out-plan v2", ["rolloutplan"]),  # a chain of three
        ("v2-rollout", []),  # a part with a digit is no compound word
        ("x-y-z1", ["xy"]),  # the chain stops before a part that is not all letters
        ("café-bar and tea-time", ["teatime"]),  # non-ASCII letters are not joined
        ("double--hyphen", []),
    ],
)
def test_compounds_table(text: str, compound: list[str]) -> None:
    assert compounds(text) == compound


@contextmanager
def hang_guard(seconds: int = 30) -> Iterator[None]:
    """Fail the test if the block runs for `seconds` (quadratic work on these inputs takes hours)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: the work is not linear in the input")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


N = MAX_SUBJECT_CHARS
HOSTILE: dict[str, str] = {
    "one long word": "a" * N,
    "a capital then a long word": "A" + "a" * N,
    "letters and digits": "a1" * (N // 2),
    "a dotted name without a call": "a." * (N // 2),
    "a hyphen chain ending in a digit": "a-" * (N // 2) + "1",
    "unclosed calls": "f(" * (N // 2),
    "unclosed back-ticks": "`a" * (N // 2),
    "a path without end": "/a" * (N // 2),
    "snake case without end": "a_" * (N // 2),
    "camel case without end": "aB" * (N // 2),
    "a semicolon before spaces": ";" + " " * N + "x",
    "a run of y": "y" * N,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_is_analysed_in_linear_time(name: str) -> None:
    text = HOSTILE[name]
    steps: list[Callable[[str], object]] = [tokenize, compounds, code_markers, terms]
    with hang_guard():
        for step in steps:
            step(text)


@pytest.mark.parametrize("word", ["y" * 5_000, "ay" * 5_000, "by" * 5_000, "yy" + "ing" * 2_000])
def test_the_stemmer_takes_runs_of_y_without_recursion(word: str) -> None:
    assert stem(word)  # the first wave raised RecursionError from about 1,000 y's on
    assert stem(word) == stem(word)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("sayings", "say"),  # y after a vowel is a consonant: step 1c keeps it
        ("toying", "toy"),
        ("obeying", "obey"),
        ("flying", "fli"),  # y after a consonant is a vowel: step 1c makes it i
        ("crying", "cri"),
        ("syzygy", "syzygi"),  # y alternates: s-y(vowel)-z-y(vowel)-g-y
        ("yelling", "yell"),  # a leading y is a consonant
        ("yyyy", "yyyi"),  # y, then vowel y, consonant y, vowel y: the last follows a consonant
        ("ayyyyy", "ayyyyy"),  # after a vowel the y's alternate consonant, vowel, ...: the last follows a vowel
    ],
)
def test_y_is_a_consonant_at_the_start_and_after_a_vowel(word: str, expected: str) -> None:
    assert stem(word) == expected
