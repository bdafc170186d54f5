"""The panel prompt: several personas, one section each in their own format, then a reconciliation."""

from __future__ import annotations

import re

import pytest

from persona_mcp.analysis.panel import MAX_PANEL, panel_config, panel_prompt, select_panel
from persona_mcp.catalog.loader import Catalog
from persona_mcp.catalog.model import Persona
from persona_mcp.catalog.render import MAX_SUBJECT_CHARS, persona_markdown
from persona_mcp.errors import InvalidArgument, UnknownPersona

from .conftest import ROSTER

SUBJECT = "Review the payments API before launch: no alerts yet, secrets in an .env file, one database."


def briefs(prompt: str) -> list[str]:
    return re.findall(r'<persona-brief id="([a-z-]+)"', prompt)


def test_each_named_persona_brings_its_own_brief_in_the_order_given(catalog: Catalog) -> None:
    prompt = panel_prompt(catalog, SUBJECT, ["security-engineer", "sre"])
    assert briefs(prompt) == ["security-engineer", "sre"]
    for pid in ("security-engineer", "sre"):
        # the whole brief, with its output format and severity levels, as a single-persona prompt has it
        assert persona_markdown(catalog.get(pid)).rstrip() in prompt
    assert prompt.rstrip().endswith(f"<subject>\n{SUBJECT}\n</subject>")
    assert "The personas were named by the requester." in prompt


def test_the_reconciliation_follows_the_stated_order_and_names_who_speaks_for_each_step(catalog: Catalog) -> None:
    prompt = panel_prompt(catalog, SUBJECT, ["performance-engineer", "sre", "security-engineer", "qa-engineer"])
    steps = re.findall(r"^\d+\. ([^(:]+?)(?: \(([^)]*)\))?:", prompt, flags=re.MULTILINE)
    names = [name for name, _ in steps]
    assert names == [step.name for step in panel_config().reconciliation_order]
    # security and correctness before reliability before speed
    assert names.index("Security and privacy") < names.index("Correctness and data integrity")
    assert names.index("Correctness and data integrity") < names.index("Reliability and operability")
    assert names.index("Reliability and operability") < names.index("Performance and scale")
    voices = dict(steps)
    assert voices["Security and privacy"] == "`security-engineer`"
    assert voices["Correctness and data integrity"] == "`qa-engineer`"
    assert voices["Reliability and operability"] == "`sre`"
    assert voices["Performance and scale"] == "`performance-engineer`"
    assert "## Reconciliation" in prompt


def test_repeats_and_blanks_are_dropped(catalog: Catalog) -> None:
    prompt = panel_prompt(catalog, SUBJECT, ["sre", " sre ", "", "qa-engineer", "sre"])
    assert briefs(prompt) == ["sre", "qa-engineer"]
    assert "panel of 2 personas" in prompt


def test_without_names_the_recommended_personas_sit_on_the_panel(catalog: Catalog) -> None:
    selection = select_panel(catalog, SUBJECT)
    assert selection.source == "recommended"
    assert selection.persona_ids[0] == "sre"
    prompt = panel_prompt(catalog, SUBJECT, None)
    assert briefs(prompt) == selection.persona_ids
    assert selection.note in prompt


def test_when_nothing_is_recommended_the_default_trio_is_used_and_the_prompt_says_so(catalog: Catalog) -> None:
    selection = select_panel(catalog, "please have a look at this")
    assert selection.source == "default"
    assert selection.persona_ids == panel_config().default_panel
    assert len(selection.persona_ids) == 3
    assert "none matched the subject, so the panel is the default" in panel_prompt(catalog, "please have a look", [])


def test_the_reconciliation_order_covers_every_concern_group_once() -> None:
    # validated on load; this documents that every taxonomy group has a place in the order
    config = panel_config()
    groups = [g for step in config.reconciliation_order for g in step.groups]
    assert len(groups) == len(set(groups))
    assert set(config.default_panel) <= set(ROSTER)


def test_an_unknown_persona_lists_the_known_ids(catalog: Catalog) -> None:
    with pytest.raises(UnknownPersona) as info:
        panel_prompt(catalog, SUBJECT, ["sre", "devops"])
    assert info.value.argument == "personas"
    assert "sre" in str(info.value)
    assert "devops" in str(info.value)


@pytest.mark.parametrize(
    ("subject", "personas", "argument"),
    [
        # the subject is required
        ("", ["sre"], "subject"),
        ("  ", None, "subject"),
        # and bounded like a single persona's prompt
        ("x" * (MAX_SUBJECT_CHARS + 1), ["sre"], "subject"),
    ],
)
def test_bad_arguments_name_the_argument(
    catalog: Catalog, subject: str, personas: list[str] | None, argument: str
) -> None:
    with pytest.raises(InvalidArgument) as info:
        panel_prompt(catalog, subject, personas)
    assert info.value.argument == argument


def test_at_most_nine_personas(catalog: Catalog, persona_data: dict[str, object]) -> None:
    assert len(briefs(panel_prompt(catalog, SUBJECT, sorted(ROSTER)))) == MAX_PANEL
    crowded = Catalog(personas=dict(catalog.personas), sources=dict(catalog.sources))
    crowded.personas["data-engineer"] = Persona.model_validate(persona_data)
    with pytest.raises(InvalidArgument, match="personas"):
        panel_prompt(crowded, SUBJECT, [*sorted(ROSTER), "data-engineer"])


def test_the_panel_prompt_is_deterministic(catalog: Catalog) -> None:
    assert panel_prompt(catalog, SUBJECT) == panel_prompt(catalog, SUBJECT)
