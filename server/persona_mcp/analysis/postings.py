"""Postings for BM25 search, packed: per term, the documents that hold it and a weight in each.

Routing keeps two indexes (the personas and the labelled example requests) for the life of the server.
Held as a list of (document, weight) tuples per term they took a few hundred bytes a term; here every
term's entries sit side by side in two flat arrays, and a term maps to its slice. Entries keep the order
they were added in, so sums over them add the same floats in the same order.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping


class Postings:
    """Per term, its (document, weight) entries, in the order they were given."""

    __slots__ = ("_docs", "_ends", "_slots", "_weights")

    def __init__(self, by_term: Mapping[str, Iterable[tuple[int, float]]]) -> None:
        self._slots: dict[str, int] = {}
        self._ends = array("l", [0])
        self._docs = array("l")
        self._weights = array("d")
        for slot, (term, entries) in enumerate(by_term.items()):
            self._slots[term] = slot
            for doc, weight in entries:
                self._docs.append(doc)
                self._weights.append(weight)
            self._ends.append(len(self._docs))

    def get(self, term: str) -> Iterator[tuple[int, float]]:
        """The (document, weight) entries of `term`; none for a term no document holds."""
        slot = self._slots.get(term)
        if slot is None:
            return iter(())
        start, end = self._ends[slot], self._ends[slot + 1]
        return zip(self._docs[start:end], self._weights[start:end], strict=True)

    def __contains__(self, term: str) -> bool:
        return term in self._slots

    def __len__(self) -> int:
        return len(self._slots)

    def terms(self) -> Iterable[str]:
        return self._slots.keys()
