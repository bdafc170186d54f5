"""Finding and safely reading the project's data files (personas/, resources/).

In an installed wheel the data directories sit inside the package (`persona_mcp/personas`); in a checkout
they sit at the top of the repository, two levels above this file. Both layouts are found the same way.

YAML is read with a loader that refuses aliases (the "billion laughs" expansion), limits nesting depth and
file size, and insists on UTF-8, so a hostile or broken file fails fast with a message instead of eating
memory.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from persona_mcp.errors import PersonaFileError

MAX_FILE_BYTES = 1024 * 1024
"""Largest data file we read. Persona files are a few KiB; anything near this is a mistake or an attack."""

MAX_DEPTH = 32
"""Deepest YAML nesting accepted. The schema needs 4."""

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The shipped data directory `name` ("personas" or "resources").

    Raises:
        FileNotFoundError: If neither the wheel layout nor the checkout layout has it (a broken install).
    """
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"persona-mcp data directory {name!r} is missing next to {_PACKAGE_DIR}")


def resource_path(*parts: str) -> Path:
    """A file under the shipped resources/ directory."""
    return data_dir("resources").joinpath(*parts)


def read_text(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file of bounded size.

    Raises:
        PersonaFileError: If the file is missing, too large, not UTF-8, or contains NUL bytes.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PersonaFileError(str(path), [f"file is {size} bytes; the limit is {max_bytes} bytes"])
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise PersonaFileError(str(path), [f"cannot read file: {exc.strerror or exc}"]) from exc
    if len(raw) > max_bytes:
        raise PersonaFileError(str(path), [f"file exceeds the limit of {max_bytes} bytes"])
    if b"\x00" in raw:
        raise PersonaFileError(str(path), ["file contains NUL bytes; expected UTF-8 text"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PersonaFileError(str(path), [f"not UTF-8 text (invalid byte at offset {exc.start})"]) from exc


class _SafeLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` without aliases and with a depth limit."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not allowed in data files", mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nesting deeper than {MAX_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# YAML 1.2 booleans only: YAML 1.1 also reads yes/no/on/off as booleans, which turns a country code `NO` or
# a checklist answer `no` into False. With this resolver they stay strings, and a flag must be true or false.
_SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_yaml(text: str, source: str) -> Any:
    """Parse one YAML document safely.

    Raises:
        PersonaFileError: If the text is not valid YAML, uses aliases, or nests too deeply.
    """
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - _SafeLoader derives from SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PersonaFileError(source, [f"invalid YAML{where}: {problem}"]) from exc


def load_yaml_file(path: Path) -> Any:
    """Read and parse a YAML data file with every safety limit applied.

    Raises:
        PersonaFileError: As `read_text` and `parse_yaml`.
    """
    return parse_yaml(read_text(path), str(path))
