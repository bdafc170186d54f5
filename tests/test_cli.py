"""The command line, called in-process: output, exit codes and one-line errors."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from persona_mcp import __version__
from persona_mcp.catalog.loader import Catalog
from persona_mcp.cli.main import ENV_DIRS, build_parser, main

from .conftest import ROSTER, WriteFile


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"persona-mcp {__version__}"


def subcommands(parser: argparse.ArgumentParser | None = None, prefix: str = "") -> list[str]:
    """Every command path, nested ones included ("slo budget")."""
    parser = parser or build_parser()
    found: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in sorted(action.choices.items()):
                found.append(f"{prefix}{name}")
                found += subcommands(child, f"{prefix}{name} ")
    return found


def _parser_of(command: str) -> argparse.ArgumentParser:
    parser = build_parser()
    for name in command.split():
        (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]  # no public accessor
        parser = sub.choices[name]
    return parser


@pytest.mark.parametrize("command", ["", *subcommands()])
def test_every_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    # The help a user reads names the command, says what it does, and lists every option it accepts.
    with pytest.raises(SystemExit) as info:
        main([*command.split(), "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: persona-mcp {command}".rstrip())
    parser = _parser_of(command)
    if parser.description:
        assert " ".join(parser.description.split())[:60] in " ".join(out.split())
    options = [s for a in parser._actions for s in a.option_strings]
    assert [o for o in options if o not in out] == []
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    names = [name for group in groups for name in group.choices]
    assert [n for n in names if n not in out] == []  # a command group lists its commands
    assert parser.description or names, f"{command}'s help says nothing of what it does"


def test_personas_prints_a_table_of_the_roster(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "personas")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split() == ["ID", "NAME", "CATEGORY", "VERSION"]
    assert {line.split()[0] for line in lines[1:]} == set(ROSTER)


@pytest.mark.parametrize("fmt", ["markdown", "yaml", "json"])
def test_show_prints_a_persona_in_each_format(capsys: pytest.CaptureFixture[str], catalog: Catalog, fmt: str) -> None:
    code, out, _ = run(capsys, "show", "qa-engineer", "--format", fmt)
    assert code == 0
    persona = catalog.get("qa-engineer")
    if fmt == "markdown":
        assert out.startswith("# QA Engineer")
    else:
        data = json.loads(out) if fmt == "json" else yaml.safe_load(out)
        assert data.pop("hash") == persona.content_hash
        assert data == persona.model_dump(mode="json")


def test_show_of_an_unknown_id_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "wizard")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "known ids" in err
    assert "sre" in err


def test_a_bad_persona_directory_stops_the_command_with_the_file_named(
    capsys: pytest.CaptureFixture[str], write_persona: WriteFile
) -> None:
    bad = write_persona(b"id: [", name="broken.yaml")
    code, _, err = run(capsys, "personas", "--personas-dir", str(bad.parent))
    assert code == 2
    assert str(bad) in err
    assert "Traceback" not in err


def test_skip_invalid_warns_and_carries_on(capsys: pytest.CaptureFixture[str], write_persona: WriteFile) -> None:
    bad = write_persona(b"id: [", name="broken.yaml")
    code, out, err = run(capsys, "personas", "--personas-dir", str(bad.parent), "--skip-invalid")
    assert code == 0
    assert "sre" in out
    assert "warning: skipped" in err
    assert str(bad) in err


def test_validate_passes_a_good_directory(
    capsys: pytest.CaptureFixture[str], write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    path = write_persona(persona_data)
    code, out, _ = run(capsys, "validate", str(path.parent))
    assert code == 0
    assert out.startswith("ok: 10 personas valid")


def test_validate_reports_every_bad_file_and_exits_1(
    capsys: pytest.CaptureFixture[str], write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    persona_data["extra"] = True
    write_persona(persona_data)
    write_persona(b": : :", name="broken.yaml")
    code, _, err = run(capsys, "validate", str(write_persona(b"[]", name="list.yaml").parent))
    assert code == 1
    assert err.count("error:") == 3
    assert "extra: unknown field" in err


def test_validate_with_no_directory_checks_the_shipped_personas(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert "9 personas valid" in out


def test_the_environment_variable_adds_directories_before_the_flag(
    capsys: pytest.CaptureFixture[str],
    write_persona: WriteFile,
    persona_data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from_env = write_persona(persona_data, directory="env")
    persona_data["name"] = "Flag Data Engineer"
    from_flag = write_persona(persona_data, directory="flag")
    monkeypatch.setenv(ENV_DIRS, f"{from_env.parent}{os.pathsep}")
    code, out, _ = run(capsys, "show", "data-engineer", "--format", "json", "--personas-dir", str(from_flag.parent))
    assert code == 0
    assert json.loads(out)["name"] == "Flag Data Engineer"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--port", "70000"], "port must be a whole number from 1 to 65535"),
        (["serve", "--transport", "carrier-pigeon"], "invalid choice"),
        (["show", "sre", "--format", "pdf"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_a_usage_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_the_personas_dir_flag_is_accepted_before_or_after_the_command(tmp_path: Path) -> None:
    parser = build_parser()
    assert parser.parse_args(["--personas-dir", "a", "personas"]).personas_dir == ["a"]
    assert parser.parse_args(["personas", "--personas-dir", "b"]).personas_dir == ["b"]
