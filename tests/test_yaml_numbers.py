"""YAML numbers as YAML 1.2 reads them: no base-60, octal, hex or underscored numbers, no 1.1 booleans.

A readiness manifest with `rpo_minutes: 1:30` was read as 90, `017` as 15, `0x1E` as 30 and `99_9` as
999 (issue 15): numbers nobody wrote. The loader keeps those as strings, so a numeric field refuses them
with its own one-line error; an integer too long for Python to convert is refused with the line it is on.
"""

from __future__ import annotations

import math

import pytest

from persona_mcp.data import MAX_INT_DIGITS, parse_yaml
from persona_mcp.errors import PersonaFileError


@pytest.mark.parametrize(
    "text",
    [
        "1:30",  # YAML 1.1 base 60: 90
        "1:30:00",  # 5400
        "017",  # YAML 1.1 octal: 15
        "00",
        "0x1E",  # hexadecimal: 30
        "0o17",  # YAML 1.2 core octal: not the JSON schema's
        "0b101",  # YAML 1.1 binary: 5
        "99_9",  # YAML 1.1 underscores: 999
        "1_000.5",
        "yes",  # YAML 1.1 booleans
        "off",
        "NO",
        "30d",
    ],
)
def test_yaml_1_1_quirks_stay_strings(text: str) -> None:
    assert parse_yaml(f"value: {text}", "t.yaml") == {"value": text}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0", 0),
        ("-3", -3),
        ("+3", 3),
        ("99.95", 99.95),
        ("0.25", 0.25),
        (".5", 0.5),
        ("1.", 1.0),
        ("1e5", 100000.0),  # an exponent without a point is a float in YAML 1.2
        ("-2.5E-3", -0.0025),
        ("true", True),
        ("False", False),
    ],
)
def test_plain_numbers_and_booleans_keep_their_types(text: str, number: object) -> None:
    value = parse_yaml(f"value: {text}", "t.yaml")["value"]
    assert value == number
    assert type(value) is type(number)


def test_infinity_and_nan_are_floats() -> None:
    assert parse_yaml("value: .inf", "t.yaml")["value"] == math.inf
    assert math.isnan(parse_yaml("value: .nan", "t.yaml")["value"])


@pytest.mark.parametrize("digits", [MAX_INT_DIGITS + 1, 5_000, 100_000])
def test_an_integer_longer_than_python_converts_is_a_file_error_naming_the_line(digits: int) -> None:
    with pytest.raises(PersonaFileError, match=r"line 2.*integer of \d+ digits"):
        parse_yaml("name: x\nvalue: " + "1" * digits, "t.yaml")


def test_the_longest_accepted_integer_is_read() -> None:
    assert parse_yaml("value: " + "9" * MAX_INT_DIGITS, "t.yaml")["value"] == int("9" * MAX_INT_DIGITS)
