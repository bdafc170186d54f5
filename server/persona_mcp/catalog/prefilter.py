"""A literal prefilter for regular expressions: skip a search that cannot match.

Routing runs some fifty code-recognising patterns over every task, and a task is usually a few sentences
of prose that none of them can match. Python's `re` finds no literal prefix in a pattern that starts with
`\\b`, `^\\s*` or an alternation, so each search scans the whole text. As RE2 and Hyperscan do, this module
reads from a pattern the literal strings every match must contain and looks for those first with `in`,
which is far cheaper; only a text that holds them is searched. The answer is the same either way: a text
that holds none of them cannot contain a match.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_SETS = 3
"""How many required sets a pattern keeps: the most selective ones; checking more costs more than it saves."""

_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
"""The non-ASCII characters that `re.IGNORECASE` matches to an ASCII character, and that character in lower
case: İ and ı match i, ſ matches s, the Kelvin sign K matches k (tests/test_prefilter.py checks the list
against every code point). `str.lower` alone leaves ſ and ı as they are and turns İ into two characters."""

try:
    _parser: Any = importlib.import_module("re._parser")  # private: a future Python may move or change it
    _LITERAL = _parser.LITERAL
    _SUBPATTERN = _parser.SUBPATTERN
    _BRANCH = _parser.BRANCH
    _REPEATS = frozenset(
        getattr(_parser, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_parser, name)
    )
    _ATOMIC_GROUP = getattr(_parser, "ATOMIC_GROUP", None)
except (ImportError, AttributeError):  # pragma: no cover - only on a Python whose re internals differ
    _parser = None


def fold(text: str) -> str:
    """`text` in the form `Prefiltered.search` compares literals with: lower case, with the characters that
    `re.IGNORECASE` equates with an ASCII letter replaced by that letter. Fold a text once and pass it to
    every search, so the cost is paid once per text, not once per pattern."""
    return text.lower() if text.isascii() else text.translate(_FOLD).lower()


def _score(alternatives: frozenset[str]) -> tuple[int, int, int]:
    """How selective a set is: the longer its shortest string, then the fewer and the longer its strings, the
    rarer a text holds one of them."""
    return min(map(len, alternatives)), -len(alternatives), sum(map(len, alternatives))


def _leading(items: Iterable[tuple[Any, Any]]) -> str:
    """The ASCII literals a parsed sequence starts with, in lower case ('' if it starts with anything else)."""
    lead = []
    for op, av in items:
        if op is not _LITERAL or av >= 128:
            break
        lead.append(chr(av))
    return "".join(lead).lower()


def _required(items: Iterable[tuple[Any, Any]]) -> list[frozenset[str]]:
    """The sets of literals a match of a parsed sequence must contain, one string of each set.

    Only what every match must go through counts: a run of ASCII literals (carried into an alternation right
    after it when every branch starts with a literal), the inside of a group or of a repeat done at least
    once, and an alternation whose every branch requires something. Anything else (classes, anchors,
    lookarounds, backreferences, optional parts, non-ASCII literals) requires nothing and ends a run: knowing
    less only lets more texts through to the search, it never turns a match away."""
    found: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _LITERAL and av < 128:
            run.append(chr(av))
            continue
        if run:
            prefix = "".join(run).lower()
            # `re` moves the common start of alternatives out front (`Error|Exception` is `E(?:rror|xception)`):
            # when every branch starts with literals, the run goes on into each of them.
            leads = [_leading(branch) for branch in av[1]] if op is _BRANCH else []
            if leads and all(leads):
                found.append(frozenset(prefix + lead for lead in leads))
            else:
                found.append(frozenset({prefix}))
            run = []
        if op is _SUBPATTERN:
            found += _required(av[-1])
        elif op is _ATOMIC_GROUP:
            found += _required(av)
        elif op in _REPEATS:
            low, _high, item = av
            if low >= 1:
                found += _required(item)
        elif op is _BRANCH:
            # A match goes through one branch, so it holds a string of that branch's best set: the union of
            # the best sets is required, unless some branch requires nothing.
            union: set[str] = set()
            for branch in av[1]:
                options = _required(branch)
                if not options:
                    break
                best: frozenset[str] = max(options, key=_score)
                union |= best
            else:
                found.append(frozenset(union))
    if run:
        found.append(frozenset({"".join(run).lower()}))
    return found


def required_literals(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Literals every match of `pattern` contains, in lower case: at least one string of each set.

    An empty tuple means nothing is known and the text must always be searched. The sets come from the
    parse tree of `re`'s own parser, so they describe exactly the pattern `re` runs; on a Python whose
    parser differs, this returns () and the filter only loses its speed."""
    if _parser is None:
        return ()
    try:
        sets = _required(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # an unexpected parse tree must cost speed, never give a wrong answer
        return ()
    kept: list[frozenset[str]] = []
    for alternatives in sorted(set(sets), key=lambda s: (_score(s), sorted(s)), reverse=True):
        # A set that every string of a kept set contains a member of ('rror' after 'error') tells nothing more.
        if not any(all(any(weak in strong for weak in alternatives) for strong in k) for k in kept):
            kept.append(alternatives)
    return tuple(kept[:MAX_SETS])


@dataclass(frozen=True, slots=True)
class Prefiltered:
    """A compiled pattern with the literals its matches require, searched only when a text holds them."""

    pattern: re.Pattern[str]
    literals: tuple[frozenset[str], ...]

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Prefiltered:
        return cls(pattern, required_literals(pattern))

    def search(self, text: str, folded: str) -> re.Match[str] | None:
        """`self.pattern.search(text)`, or None at once when `folded` (`fold(text)`) lacks every string of
        a required set: then no match can exist."""
        for alternatives in self.literals:
            for literal in alternatives:
                if literal in folded:
                    break
            else:
                return None
        return self.pattern.search(text)
