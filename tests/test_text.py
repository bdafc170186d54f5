"""Text analysis: the tokenizer, the Porter stemmer and the phrase matcher that routing and overlap share."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from persona_mcp.catalog.text import PhraseMatcher, compounds, stem, terms, tokenize

# The examples of Porter's paper ("An algorithm for suffix stripping", 1980), step by step.
PORTER_PAPER = {
    # step 1a: plurals
    "caresses": "caress",
    "ponies": "poni",
    "ties": "ti",
    "caress": "caress",
    "cats": "cat",
    # step 1b: -eed, -ed, -ing and the clean-up after them
    "feed": "feed",
    "agreed": "agre",
    "plastered": "plaster",
    "bled": "bled",
    "motoring": "motor",
    "sing": "sing",
    "conflated": "conflat",
    "troubled": "troubl",
    "sized": "size",
    "hopping": "hop",
    "tanned": "tan",
    "falling": "fall",
    "hissing": "hiss",
    "fizzed": "fizz",
    "failing": "fail",
    "filing": "file",
    # step 1c: y -> i after a consonant
    "happy": "happi",
    # step 2: double suffixes
    "relational": "relat",
    "conditional": "condit",
    "rational": "ration",
    "valenci": "valenc",
    "hesitanci": "hesit",
    "digitizer": "digit",
    "conformabli": "conform",
    "radicalli": "radic",
    "differentli": "differ",
    "vileli": "vile",
    "analogousli": "analog",
    "vietnamization": "vietnam",
    "predication": "predic",
    "operator": "oper",
    "feudalism": "feudal",
    "decisiveness": "decis",
    "hopefulness": "hope",
    "callousness": "callous",
    "formaliti": "formal",
    "sensitiviti": "sensit",
    "sensibiliti": "sensibl",
    # step 3
    "triplicate": "triplic",
    "formative": "form",
    "formalize": "formal",
    "electriciti": "electr",
    "electrical": "electr",
    "hopeful": "hope",
    "goodness": "good",
    # step 4
    "revival": "reviv",
    "allowance": "allow",
    "inference": "infer",
    "airliner": "airlin",
    "gyroscopic": "gyroscop",
    "adjustable": "adjust",
    "defensible": "defens",
    "irritant": "irrit",
    "replacement": "replac",
    "adjustment": "adjust",
    "dependent": "depend",
    "adoption": "adopt",
    "homologou": "homolog",
    "communism": "commun",
    "activate": "activ",
    "angulariti": "angular",
    "homologous": "homolog",
    "effective": "effect",
    "bowdlerize": "bowdler",
    # step 5
    "probate": "probat",
    "rate": "rate",
    "cease": "ceas",
    "controll": "control",
    "roll": "roll",
}


@pytest.mark.parametrize(("word", "expected"), sorted(PORTER_PAPER.items()))
def test_the_stemmer_reproduces_porters_published_examples(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize(
    ("words", "shared"),
    [
        # the Porter2 step 1c keeps y after a vowel, so every form of "deploy" meets
        (["deploy", "deploys", "deploying", "deployed", "deployment"], "deploy"),
        (["retry", "retries", "retrying"], "retri"),
        # the exceptions file keeps words off unrelated stems
        (["accessibility", "accessible"], "accessibl"),
        (["container", "containers"], "container"),
    ],
)
def test_inflected_forms_share_one_stem(words: list[str], shared: str) -> None:
    assert {stem(w) for w in words} == {shared}


@pytest.mark.parametrize(
    ("pair"),
    [
        # Porter alone would fold these onto an unrelated common word
        ("accessibility", "access"),
        ("containers", "contains"),
        ("findings", "finding"),
        ("localization", "locally"),
    ],
)
def test_stem_exceptions_keep_unrelated_words_apart(pair: tuple[str, str]) -> None:
    assert stem(pair[0]) != stem(pair[1])


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        # identifiers of three or more parts are split; two-part product names stay whole
        ("OutOfMemoryError in GitHub", ["out", "of", "memory", "error", "in", "github"]),
        # N+1, C++ and C# keep their symbols
        ("N+1 queries in C++ and C#", ["n+1", "queries", "in", "c++", "and", "c#"]),
        # snake_case and dotted names separate
        ("parent_id json.dumps", ["parent", "id", "json", "dumps"]),
        ("", []),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_terms_drop_stop_words_and_code_syntax() -> None:
    assert terms("Please help me: return the value if it is None") == ["valu"]


@given(st.text(max_size=200))
def test_tokenizing_and_stemming_never_fail_and_are_deterministic(text: str) -> None:
    assert terms(text) == terms(text)
    assert all(token == token.lower() for token in tokenize(text))


MATCHER = PhraseMatcher(
    [
        ("load test", "load-testing"),
        ("tests", "test-automation"),
        ("on call", "alerting"),
        ("definition of done", "dod"),
        ("coordinate reviews", "coordination"),
        ("n+1", "db"),
        ("n+1", "ha"),
    ]
)


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        # the longer phrase wins and consumes its words
        ("we ran a load test and unit tests", ["load-testing", "test-automation"]),
        # a phrase of content words allows stop words between them
        ("coordinate the reviews", ["coordination"]),
        # a phrase with a stop word must match exactly
        ("who is on call tonight", ["alerting"]),
        ("the call was on hold", []),
        ("definition of done", ["dod"]),
        ("definition done", []),
        # a term shared by two concerns hits both
        ("an N+1 problem", ["db", "ha"]),
    ],
)
def test_phrase_matching(text: str, targets: list[str]) -> None:
    assert [hit.target for hit in MATCHER.find(text)] == targets


# The tokenizer and the compound finder read text with regular expressions built for speed; these plain
# versions read it word by word, as the docstrings describe, and the two must agree on every text.
def _plain_tokenize(text: str) -> list[str]:
    def split(run: str) -> str:
        first = next((i for i, char in enumerate(run) if char.isalpha()), len(run))
        if not any("A" <= char <= "Z" for char in run[first + 1 :]):
            return run
        parts = re.split(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", run[first:])
        return run[:first] + (" ".join(parts) if len(parts) >= 3 else run[first:])

    spaced = re.sub(r"[A-Za-z0-9]+", lambda m: split(m.group()), text.replace("_", " "))
    return re.findall(r"[a-z0-9]+(?:\+[0-9]+|\+\+|#)?", spaced.lower())


def _plain_compounds(text: str) -> list[str]:
    lowered, found, chain, previous_end = text.lower(), [], [], -1
    for match in re.finditer(r"\w+", lowered):
        word = match.group()
        if word.isascii() and word.isalpha() and chain and lowered[previous_end : match.start()] == "-":
            chain.append(word)
        else:
            found += ["".join(chain)] if len(chain) >= 2 else []
            chain = [word] if word.isascii() and word.isalpha() else []
        previous_end = match.end()
    return found + (["".join(chain)] if len(chain) >= 2 else [])


@given(st.text(alphabet="aZb9_- .é\nxYQ1ßK-", max_size=40))
def test_tokens_and_compounds_are_what_a_word_by_word_reading_gives(text: str) -> None:
    assert tokenize(text) == _plain_tokenize(text)
    assert compounds(text) == _plain_compounds(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a hand-off, a roll-out", ["handoff", "rollout"]),
        ("state-of-the-art", ["stateoftheart"]),
        ("x1-fail-over", ["failover"]),  # a word with a digit starts no chain; the words after it do
        ("fail-over2-x", []),
        ("fail--over", []),
        ("café-bar", []),
        ("Blue-Green deploys", ["bluegreen"]),
    ],
)
def test_compounds(text: str, expected: list[str]) -> None:
    assert compounds(text) == expected
