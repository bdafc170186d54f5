"""Subagents: the reviewer personas people already keep as Markdown files with YAML front matter.

Claude Code's subagent format (https://docs.anthropic.com/en/docs/claude-code/sub-agents) is a Markdown file
whose front matter holds `name` and `description` (often `tools`, `model`, `color`) and whose body is the
system prompt. Public collections hold 150 to 200 of them. An `Agent` serves such a file as a persona: its
name becomes the id, its description the summary and when-to-call text, its body the brief, served as it is.
`tools`, `model` and any other key are kept as metadata and never acted on.

Routing and overlap read a persona's responsibilities, triggers and checklist; an agent has no such fields,
so read-only views of them are taken from its own text (the body's headed lists, the description's
sentences). Nothing is invented: a field the text does not have is empty. Its concerns are derived from that
text like any persona's without a concerns block, and its category is the taxonomy group those concerns fall
in, both computed on first use rather than at load, so a catalog of hundreds loads in milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from persona_mcp.catalog.model import Collaboration, Guidelines, Line, Persona, Responsibility, SemVer, Slug
from persona_mcp.data import parse_yaml
from persona_mcp.errors import PersonaFileError

AGENT_SUFFIXES = (".md", ".markdown")
MAX_BODY_CHARS = 200_000
"""Longest body kept: the largest agents in public collections are some 40,000 characters."""

MAX_SUMMARY_CHARS = 300
MAX_TRIGGERS = 12
"""Sentences of the description kept as when-to-call lines (collections' descriptions run to a few)."""

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)
_EXAMPLE_BLOCK = re.compile(r"<example>.*?(?:</example>|\Z)", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][\w-]*>")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(`])")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ITEM = re.compile(r"^\s{0,8}(?:[-*+]|\d{1,3}[.)])\s+(.+)$")
_SLUG_RUN = re.compile(r"[^a-z0-9]+")

AgentBody = Annotated[str, StringConstraints(min_length=1, max_length=MAX_BODY_CHARS)]


def slug(name: str) -> str:
    """`name` as a persona id: lower case, words joined by hyphens (`Data Engineer` -> `data-engineer`)."""
    return _SLUG_RUN.sub("-", name.casefold()).strip("-")[:64].strip("-")


def _one_line(text: str, limit: int = MAX_SUMMARY_CHARS) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3].rstrip() + "..."


def _plain_description(description: str) -> str:
    """The description without its `<example>` dialogues and tags (collections embed both, with `\\n`s)."""
    text = description.replace("\\n", "\n")
    return " ".join(_TAG.sub(" ", _EXAMPLE_BLOCK.sub(" ", text)).split())


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


class Agent(BaseModel):
    """A subagent served as a persona: its front matter's fields, its body as the brief, its metadata kept."""

    # Built on first use: a server with no imported agent never pays for the validator.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: Literal["agent"] = "agent"
    id: Slug
    name: Line
    version: str = Field(description="The file's own `version` when it is one, else its content hash.")
    description: str = Field(min_length=1, max_length=20_000)
    body: AgentBody = Field(description="The system prompt: served as the brief, exactly as written.")
    declared_category: Slug | None = Field(default=None, description="The front matter's `category`, if a slug.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Other front matter keys, never acted on.")

    # --- the persona fields routing, overlap and the views read ---------------------------------------

    concerns: None = None
    skip_when: list[str] = Field(default_factory=list, exclude=True)
    boundaries: list[str] = Field(default_factory=list, exclude=True)
    characteristics: list[str] = Field(default_factory=list, exclude=True)
    collaborates_with: list[Collaboration] = Field(default_factory=list, exclude=True)

    @cached_property
    def summary(self) -> str:
        """When to call it: the description's first sentence, on one line."""
        sentences = _sentences(_plain_description(self.description))
        return _one_line(sentences[0] if sentences else self.name)

    @cached_property
    def when_to_invoke(self) -> list[str]:
        """The description's sentences, without its example dialogues."""
        return [_one_line(s) for s in _sentences(_plain_description(self.description))[:MAX_TRIGGERS]]

    @cached_property
    def _sections(self) -> list[tuple[str, list[str]]]:
        """The body as (heading, list items) pairs; text before the first heading is under ''."""
        sections: list[tuple[str, list[str]]] = [("", [])]
        fence = False
        for raw in self.body.splitlines():
            if raw.lstrip().startswith(("```", "~~~")):
                fence = not fence
                continue
            if fence:
                continue
            heading = _HEADING.match(raw)
            if heading:
                sections.append((_one_line(heading.group(2).strip("*_ :")), []))
                continue
            item = _ITEM.match(raw)
            if item:
                sections[-1][1].append(_one_line(item.group(1)))
        return sections

    @cached_property
    def responsibilities(self) -> list[Responsibility]:
        """Each headed list of the body (`## Capabilities` and its items), once per heading."""
        seen: set[str] = set()
        out = []
        for heading, items in self._sections:
            if heading and items and heading.casefold() not in seen:
                seen.add(heading.casefold())
                out.append(Responsibility.model_construct(name=heading, covers=items))
        return out

    @cached_property
    def expertise(self) -> list[str]:
        """The body's opening paragraph ("You are a senior API designer specialising in ..."), on one line."""
        opening = self.body.strip().split("\n\n", 1)[0]
        return [] if opening.lstrip().startswith(("#", "-", "*", "```")) else [_one_line(opening)]

    @cached_property
    def review_checklist(self) -> list[str]:
        """Items under a heading that says checklist, and the body's questions."""
        items = [i for heading, found in self._sections if "checklist" in heading.casefold() for i in found]
        questions = [i for _, found in self._sections for i in found if i.endswith("?")]
        return list(dict.fromkeys(items + questions))

    @property
    def guidelines(self) -> Guidelines:
        return Guidelines.model_construct(do=[], dont=[])

    @cached_property
    def content_hash(self) -> str:
        """A digest of the file's content (front matter values and body), independent of key order."""
        canonical = json.dumps(
            {"name": self.name, "description": self.description, "body": self.body, "metadata": self.metadata},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            default=str,
        )
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    @cached_property
    def category(self) -> str:
        """The front matter's category, else the taxonomy group of what its name and description are about."""
        if self.declared_category:
            return self.declared_category
        from persona_mcp.catalog.concerns import agent_category  # the taxonomy, on first use

        return agent_category(self)

    def responsibility(self, name: str) -> Responsibility | None:
        wanted = name.strip().casefold()
        return next((r for r in self.responsibilities if r.name.casefold() == wanted), None)


def front_matter(text: str, source: str) -> tuple[dict[str, Any], str] | None:
    """The front matter mapping and the body after it, or None when the text opens with no front matter.

    Raises:
        PersonaFileError: If the front matter is there but is not valid YAML or not a mapping.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return None
    raw = match.group(1)
    data = _key_lines(raw) if _PLAIN_LINES.fullmatch(raw) else None  # most front matter: read it without YAML
    if data is not None and any(_SCALAR.fullmatch(value) for value in data.values()):
        data = None
    if data is None:
        try:
            data = parse_yaml(raw, source)
        except PersonaFileError:
            data = _key_lines(raw)
            if data is None:
                raise
    if data is None:
        return {}, text[match.end() :]
    if not isinstance(data, dict):
        raise PersonaFileError(source, [f"front matter: expected a mapping of keys, got {type(data).__name__}"])
    return data, text[match.end() :]


_PLAIN_LINES = re.compile(
    r"(?:[A-Za-z_][\w-]*:[ \t]+(?:[^\s'\"\[\]{}|>&*!#%@`,?:-](?:(?![ \t]#|: )[^\n])*|\"[^\"\\\n]*\")[ \t]*\n)*"
)
"""Front matter whose every line is `key: plain text` or `key: "text"` (no escapes, no flow, block or comment
syntax, no `: ` in a plain value): YAML reads such a value as that text (unless it is a number, a boolean or
null, which `_SCALAR` sends to YAML), so a line split gives the same mapping, fifty times faster."""

_SCALAR = re.compile(r"(?i:null|~|true|false|yes|no|on|off)|[-+]?[0-9.][0-9a-fA-FxXoO_.:eE+-]*")

_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*):(?:[ \t]+(.*))?$")


def _key_lines(text: str) -> dict[str, Any] | None:
    """Front matter read as `key: value` lines, or None when it is not in that shape.

    Collections hold descriptions such as `description: Triggers on: 'GDPR', ...` that are not valid YAML
    (a second `: ` in a plain value) and that Claude Code loads all the same; a front matter whose every line
    is a key and its text, or the indented continuation of one, is read that way, values as plain text.
    """
    data: dict[str, Any] = {}
    key = None
    for line in text.splitlines():
        found = _KEY_LINE.match(line)
        if found and found.group(1) not in data:
            key = found.group(1)
            value = (found.group(2) or "").strip()
            if value[:1] in ("[", "{"):
                return None  # a flow list or mapping YAML could not read: broken, not merely loose
            quoted = len(value) >= 2 and value[0] == value[-1] == '"' and '"' not in value[1:-1]
            data[key] = value[1:-1] if quoted else value
        elif key is not None and line[:1] in (" ", "\t") and line.strip():
            data[key] = f"{data[key]} {line.strip()}".strip()
        elif line.strip():
            return None
    return data


def is_agent_front_matter(data: dict[str, Any]) -> bool:
    """Whether front matter is an agent's: it names the agent and says when to call it."""
    return "name" in data and "description" in data


def parse_agent(data: dict[str, Any], body: str, source: str) -> Agent:
    """An `Agent` from a subagent file's front matter and body.

    Raises:
        PersonaFileError: If `name` or `description` is not usable text, or the body is empty; each problem
            names the key.
    """
    problems = []
    name, description = data.get("name"), data.get("description")
    if not isinstance(name, str) or not slug(name):
        problems.append(f"name: expected the agent's name as text with letters or digits, got {name!r:.80}")
    if not isinstance(description, str) or not description.strip():
        problems.append(f"description: expected text saying when to use the agent, got {description!r:.80}")
    if not body.strip():
        problems.append("(body): the system prompt after the front matter is empty")
    if problems:
        raise PersonaFileError(source, problems)
    assert isinstance(name, str)  # narrowed by the checks above
    assert isinstance(description, str)
    version = data.get("version")
    category = data.get("category")
    metadata = {k: v for k, v in data.items() if k not in ("name", "description", "version", "category")}
    try:
        agent = Agent(
            id=slug(name),
            name=_display_name(name),
            version=str(version) if _is_semver(version) else "",
            description=description.strip(),
            body=body.strip("\n") + "\n",
            declared_category=slug(category) if isinstance(category, str) and slug(category) else None,
            metadata=json.loads(json.dumps(metadata, default=str)),
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(front matter)"
        raise PersonaFileError(source, [f"{where}: {first['msg']}"]) from exc
    return agent if agent.version else agent.model_copy(update={"version": agent.content_hash})


def _is_semver(value: Any) -> bool:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return False
    try:
        _SemVerCheck(v=str(value))
    except ValidationError:
        return False
    return True


class _SemVerCheck(BaseModel):
    model_config = ConfigDict(defer_build=True)

    v: SemVer


def _display_name(name: str) -> str:
    """A slug-like name (`ui-visual-validator`) as words (`Ui visual validator` reads worse than the title)."""
    if name.strip() != slug(name):
        return _one_line(name, 300)
    return " ".join(word.upper() if len(word) <= 3 and word in _ACRONYMS else word.title() for word in name.split("-"))


_ACRONYMS = frozenset({"ui", "ux", "api", "sre", "qa", "ml", "ai", "db", "sql", "seo", "ios", "aws", "gcp", "k8s"})


Entry = Persona | Agent
"""What a catalog holds: a persona written for this project (YAML) or a subagent imported from Markdown."""
