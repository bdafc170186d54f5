"""The README documents everything the server and the CLI offer; a new tool or persona without docs fails here."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import anyio
import pytest
import yaml
from mcp import Client

from persona_mcp.catalog.loader import Catalog
from persona_mcp.cli.main import main
from persona_mcp.server.app import build_server

from .conftest import ROOT
from .test_cli import subcommands

README = (ROOT / "README.md").read_text(encoding="utf-8")


def surface(catalog: Catalog) -> dict[str, list[str]]:
    async def collect() -> dict[str, list[str]]:
        async with Client(build_server(catalog)) as client:
            return {
                "prompt": [p.name for p in (await client.list_prompts()).prompts],
                "tool": [t.name for t in (await client.list_tools()).tools],
                "resource": [str(r.uri) for r in (await client.list_resources()).resources],
                "template": [t.uri_template for t in (await client.list_resource_templates()).resource_templates],
            }

    return anyio.run(collect)


def test_every_prompt_tool_and_resource_is_in_the_readme(catalog: Catalog) -> None:
    offered = surface(catalog)
    # Each persona's own resource is documented by the persona://{persona_id} template.
    offered["resource"] = [uri for uri in offered["resource"] if not uri.startswith("persona://")]
    missing = [f"{kind} {name}" for kind, names in offered.items() for name in names if f"`{name}" not in README]
    assert not missing, f"not documented in README.md: {missing}"


@pytest.mark.parametrize("command", subcommands())
def test_every_cli_command_is_in_the_readme(command: str) -> None:
    assert f"`persona-mcp {command}" in README


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.DOTALL)


def test_the_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    install_and_run, test = commands
    assert "pip install ." in install_and_run
    assert "persona-mcp" in install_and_run
    assert "pytest" in test
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted((ROOT / "examples" / "clients").glob("*.json")), ids=lambda p: p.name)
def test_client_configuration_examples_are_valid_json_that_start_the_server(path: Path) -> None:
    config = json.loads(path.read_text(encoding="utf-8"))
    (server,) = (config.get("mcpServers") or config["servers"]).values()
    assert server["command"].endswith("persona-mcp")
    assert json.dumps(config, indent=2) in README or path.name != "claude_desktop_config.json"


def console_examples() -> list[tuple[str, str]]:
    """Each ```console block of the README: the `$ persona-mcp ...` line and the output shown under it."""
    blocks = re.findall(r"```console\n\$ persona-mcp (.+?)\n(.*?)```", README, flags=re.DOTALL)
    return [(command, output) for command, output in blocks]


@pytest.mark.parametrize(("command", "shown"), console_examples(), ids=[c for c, _ in console_examples()])
def test_every_readme_example_prints_what_the_readme_shows(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str, shown: str
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(shlex.split(command)) == 0
    printed = "\n".join(line.rstrip() for line in capsys.readouterr().out.splitlines()) + "\n"
    assert printed == shown


def test_the_readme_has_console_examples() -> None:
    assert len(console_examples()) >= 5


def test_the_readme_manifest_example_is_a_valid_manifest() -> None:
    from persona_mcp.sre.readiness import parse_manifest, review

    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", README, flags=re.DOTALL) if b.startswith("name:")]
    result = review(parse_manifest(yaml.safe_load(block), "README"))
    assert result.service == "payment-api"


def _layout_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Development") :]
    return section[section.index("```") + 3 : section.index("```", section.index("```") + 3)]


def test_the_readme_layout_names_every_folder_and_module_of_the_package() -> None:
    block = _layout_block()
    package = ROOT / "server" / "persona_mcp"
    folders = sorted(p.relative_to(package).as_posix() for p in package.rglob("__init__.py") if p.parent != package)
    missing_folders = [f for f in (str(Path(f).parent) for f in folders) if f"{f}/" not in block]
    assert missing_folders == []
    modules = sorted({p.stem for p in package.rglob("*.py") if p.stem not in ("__init__", "__main__", "_entry")})
    missing = [m for m in modules if not re.search(rf"\b{m}\b", block)]
    assert missing == [], f"README's layout does not name {missing}"
    for name in re.findall(r"^\s*([\w./]+)/\s", block, re.MULTILINE):
        assert (ROOT / name).is_dir() or (package / name).is_dir(), f"README names {name}/, which does not exist"


def test_the_readme_performance_figures_come_from_the_recorded_run() -> None:
    # The figures are quoted from one run of bench/run.py; a number in the README's table that bench/results.md
    # does not hold was typed by hand or left over from an older run.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Performance") : readme.index("## Development")]
    results = (ROOT / "bench" / "results.md").read_text(encoding="utf-8")
    rows = [line.split("|")[2:4] for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    figures = [n for cells in rows[1:] for n in re.findall(r"\d[\d,]*(?:\.\d+)?x?", " ".join(cells))]
    assert figures, "the Performance section has no table"
    assert [n for n in figures if n not in results] == []


def test_the_readme_states_how_many_items_the_checklist_has() -> None:
    from persona_mcp.sre.readiness import load_checklist

    (stated,) = re.findall(r"readiness-checklist\.yaml\): (\d+) items", README)
    assert int(stated) == len(load_checklist().items)


def test_the_readme_states_the_repository_limits_the_walk_enforces() -> None:
    from persona_mcp.evidence import documents, tree

    (row,) = [line for line in README.splitlines() if line.startswith("| repositories (`sre_readiness`")]
    assert f"files of {tree.MAX_FILE_BYTES // 2**20} MiB" in row
    assert f"{tree.MAX_FILES:,} files" in row
    assert f"{tree.MAX_TREE_BYTES // 2**20} MiB" in row
    assert f"{tree.TIME_BUDGET_S:g} s" in row
    assert f"past {documents.MAX_NODES:,} values" in row
    prose = README[README.index("Nothing is executed, and the walk is bounded") :][:400]
    assert f"stops at {tree.MAX_FILES:,} files, {tree.MAX_TREE_BYTES // 2**20} MiB" in " ".join(prose.split())
