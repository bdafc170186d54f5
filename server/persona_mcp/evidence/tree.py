"""Walking a repository safely: which files are read, and why the others are not.

A repository handed to the server may be anyone's: it can hold a symlink to /etc, a 2 GB log, a
million files, or a binary. The walk stays inside the root (a symlink whose target leaves it is never
followed; one that stays inside is read once, as its target), skips directories that hold no deployment
facts (.git, node_modules, vendored code), reads only text files of the kinds the readers understand, and
stops at a file count, a byte budget and a time budget. Everything not read for a reason worth knowing is
listed in `skipped`, so a review can say what it did not look at.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from persona_mcp.errors import InvalidArgument

MAX_FILE_BYTES = 1024 * 1024
"""Largest file read; deployment files are kilobytes, and a larger one is generated or not ours to read."""
MAX_TREE_BYTES = 32 * 1024 * 1024
"""Bytes read from one repository in all."""
MAX_FILES = 5_000
"""Files read from one repository (of the kinds the readers understand)."""
MAX_ENTRIES = 200_000
"""Directory entries looked at, read or not: bounds the walk of a huge tree of files nobody reads."""
TIME_BUDGET_S = 10.0
"""Wall time for the whole walk; past it the walk stops and says so."""
MAX_DEPTH = 32
"""Deepest directory descended into."""

SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", "vendor", "third_party", ".terraform", ".venv", "venv", "__pycache__"}
)
"""Directories never descended into: version control, dependencies and build caches."""

SUFFIXES = frozenset({".yaml", ".yml", ".json", ".tf", ".md", ".markdown", ".rst", ".txt"})
"""Files read by their suffix; some others are read by name (NAMES)."""
NAMES = frozenset({"CODEOWNERS", "Chart.yaml", "values.yaml", "kustomization.yaml", "OWNERS"})


@dataclass(frozen=True)
class SourceFile:
    """A text file read from the repository: its path relative to the root (POSIX form) and its text."""

    path: str
    text: str


@dataclass(frozen=True)
class Skipped:
    """Something the walk did not read, and why."""

    path: str
    reason: str


@dataclass
class Tree:
    """The files read from one repository and what was skipped."""

    root: Path
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def by_suffix(self, *suffixes: str) -> list[SourceFile]:
        """The files whose name ends with one of `suffixes`."""
        return [f for f in self.files if f.path.endswith(suffixes)]


def _wanted(name: str) -> bool:
    return name in NAMES or PurePosixPath(name).suffix.lower() in SUFFIXES


def _decode(raw: bytes) -> str | None:
    if b"\x00" in raw[:8192]:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def walk(
    root: Path,
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_tree_bytes: int = MAX_TREE_BYTES,
    max_files: int = MAX_FILES,
    time_budget_s: float = TIME_BUDGET_S,
) -> Tree:
    """Read the text files under `root` that the readers understand, within the limits above.

    Raises:
        InvalidArgument: If `root` is not a directory.
    """
    if not root.is_dir():
        raise InvalidArgument("repository", f"{root} is not a directory")
    real_root = root.resolve()
    tree = Tree(root=real_root)
    deadline = time.monotonic() + time_budget_s
    read_bytes = 0
    entries = 0
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[Path, int]] = [(real_root, 0)]
    while stack:
        directory, depth = stack.pop()
        try:
            info = directory.stat()
            if (info.st_dev, info.st_ino) in seen_dirs:
                continue  # a directory reached twice (through a link inside the root): read once
            seen_dirs.add((info.st_dev, info.st_ino))
            children = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as exc:
            tree.skipped.append(Skipped(_relative(directory, real_root), f"cannot list: {exc.strerror or exc}"))
            continue
        subdirectories: list[tuple[Path, int]] = []
        for entry in children:
            entries += 1
            relative = _relative(Path(entry.path), real_root)
            if entries > MAX_ENTRIES or time.monotonic() > deadline:
                limit = f"{MAX_ENTRIES} entries" if entries > MAX_ENTRIES else f"{time_budget_s:g} s"
                tree.skipped.append(Skipped(relative, f"the walk stopped here: its budget of {limit} was spent"))
                return _sorted(tree)
            target = Path(entry.path)
            if entry.is_symlink():
                resolved = target.resolve()
                if not resolved.is_relative_to(real_root):
                    tree.skipped.append(Skipped(relative, "a symlink out of the repository: not followed"))
                    continue
                target = resolved
            if target.is_dir():
                if entry.name in SKIPPED_DIRS:
                    continue
                if depth + 1 > MAX_DEPTH:
                    tree.skipped.append(Skipped(relative, f"deeper than {MAX_DEPTH} directories"))
                    continue
                subdirectories.append((target, depth + 1))
                continue
            if not target.is_file() or not _wanted(entry.name):
                continue
            if len(tree.files) >= max_files:
                tree.skipped.append(Skipped(relative, f"the walk stopped here: {max_files} files were read"))
                return _sorted(tree)
            try:
                size = target.stat().st_size
                if size > max_file_bytes:
                    tree.skipped.append(Skipped(relative, f"{size} bytes, over the {max_file_bytes}-byte limit"))
                    continue
                if read_bytes + size > max_tree_bytes:
                    tree.skipped.append(Skipped(relative, f"the walk stopped here: {max_tree_bytes} bytes were read"))
                    return _sorted(tree)
                with target.open("rb") as handle:
                    raw = handle.read(max_file_bytes + 1)
            except OSError as exc:
                tree.skipped.append(Skipped(relative, f"cannot read: {exc.strerror or exc}"))
                continue
            read_bytes += len(raw)
            text = _decode(raw)
            if text is None:
                tree.skipped.append(Skipped(relative, "binary or not UTF-8"))
                continue
            tree.files.append(SourceFile(relative, text))
        stack.extend(reversed(subdirectories))
    return _sorted(tree)


def _relative(path: Path, root: Path) -> str:
    try:
        return PurePosixPath(path.relative_to(root)).as_posix()
    except ValueError:
        return PurePosixPath(path).as_posix()


def _sorted(tree: Tree) -> Tree:
    tree.files.sort(key=lambda f: f.path)
    return tree


MAX_PATH_CHARS = 4096
"""Longest repository path accepted (PATH_MAX on Linux)."""


def _shown(path: str) -> str:
    return path if len(path) <= 200 else path[:197] + "..."


def allowed_directory(requested: str, allowed: tuple[Path, ...], argument: str = "repository") -> Path:
    """The directory `requested` names, resolved, if it lies inside one of `allowed` (as the official
    filesystem server does); a path outside, or that leaves through `..` or a symlink, is refused.

    Containment is checked on the path as written before the file system is asked anything (so a refusal
    says nothing about what exists outside), and again after symlinks are resolved.

    Raises:
        InvalidArgument: Naming `argument`, if no directory is allowed, or the path is relative, outside,
            missing or not a directory.
    """
    roots = tuple(root.resolve() for root in allowed)
    if not roots:
        raise InvalidArgument(argument, "this server may read no directory; start it with --allow-dir DIR")
    listed = ", ".join(str(root) for root in roots)
    if not requested or len(requested) > MAX_PATH_CHARS or "\x00" in requested:
        raise InvalidArgument(argument, f"give an absolute path of at most {MAX_PATH_CHARS} characters inside {listed}")
    written = Path(requested).expanduser()
    if not written.is_absolute():
        raise InvalidArgument(argument, f"{_shown(requested)!r} is relative; give an absolute path inside {listed}")
    normal = Path(os.path.normpath(written))
    if not any(normal.is_relative_to(root) for root in roots):
        raise InvalidArgument(argument, f"{_shown(requested)!r} is outside the allowed directories: {listed}")
    try:
        resolved = normal.resolve(strict=True)
    except (OSError, RuntimeError):
        raise InvalidArgument(argument, f"{_shown(requested)!r} does not exist") from None
    if not any(resolved.is_relative_to(root) for root in roots):
        raise InvalidArgument(
            argument, f"{_shown(requested)!r} leads outside the allowed directories through a symlink"
        )
    if not resolved.is_dir():
        raise InvalidArgument(argument, f"{_shown(requested)!r} is not a directory")
    return resolved
