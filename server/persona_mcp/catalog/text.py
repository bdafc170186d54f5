"""Turning text into comparable terms: tokens, Porter stems, stop words and phrase matching.

Routing and overlap analysis compare what a user typed with what a persona file and the concern taxonomy
say. Both sides go through the same steps here, so "deploying", "deployments" and "Deploy" meet on one
stem, and a code identifier such as `ConcurrentModificationException` reads as three words.

The stemmer is M. F. Porter's 1980 algorithm ("An algorithm for suffix stripping", Program 14(3)) with one
change taken from his later Porter2 stemmer (step 1c, see `_step1`). It is written out here rather than
taken from a library so that stems, and with them every routing score, change only when this file does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from persona_mcp.data import read_text, resource_path

STOPWORDS_FILE = "stopwords.txt"
STEM_EXCEPTIONS_FILE = "stem-exceptions.txt"

# Identifiers of three or more parts are split (OutOfMemoryError -> out of memory error); two-part ones
# are mostly product names (GitHub, OAuth, PostgreSQL) and stay whole.
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# A run of ASCII letters and digits with a capital after its first letter: the only runs `_split_identifier`
# can change, so ordinary words never reach it. Possessive and anchored at a run's start: linear.
_IDENTIFIER_RUN = re.compile(r"(?<![A-Za-z0-9])[0-9]*+[A-Za-z][a-z0-9]*+[A-Z][A-Za-z0-9]*+")
# A token: letters and digits, keeping the "+1" of N+1, the "++" of C++ and the "#" of C#.
_TOKEN = re.compile(r"[a-z0-9]+(?:\+[0-9]+|\+\+|#)?")


def _split_identifier(match: re.Match[str]) -> str:
    """A run of ASCII letters and digits with its identifier, from its first letter on, split into words.

    The identifier is the run from its first letter when a capital follows that letter (`parseHTTPRequest`,
    `2xxResponseCount` from the x); a run without one (`main`, `Python3`) is no identifier. Each run is
    read once, so the work is linear in the text however long a run is.
    """
    run = match.group(0)
    first = next(i for i, char in enumerate(run) if char.isalpha())
    word = run[first:]
    parts = _CAMEL_BOUNDARY.split(word)
    return run[:first] + (" ".join(parts) if len(parts) >= 3 else word)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens of `text`; underscores, dots and punctuation separate words.

    Linear in the length of `text`: every pattern here reads each character a bounded number of times.
    """
    spaced = _IDENTIFIER_RUN.sub(_split_identifier, text.replace("_", " "))
    return _TOKEN.findall(spaced.lower())


# --- Porter stemmer -------------------------------------------------------------------------------

_VOWELS = frozenset("aeiou")


def _consonants(word: str) -> list[bool]:
    """Whether each letter of `word` is a consonant in Porter's sense: not a vowel, and a y only when it
    follows a vowel (or starts the word). Worked out left to right, so a run of y's costs no recursion."""
    flags: list[bool] = []
    for i, char in enumerate(word):
        if char in _VOWELS:
            flags.append(False)
        elif char == "y":
            flags.append(i == 0 or not flags[i - 1])
        else:
            flags.append(True)
    return flags


def _measure(stem: str) -> int:
    """m in [C](VC){m}[V]: the number of vowel-consonant sequences in `stem`."""
    count = 0
    previous_vowel = False
    for consonant in _consonants(stem):
        if previous_vowel and consonant:
            count += 1
        previous_vowel = not consonant
    return count


def _has_vowel(stem: str) -> bool:
    return not all(_consonants(stem))


def _double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _consonants(word)[-1]


def _cvc(word: str) -> bool:
    """Ends consonant-vowel-consonant, the last consonant not w, x or y (*o in the paper)."""
    if len(word) < 3:
        return False
    flags = _consonants(word)
    return flags[-3] and not flags[-2] and flags[-1] and word[-1] not in "wxy"


_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("abli", "able"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
)
_STEP3 = (
    ("icate", "ic"),
    ("ative", ""),
    ("alize", "al"),
    ("iciti", "ic"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
)
_STEP4 = (
    "al",
    "ance",
    "ence",
    "er",
    "ic",
    "able",
    "ible",
    "ant",
    "ement",
    "ment",
    "ent",
    "ion",
    "ou",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
)


def _longest_suffix(word: str, suffixes: Iterable[str]) -> str | None:
    found = [s for s in suffixes if word.endswith(s)]
    return max(found, key=len) if found else None


def _step1(word: str) -> str:
    if word.endswith("sses") or word.endswith("ies"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]

    stripped = False
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    elif word.endswith("ed") and _has_vowel(word[:-2]):
        word, stripped = word[:-2], True
    elif word.endswith("ing") and _has_vowel(word[:-3]):
        word, stripped = word[:-3], True
    if stripped:
        if word.endswith(("at", "bl", "iz")):
            word += "e"
        elif _double_consonant(word) and word[-1] not in "lsz":
            word = word[:-1]
        elif _measure(word) == 1 and _cvc(word):
            word += "e"

    # Step 1c as in Porter's later English (Porter2) stemmer: y becomes i only after a consonant that is
    # not the first letter, so "deploy", "deploys" and "deploying" keep one stem with "deployment".
    if len(word) > 2 and word.endswith("y") and _consonants(word[:-1])[-1]:
        word = word[:-1] + "i"
    return word


def _replace(word: str, rules: Sequence[tuple[str, str]], min_measure: int) -> str:
    suffix = _longest_suffix(word, (s for s, _ in rules))
    if suffix is None:
        return word
    stem = word[: -len(suffix)]
    if _measure(stem) > min_measure:
        return stem + dict(rules)[suffix]
    return word


def _step4(word: str) -> str:
    suffix = _longest_suffix(word, _STEP4)
    if suffix is None:
        return word
    stem = word[: -len(suffix)]
    if _measure(stem) <= 1:
        return word
    if suffix == "ion" and not stem.endswith(("s", "t")):
        return word
    return stem


def _step5(word: str) -> str:
    if word.endswith("e"):
        stem = word[:-1]
        m = _measure(stem)
        if m > 1 or (m == 1 and not _cvc(stem)):
            word = stem
    if word.endswith("ll") and _measure(word) > 1:
        word = word[:-1]
    return word


@cache
def stem_exceptions() -> dict[str, str]:
    """Words whose Porter stem would collide with an unrelated word, and the stem to use instead.

    Raises:
        PersonaFileError: If resources/stem-exceptions.txt cannot be read.
    """
    pairs = (line.split() for line in read_text(resource_path(STEM_EXCEPTIONS_FILE)).splitlines())
    return {fields[0]: fields[1] for fields in pairs if len(fields) == 2 and not fields[0].startswith("#")}


@lru_cache(maxsize=65_536)
@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Porter stem of a lower-case word; words of one or two letters and non-words are kept as they are.
    Remembered: a catalog of a thousand agents stems the same few thousand words a hundred times each."""
    if len(word) <= 2 or not word.isalpha():
        return word
    exception = stem_exceptions().get(word)
    if exception is not None:
        return exception
    word = _step1(word)
    word = _replace(word, _STEP2, 0)
    word = _replace(word, _STEP3, 0)
    word = _step4(word)
    return _step5(word)


# --- stop words and analysis ----------------------------------------------------------------------


@cache
def stopwords() -> frozenset[str]:
    """The stop words from resources/stopwords.txt.

    Raises:
        PersonaFileError: If the file cannot be read.
    """
    lines = read_text(resource_path(STOPWORDS_FILE)).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def stems(text: str) -> list[str]:
    """The stems of every token in `text`, stop words included (for phrase matching)."""
    return [stem(token) for token in tokenize(text)]


# Two or more whole words of lower-case ASCII letters joined by single hyphens: each part is a maximal run
# of word characters, and the leftmost match takes the whole chain. A part that is not a whole word of letters
# ends the chain before it; nothing is read twice, so the search is linear in the text.
_COMPOUND = re.compile(r"(?<!\w)[a-z]++(?:-[a-z]++(?!\w))+")


def compounds(text: str) -> list[str]:
    """Hyphenated words of `text` written as one ("hand-off" -> "handoff", "roll-out" -> "rollout").

    People write the same compound three ways; tokenizing keeps "hand off", and this adds "handoff", so a
    persona that says "hand-off" meets a user who types "handoff". A compound is two or more words of
    lower-case ASCII letters joined by single hyphens.
    """
    return [match.group().replace("-", "") for match in _COMPOUND.finditer(text.lower())]


def _content(token: str, stop: frozenset[str]) -> bool:
    # A bare number or a single character names no subject: "5 nodes" and "O(n^2)" share only noise.
    return token not in stop and len(token) > 1 and not token.isdigit()


def terms(text: str, tokens: Sequence[str] | None = None) -> list[str]:
    """The stems of the content words of `text` (for ranking).

    Stop words, bare numbers and single characters are dropped; hyphenated compounds also count in their
    one-word spelling (see `compounds`). A caller that has already tokenized `text` passes `tokens`
    (`tokenize(text)`) to save doing it again.
    """
    stop = stopwords()
    found = [stem(token) for token in (tokenize(text) if tokens is None else tokens) if _content(token, stop)]
    return found + [stem(word) for word in compounds(text) if word not in stop]


# --- code in free text ----------------------------------------------------------------------------

_CODE_MARKERS = (
    re.compile(r"`[^`\n]+`|```"),  # code marked up as code
    # a call: f(x), obj.m() (a dotted call holds a plain one, `m()`, so the plain form finds both, in one read)
    re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\([^()\n]*\)"),
    re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"),  # snake_case
    re.compile(r"\b[a-z]{2,}[A-Z][A-Za-z0-9]*\b"),  # camelCase (not iPhone or eBay)
    re.compile(r"\b[A-Z][A-Za-z0-9]*(?:Error|Exception)\b"),  # an exception's name
    re.compile(r"\b(?:extends|implements)\s+[A-Z]\w*"),  # a class declaration
    # a type named the way code names types: OrderService, ReportBuilder, UserRepository
    re.compile(
        r"\b(?:[A-Z][a-z0-9]+)+(?:Service|Controller|Manager|Factory|Handler|Repository|Builder|Provider|Client"
        r"|Helper|Utils?|Impl|Config|Registry|Adapter|Module|Component|View|Model|Dto|Dao|Store|Test|Spec)\b"
    ),
    # a file name, read from the start of a hyphenated name only (not again after each hyphen)
    re.compile(
        r"(?<![\w-])-*+\w[\w-]*+\.(?:py|js|jsx|ts|tsx|go|java|kt|rb|rs|cs|cpp|php|scala|swift|sql|sh|ya?ml|json|toml|tf)\b"
    ),
    re.compile(r"==|!=|=>|->|::|&&|\|\||\+=|\+\+|;\s*$", re.MULTILINE),  # operators
    re.compile(r"(?:^|\s)(?:/[\w.{}:-]+){2,}"),  # a URL or file path: /api/orders/{id}, /srv/uploads
    re.compile(r"(?i)\bselect\b[^\n]{0,80}?\b(?:from|where)\b|\bupdate\s+\w+\s+set\b|\binsert\s+into\b"),  # SQL
)


def code_markers(text: str) -> int:
    """How many kinds of code the text shows: marked-up code, calls, identifiers, exception names, file
    names, operators and paths. Everyday writing shows none; a snippet or a stack trace shows several."""
    return sum(1 for marker in _CODE_MARKERS if marker.search(text))


# --- phrase matching ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhraseHit:
    """One phrase found in a text: which phrase, what it stands for, and where (token positions)."""

    phrase: str
    target: str
    start: int
    end: int


_Entry = tuple[tuple[str, ...], str, str]


class PhraseMatcher:
    """Finds known phrases in text by their stems, longest phrase first, without overlaps.

    Each phrase maps to a target (a concern id). A phrase made only of content words matches those words
    in order with stop words between them allowed ("coordinate reviews" matches "coordinate the reviews");
    a phrase that contains a stop word must match exactly ("on call", "definition of done"). Where phrases
    overlap, the leftmost wins and then the longest, so "load test" is not also read as "test". A phrase
    listed for two targets (a term two concerns share) yields a hit for each. Built with `either_order`, a
    search can also ask for phrases of two content words with their words swapped ("rotating certificates",
    "index missing"); one matcher then serves both kinds of search.
    """

    def __init__(self, phrases: Iterable[tuple[str, str]], *, either_order: bool = False) -> None:
        stop = stopwords()
        self._exact: dict[str, list[_Entry]] = {}
        self._content: dict[str, list[_Entry]] = {}
        self._flipped: dict[str, list[_Entry]] = {}
        pairs: list[_Entry] = []
        for phrase, target in phrases:
            tokens = tokenize(phrase)
            if not tokens:
                continue
            exact = any(token in stop for token in tokens)
            key = tuple(stem(token) for token in tokens)
            (self._exact if exact else self._content).setdefault(key[0], []).append((key, phrase, target))
            if not exact and len(key) == 2:
                pairs.append((key, phrase, target))
        if either_order:
            # "rotating certificates" is "certificate rotation" said the other way round.
            known = {entry[0] for entries in self._content.values() for entry in entries}
            for key, phrase, target in pairs:
                flipped = (key[1], key[0])
                if flipped not in known:
                    self._flipped.setdefault(flipped[0], []).append((flipped, phrase, target))
        for table in (self._exact, self._content, self._flipped):
            for entries in table.values():
                entries.sort(key=lambda entry: (-len(entry[0]), entry[1], entry[2]))

    @staticmethod
    def _scan(sequence: Sequence[str], table: dict[str, list[_Entry]]) -> list[tuple[int, int, _Entry]]:
        found = []
        for i, first in enumerate(sequence):
            for entry in table.get(first, ()):
                end = i + len(entry[0])
                if end <= len(sequence) and tuple(sequence[i:end]) == entry[0]:
                    found.append((i, end, entry))
        return found

    def find_tokens(self, tokens: Sequence[str], *, either_order: bool = False) -> list[PhraseHit]:
        """Phrase hits in a token sequence (as from `tokenize`), left to right; with `either_order` (on a
        matcher built with it), two-word phrases also match with their words swapped."""
        stop = stopwords()
        all_stems = [stem(token) for token in tokens]
        positions = [i for i, token in enumerate(tokens) if token not in stop]
        content = [all_stems[i] for i in positions]
        candidates = self._scan(all_stems, self._exact)
        content_hits = self._scan(content, self._content)
        if either_order:
            content_hits += self._scan(content, self._flipped)
        candidates += [(positions[i], positions[end - 1] + 1, entry) for i, end, entry in content_hits]
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0]), c[2][1], c[2][2]))
        hits: list[PhraseHit] = []
        taken_until = 0
        chosen: tuple[int, int, tuple[str, ...]] | None = None
        for start, end, (key, phrase, target) in candidates:
            if chosen is not None and (start, end, key) == chosen:
                hits.append(PhraseHit(phrase=phrase, target=target, start=start, end=end))  # a shared term
                continue
            if start < taken_until:
                continue
            hits.append(PhraseHit(phrase=phrase, target=target, start=start, end=end))
            chosen, taken_until = (start, end, key), end
        return hits

    def find(self, text: str) -> list[PhraseHit]:
        """Phrase hits in `text`."""
        return self.find_tokens(tokenize(text))
