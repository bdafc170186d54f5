"""The persona catalog: the shipped personas plus the user's own directories, validated and merged.

Loading is strict by default: a file that fails validation stops the load with an error naming the file,
the field and what was expected. With `skip_invalid=True` the bad file is reported through `warn` and left
out, so a server can still start; it is never dropped silently.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from persona_mcp.catalog.agents import AGENT_SUFFIXES, Entry, front_matter, is_agent_front_matter, parse_agent
from persona_mcp.catalog.model import Persona
from persona_mcp.data import data_dir, load_yaml_file, read_text, resource_path
from persona_mcp.errors import PersonaFileError, UnknownPersona

logger = logging.getLogger(__name__)

PERSONA_SUFFIXES = (".yaml", ".yml")
MAX_FILES_PER_DIR = 1000
"""A personas directory with more files than this is almost certainly the wrong directory."""


def describe_validation_error(exc: ValidationError, schema: str = "persona") -> list[str]:
    """One readable line per schema violation of a `schema` file: `field.path: what was expected (got ...)`."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(part) for part in err["loc"]) or "(top level)"
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = f"unknown field (not part of the {schema} schema)"
        elif err["type"] == "missing":
            message = "required field is missing"
        lines.append(f"{loc}: {message}")
    return lines


TAXONOMY_FILE = "concerns.yaml"


@cache
def concern_ids() -> frozenset[str]:
    """The ids the shipped concern taxonomy defines.

    Validating a persona needs only these, so loading the catalog reads the ids without building the
    taxonomy's stemmed phrase matchers (persona_mcp.catalog.concerns), which only routing and overlap use.

    Raises:
        PersonaFileError: If the shipped file cannot be read or has no concern list (a packaging error).
    """
    path = resource_path(TAXONOMY_FILE)
    data = load_yaml_file(path)
    concerns = data.get("concerns") if isinstance(data, dict) else None
    if not isinstance(concerns, list):
        raise PersonaFileError(str(path), ["concerns: expected a list of concerns"])
    return frozenset(str(c["id"]) for c in concerns if isinstance(c, dict) and "id" in c)


def unknown_concern_problems(persona: Persona, ids: frozenset[str] | None = None) -> list[str]:
    """One line per concern id of `persona` that the taxonomy does not define, naming the field."""
    if persona.concerns is None:
        return []
    known = concern_ids() if ids is None else ids
    problems = []
    for level in ("primary", "secondary"):
        for index, concern_id in enumerate(getattr(persona.concerns, level)):
            if concern_id not in known:
                close = difflib.get_close_matches(concern_id, sorted(known), n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(f"concerns.{level}.{index}: unknown concern {concern_id!r}{hint}")
    return problems


def parse_persona(data: Any, source: str, *, check_concerns: bool = True) -> Persona:
    """Validate already-parsed data as a persona; `check_concerns=False` leaves the concern ids unchecked
    (for the shipped personas, which the test suite checks against the shipped taxonomy).

    Raises:
        PersonaFileError: If the data does not match the schema or names a concern the taxonomy does not
            define; each problem names its field.
    """
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise PersonaFileError(source, [f"expected a mapping of persona fields at the top level, got {kind}"])
    try:
        persona = Persona.model_validate(data)
    except ValidationError as exc:
        raise PersonaFileError(source, describe_validation_error(exc)) from exc
    problems = unknown_concern_problems(persona) if check_concerns else []
    if problems:
        raise PersonaFileError(source, problems)
    return persona


def load_persona_file(path: Path, *, check_concerns: bool = True) -> Persona:
    """Load and validate one persona file; its name must be `<id>.yaml` (or `.yml`).

    Raises:
        PersonaFileError: If the file cannot be read or parsed, fails the schema, or is misnamed.
    """
    persona = parse_persona(load_yaml_file(path), str(path), check_concerns=check_concerns)
    if path.stem != persona.id:
        raise PersonaFileError(
            str(path), [f"id: {persona.id!r} does not match the file name; name it {persona.id}.yaml"]
        )
    return persona


def persona_files(directory: Path) -> list[Path]:
    """The persona files directly inside `directory`, sorted by name.

    Only regular files whose real location is inside the directory are taken, so a symlink cannot make
    the loader read elsewhere.

    Raises:
        PersonaFileError: If the directory is missing, unreadable, holds too many files, or a file escapes it.
    """
    if not directory.is_dir():
        raise PersonaFileError(str(directory), ["not a directory of persona files"])
    root = directory.resolve()
    try:
        entries = sorted(p for p in directory.iterdir() if p.suffix in PERSONA_SUFFIXES)
    except OSError as exc:
        raise PersonaFileError(str(directory), [f"cannot list directory: {exc.strerror or exc}"]) from exc
    if len(entries) > MAX_FILES_PER_DIR:
        raise PersonaFileError(str(directory), [f"{len(entries)} persona files; the limit is {MAX_FILES_PER_DIR}"])
    for path in entries:
        real = path.resolve()
        if real.parent != root or not real.is_file():
            raise PersonaFileError(str(path), ["not a regular file inside the personas directory"])
    return entries


MAX_AGENT_FILES = 5_000
"""Markdown files looked at under one directory: public collections hold a few hundred agents."""

MAX_AGENT_DEPTH = 16
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", "skills"})
"""Never agents: version control, dependencies, and Agent Skills (`skills/*/SKILL.md` has a name and a
description in its front matter too, but is a skill, not a subagent)."""


def markdown_files(directory: Path) -> list[Path]:
    """The Markdown files under `directory`, recursively and sorted, skipping `SKIPPED_DIRS`, symlinked
    directories and any file whose real location is outside the directory.

    Raises:
        PersonaFileError: If the directory holds more than MAX_AGENT_FILES Markdown files or nests deeper
            than MAX_AGENT_DEPTH.
    """
    root = directory.resolve()
    found: list[Path] = []
    stack: list[tuple[Path, int]] = [(directory, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            raise PersonaFileError(str(folder), [f"cannot list directory: {exc.strerror or exc}"]) from exc
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_DIRS:
                    if depth + 1 > MAX_AGENT_DEPTH:
                        raise PersonaFileError(str(path), [f"nested deeper than {MAX_AGENT_DEPTH} directories"])
                    stack.append((path, depth + 1))
            elif path.suffix.lower() in AGENT_SUFFIXES and entry.name != "SKILL.md":
                # Symlinked directories are never entered, so only a symlinked file can point elsewhere.
                if not entry.is_file() or (entry.is_symlink() and not path.resolve().is_relative_to(root)):
                    logger.warning("skipped %s: not a regular file inside %s", path, directory)
                    continue
                found.append(path)
                if len(found) > MAX_AGENT_FILES:
                    raise PersonaFileError(str(directory), [f"over {MAX_AGENT_FILES} Markdown files under it"])
    return sorted(found)


def load_agent_file(path: Path) -> Entry | None:
    """The subagent in a Markdown file, or None (with a debug note) when the file is not an agent.

    Raises:
        PersonaFileError: If the file has agent front matter that is malformed; the message names the key.
    """
    text = read_text(path)
    parsed = front_matter(text, str(path))
    if parsed is None or not is_agent_front_matter(parsed[0]):
        logger.debug("ignored %s: Markdown without agent front matter (name and description)", path)
        return None
    return parse_agent(parsed[0], parsed[1], str(path))


@dataclass(frozen=True)
class PersonaSource:
    """Where a persona in the catalog was loaded from."""

    path: Path
    builtin: bool


@dataclass
class Catalog:
    """The validated personas by id, with where each came from."""

    personas: dict[str, Entry] = field(default_factory=dict)
    sources: dict[str, PersonaSource] = field(default_factory=dict)
    overrides: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return list(self.personas)

    def get(self, persona_id: str, argument: str = "persona_id") -> Entry:
        """The persona with this id.

        Raises:
            UnknownPersona: If there is none; the message lists the known ids.
        """
        persona = self.personas.get(persona_id) if isinstance(persona_id, str) else None
        if persona is None:
            raise UnknownPersona(str(persona_id), self.ids, argument)
        return persona

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.personas.values())

    def __len__(self) -> int:
        return len(self.personas)


def _dangling_references(personas: Mapping[str, Entry]) -> dict[str, list[str]]:
    """Problems by persona id: each `collaborates_with` entry that names a persona not in the catalog."""
    problems: dict[str, list[str]] = {}
    for persona in personas.values():
        for index, collab in enumerate(persona.collaborates_with):
            if collab.persona_id not in personas:
                problem = f"collaborates_with.{index}.persona_id: unknown persona {collab.persona_id!r}"
                problems.setdefault(persona.id, []).append(problem)
    return problems


def load_catalog(
    extra_dirs: Sequence[Path] = (),
    *,
    include_builtin: bool = True,
    skip_invalid: bool = False,
    warn: Callable[[str], None] | None = None,
) -> Catalog:
    """Load the shipped personas, then each extra directory in order; a later directory overrides by id.

    Args:
        extra_dirs: User directories of persona files, lowest precedence first.
        include_builtin: Start from the shipped personas (False validates user directories on their own).
        skip_invalid: Report bad files through `warn` and leave them out instead of raising.
        warn: Receives one line per skipped file; defaults to the module logger at WARNING.

    Raises:
        PersonaFileError: On the first bad file or directory, unless `skip_invalid` is set.
    """
    report = warn or logger.warning
    catalog = Catalog()
    dirs: list[tuple[Path, bool]] = [(data_dir("personas"), True)] if include_builtin else []
    dirs.extend((Path(d), False) for d in extra_dirs)

    for directory, builtin in dirs:
        try:
            files = persona_files(directory)
            agents = [] if builtin else markdown_files(directory)
        except PersonaFileError as exc:
            if not skip_invalid:
                raise
            report(f"skipped: {exc}")
            catalog.skipped.append(str(exc))
            continue
        seen_here: dict[str, Path] = {}
        for path in [*files, *agents]:
            try:
                # Reading the taxonomy costs a server a tenth of its start-up, so only a user's personas have
                # their concern ids checked here; tests/test_personas.py checks the shipped ones.
                persona = (
                    load_persona_file(path, check_concerns=not builtin)
                    if path.suffix in PERSONA_SUFFIXES
                    else load_agent_file(path)
                )
                if persona is None:
                    continue
                if persona.id in seen_here and isinstance(persona, Persona):
                    raise PersonaFileError(
                        str(path), [f"id: {persona.id!r} is also defined by {seen_here[persona.id]}"]
                    )
            except PersonaFileError as exc:
                if not skip_invalid:
                    raise
                report(f"skipped: {exc}")
                catalog.skipped.append(str(exc))
                continue
            if persona.id in seen_here:
                # Collections copy an agent into several plugins; a copy is the same agent, a variant is not.
                kept = catalog.personas[persona.id]
                if kept.content_hash != persona.content_hash:
                    first = seen_here[persona.id]
                    report(f"agent {persona.id!r} in {path} differs from the one in {first}; kept that one")
                continue
            seen_here[persona.id] = path
            if persona.id in catalog.sources:
                message = f"persona {persona.id!r} from {path} overrides {catalog.sources[persona.id].path}"
                logger.info(message)
                catalog.overrides.append(message)
                if catalog.sources[persona.id].builtin and not isinstance(persona, Persona):
                    report(f"the agent {persona.id!r} in {path} replaces the shipped persona of that id")
            catalog.personas[persona.id] = persona
            catalog.sources[persona.id] = PersonaSource(path=path, builtin=builtin)

    # Dropping a persona can leave another one pointing at it, so repeat until nothing dangles.
    while dangling := _dangling_references(catalog.personas):
        for persona_id, problems in dangling.items():
            source = str(catalog.sources[persona_id].path)
            if not skip_invalid:
                raise PersonaFileError(source, problems)
            line = f"{source}: " + "; ".join(problems)
            report(f"skipped: {line}")
            catalog.skipped.append(line)
            del catalog.personas[persona_id]
            del catalog.sources[persona_id]

    catalog.personas = dict(sorted(catalog.personas.items()))
    return catalog
