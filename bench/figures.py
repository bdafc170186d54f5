"""Summaries of repeated measurements and the one table a benchmark run prints.

A figure is the median of its samples with their p10-p90 spread; a comparison with the floor is the ratio of
the two medians. Targets are printed as PASS or MISS next to the figure and never asserted.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field


def percentile(values: Sequence[float], fraction: float) -> float:
    """The `fraction` quantile of `values` by linear interpolation between closest ranks (0.0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Stat:
    """Median and p10-p90 spread of a set of samples."""

    median: float
    p10: float
    p90: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Stat:
        if not values:
            return cls(0.0, 0.0, 0.0, 0)
        return cls(statistics.median(values), percentile(values, 0.10), percentile(values, 0.90), len(values))

    def show(self, digits: int = 1, unit: str = "") -> str:
        """`412.3 ms [398.0–430.1]`; a single sample has no spread."""
        text = f"{self.median:,.{digits}f}{unit}"
        if self.n > 1:
            text += f" [{self.p10:,.{digits}f}–{self.p90:,.{digits}f}]"
        return text


def ratio(ours: float, floor: float) -> float | None:
    """ours / floor, or None when the floor is zero."""
    return ours / floor if floor else None


def show_ratio(value: float | None) -> str:
    """Three decimals below 10x, so a ratio printed next to a 0.90x or 1.10x target never rounds across it."""
    if value is None:
        return "—"
    return f"{value:.3f}x" if value < 10 else f"{value:.1f}x"


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "MISS")


@dataclass
class Row:
    """One line of the results table."""

    figure: str
    ours: str = "—"
    floor: str = "—"
    ratio: str = "—"
    target: str = ""
    result: str = ""


@dataclass
class Table:
    """The results table, in sections; rendered as Markdown (readable on a terminal too)."""

    rows: list[Row | str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    smoke: bool = False
    """A smoke run's verdicts read "pass (smoke)" and "miss (smoke)": too few samples to judge a target by."""

    def section(self, title: str) -> None:
        self.rows.append(title)

    def add(self, row: Row) -> None:
        self.rows.append(row)

    def markdown(self) -> str:
        header = ("Figure", "Ours", "Floor", "Ratio", "Target", "Result")
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
        for row in self.rows:
            if isinstance(row, str):
                lines.append(f"| **{row}** | | | | | |")
            else:
                result = f"{row.result.lower()} (smoke)" if self.smoke and row.result else row.result
                cells = (row.figure, row.ours, row.floor, row.ratio, row.target, result)
                lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        return "\n".join(lines)
