"""Plain-text tables of result models, for the command line.

Any result model renders the same way: its summary line, a two-column table of its scalar fields, then one
table per list of records. Numbers are shown with up to 10 significant digits; the JSON output keeps them whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

MAX_CELL = 80


def cell(value: Any, limit: int | None = MAX_CELL) -> str:
    """One value as table text: None as '-', whole floats as integers, lists joined, long text cut at `limit`."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.10g}"
    if isinstance(value, list):
        return ", ".join(cell(v, limit) for v in value) or "-"
    text = " ".join(str(value).split())
    return text if limit is None or len(text) <= limit else text[: limit - 3] + "..."


def grid(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, a rule under the header."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def _is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def render_model(model: BaseModel) -> str:
    """The model as text: summary, scalar fields, then each list of records (and nested record) as a table."""
    data = model.model_dump(mode="json")
    summary = data.pop("summary", None)
    parts: list[str] = [str(summary)] if summary else []
    scalars = [(k, v) for k, v in data.items() if not _is_records(v) and not isinstance(v, dict)]
    if scalars:
        parts.append(grid(["field", "value"], [[k, cell(v, None)] for k, v in scalars]))
    for key, value in data.items():
        if isinstance(value, dict) and value:
            parts.append(f"{key}:\n" + grid(["field", "value"], [[k, cell(v, None)] for k, v in value.items()]))
        elif _is_records(value):
            columns = list(dict.fromkeys(k for row in value for k in row))
            rows = [[cell(row.get(c)) for c in columns] for row in value]
            parts.append(f"{key}:\n" + grid(columns, rows))
    return "\n\n".join(parts) + "\n"
