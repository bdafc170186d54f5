"""Exact numbers for the SLO math: how a percentage, a count or a duration argument is read and checked,
the decimal context every computation runs under, and how a result's numbers are written in its summary.

Numbers are read from their decimal text (a float goes through `repr`, so 99.9 is exactly 99.9) and computed
with `decimal.Decimal` at 28 significant digits; results are floats, rounded only in the summary text. Bad
arguments raise `InvalidArgument` naming the argument and the accepted range. Conventions (DESIGN.md,
"Numbers and conventions for SLO math"): a day is 86,400 s; error budget = 1 - SLO; burn rate = error
ratio / (1 - SLO); the budget fraction spent in window L at burn rate b over an SLO window P is b * L / P.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from decimal import localcontext as _localcontext
from typing import Annotated, Any, ParamSpec, TypeVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, StringConstraints, ValidationError
from pydantic_core import ErrorDetails, core_schema

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.durations import DAY, parse_duration

NumberLike = str | int | float | Decimal
"""A number as text ("99.9"), int or float (read through its shortest repr, so 99.9 stays 99.9)."""

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=BaseModel)

_CONTEXT = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
_MAX_DIGITS = 24
_MIN_MAGNITUDE = Decimal("1e-12")
ONE = Decimal(1)
HUNDRED = Decimal(100)
MONTH_30D = 30 * DAY
YEAR_365D = 365 * DAY
MAX_COUNT = "1e18"
MAX_TREE_NODES = 1_000
MAX_TREE_DEPTH = 32
MAX_K_OF_N = 100


def exact(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` under this module's own decimal context, so results never depend on the caller's context."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with _localcontext(_CONTEXT):
            return fn(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Num:
    """Pydantic metadata for an exact number with a range; errors state the range and what was given.

    Use as `Annotated[Decimal, Num("a percentage", gt="0", lt="100", example="99.9", percent=True)]`; the bounds
    also become the field's JSON schema (type number with its minimum and maximum).
    Accepts str, int, float or Decimal; rejects bool, NaN, infinities and non-numeric text.
    """

    what: str = "a number"
    gt: str | None = None
    ge: str | None = None
    lt: str | None = None
    le: str | None = None
    example: str | None = None
    integer: bool = False
    percent: bool = False

    @property
    def accepted(self) -> str:
        """The accepted values in words, e.g. "a percentage strictly between 0 and 100 (e.g. 99.9)"."""
        low, high = self.gt or self.ge, self.lt or self.le
        if low is not None and high is not None:
            if self.gt is not None and self.lt is not None:
                text = f"{self.what} strictly between {low} and {high}"
            elif self.ge is not None and self.le is not None:
                text = f"{self.what} from {low} to {high}"
            else:
                low_words = "greater than" if self.gt is not None else "at least"
                high_words = "less than" if self.lt is not None else "at most"
                text = f"{self.what} {low_words} {low} and {high_words} {high}"
        elif low is not None:
            text = f"{self.what} {'greater than' if self.gt is not None else 'at least'} {low}"
        elif high is not None:
            text = f"{self.what} {'less than' if self.lt is not None else 'at most'} {high}"
        else:
            text = self.what
        return f"{text} (e.g. {self.example})" if self.example else text

    def parse(self, value: object, name: str = "") -> Decimal:
        """`value` as an exact Decimal within the range.

        Raises:
            InvalidArgument: `value` is not a finite number in the range; the error names `name`.
        """
        number = self._read(value)
        if number is None or not self._in_range(number) or (self.integer and number != number.to_integral_value()):
            raise InvalidArgument(name, f"must be {self.accepted}, got {_given(value)}")
        digits = len(number.normalize().as_tuple().digits)
        if number != 0 and (digits > _MAX_DIGITS or abs(number) < _MIN_MAGNITUDE):
            raise InvalidArgument(
                name,
                f"must have at most {_MAX_DIGITS} significant digits and be 0 or at least 1e-12 in size, got "
                f"{_given(value)}",
            )
        return number

    def _read(self, value: object) -> Decimal | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, str):
            text = value.strip()
            if self.percent and text.endswith("%"):
                text = text[:-1].rstrip()
            if not text or len(text) > 64 or not text.isascii():  # "९९.९" is no number here, though Decimal reads it
                return None
            try:
                number = Decimal(text)
            except InvalidOperation:
                return None
        else:
            return None
        return number if number.is_finite() else None

    def _in_range(self, number: Decimal) -> bool:
        return (
            (self.gt is None or number > Decimal(self.gt))
            and (self.ge is None or number >= Decimal(self.ge))
            and (self.lt is None or number < Decimal(self.lt))
            and (self.le is None or number <= Decimal(self.le))
        )

    def _validate(self, value: object) -> Decimal | int:
        with _localcontext(_CONTEXT):
            number = self.parse(value)
        return int(number) if self.integer else number

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        shown: core_schema.CoreSchema
        if self.integer:
            shown = core_schema.int_schema(
                gt=_int_or_none(self.gt), ge=_int_or_none(self.ge), lt=_int_or_none(self.lt), le=_int_or_none(self.le)
            )
        else:
            shown = core_schema.float_schema(
                gt=_float_or_none(self.gt),
                ge=_float_or_none(self.ge),
                lt=_float_or_none(self.lt),
                le=_float_or_none(self.le),
            )
        return core_schema.no_info_plain_validator_function(self._validate, json_schema_input_schema=shown)


@dataclass(frozen=True)
class Dur:
    """Pydantic metadata for a positive duration given as text ("30d", "1h30m", "P30D"), held as exact seconds."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self._validate, json_schema_input_schema=core_schema.str_schema(min_length=1, max_length=64)
        )

    @staticmethod
    def _validate(value: object) -> Decimal:
        with _localcontext(_CONTEXT):
            return parse_duration(value, name="")


def _int_or_none(bound: str | None) -> int | None:
    return None if bound is None else int(Decimal(bound))


def _float_or_none(bound: str | None) -> float | None:
    return None if bound is None else float(bound)


def _given(value: object) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    return str(value)


_PERCENT = Num("a percentage", gt="0", lt="100", example="99.9", percent=True)
_ANY_NUMBER = Num()

Percent = Annotated[Decimal, _PERCENT]
"""A percentage strictly between 0 and 100, e.g. an SLO of 99.9."""
Duration = Annotated[Decimal, Dur()]
"""A positive duration as text ("30d", "4w", "1h30m", "P30D"), held as exact seconds (at most 3650d)."""
Count = Annotated[Decimal, Num("a number", gt="0", le=MAX_COUNT, example="7200")]
Count0 = Annotated[Decimal, Num("a number", ge="0", le=MAX_COUNT)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


def to_decimal(name: str, value: object) -> Decimal:
    """`value` (str, int or float) as an exact Decimal: floats keep their decimal text, 99.9 -> Decimal("99.9").

    Raises:
        InvalidArgument: `value` is a bool, NaN, an infinity or not a number; the error names `name`.
    """
    return _ANY_NUMBER.parse(value, name)


@exact
def parse_percent(name: str, value: object) -> Decimal:
    """A percentage strictly between 0 and 100 ("99.9", 99.9 or "99.9%") as an exact ratio: 99.9 -> 0.999.

    Raises:
        InvalidArgument: `value` is not a number strictly between 0 and 100; the error names `name`.
    """
    return _PERCENT.parse(value, name) / HUNDRED


@exact
def error_budget_seconds(objective: NumberLike, window: str) -> Decimal:
    """The exact allowed downtime in seconds: (1 - objective/100) * window. 99.9 over "30d" -> 2592.

    Raises:
        InvalidArgument: `objective` is not a percentage strictly between 0 and 100 or `window` is not a
            positive duration.
    """
    return (ONE - parse_percent("objective", objective)) * parse_duration(window, "window")


@exact
def time_to_exhaustion(window: str, burn_rate: NumberLike, remaining_fraction: NumberLike = 1) -> Decimal:
    """Seconds until the remaining budget is spent at a constant burn rate: remaining * window / burn_rate.

    At burn rate 1 a full budget lasts exactly the window; at 1000 over 30d it lasts 2592 s (43.2 min).

    Raises:
        InvalidArgument: `burn_rate` is not positive, `remaining_fraction` is not in [0, 1], or `window`
            is not a positive duration.
    """
    seconds = parse_duration(window, "window")
    rate = Num("a burn rate", gt="0", le="1e9", example="14.4").parse(burn_rate, "burn_rate")
    remaining = Num("a fraction", ge="0", le="1", example="0.5").parse(remaining_fraction, "remaining_fraction")
    return remaining * seconds / rate


# --- validation and presentation helpers -----------------------------------------------------------


class StrictInput(BaseModel):
    # Built on first use, not at import: a tool's arguments are validated only when it is called.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


_NODE_TAGS = frozenset(("leaf-node", "serial-node", "parallel-node", "k-of-n-node"))


def validate_input(model: type[M], data: Mapping[str, object]) -> M:
    """`data` validated as `model`; a failure becomes an InvalidArgument naming the top-level argument."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise _invalid(exc, model.__name__) from exc


def _invalid(exc: ValidationError, fallback: str) -> InvalidArgument:
    error = exc.errors(include_url=False)[0]
    loc: list[str | int] = [part for part in error["loc"] if part not in _NODE_TAGS]
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, InvalidArgument):
        message = cause.message
        if cause.argument:  # raised by a model validator, naming a field of that model
            loc.append(cause.argument)
    else:
        message = _pydantic_message(error)
    if not loc:
        return InvalidArgument(fallback, message)
    inner = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc[1:]).lstrip(".")
    return InvalidArgument(str(loc[0]), f"{inner} {message}" if inner else message)


def _pydantic_message(error: ErrorDetails) -> str:
    kind, ctx, given = error["type"], error.get("ctx", {}), error.get("input")
    messages = {
        "missing": "is required",
        "extra_forbidden": "is not an accepted field",
        "too_short": f"must have at least {ctx.get('min_length')} item(s)",
        "too_long": f"must have at most {ctx.get('max_length')} item(s)",
        "string_too_short": "must not be empty",
        "string_too_long": f"must be at most {ctx.get('max_length')} characters",
        "string_type": f"must be text, got {_given(given)}",
        "literal_error": f"must be one of {ctx.get('expected')}, got {_given(given)}",
        "bool_type": f"must be true or false, got {_given(given)}",
        "bool_parsing": f"must be true or false, got {_given(given)}",
        "list_type": f"must be a list, got {type(given).__name__}",
        "model_type": f"must be an object, got {type(given).__name__}",
        "model_attributes_type": f"must be an object, got {type(given).__name__}",
        "dict_type": f"must be an object, got {type(given).__name__}",
    }
    return messages.get(kind, f"is invalid: {error['msg']}")


def as_float(number: Decimal) -> float:
    """A Decimal result as a float for the models (never -0.0)."""
    return float(number) + 0.0


def as_float_or_none(number: Decimal | None) -> float | None:
    return None if number is None else as_float(number)


def fmt_number(number: Decimal, significant: int = 4, rounding: str = ROUND_HALF_EVEN) -> str:
    """A number for a summary: 4 significant digits, integers kept whole, no exponent, thousands separated."""
    if number == 0:
        return "0"
    if abs(number.adjusted()) > 15:
        return f"{number:.{significant - 1}e}"
    places = max(0, significant - 1 - number.adjusted())
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=rounding)
    text = f"{rounded:,f}"  # never "-0": four significant digits keep a number that is not zero from rounding to it
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_percent(ratio: Decimal, significant: int = 4) -> str:
    return f"{fmt_number(ratio * HUNDRED, significant)}%"


def fmt_percent_down(ratio: Decimal, significant: int = 4) -> str:
    """A share of budget left, rounded down: 25.0049% -> "25%", never shown larger than it is."""
    return f"{fmt_number(ratio * HUNDRED, significant, ROUND_FLOOR)}%"


def fmt_percent_spent(consumed: Decimal) -> str:
    """Budget spent, rounded away from 100%: 99.996% -> "99.99%", 100.004% -> "100.1%", so the text never
    puts a budget on the wrong side of exhausted."""
    return f"{fmt_number(consumed * HUNDRED, 4, ROUND_FLOOR if consumed < 1 else ROUND_CEILING)}%"


def fmt_plain(number: Decimal) -> str:
    """A user's number back as they wrote it, without exponent or trailing zeros: 99.90 -> "99.9"."""
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text


def floor_int(number: Decimal) -> int:
    """Whole events rounded down: a budget never promises an event it does not have (5000.6 -> 5000)."""
    return int(number.to_integral_value(rounding=ROUND_FLOOR))


def fmt_count(number: int) -> str:
    """A whole count for a summary, every digit kept: 5000 -> "5,000" (never rounded to 4 digits)."""
    return f"{number:,}"


def fmt_events(number: Decimal) -> str:
    """An event count as given: whole counts keep every digit, others as `fmt_number`."""
    return fmt_count(int(number)) if number == number.to_integral_value() else fmt_number(number)


def fmt_availability(ratio: Decimal, places_at_least: int = 0) -> str:
    """An availability for a summary, with enough decimals to show its nines (0.99970003 -> "99.97%") and at least
    `places_at_least` (a target's, so the two can be told apart), rounded down: never shown more available than
    it is, so 0.9996951 beside a 99.97% target reads "99.969%", and nothing short of 1 reads "100%"."""
    down = ONE - ratio
    if down <= 0:
        return "100%"
    places = max(places_at_least, min(12, max(2, -down.adjusted() - 1)))
    return f"{fmt_plain((ratio * HUNDRED).quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR))}%"


def decimal_places(number: Decimal) -> int:
    """How many decimals `number` has as written without trailing zeros: 99.90 -> 1, 99.95 -> 2, 100 -> 0."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def ceil_int(number: Decimal) -> int:
    return int(number.to_integral_value(rounding=ROUND_CEILING))


def round_to(number: Decimal, places: int = 6) -> Decimal:
    """A log-derived value rounded to `places` decimals: logs are not exact, so no false precision."""
    return number.quantize(Decimal(1).scaleb(-places))
