"""Finding and safely reading the project's data files (personas/, resources/).

In an installed wheel the data directories sit inside the package (`persona_mcp/personas`); in a checkout
they sit at the top of the repository, two levels above this file. Both layouts are found the same way.

YAML is read with a loader that refuses aliases (the "billion laughs" expansion) and repeated keys (which
PyYAML would resolve silently to the last value), limits nesting depth and file size, and insists on UTF-8,
so a hostile or broken file fails fast with a message instead of eating memory or losing a field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from persona_mcp.errors import PersonaFileError

MAX_FILE_BYTES = 1024 * 1024
"""Largest data file we read. Persona files are a few KiB; anything near this is a mistake or an attack."""

MAX_DEPTH = 32
"""Deepest YAML nesting accepted. The persona schema needs 4; a system tree for availability may need more."""

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


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (about ten times faster), else the pure-Python one; both safe."""


MAX_INT_DIGITS = 4300
"""Longest integer a data file may hold: Python's own limit on converting decimal text to int (CVE-2020-10735)."""


class _SafeLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose booleans and numbers are YAML 1.2's (the JSON schema's forms, plus .inf and .nan).

    YAML 1.1, which PyYAML follows, reads yes/no/on/off as booleans (a country code `NO` becomes False),
    `1:30` as the base-60 number 90, `017` as octal 15, `0x1E` as 30 and `99_9` as 999. Here those stay
    strings, so a numeric field given one is refused by its own validation with a message naming the field,
    instead of silently holding a number nobody wrote. A flag must be written true or false.
    """


_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _NUMBER_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)$"
        r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
    ),
    list("-+0123456789."),
)


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    digits = len(text.lstrip("+-"))
    if digits > MAX_INT_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"an integer of {digits} digits; at most {MAX_INT_DIGITS} are accepted", node.start_mark
        )
    return int(text)


_SafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def yaml_loader(text: str) -> yaml.SafeLoader:
    """A safe loader over `text` reading numbers and booleans as YAML 1.2 does (the caller disposes of it).

    For YAML that is not ours (a repository's deployment files): the caller applies its own limits to the
    parsed nodes. Our own data files go through `parse_yaml`, which refuses aliases outright.
    """
    return _SafeLoader(text)


def _check_graph(root: yaml.Node) -> None:
    """Refuse aliases, deep nesting and repeated keys before anything is built from the parsed nodes.

    An alias makes the composed graph share a node, so a node reached twice means an alias was used; the
    "billion laughs" expansion needs one. Walking the graph stops at the first repeat, so the check costs
    one visit per distinct node however the aliases multiply.

    Raises:
        yaml.MarkedYAMLError: On the first alias, nesting deeper than MAX_DEPTH, or a key repeated in a mapping.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in persona-mcp data files", node.start_mark
            )
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise yaml.composer.ComposerError(None, None, f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            keys: set[tuple[str, str]] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if (key.tag, key.value) in keys:
                        # PyYAML keeps the last value silently; a repeated field is always a mistake in our data.
                        raise yaml.composer.ComposerError(
                            None, None, f"duplicate key {key.value!r} in one mapping", key.start_mark
                        )
                    keys.add((key.tag, key.value))
                stack.extend(((key, depth + 1), (value, depth + 1)))


@contextmanager
def _loading(text: str, source: str) -> Iterator[yaml.SafeLoader]:
    """A safe loader over `text`, whose errors become one PersonaFileError naming `source`; disposed after."""
    loader = _SafeLoader(text)
    try:
        yield loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PersonaFileError(source, [f"invalid YAML{where}: {problem}"]) from exc
    except RecursionError as exc:  # the C parser's own limit on nesting, before our check sees the nodes
        raise PersonaFileError(source, [f"invalid YAML: nesting deeper than {MAX_DEPTH} levels"]) from exc
    finally:
        loader.dispose()


def parse_yaml(text: str, source: str) -> Any:
    """Parse one YAML document safely.

    Raises:
        PersonaFileError: If the text is not valid YAML, uses aliases, nests too deeply or repeats a key.
    """
    with _loading(text, source) as loader:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node)
        return loader.construct_document(node)


def parse_yaml_documents(text: str, source: str) -> list[Any]:
    """Every document of a YAML stream (`---` separated), each parsed as `parse_yaml` parses one.

    Raises:
        PersonaFileError: As `parse_yaml`, for the first bad document.
    """
    documents: list[Any] = []
    with _loading(text, source) as loader:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            _check_graph(node)
            documents.append(loader.construct_document(node))
    return documents


def load_yaml_file(path: Path) -> Any:
    """Read and parse a YAML data file with every safety limit applied.

    Raises:
        PersonaFileError: As `read_text` and `parse_yaml`.
    """
    return parse_yaml(read_text(path), str(path))
