"""Subagent collections served as personas: loading Claude Code agent Markdown (two real public collections
in tests/data/agents), what is ignored and what is an error, routing among them, clusters of duplicates,
listing by category or query, and export as subagents (and Cursor rules) that load back with the same brief."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from mcp import Client, StdioServerParameters
from mcp_types import TextContent

from persona_mcp.analysis.clusters import collection_report
from persona_mcp.analysis.routing import recommend_personas
from persona_mcp.catalog.agents import Agent, front_matter
from persona_mcp.catalog.concerns import catalog_profiles
from persona_mcp.catalog.export import export
from persona_mcp.catalog.loader import Catalog, load_catalog
from persona_mcp.catalog.render import persona_markdown, persona_prompt
from persona_mcp.catalog.views import list_personas
from persona_mcp.cli.main import main
from persona_mcp.data import parse_yaml
from persona_mcp.errors import InvalidArgument, PersonaFileError
from persona_mcp.server.app import build_server

from .conftest import ROSTER
from .processes import console_script

pytestmark = pytest.mark.anyio

AGENTS = Path(__file__).resolve().parent / "data" / "agents"
WSHOBSON = AGENTS / "wshobson-agents"
VOLTAGENT = AGENTS / "voltagent-subagents"
SPECIALIST_TASKS = Path(__file__).resolve().parent / "data" / "agents-routing.yaml"
README = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8").split())
"""The README's words on one line, so a figure it states is found wherever the paragraph wraps."""


def agent_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.md") if p.name not in ("README.md", "SKILL.md", "SOURCE.md"))


@pytest.fixture(scope="module")
def collections() -> Catalog:
    return load_catalog([AGENTS], warn=lambda line: None)


def write_agent(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


AGENT = """---
name: {name}
description: {description}
tools: Read, Grep
model: sonnet
---

You review {subject}.

## Checklist

- Is the {subject} correct?
- Is it tested?
"""


# --- loading ------------------------------------------------------------------------------------


def test_both_collections_load_every_agent_and_ignore_what_is_not_one() -> None:
    warnings: list[str] = []
    catalog = load_catalog([AGENTS], include_builtin=False, warn=warnings.append)
    files = agent_files(AGENTS)
    names = {front_matter(p.read_text("utf-8"), str(p))[0]["name"] for p in files}  # type: ignore[index]
    assert set(catalog.ids) == names  # every agent by its name; the README and the skill are not agents
    assert len(files) == 62
    assert all(isinstance(p, Agent) for p in catalog)
    # a name in both collections with different text: one is kept, and the warning names both files
    assert any("'data-engineer'" in w and "differs" in w for w in warnings)


@pytest.fixture(scope="module")
def each_collection() -> dict[Path, Catalog]:
    return {root: load_catalog([root], include_builtin=False) for root in (WSHOBSON, VOLTAGENT)}


@pytest.mark.parametrize("path", agent_files(AGENTS), ids=lambda p: p.stem)
def test_each_agent_serves_its_body_as_the_brief_and_keeps_its_metadata(
    path: Path, each_collection: dict[Path, Catalog]
) -> None:
    data, body = front_matter(path.read_text("utf-8"), str(path)) or ({}, "")
    catalog = each_collection[WSHOBSON if path.is_relative_to(WSHOBSON) else VOLTAGENT]
    agent = catalog.get(str(data["name"]))
    assert isinstance(agent, Agent)
    assert catalog.sources[agent.id].path == path
    assert persona_markdown(agent) == body.strip("\n") + "\n"
    assert agent.summary
    assert "\n" not in agent.summary
    assert len(agent.summary) <= 300
    assert agent.metadata.get("model", "") == data.get("model", "")
    assert agent.metadata.get("tools", "") == data.get("tools", "")
    assert agent.version == agent.content_hash  # neither collection versions its files


def test_the_fast_front_matter_reading_agrees_with_yaml_wherever_yaml_reads_it() -> None:
    for path in agent_files(AGENTS):
        text = path.read_text("utf-8")
        raw = text.split("---\n", 2)[1]
        try:
            strict = parse_yaml(raw, str(path))
        except PersonaFileError:
            continue
        read = front_matter(text, str(path))
        assert read is not None
        assert {k: str(v) for k, v in read[0].items()} == {k: str(v) for k, v in strict.items()}, path


def test_a_description_that_is_not_valid_yaml_loads_as_claude_code_loads_it(collections: Catalog) -> None:
    gdpr = collections.get("gdpr-ccpa-compliance")
    assert isinstance(gdpr, Agent)
    assert "Triggers on: 'GDPR', 'CCPA'" in gdpr.description
    assert gdpr.category == "security"


@pytest.mark.parametrize(
    ("front", "key"),
    [
        ("name: [a, b]\ndescription: Reviews things.", "name"),
        ("name: '---'\ndescription: Reviews things.", "name"),
        ("name: reviewer\ndescription: ''", "description"),
        ("name: reviewer\ndescription: 42", "description"),
        ("name: reviewer\ndescription: [x]", "description"),
    ],
)
def test_a_malformed_agent_is_an_error_naming_the_file_and_the_key(tmp_path: Path, front: str, key: str) -> None:
    path = write_agent(tmp_path / "agents", "bad.md", f"---\n{front}\n---\n\nYou review.\n")
    with pytest.raises(PersonaFileError) as caught:
        load_catalog([tmp_path / "agents"])
    assert str(path) in str(caught.value)
    assert f"{key}:" in str(caught.value)
    warnings: list[str] = []
    catalog = load_catalog([tmp_path / "agents"], skip_invalid=True, warn=warnings.append)
    assert set(catalog.ids) == set(ROSTER)
    assert len(warnings) == 1
    assert warnings[0].startswith(f"skipped: {path}")


def test_an_agent_with_an_empty_body_or_broken_yaml_is_an_error(tmp_path: Path) -> None:
    write_agent(tmp_path / "a", "empty.md", "---\nname: empty\ndescription: Does nothing.\n---\n\n  \n")
    with pytest.raises(PersonaFileError, match=r"\(body\): the system prompt after the front matter is empty"):
        load_catalog([tmp_path / "a"])
    write_agent(tmp_path / "b", "broken.md", "---\nname: x\ndescription: [unclosed\n  - y: {\n---\nbody\n")
    with pytest.raises(PersonaFileError, match=r"broken\.md"):
        load_catalog([tmp_path / "b"])


@pytest.mark.parametrize(
    "text",
    [
        "# Just a README\n\nNo front matter at all.\n",
        "---\ntitle: A docs page\nlayout: default\n---\n\nJekyll front matter, no agent.\n",
        "---\ndescription: A slash command\nargument-hint: FILE\n---\n\nA Claude Code command has no name.\n",
        "",
    ],
)
def test_markdown_without_agent_front_matter_is_ignored(tmp_path: Path, text: str) -> None:
    write_agent(tmp_path / "docs", "page.md", text)
    assert set(load_catalog([tmp_path / "docs"]).ids) == set(ROSTER)


def test_skills_and_version_control_are_not_read_as_agents(tmp_path: Path) -> None:
    text = AGENT.format(name="skilled", description="A skill, not an agent.", subject="skills")
    write_agent(tmp_path / "d" / "skills" / "x", "notes.md", text)
    write_agent(tmp_path / "d" / "y", "SKILL.md", text)
    write_agent(tmp_path / "d" / ".git", "agent.md", text)
    write_agent(tmp_path / "d" / ".claude" / "agents", "found.md", text.replace("skilled", "found"))
    assert set(load_catalog([tmp_path / "d"], include_builtin=False).ids) == {"found"}


def test_a_symlink_out_of_the_directory_is_not_followed(tmp_path: Path) -> None:
    outside = write_agent(tmp_path / "outside", "secret.md", AGENT.format(name="secret", description="x.", subject="y"))
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "link.md").symlink_to(outside)
    (tmp_path / "agents" / "dir").symlink_to(tmp_path / "outside", target_is_directory=True)
    assert load_catalog([tmp_path / "agents"], include_builtin=False).ids == []


def test_an_agent_named_like_a_shipped_persona_replaces_it_with_a_warning(tmp_path: Path) -> None:
    write_agent(tmp_path / "a", "sre.md", AGENT.format(name="sre", description="Our own SRE.", subject="ops"))
    warnings: list[str] = []
    catalog = load_catalog([tmp_path / "a"], warn=warnings.append)
    assert isinstance(catalog.get("sre"), Agent)
    assert warnings == [f"the agent 'sre' in {tmp_path / 'a' / 'sre.md'} replaces the shipped persona of that id"]


def test_copies_of_one_agent_are_one_agent_without_a_warning(tmp_path: Path) -> None:
    text = AGENT.format(name="Code Critic", description="Critiques code.", subject="code")
    write_agent(tmp_path / "c" / "one", "critic.md", text)
    write_agent(tmp_path / "c" / "two", "critic.md", text)
    warnings: list[str] = []
    catalog = load_catalog([tmp_path / "c"], include_builtin=False, warn=warnings.append)
    assert catalog.ids == ["code-critic"]
    assert catalog.get("code-critic").name == "Code Critic"
    assert warnings == []


@pytest.mark.parametrize(
    ("version", "kept"), [("1.4.0", "1.4.0"), ("2.0.0-rc.1", "2.0.0-rc.1"), ("1.4", None), ("v2", None)]
)
def test_the_version_is_the_files_own_when_it_is_semver_else_the_content_hash(
    tmp_path: Path, version: str, kept: str | None
) -> None:
    text = AGENT.format(name="versioned", description="Has a version.", subject="x").replace(
        "model: sonnet", f"model: sonnet\nversion: '{version}'"
    )
    write_agent(tmp_path / "v", "versioned.md", text)
    agent = load_catalog([tmp_path / "v"], include_builtin=False).get("versioned")
    assert agent.version == (kept or agent.content_hash)


def test_too_many_markdown_files_is_an_error_naming_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import persona_mcp.catalog.loader as loader

    monkeypatch.setattr(loader, "MAX_AGENT_FILES", 3)
    for i in range(5):
        write_agent(tmp_path / "many", f"a{i}.md", "# not an agent\n")
    with pytest.raises(PersonaFileError, match="over 3 Markdown files"):
        load_catalog([tmp_path / "many"])


# --- categories, listing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent_id", "category"),
    [
        ("accessibility-expert", "product"),
        ("accessibility-tester", "product"),
        ("frontend-developer", "product"),
        ("data-engineer", "data"),
        ("ml-engineer", "ml"),
        ("mlops-engineer", "ml"),
        ("prompt-engineer", "ml"),
        ("docker-expert", "platform"),
        ("cicd-automation-kubernetes-architect", "platform"),
        ("terraform-engineer", "platform"),
        ("penetration-tester", "security"),
        ("threat-modeling-expert", "security"),
        ("security-auditor", "security"),
        ("chaos-engineer", "reliability"),
        ("devops-incident-responder", "reliability"),
        ("sre-engineer", "reliability"),
        ("qa-expert", "quality"),
        ("unit-testing-test-automator", "quality"),
        ("debugging-toolkit-debugger", "correctness"),
    ],
)
def test_an_agents_category_is_the_group_of_what_its_name_and_description_are_about(
    collections: Catalog, agent_id: str, category: str
) -> None:
    assert collections.get(agent_id).category == category


def test_listing_by_category_query_and_limit(collections: Catalog) -> None:
    everything = list_personas(collections, limit=None)
    assert everything.total == len(collections)
    assert sum(everything.categories.values()) == len(collections)
    security = list_personas(collections, category="security", limit=None)
    assert security.total == everything.categories["security"] >= 5
    assert {p.category for p in security.personas} == {"security"}
    kube = list_personas(collections, query="Kubernetes clusters", limit=2)
    assert kube.total >= 3
    assert len(kube.personas) == 2
    assert all("kubernetes" in p.id for p in kube.personas)  # those sharing more of the query's words first
    assert list_personas(collections, query="databases").total >= 1  # by stem: database
    assert list_personas(collections, query="zzzz").personas == []


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"category": "secruity"}, "category: unknown category 'secruity'; known:"),
        ({"limit": 0}, "limit: must be from 1 to 1000, got 0"),
        ({"limit": 1001}, "limit: must be from 1 to 1000, got 1001"),
        ({"query": "x" * 501}, "query: at most 500 characters, got 501"),
    ],
)
def test_bad_listing_arguments_are_clear_errors(collections: Catalog, arguments: dict[str, Any], named: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        list_personas(collections, **arguments)
    assert str(caught.value).startswith(named)


async def test_the_list_personas_tool_filters_and_says_how_many_matched(collections: Catalog) -> None:
    async with Client(build_server(collections)) as client:
        result = await client.call_tool("list_personas", {"limit": 5})
        assert result.structured_content is not None
        assert len(result.structured_content["personas"]) == 5
        assert result.structured_content["total"] == len(collections)
        assert isinstance(result.content[0], TextContent)
        assert f"5 of {len(collections)} shown" in result.content[0].text
        narrowed = await client.call_tool("list_personas", {"category": "data"})
        assert narrowed.structured_content is not None
        assert [p["id"] for p in narrowed.structured_content["personas"]] == ["data-engineer"]
        bad = await client.call_tool("list_personas", {"category": "nope"})
        assert bad.is_error


# --- prompts ------------------------------------------------------------------------------------


async def test_every_agent_is_a_prompt_carrying_its_body(collections: Catalog) -> None:
    async with Client(build_server(collections)) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        assert set(collections.ids) <= set(prompts)
        assert prompts["chaos-engineer"].description == collections.get("chaos-engineer").summary
        focus = collections.get("chaos-engineer").responsibilities[0].name
        got = await client.get_prompt("chaos-engineer", {"subject": "Our failover plan.", "focus": focus})
        message = got.messages[0].content
        assert isinstance(message, TextContent)
        assert collections.get("chaos-engineer").body.strip() in message.text
        assert "<subject>\nOur failover plan.\n</subject>" in message.text


def test_an_agents_focus_is_one_of_its_headed_lists(collections: Catalog) -> None:
    agent = collections.get("chaos-engineer")
    assert agent.responsibilities
    first = agent.responsibilities[0]
    prompt = persona_prompt(agent, "x", focus=first.name.lower())
    assert first.name in prompt
    # its own instructions, not the persona schema's checklist, boundaries and severity levels
    assert f"<agent-instructions>\n{agent.body.rstrip()}\n</agent-instructions>" in prompt
    assert "severity levels" not in prompt
    with pytest.raises(InvalidArgument, match="focus: 'nothing like it' is not a responsibility of chaos-engineer"):
        persona_prompt(agent, "x", focus="nothing like it")


# --- routing across a collection ---------------------------------------------------------------------


def _specialist_tasks() -> list[dict[str, Any]]:
    return list(yaml.safe_load(SPECIALIST_TASKS.read_text("utf-8"))["tasks"])


SPECIALIST_TOP1_FLOOR = 0.64
SPECIALIST_TOP3_FLOOR = 0.92
"""Measured on tests/data/agents-routing.yaml with the two sample collections and the nine: 17 of 25 tasks put
a right specialist first (68%), 23 of 25 in the top three (92%). Where the specialist is second, a shipped
persona whose labelled example requests match the task is first (the SRE for a chaos game day, the Security
Engineer for a penetration test): the examples know only the nine."""


def test_imported_specialists_win_the_tasks_they_are_for(collections: Catalog) -> None:
    tasks = _specialist_tasks()
    firsts = tops = 0
    for task in tasks:
        ids = [r.persona_id for r in recommend_personas(collections, task["task"], 3).recommendations]
        firsts += bool(ids) and ids[0] in task["agents"]
        tops += any(i in task["agents"] for i in ids)
    assert firsts / len(tasks) >= SPECIALIST_TOP1_FLOOR
    assert tops / len(tasks) >= SPECIALIST_TOP3_FLOOR
    stated = f"On {len(tasks)} tasks for the imported specialists"
    assert stated in README, "README's task count"
    assert f"a right specialist is first {firsts} times and in the top three {tops} times" in README


def test_the_nine_still_win_their_own_tasks_next_to_a_collection(catalog: Catalog, tmp_path: Path) -> None:
    from .routing_set import NONE, STUDIED, load_tasks

    # the collections without the two agents that take shipped ids (those would replace the persona itself)
    kept = tmp_path / "agents"
    for path in agent_files(AGENTS):
        if path.stem not in ROSTER:
            target = kept / path.relative_to(AGENTS)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    mixed = load_catalog([kept], warn=lambda line: None)
    assert set(ROSTER) <= set(mixed.ids)
    alone = right_alone = right_mixed = in_three = 0
    for path in STUDIED:
        for task in load_tasks(path):
            if task.label == NONE:
                continue
            alone += 1
            first = recommend_personas(catalog, task.task, 1).recommendations
            right_alone += bool(first) and first[0].persona_id == task.label
            ranked = [r.persona_id for r in recommend_personas(mixed, task.task, 3).recommendations]
            right_mixed += bool(ranked) and ranked[0] == task.label
            in_three += task.label in ranked
    assert right_mixed / alone >= 0.85  # measured 0.89 (0.95 without the collections)
    assert in_three / alone >= 0.93  # measured 0.96
    assert right_mixed <= right_alone
    first, first_alone, three = (round(100 * n / alone) for n in (right_mixed, right_alone, in_three))
    assert (
        f"the nine keep {first}% of their own tasks first ({first_alone}% alone), {three}% in the top three" in README
    )


# --- clusters ----------------------------------------------------------------------------------------


def test_the_collection_report_finds_the_copies_and_near_copies(collections: Catalog) -> None:
    report = collection_report(collections)
    assert report.persona_count == len(collections)
    assert report.matrix is None
    groups = [{c.anchor, *(m.persona_id for m in c.members)} for c in report.clusters]
    # the same agent copied into two plugins under prefixed names: merged
    assert {"backend-development-backend-architect", "data-engineering-backend-architect"} in groups
    assert {"cicd-automation-kubernetes-architect", "kubernetes-operations-kubernetes-architect"} in groups
    assert {"comprehensive-review-security-auditor", "security-scanning-security-auditor"} in groups
    merged = [c for c in report.clusters if c.decision == "merge"]
    assert len(merged) == 3
    # near copies across the collections: extend, with the figures
    tests = next(g for g in groups if "qa-expert" in g)
    assert {"unit-testing-test-automator", "test-automator"} <= tests
    assert any({"accessibility-expert", "accessibility-tester"} <= g for g in groups)
    for cluster in report.clusters:
        for member in cluster.members:
            assert member.score >= 0.4
            assert member.decision != "merge" or member.score >= 0.6
            assert member.decision != "extend" or member.coverage_by_anchor >= 0.75
    # and the shipped nine are in no cluster with each other
    assert not any(len(g & set(ROSTER)) > 1 for g in groups)


def test_personas_nobody_else_covers_are_named_with_their_own_concerns(collections: Catalog) -> None:
    report = collection_report(collections)
    distinct = {d.persona_id: d.only_here for d in report.distinct}
    assert distinct
    profiles = {pid: set(p.weights()) for pid, p in catalog_profiles(collections).items()}
    for pid, only in distinct.items():
        for concern in only:
            assert [other for other, held in profiles.items() if concern in held] == [pid]


async def test_the_overlap_tool_answers_the_collection_question_in_under_100_kb(tmp_path: Path) -> None:
    # A thousand agents: the 53 distinct agents of the two collections 20 times over, renamed, cut to new lengths.
    for copy in range(20):
        for path in agent_files(AGENTS):
            text = path.read_text("utf-8")
            data, body = front_matter(text, str(path)) or ({}, "")
            name = f"{data['name']}-{copy}"
            lines = body.splitlines()
            kept = "\n".join(lines[: max(5, len(lines) * (copy + 4) // 20)])
            write_agent(
                tmp_path / "big" / str(copy),
                f"{path.parent.name}-{path.name}",
                f"---\nname: {name}\ndescription: {json.dumps(data['description'])}\n---\n\n{kept}\n",
            )
    catalog = load_catalog([tmp_path / "big"], include_builtin=True, warn=lambda line: None)
    assert len(catalog) >= 1000
    async with Client(build_server(catalog)) as client:
        result = await client.call_tool("persona_overlap", {})
    assert not result.is_error
    size = len(result.model_dump_json(by_alias=True, exclude_none=True).encode())
    assert size <= 100_000, size
    report = result.structured_content
    assert report is not None
    assert report["matrix"] is None
    assert report["cluster_count"] >= len(report["clusters"]) > 0


def test_the_command_line_gives_the_matrix_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["overlap", "--all", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["matrix"] is None
    assert main(["overlap", "--all", "--matrix", "--format", "json"]) == 0
    matrix = json.loads(capsys.readouterr().out)["matrix"]
    assert len(matrix["ids"]) == len(ROSTER) == len(matrix["scores"])
    assert main(["overlap", "--persona", "sre", "--matrix"]) == 2
    assert "--matrix: only with --all" in capsys.readouterr().err


# --- export ------------------------------------------------------------------------------------------


def test_exported_subagents_load_back_with_the_same_briefs(
    catalog: Catalog, collections: Catalog, tmp_path: Path
) -> None:
    for source in (catalog, collections):
        out = tmp_path / ("roster" if source is catalog else "collections")
        out.mkdir()
        for file in export(source, "claude-agent"):
            (out / file.name).write_text(file.text, encoding="utf-8")
        back = load_catalog([out], include_builtin=False)
        assert set(back.ids) == set(source.ids)
        for persona in source:
            again = back.get(persona.id)
            assert persona_markdown(again) == persona_markdown(persona)
            assert again.summary == persona.summary or not isinstance(persona, Agent)
            if isinstance(persona, Agent):
                assert isinstance(again, Agent)
                assert again.metadata == persona.metadata  # tools, model and the rest, kept


def test_an_exported_persona_reads_as_claude_code_expects(catalog: Catalog) -> None:
    (sre,) = export(catalog, "claude-agent", ["sre"])
    data, body = front_matter(sre.text, sre.name) or ({}, "")
    assert sre.name == "sre.md"
    assert data["name"] == "sre"
    assert data["description"].startswith(catalog.get("sre").summary)
    assert "Use it for:" in data["description"]
    assert body.lstrip().startswith("# Site Reliability Engineer")


def test_cursor_rules_are_agent_requested_rules_with_the_brief(catalog: Catalog) -> None:
    rules = export(catalog, "cursor-rule")
    assert sorted(r.name for r in rules) == sorted(f"{pid}.mdc" for pid in ROSTER)
    data, body = front_matter(rules[0].text, rules[0].name) or ({}, "")
    assert data["alwaysApply"] is False
    assert data["globs"] == ""
    assert data["description"]
    assert body.strip() == persona_markdown(catalog.get(rules[0].name.removesuffix(".mdc"))).strip()


def test_export_refuses_to_overwrite_a_changed_file_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--format", "claude-agent", str(tmp_path / "out")]) == 0
    assert "wrote 9 claude-agent file(s)" in capsys.readouterr().out
    (tmp_path / "out" / "sre.md").write_text("mine", encoding="utf-8")
    assert main(["export", "--format", "claude-agent", str(tmp_path / "out")]) == 2
    assert "1 file(s) would be overwritten (sre.md); add --force" in capsys.readouterr().err
    assert main(["export", "--format", "claude-agent", "--force", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "sre.md").read_text("utf-8").startswith("---\nname: sre\n")
    assert main(["export", "--format", "claude-agent", "--only", "nobody", str(tmp_path / "x")]) == 2
    assert "--only: unknown persona 'nobody'" in capsys.readouterr().err


def test_personas_lists_the_catalog_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["personas", "--personas-dir", str(AGENTS), "--format", "json", "--category", "ml"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert {p["id"] for p in listing["personas"]} >= {"ml-engineer", "mlops-engineer", "prompt-engineer"}
    assert listing["total"] == len(listing["personas"])


# --- a real client, a real process --------------------------------------------------------------------


def test_a_stdio_server_over_both_collections_serves_routes_and_clusters() -> None:
    async def run() -> tuple[int, list[str], int]:
        params = StdioServerParameters(
            command=console_script(), args=["--personas-dir", str(AGENTS)], env={**os.environ, "NO_COLOR": "1"}
        )
        with anyio.fail_after(120):
            async with Client(params) as client:
                prompts = (await client.list_prompts()).prompts
                routed = await client.call_tool(
                    "recommend_personas", {"task": "Our Dockerfile builds a 2 GB image; make it a multi-stage build."}
                )
                clusters = await client.call_tool("persona_overlap", {})
        assert routed.structured_content is not None
        assert clusters.structured_content is not None
        ids = [r["persona_id"] for r in routed.structured_content["recommendations"]]
        return len(prompts), ids, clusters.structured_content["cluster_count"]

    prompts, ids, clusters = anyio.run(run)
    assert prompts >= 62
    assert ids[0] == "docker-expert"
    assert clusters >= 5
