"""YAML documents from a repository, with the line of every value, read without trusting the file.

Deployment YAML is not our data: it may use anchors and merge keys (docker-compose files often do), custom
tags (`!Ref`), several documents per file, and now and then a repeated key. So, unlike the loader for our
own data files, aliases are allowed, but within a budget: the size a document would have with every alias
expanded is counted on the parsed graph (each shared node once), and a document over MAX_NODES, a "billion
laughs", is skipped with a note and never expanded. Custom tags are read as plain text, a repeated key keeps
its last value as Kubernetes does, and numbers and booleans follow YAML 1.2 as everywhere in persona-mcp.

Each document comes back as plain Python values with a table from each value's path (keys and list
indexes) to its 1-based line, so a fact can cite `deploy/cache.yaml:88`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from persona_mcp.data import yaml_loader

MAX_NODES = 200_000
"""Largest document, counted with every alias expanded; a bigger one is skipped, never built."""
MAX_DEPTH = 64
"""Deepest nesting read."""

Path = tuple[str | int, ...]

_PLAIN_TAGS = frozenset(
    {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
)
_MERGE = "tag:yaml.org,2002:merge"


class DocumentError(ValueError):
    """A document that cannot be read; the message says why, with a line where there is one."""


@dataclass
class Document:
    """One YAML document: its values, the file it came from, and the line of each value by path."""

    data: Any
    path: str
    index: int
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, *keys: str | int) -> int:
        """The line of the value at `keys`, or of its nearest ancestor that has one."""
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return self.lines.get((), 1)

    def where(self, *keys: str | int) -> str:
        """`path:line` of the value at `keys`."""
        return f"{self.path}:{self.line(*keys)}"


def _expanded_size(root: yaml.Node) -> int:
    """Nodes the document would have with every alias expanded (each shared node sized once)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes.get(id(child), 0) for child in children)
            if sizes[id(node)] > MAX_NODES:
                return sizes[id(node)]
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


class _Builder:
    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.lines: dict[Path, int] = {}

    def build(self, node: yaml.Node, path: Path = ()) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if len(path) > MAX_DEPTH:
            raise DocumentError(f"nesting deeper than {MAX_DEPTH} levels (line {node.start_mark.line + 1})")
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if node.tag in _PLAIN_TAGS:
            return self.loader.construct_object(node)
        return str(node.value)  # strings, timestamps and custom tags alike: the text as written

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[dict[str, Any]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    built = self.build(source, (*path, "<<"))
                    if isinstance(built, dict):
                        merged.append(built)
                continue
            key = self.build(key_node, (*path, "<key>")) if not isinstance(key_node, yaml.ScalarNode) else None
            name = str(key_node.value) if key is None else repr(key)
            result[name] = self.build(value_node, (*path, name))
            self.lines[(*path, name)] = key_node.start_mark.line + 1
        for source in merged:  # explicit keys win over merged ones, the first merged source over later ones
            for name, value in source.items():
                result.setdefault(name, value)
        return result


def load_documents(text: str, path: str) -> Iterator[Document]:
    """Every document in `text` (a file's content; `path` is only for citing it).

    Raises:
        DocumentError: If the YAML is malformed, nests too deeply or expands past MAX_NODES. Documents
            before the bad one have been yielded.
    """
    loader = yaml_loader(text)
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            size = _expanded_size(node)
            if size > MAX_NODES:
                raise DocumentError(
                    f"document {index + 1} would expand to over {MAX_NODES} values through its aliases "
                    f"(line {node.start_mark.line + 1}): not expanded"
                )
            builder = _Builder(loader)
            data = builder.build(node)
            yield Document(data=data, path=path, index=index, lines=builder.lines)
            index += 1
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise DocumentError(f"invalid YAML{where}: {getattr(exc, 'problem', None) or exc}") from exc
    except RecursionError as exc:
        raise DocumentError(f"nesting deeper than {MAX_DEPTH} levels") from exc
    finally:
        loader.dispose()
