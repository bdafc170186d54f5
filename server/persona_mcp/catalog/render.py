"""Turning personas into text: the Markdown brief people read and the prompt an assistant receives.

The wording of prompts lives in resources/prompts/*.md as `string.Template` files; this module only
fills them in. Markdown here is structure (headings, lists, tables) around the persona's own data.
"""

from __future__ import annotations

from functools import cache
from string import Template

from persona_mcp.catalog.agents import Agent, Entry
from persona_mcp.data import read_text, resource_path
from persona_mcp.errors import InvalidArgument

MAX_SUBJECT_CHARS = 400_000
"""Largest `subject` accepted (about 100k tokens): a whole large diff fits, a runaway paste does not."""

MAX_CONTEXT_CHARS = 4_000
MAX_FOCUS_CHARS = 200


def persona_markdown(persona: Entry) -> str:
    """The persona's full brief as Markdown; an imported agent's brief is its body, exactly as written."""
    if isinstance(persona, Agent):
        return persona.body
    out: list[str] = [
        f"# {persona.name}",
        "",
        f"> {persona.summary}",
        "",
        f"`{persona.id}` · {persona.category} · v{persona.version} · {persona.content_hash}",
        "",
        "## Mindset",
        "",
        persona.mindset,
        "",
        "## Characteristics",
        "",
        *(f"- {c}" for c in persona.characteristics),
        "",
        "## Responsibilities",
    ]
    for resp in persona.responsibilities:
        out += ["", f"### {resp.name}", "", *(f"- {c}" for c in resp.covers)]
    out += ["", "## When to invoke", "", *(f"- {w}" for w in persona.when_to_invoke)]
    if persona.skip_when:
        out += ["", "## Skip when", "", *(f"- {w}" for w in persona.skip_when)]
    out += ["", "## Expertise", "", *(f"- {e}" for e in persona.expertise)]
    out += ["", "## Guidelines", "", "Do:", "", *(f"- {d}" for d in persona.guidelines.do)]
    out += ["", "Don't:", "", *(f"- {d}" for d in persona.guidelines.dont)]
    out += ["", "## Review checklist", "", *(f"{i}. {q}" for i, q in enumerate(persona.review_checklist, 1))]
    out += ["", "## Output format", "", "| severity | meaning |", "|---|---|"]
    out += [f"| {s.level} | {s.meaning} |" for s in persona.output_format.severity_levels]
    out += ["", "```markdown", persona.output_format.template, "```"]
    out += ["", "## Boundaries", "", *(f"- {b}" for b in persona.boundaries)]
    if persona.collaborates_with:
        out += ["", "## Collaborates with", "", *(f"- `{c.persona_id}`: {c.when}" for c in persona.collaborates_with)]
    return "\n".join(out) + "\n"


@cache
def _template(name: str) -> Template:
    return Template(read_text(resource_path("prompts", f"{name}.md")))


def _bounded(argument: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise InvalidArgument(argument, f"{len(value)} characters is over the limit of {limit}; pass a smaller excerpt")
    return value


def persona_prompt(persona: Entry, subject: str, focus: str | None = None, context: str | None = None) -> str:
    """The user message for a persona's prompt: the brief, the optional focus and context, then the subject.

    Raises:
        InvalidArgument: If `subject` is empty or too long, `context` is too long, or `focus` is not one of
            the persona's responsibilities (the message lists them).
    """
    if not subject or not subject.strip():
        raise InvalidArgument("subject", "is required: the code, diff, design or question to review")
    _bounded("subject", subject, MAX_SUBJECT_CHARS)
    focus_text = ""
    if focus is not None and focus.strip():
        _bounded("focus", focus, MAX_FOCUS_CHARS)
        resp = persona.responsibility(focus)
        if resp is None:
            names = ", ".join(r.name for r in persona.responsibilities)
            raise InvalidArgument(
                "focus", f"{focus.strip()!r} is not a responsibility of {persona.id}; use one of: {names}"
            )
        focus_text = _template("focus").substitute(focus_name=resp.name, focus_covers="; ".join(resp.covers))
    context_text = ""
    if context is not None and context.strip():
        context_text = _template("context").substitute(context=_bounded("context", context.strip(), MAX_CONTEXT_CHARS))
    # An imported agent has no checklist, boundaries or output format of this schema to point at.
    return _template("agent" if isinstance(persona, Agent) else "persona").substitute(
        name=persona.name,
        id=persona.id,
        version=persona.version,
        hash=persona.content_hash,
        focus=focus_text,
        context=context_text,
        brief=persona_markdown(persona).rstrip("\n"),
        subject=subject,
    )


def complete_focus(persona: Entry, prefix: str) -> list[str]:
    """Responsibility names of `persona` that start with `prefix` (case-insensitive), or contain it as a word."""
    wanted = prefix.strip().casefold()
    names = [r.name for r in persona.responsibilities]
    starts = [n for n in names if n.casefold().startswith(wanted)]
    inside = [n for n in names if n not in starts and wanted and f" {wanted}" in f" {n.casefold()}"]
    return starts + inside
