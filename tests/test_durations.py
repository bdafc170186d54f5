"""Durations: exact parsing of windows ("30d", "1h30m", "P30D") and human formatting of seconds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from persona_mcp.cli.main import main
from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.budget import error_budget
from persona_mcp.sre.durations import MAX_DURATION_SECONDS, format_duration, format_window, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30d", 2_592_000),  # the usual SLO window: 30 x 86,400 s
        ("28d", 2_419_200),  # four whole weeks
        ("4w", 2_419_200),  # weeks are exactly 7 days
        ("7d", 604_800),  # a week
        ("90d", 7_776_000),  # a quarter-ish window
        ("365d", 31_536_000),  # a 365-day year
        ("1h", 3_600),  # the fast page's long window
        ("5m", 300),  # its short window
        ("30s", 30),  # seconds
        ("1h30m", 5_400),  # combined units, largest first
        ("1d 1h 1m 1s", 90_061),  # spaces between parts, as format_duration writes them
        ("1.5h", 5_400),  # decimal amounts
        ("2 days", 172_800),  # unit words
        ("  3D ", 259_200),  # surrounding space and upper-case units
        ("P30D", 2_592_000),  # ISO 8601 days
        ("PT1H", 3_600),  # ISO 8601 hours
        ("P4W", 2_419_200),  # ISO 8601 weeks
        ("PT30M", 1_800),  # ISO 8601 minutes (M after T)
        ("P1DT12H", 129_600),  # ISO 8601 days and hours
        ("p7d", 604_800),  # ISO designators in lower case
        ("PT0.5S", Decimal("0.5")),  # ISO fractional seconds
        ("3650d", 315_360_000),  # the cap itself: ten 365-day years
    ],
)
def test_durations_parse_to_exact_seconds(text: str, seconds: int | Decimal) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "value",
    [
        "",  # empty
        "   ",  # blank
        "0d",  # zero is not a window
        "PT0S",  # zero in ISO form
        "-30d",  # negative
        "-P30D",  # negative ISO
        "30 parsecs",  # an unknown unit
        "30",  # a number without a unit
        "P1M",  # ISO calendar month
        "P1Y",  # ISO calendar year
        "P1Y2M3D",  # calendar parts mixed with days
        "1y",  # compact year
        "3 months",  # month words
        "5M",  # capital M reads as months
        "3651d",  # beyond ten years
        "P",  # ISO with no parts
        "PT",  # ISO time designator with no parts
        "30m1h",  # units out of order
        "1h1h",  # a repeated unit
        "d",  # a unit without a number
        30,  # a bare number: units are required
        True,  # not text at all
        None,  # missing
    ],
)
def test_bad_durations_are_rejected_naming_the_argument(value: object) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_duration(value, name="long_window")
    assert caught.value.argument == "long_window"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (30, "must be a duration such as '30d', '4w', '1h30m' or 'P30D', got 30"),
        ("30 parsecs", "must be a duration such as '30d', '4w', '1h30m' or 'P30D', got '30 parsecs'"),
        ("0d", "must be a positive duration such as '30d', '4w', '1h30m' or 'P30D', got '0d'"),
        ("0.0h 0s", "must be a positive duration such as '30d', '4w', '1h30m' or 'P30D', got '0.0h 0s'"),
        ("-1h", "must be a positive duration such as '30d', '4w', '1h30m' or 'P30D', got '-1h'"),
        ("3651d", "must be at most 3650d, got '3651d'"),
        (
            "1y",
            "calendar months and years are not fixed durations; give days or weeks such as '30d', '28d', '4w' or "
            "'365d', got '1y'",
        ),
        (
            "P2M",
            "calendar months and years are not fixed durations; give days or weeks such as '30d', '28d', '4w' or "
            "'365d', got 'P2M'",
        ),
        ("30m1h", "must give each unit once, largest first (e.g. '1h30m'), got '30m1h'"),
        ("1s1s", "must give each unit once, largest first (e.g. '1h30m'), got '1s1s'"),
        ("1w 1s", None),  # the largest unit first, then the smallest: in order
    ],
)
def test_a_bad_duration_is_explained(value: object, message: str | None) -> None:
    if message is None:
        assert parse_duration(value) == 7 * 86_400 + 1
        return
    with pytest.raises(InvalidArgument) as caught:
        parse_duration(value, name="window")
    assert (caught.value.argument, caught.value.message) == ("window", message)


# A duration is at most 64 characters, in either form: the parser never reads an unbounded text.
@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1w" + " " * 60 + "1d", 8 * 86_400),  # 64 characters, compact
        ("P" + "0" * 60 + "30D", 30 * 86_400),  # 64 characters, ISO 8601
    ],
)
def test_a_duration_of_64_characters_is_read(text: str, seconds: int) -> None:
    assert len(text) == 64
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["1w" + " " * 61 + "1d", "P" + "0" * 61 + "30D", "1w" + " " * 500 + "1d"])
def test_a_longer_duration_is_refused_and_shown_cut(text: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_duration(text, name="window")
    assert (
        caught.value.message == f"must be a duration such as '30d', '4w', '1h30m' or 'P30D', got {text[:61] + '...'!r}"
    )


def test_a_bad_duration_of_64_characters_is_shown_whole() -> None:
    text = "1x" + " " * 60 + "1d"
    with pytest.raises(InvalidArgument) as caught:
        parse_duration(text, name="window")
    assert caught.value.message.endswith(f"got {text!r}")


def test_the_cap_is_ten_years_of_365_days() -> None:
    assert MAX_DURATION_SECONDS == 3_650 * 86_400


def test_a_smaller_cap_can_be_asked_for() -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_duration("2d", name="elapsed", max_seconds=Decimal(86_400))
    assert caught.value.argument == "elapsed"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (2592, "43m 12s"),  # 99.9% of 30 days
        (86.4, "1m 26.4s"),  # 99.9% of a day
        (2_419_200, "28d"),  # whole days stay days (not "4w")
        (3600, "1h"),  # zero parts are dropped
        (0.864, "0.864s"),  # 99.999% of a day
        (90_061, "1d 1h 1m 1s"),  # every part
        (Decimal("51.84"), "51.84s"),  # the fast page's detection time
        (Decimal("1.23456"), "1.234s"),  # three decimals at most, cut: a duration is never rounded up
        (Decimal("2592.000"), "43m 12s"),  # trailing zeros trimmed
        (0, "0s"),  # nothing
        (Decimal("0.00036"), "0.00036s"),  # below a millisecond: shown, not rounded to 0s
        (-90, "-1m 30s"),  # negative durations keep their sign
        (Decimal("-0.5"), "-0.5s"),  # also under a second
        (Decimal("-0.0004"), "-0.0004s"),  # and under a millisecond
        (Decimal("-0"), "0s"),
        (Decimal("0.000123456"), "0.000123s"),  # under a millisecond: three significant digits, cut
        (Decimal("0.000999999"), "0.000999s"),
        (Decimal("0.001"), "0.001s"),
        (Decimal("1e-9"), "0.000000001s"),
    ],
)
def test_seconds_format_as_human_durations(seconds: Decimal | float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "label"),
    [
        (3_600, "1h"),  # fast page long window
        (300, "5m"),  # its short window
        (21_600, "6h"),  # slow page long window
        (1_800, "30m"),  # its short window
        (259_200, "3d"),  # ticket long window
        (7_200, "2h"),  # Sloth's 1d ticket short window
        (2_419_200, "28d"),  # a 28-day SLO window
        (5_400, "1h30m"),  # mixed units, no spaces
        (25, "25s"),  # short windows of short custom alerts
    ],
)
def test_windows_format_as_compact_labels_that_parse_back(seconds: int, label: str) -> None:
    assert format_window(seconds) == label
    assert parse_duration(label) == seconds


# Python's int(), Decimal() and the regex \d all read digits of every script; a window or a number is
# written in ASCII digits, and anything else is refused with the usual line naming the argument.
NON_ASCII_DIGITS = ["३०d", "３０d", "٣٠d", "P３０D", "PT１H", "1h３0m", "𝟑𝟎d"]


@pytest.mark.parametrize("value", NON_ASCII_DIGITS)
def test_durations_in_other_scripts_digits_are_refused(value: str) -> None:
    with pytest.raises(InvalidArgument, match=r"^window: must be a duration"):
        parse_duration(value)


@pytest.mark.parametrize("value", ["९९.९", "９９.９", "٩٩٫٩", "99.９", "𝟗𝟗.𝟗"])
def test_numbers_in_other_scripts_digits_are_refused(value: str) -> None:
    with pytest.raises(InvalidArgument, match=r"^objective: must be a percentage"):
        error_budget(value, "30d")
    with pytest.raises(InvalidArgument, match=r"^total_events: must be a number"):
        error_budget("99.9", "30d", total_events=value)


@pytest.mark.parametrize("argv", [["--port", "８０００"], ["--max-concurrency", "６４"], ["--drain-seconds", "５"]])
def test_command_line_numbers_in_other_scripts_digits_are_refused(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["serve", "--transport", "http", *argv])
    assert info.value.code == 2
    assert "must be" in capsys.readouterr().err
