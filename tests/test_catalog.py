"""Loading persona directories: overrides, bad files, hostile files. Nothing bad is ever dropped silently."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest

from persona_mcp.catalog.loader import load_catalog, load_persona_file
from persona_mcp.data import MAX_FILE_BYTES, parse_yaml
from persona_mcp.errors import PersonaFileError

from .conftest import ROSTER, WriteFile


def test_a_user_directory_adds_its_personas_to_the_shipped_ones(
    write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    path = write_persona(persona_data)
    catalog = load_catalog([path.parent])
    assert set(catalog.ids) == set(ROSTER) | {"data-engineer"}
    assert catalog.sources["data-engineer"].path == path
    assert not catalog.sources["data-engineer"].builtin


def test_a_later_directory_overrides_an_earlier_one_by_id_and_says_so(
    write_persona: WriteFile, persona_data: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    persona_data.update(id="sre", name="Our SRE")
    persona_data["collaborates_with"] = [c for c in persona_data["collaborates_with"] if c["persona_id"] != "sre"]
    first = write_persona(persona_data, directory="team")
    persona_data.update(name="My SRE")
    second = write_persona(persona_data, directory="mine")
    with caplog.at_level(logging.INFO, logger="persona_mcp.catalog.loader"):
        catalog = load_catalog([first.parent, second.parent])
    assert catalog.get("sre").name == "My SRE"
    assert len(catalog.overrides) == 2
    assert str(second) in catalog.overrides[-1]
    assert any("overrides" in r.getMessage() for r in caplog.records)


BAD_FILES: list[tuple[str, bytes, str]] = [
    # (what it is, file content, what the error must mention)
    ("malformed YAML", b"id: [unclosed\nname: x\n", "invalid YAML (line"),
    (
        "an alias bomb",
        b"a: &a ['x','x','x','x','x','x','x','x','x']\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
        "aliases",
    ),
    ("deep nesting", b"a: " + b"[" * 200 + b"]" * 200 + b"\n", "nesting deeper"),
    ("nesting deep enough to blow a stack", b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nesting"),
    ("a list at the top", b"- id: x\n", "expected a mapping"),
    ("an empty file", b"", "got empty"),
    ("Latin-1 bytes", "name: caf\u00e9\n".encode("latin-1"), "not UTF-8"),
    ("NUL bytes", b"id: x\x00\n", "NUL"),
    ("a Python object tag", b"!!python/object/apply:os.system ['echo pwned']\n", "invalid YAML"),
]


@pytest.mark.parametrize(("what", "content", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_stop_the_load_with_a_message_naming_the_file(
    write_persona: WriteFile, what: str, content: bytes, message: str
) -> None:
    path = write_persona(content, name="bad.yaml")
    with pytest.raises(PersonaFileError) as info:
        load_catalog([path.parent])
    assert info.value.path == str(path)
    assert message in str(info.value), what


def test_an_unknown_field_is_named_in_the_error(write_persona: WriteFile, persona_data: dict[str, Any]) -> None:
    persona_data["mind_set"] = "typo"
    path = write_persona(persona_data)
    with pytest.raises(PersonaFileError, match=r"mind_set: unknown field"):
        load_catalog([path.parent])


def test_a_wrong_type_is_named_in_the_error(write_persona: WriteFile, persona_data: dict[str, Any]) -> None:
    persona_data["responsibilities"] = "everything"
    path = write_persona(persona_data)
    with pytest.raises(PersonaFileError, match=r"responsibilities: .*list"):
        load_catalog([path.parent])


def test_two_files_with_one_id_in_a_directory_are_rejected(
    write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    write_persona(persona_data, name="data-engineer.yaml")
    path = write_persona(persona_data, name="data-engineer.yml")
    with pytest.raises(PersonaFileError, match="also defined by"):
        load_catalog([path.parent])


def test_the_file_name_must_be_the_id(write_persona: WriteFile, persona_data: dict[str, Any]) -> None:
    path = write_persona(persona_data, name="something-else.yaml")
    with pytest.raises(PersonaFileError, match=r"name it data-engineer\.yaml"):
        load_persona_file(path)


def test_a_collaborator_must_exist(write_persona: WriteFile, persona_data: dict[str, Any]) -> None:
    persona_data["collaborates_with"].append({"persona_id": "ghost", "when": "never"})
    path = write_persona(persona_data)
    with pytest.raises(PersonaFileError, match="unknown persona 'ghost'"):
        load_catalog([path.parent])


def test_an_oversized_file_is_rejected_without_reading_it_whole(write_persona: WriteFile) -> None:
    path = write_persona(b"#" * (MAX_FILE_BYTES + 1), name="huge.yaml")
    with pytest.raises(PersonaFileError, match="the limit is"):
        load_catalog([path.parent])


def test_a_symlink_out_of_the_directory_is_not_followed(
    tmp_path: Path, persona_data: dict[str, Any], write_persona: WriteFile
) -> None:
    outside = write_persona(persona_data, directory="outside")
    inside = tmp_path / "inside"
    inside.mkdir()
    os.symlink(outside, inside / "data-engineer.yaml")
    with pytest.raises(PersonaFileError, match="not a regular file inside"):
        load_catalog([inside])


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PersonaFileError, match="not a directory"):
        load_catalog([tmp_path / "nope"])


def test_skip_invalid_reports_each_bad_file_and_keeps_the_good_ones(
    write_persona: WriteFile, persona_data: dict[str, Any]
) -> None:
    write_persona(persona_data)
    write_persona(b"id: [", name="broken.yaml")
    warnings: list[str] = []
    catalog = load_catalog([write_persona(b"- 1", name="list.yaml").parent], skip_invalid=True, warn=warnings.append)
    assert "data-engineer" in catalog.ids
    assert len(warnings) == 2
    assert all("skipped:" in w for w in warnings)
    assert catalog.skipped == [w.removeprefix("skipped: ") for w in warnings]


def test_files_that_are_not_yaml_are_ignored(write_persona: WriteFile, persona_data: dict[str, Any]) -> None:
    path = write_persona(persona_data)
    (path.parent / "README.md").write_text("# notes\n", encoding="utf-8")
    assert "data-engineer" in load_catalog([path.parent]).ids


def test_yaml_reads_only_true_and_false_as_booleans() -> None:
    # YAML 1.1 would read the country code NO and the answers yes/on/off as booleans.
    assert parse_yaml("[NO, yes, on, off, y, true, False]", "t") == ["NO", "yes", "on", "off", "y", True, False]


def test_yaml_aliases_are_refused_even_when_harmless() -> None:
    with pytest.raises(PersonaFileError, match="aliases"):
        parse_yaml("a: &x 1\nb: *x\n", "t")


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: 2\na: 3\n",  # PyYAML alone would keep a: 3 and lose a: 1
        "outer:\n  code_patterns: [x]\n  other: 1\n  code_patterns: [y]\n",
        "items:\n  - {id: one, id: two}\n",
    ],
)
def test_a_key_repeated_in_one_mapping_is_refused_with_its_line(text: str) -> None:
    with pytest.raises(PersonaFileError, match=r"line \d+, column \d+\): duplicate key '(?:a|code_patterns|id)'"):
        parse_yaml(text, "t")


def test_the_same_key_in_different_mappings_is_fine() -> None:
    assert parse_yaml("a: {x: 1}\nb: {x: 2}\n", "t") == {"a": {"x": 1}, "b": {"x": 2}}
