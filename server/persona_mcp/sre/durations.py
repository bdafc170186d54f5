"""Exact durations: parse "30d", "1h30m" or ISO 8601 "P30D" into seconds, and format seconds for people.

A minute is 60 s, an hour 3,600 s, a day exactly 86,400 s and a week 7 days. Calendar months and years
are not fixed durations (a month is 28 to 31 days), so they are rejected rather than guessed.

Rounding policy: `format_duration` never rounds a duration up. It keeps the millisecond and drops what is
below it (toward zero), so an allowed downtime of 1.2345 s reads "1.234s", never a budget the service does
not have; `round_up=True` rounds away from zero instead, for amounts that must not be understated (an
overspend). `format_window` labels round to the nearest millisecond, since they must parse back.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_UP, Decimal, InvalidOperation

from persona_mcp.errors import InvalidArgument

SECOND = Decimal(1)
MINUTE = Decimal(60)
HOUR = Decimal(3_600)
DAY = Decimal(86_400)
WEEK = 7 * DAY
MAX_DURATION_SECONDS = 3_650 * DAY
"""The longest accepted duration: ten 365-day years."""

EXAMPLES = "'30d', '4w', '1h30m' or 'P30D'"

_UNIT_SECONDS = {"w": WEEK, "d": DAY, "h": HOUR, "m": MINUTE, "s": SECOND}
_UNIT_ORDER = "wdhms"
_UNIT_ALIASES = {
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "w"),
    **dict.fromkeys(("d", "day", "days"), "d"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "m"),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "s"),
}
_CALENDAR_UNITS = frozenset(("mo", "mon", "mons", "month", "months", "y", "yr", "yrs", "year", "years"))
_MAX_TEXT = 64

_NUMBER = r"[0-9]+(?:[.,][0-9]+)?"  # ASCII digits only: "३०d" is not 30 days
_COMPACT_TOKEN = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([A-Za-z]+)\s*")
_COMPACT = re.compile(rf"(?:{_COMPACT_TOKEN.pattern})+")
_ISO = re.compile(
    rf"P(?:(?P<w>{_NUMBER})W)?(?:(?P<d>{_NUMBER})D)?"
    rf"(?:T(?=[0-9])(?:(?P<h>{_NUMBER})H)?(?:(?P<m>{_NUMBER})M)?(?:(?P<s>{_NUMBER})S)?)?"
)
_ISO_CALENDAR = re.compile(rf"P(?:{_NUMBER}[WD])*(?:{_NUMBER}[YM])")


def parse_duration(value: object, name: str = "window", max_seconds: Decimal = MAX_DURATION_SECONDS) -> Decimal:
    """The exact number of seconds in a positive duration such as "30d", "1h30m", "1.5h", "P30D" or "PT30M".

    Compact units (largest first, each at most once): w, d, h, m, s, or words such as "days", "hours".
    ISO 8601 accepts weeks, days, hours, minutes and seconds ("P1DT12H"). Whitespace between parts is allowed.

    Raises:
        InvalidArgument: `value` is not text, not a duration, uses months or years, is zero or negative, or
            exceeds `max_seconds`; the error names `name`.
    """
    if not isinstance(value, str):
        raise InvalidArgument(name, f"must be a duration such as {EXAMPLES}, got {value!r}")
    text = value.strip()
    if text.startswith("-"):
        raise InvalidArgument(name, f"must be a positive duration such as {EXAMPLES}, got {value!r}")
    seconds = _iso_seconds(name, text) if text[:1] in ("P", "p") else _compact_seconds(name, text)
    if seconds is None:
        raise InvalidArgument(name, f"must be a duration such as {EXAMPLES}, got {_shown(value)}")
    if seconds <= 0:
        raise InvalidArgument(name, f"must be a positive duration such as {EXAMPLES}, got {value!r}")
    if seconds > max_seconds:
        limit = format_window(max_seconds)
        raise InvalidArgument(name, f"must be at most {limit}, got {value!r}")
    return seconds


def _shown(value: str) -> str:
    return repr(value if len(value) <= _MAX_TEXT else value[: _MAX_TEXT - 3] + "...")


def _calendar_error(name: str, value: str) -> InvalidArgument:
    return InvalidArgument(
        name,
        f"calendar months and years are not fixed durations; give days or weeks such as '30d', '28d', '4w' or "
        f"'365d', got {_shown(value)}",
    )


def _compact_seconds(name: str, text: str) -> Decimal | None:
    if not text or len(text) > _MAX_TEXT or not _COMPACT.fullmatch(text):
        return None
    total = Decimal(0)
    last = -1
    for match in _COMPACT_TOKEN.finditer(text):
        number, word = match.groups()
        if word == "M" or word.lower() in _CALENDAR_UNITS:
            raise _calendar_error(name, text)
        unit = _UNIT_ALIASES.get(word.lower())
        if unit is None:
            return None
        rank = _UNIT_ORDER.index(unit)
        if rank <= last:
            raise InvalidArgument(name, f"must give each unit once, largest first (e.g. '1h30m'), got {text!r}")
        last = rank
        total += Decimal(number) * _UNIT_SECONDS[unit]
    return total


def _iso_seconds(name: str, text: str) -> Decimal | None:
    upper = text.upper()
    if len(upper) > _MAX_TEXT:
        return None
    if _ISO_CALENDAR.match(upper):
        raise _calendar_error(name, text)
    match = _ISO.fullmatch(upper)
    if match is None or not any(match.groupdict().values()):
        return None
    total = Decimal(0)
    for unit, number in match.groupdict().items():
        if number is not None:
            try:
                total += Decimal(number.replace(",", ".")) * _UNIT_SECONDS[unit]
            except InvalidOperation:  # pragma: no cover - the pattern admits only digits
                return None
    return total


def _as_decimal(seconds: Decimal | int | float) -> Decimal:
    return seconds if isinstance(seconds, Decimal) else Decimal(repr(seconds))


def _plain(number: Decimal) -> str:
    """Decimal text without exponent or trailing zeros: 26.400 -> "26.4", 1E+1 -> "10"."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _parts(seconds: Decimal | int | float, rounding: str = ROUND_HALF_EVEN) -> tuple[str, list[str]]:
    """The sign and the non-zero parts (d, h, m, s) of `seconds`, to the millisecond with `rounding`."""
    value = _as_decimal(seconds)
    sign = "-" if value < 0 else ""
    value = abs(value)
    millis = int((value * 1000).to_integral_value(rounding=rounding))
    if millis == 0:
        # Below a millisecond: show the value itself (3 significant digits) rather than a misleading "0s"
        # (zero itself reads "0s").
        shown = value.quantize(Decimal(1).scaleb(value.adjusted() - 2), rounding=rounding)
        return sign, [f"{_plain(shown)}s"]
    days, rest = divmod(millis, 86_400_000)
    hours, rest = divmod(rest, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    if rest:
        parts.append(f"{_plain(Decimal(rest) / 1000)}s")
    return sign, parts


def format_duration(seconds: Decimal | int | float, *, round_up: bool = False) -> str:
    """Seconds as a human duration: 2592 -> "43m 12s", 86.4 -> "1m 26.4s", 90061 -> "1d 1h 1m 1s".

    Zero parts are dropped; seconds keep up to three decimals with trailing zeros trimmed. What lies below
    the millisecond is dropped (1.2345 -> "1.234s"): a duration is never shown longer than it is, unless
    `round_up` asks for the next millisecond away from zero (for an overspend, never shown smaller).
    """
    sign, parts = _parts(seconds, ROUND_UP if round_up else ROUND_DOWN)
    return sign + " ".join(parts)


def format_window(seconds: Decimal | int | float) -> str:
    """Seconds as a compact window label: 3600 -> "1h", 2419200 -> "28d", 5400 -> "1h30m".

    The label parses back with `parse_duration` to the same number of seconds (to the millisecond).
    """
    sign, parts = _parts(seconds)
    return sign + "".join(parts)
