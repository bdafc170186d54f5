"""Example requests, each labelled with the persona that should answer it: routing's nearest neighbours.

A persona's own text says what it does in its own words; users ask in theirs ("tips?", a pasted stack
trace, "is this ok to approve"). resources/routing-examples.yaml holds requests written the way users
write them, by people who saw neither the personas nor the code, each with the persona an engineering lead
would send it to. Routing finds the requests most like a new task (BM25 over their words) and lets them
vote for their personas, which reorders the personas that the task already fits (routing.py). The file is
generated from the labelled sets in tests/data (`python tools/routing_examples.py`); the sets held out to
measure routing are never in it.

Requests that are not about software at all are labelled `none` (UNRELATED): when the requests most like
a task are mostly of that kind, routing takes the task to be unrelated unless the task itself shows strong
signs of software ("a race condition between my two cats", "debug my bike's shifting").

Only persona ids are stored, so a user's persona that replaces a shipped one inherits its examples, and a
new persona without examples is ranked by its own text alone.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from persona_mcp.analysis.postings import Postings
from persona_mcp.catalog.loader import describe_validation_error
from persona_mcp.catalog.text import terms
from persona_mcp.data import load_yaml_file, resource_path
from persona_mcp.errors import PersonaFileError

EXAMPLES_FILE = "routing-examples.yaml"

UNRELATED = "none"
"""The label of example requests that are not about software engineering; never a persona id here."""

MAX_EXAMPLE_CHARS = 20_000
"""Longest example: the longest task routing accepts."""

MAX_EXAMPLES = 10_000
"""Most examples in one file; the shipped one holds about 850."""

K1 = 1.2
B = 0.75
"""BM25 parameters for the examples: the conventional values."""

PersonaId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
ExampleText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_EXAMPLE_CHARS)]


class ExampleFile(BaseModel):
    """The examples file: a version, where the examples came from, and the requests by persona id."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    version: Literal[1]
    source: str = Field(description="Where the examples came from and what was left out.")
    examples: dict[PersonaId, list[ExampleText]]


@dataclass(frozen=True)
class Examples:
    """Labelled example requests as (persona id, text) pairs, with a fingerprint of their content."""

    items: tuple[tuple[str, str], ...]
    fingerprint: str

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Examples:
        items = tuple(pairs)
        digest = hashlib.sha256()
        for persona_id, text in items:
            digest.update(f"{persona_id}\0{text}\0".encode())
        return cls(items, digest.hexdigest()[:16])


def parse_examples(data: object, source: str) -> Examples:
    """Validate already-parsed data as an examples file.

    Raises:
        PersonaFileError: If the data is not a valid examples file; the problems name the field.
    """
    try:
        model = ExampleFile.model_validate(data)
    except ValidationError as exc:
        raise PersonaFileError(source, describe_validation_error(exc, "routing examples")) from exc
    count = sum(len(texts) for texts in model.examples.values())
    if count > MAX_EXAMPLES:
        raise PersonaFileError(source, [f"examples: {count} examples is over the limit of {MAX_EXAMPLES}"])
    return Examples.of((persona_id, text) for persona_id, texts in model.examples.items() for text in texts)


@cache
def _shipped() -> Examples:
    path = resource_path(EXAMPLES_FILE)
    return parse_examples(load_yaml_file(path), str(path))


def load_examples(path: Path | None = None) -> Examples:
    """The shipped examples (validated once, then cached) or the file at `path`.

    Raises:
        PersonaFileError: If the file cannot be read, is not safe YAML, or fails validation.
    """
    if path is None:
        return _shipped()
    return parse_examples(load_yaml_file(path), str(path))


@dataclass(frozen=True)
class Vote:
    """What the examples most like a task say: a vote per persona (by catalog position) and how many of
    them each persona has, and the share of the vote that went to unrelated requests."""

    votes: list[float]
    counts: list[int]
    unrelated: float

    @classmethod
    def empty(cls, size: int) -> Vote:
        return cls([0.0] * size, [0] * size, 0.0)


@dataclass(frozen=True)
class NeighbourIndex:
    """BM25 postings over the examples whose persona is in the catalog (label: its position) and the
    unrelated ones (label -1), for finding a task's neighbours."""

    labels: list[int]
    postings: Postings

    @classmethod
    def build(cls, examples: Examples, persona_ids: Sequence[str]) -> NeighbourIndex:
        position = {persona_id: i for i, persona_id in enumerate(persona_ids) if persona_id != UNRELATED}
        position[UNRELATED] = -1
        kept = [(position[pid], Counter(terms(text))) for pid, text in examples.items if pid in position]
        if not kept:
            return cls([], Postings({}))
        n = len(kept)
        df = Counter(term for _, counts in kept for term in counts)
        idf = {term: math.log(1 + (n - count + 0.5) / (count + 0.5)) for term, count in df.items()}
        average = sum(sum(counts.values()) for _, counts in kept) / n or 1.0
        postings: dict[str, list[tuple[int, float]]] = {}
        for number, (_, counts) in enumerate(kept):
            norm = K1 * (1 - B + B * sum(counts.values()) / average)
            for term, count in counts.items():
                postings.setdefault(term, []).append((number, idf[term] * count * (K1 + 1) / (count + norm)))
        return cls([label for label, _ in kept], Postings(postings))

    def votes(self, task_terms: Iterable[str], size: int, neighbours: int) -> Vote:
        """The `neighbours` examples most like the task vote for their label, each with its similarity
        relative to the most similar one (1 for it); `size` is the number of personas."""
        similarity: dict[int, float] = {}
        get = similarity.get
        for term in sorted(set(task_terms)):  # a fixed order of float additions
            for number, value in self.postings.get(term):
                similarity[number] = get(number, 0.0) + value
        vote = Vote.empty(size)
        if not similarity:
            return vote
        # Most similar first; a stable sort of the ascending numbers keeps ties in example order.
        nearest = sorted(sorted(similarity), key=similarity.__getitem__, reverse=True)[:neighbours]
        best = similarity[nearest[0]]
        unrelated = total = 0.0
        for number in nearest:
            weight = similarity[number] / best
            total += weight
            label = self.labels[number]
            if label < 0:
                unrelated += weight
            else:
                vote.votes[label] += weight
                vote.counts[label] += 1
        return Vote(vote.votes, vote.counts, unrelated / total)
