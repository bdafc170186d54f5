"""SLO, error-budget, burn-rate, availability, capacity, toil and on-call math, computed exactly.

Pure core: no MCP, no I/O. Every public function validates its arguments into a pydantic input model and
returns a pydantic result model with a one-line `summary`. Numbers are read from their decimal text (a
float goes through `repr`, so 99.9 is exactly 99.9) and computed with `decimal.Decimal` at 28 significant
digits; results are floats, rounded only in the summary text. Bad arguments raise `InvalidArgument`
naming the argument and the accepted range.

Conventions (DESIGN.md, "Numbers and conventions for SLO math"): a day is 86,400 s; error budget =
1 - SLO; burn rate = error ratio / (1 - SLO); the budget fraction spent in window L at burn rate b over
an SLO window P is b * L / P. Percent arguments are given in percent (99.9), fractions as fractions (0.02).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
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
from typing import Annotated, Any, Literal, ParamSpec, TypeVar, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    StringConstraints,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, core_schema

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.durations import DAY, format_duration, format_window, parse_duration

__all__ = [
    "CONSEQUENCES",
    "MAX_K_OF_N",
    "MAX_TREE_DEPTH",
    "MAX_TREE_NODES",
    "PROFILES",
    "TOIL_CAP",
    "Alert",
    "AlertProfile",
    "BudgetState",
    "BudgetStatus",
    "BudgetStatusInput",
    "BurnRateAlerts",
    "BurnRateAlertsInput",
    "CapacityForecast",
    "CapacityInput",
    "CompositeAvailability",
    "CompositeInput",
    "CustomAlert",
    "DependencyCheck",
    "Dur",
    "Duration",
    "ErrorBudget",
    "ErrorBudgetInput",
    "KOfNGroup",
    "KOfNNode",
    "LeafNode",
    "Num",
    "NumberLike",
    "OncallInput",
    "OncallLoad",
    "ParallelNode",
    "Percent",
    "Period",
    "SerialNode",
    "SystemNode",
    "ToilAssessment",
    "ToilInput",
    "ToilTask",
    "ToilTaskResult",
    "WeakestLink",
    "budget_status",
    "burn_rate_alerts",
    "capacity_forecast",
    "composite_availability",
    "error_budget",
    "error_budget_seconds",
    "oncall_load",
    "parse_percent",
    "time_to_exhaustion",
    "to_decimal",
    "toil_assessment",
]

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
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_MONTH_30D = 30 * DAY
_YEAR_365D = 365 * DAY
MAX_COUNT = "1e18"
MAX_TREE_NODES = 1_000
MAX_TREE_DEPTH = 32
MAX_K_OF_N = 100


def _exact(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` under this module's own decimal context, so results never depend on the caller's context."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with _localcontext(_CONTEXT):
            return fn(*args, **kwargs)

    return wrapper


# --- numbers ------------------------------------------------------------------------------------------


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
            if not text or len(text) > 64:
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


@_exact
def parse_percent(name: str, value: object) -> Decimal:
    """A percentage strictly between 0 and 100 ("99.9", 99.9 or "99.9%") as an exact ratio: 99.9 -> 0.999.

    Raises:
        InvalidArgument: `value` is not a number strictly between 0 and 100; the error names `name`.
    """
    return _PERCENT.parse(value, name) / _HUNDRED


@_exact
def error_budget_seconds(objective: NumberLike, window: str) -> Decimal:
    """The exact allowed downtime in seconds: (1 - objective/100) * window. 99.9 over "30d" -> 2592.

    Raises:
        InvalidArgument: `objective` is not a percentage strictly between 0 and 100 or `window` is not a
            positive duration.
    """
    return (_ONE - parse_percent("objective", objective)) * parse_duration(window, "window")


@_exact
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


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_NODE_TAGS = frozenset(("leaf-node", "serial-node", "parallel-node", "k-of-n-node"))


def _validate(model: type[M], data: Mapping[str, object]) -> M:
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


def _f(number: Decimal) -> float:
    """A Decimal result as a float for the models (never -0.0)."""
    return float(number) + 0.0


def _opt(number: Decimal | None) -> float | None:
    return None if number is None else _f(number)


def _num(number: Decimal, significant: int = 4, rounding: str = ROUND_HALF_EVEN) -> str:
    """A number for a summary: 4 significant digits, integers kept whole, no exponent, thousands separated."""
    if number == 0:
        return "0"
    if abs(number.adjusted()) > 15:
        return f"{number:.{significant - 1}e}"
    places = max(0, significant - 1 - number.adjusted())
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=rounding)
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pct(ratio: Decimal, significant: int = 4) -> str:
    return f"{_num(ratio * _HUNDRED, significant)}%"


def _pct_down(ratio: Decimal, significant: int = 4) -> str:
    """A share of budget left, rounded down: 25.0049% -> "25%", never shown larger than it is."""
    return f"{_num(ratio * _HUNDRED, significant, ROUND_FLOOR)}%"


def _pct_spent(consumed: Decimal) -> str:
    """Budget spent, rounded away from 100%: 99.996% -> "99.99%", 100.004% -> "100.1%", so the text never
    puts a budget on the wrong side of exhausted."""
    return f"{_num(consumed * _HUNDRED, 4, ROUND_FLOOR if consumed < 1 else ROUND_CEILING)}%"


def _plain(number: Decimal) -> str:
    """A user's number back as they wrote it, without exponent or trailing zeros: 99.90 -> "99.9"."""
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text


def _floor(number: Decimal) -> int:
    """Whole events rounded down: a budget never promises an event it does not have (5000.6 -> 5000)."""
    return int(number.to_integral_value(rounding=ROUND_FLOOR))


def _count(number: int) -> str:
    """A whole count for a summary, every digit kept: 5000 -> "5,000" (never rounded to 4 digits)."""
    return f"{number:,}"


def _events(number: Decimal) -> str:
    """An event count as given: whole counts keep every digit, others as `_num`."""
    return _count(int(number)) if number == number.to_integral_value() else _num(number)


def _availability_text(ratio: Decimal) -> str:
    """An availability for a summary, with enough decimals to show its nines: 0.99970003 -> "99.97%"."""
    down = _ONE - ratio
    if down <= 0:
        return "100%"
    places = min(12, max(2, -down.adjusted() - 1))
    text = _plain((ratio * _HUNDRED).quantize(Decimal(1).scaleb(-places)))
    return f">{_plain(_HUNDRED - Decimal(1).scaleb(-places))}%" if text == "100" else f"{text}%"


def _ceil(number: Decimal) -> int:
    return int(number.to_integral_value(rounding=ROUND_CEILING))


def _round(number: Decimal, places: int = 6) -> Decimal:
    """A log-derived value rounded to `places` decimals: logs are not exact, so no false precision."""
    return number.quantize(Decimal(1).scaleb(-places))


# --- error budget ----------------------------------------------------------------------------------


class ErrorBudgetInput(_In):
    """Arguments of `error_budget`."""

    objective: Percent = Field(description="SLO target in percent, e.g. 99.9.")
    window: Duration = Field(description="SLO window, e.g. 30d, 28d, 4w, P30D.")
    total_events: Count | None = Field(default=None, description="Valid events expected in the window.")
    sla: Percent | None = Field(default=None, description="Contractual SLA in percent; should be below the SLO.")


class ErrorBudget(_Out):
    """The error budget of an SLO over its window."""

    objective_percent: float = Field(description="SLO target in percent.")
    window: str = Field(description="Window label, e.g. 30d.")
    window_seconds: float = Field(description="Window length in seconds.")
    error_budget_ratio: float = Field(description="1 - SLO, e.g. 0.001.")
    allowed_downtime_seconds: float = Field(description="Full-outage time the budget allows in the window.")
    allowed_downtime_human: str = Field(description="Allowed downtime, e.g. 43m 12s.")
    total_events: float | None = Field(description="Valid events in the window, if given.")
    allowed_bad_events: int | None = Field(description="Whole bad events the budget allows, rounded down.")
    sla_percent: float | None = Field(description="SLA in percent, if given.")
    sla_ok: bool | None = Field(description="True when the SLA is looser (lower) than the SLO.")
    finding: str | None = Field(description="Problem with the SLA/SLO pair, if any.")
    summary: str = Field(description="One line in plain words.")


@_exact
def error_budget(
    objective: NumberLike, window: str, total_events: NumberLike | None = None, sla: NumberLike | None = None
) -> ErrorBudget:
    """The error budget of an SLO: 99.9% over 30d allows 2592 s (43m 12s) of downtime.

    Allowed bad events are whole events rounded down (99.9% of 5,000,600 allows 5,000, not 5,000.6): a budget
    never promises an event it does not have. The summary shows the same figures as the fields, the downtime
    as `allowed_downtime_human` (to the millisecond, never rounded up).

    Args:
        objective: SLO target in percent, strictly between 0 and 100 (e.g. 99.9).
        window: the SLO window ("30d", "28d", "4w", "P30D", ...).
        total_events: valid events expected in the window; gives the allowed bad events.
        sla: contractual SLA in percent; flagged unless it is looser (lower) than the SLO.

    Raises:
        InvalidArgument: an argument is out of range; it is named in the error.
    """
    args = _validate(
        ErrorBudgetInput, {"objective": objective, "window": window, "total_events": total_events, "sla": sla}
    )
    ratio = _ONE - args.objective / _HUNDRED
    downtime = ratio * args.window
    label = format_window(args.window)
    human = format_duration(downtime)
    summary = f"{_plain(args.objective)}% over {label} allows {human} of downtime ({_pct(ratio)} error budget)"
    allowed_bad = None if args.total_events is None else _floor(ratio * args.total_events)
    if allowed_bad is not None and args.total_events is not None:
        summary += f"; {_count(allowed_bad)} bad events of {_events(args.total_events)}"
    sla_ok: bool | None = None
    finding: str | None = None
    if args.sla is not None:
        sla_ok = args.sla < args.objective
        if not sla_ok:
            finding = (
                f"SLA {_plain(args.sla)}% is not looser than the SLO {_plain(args.objective)}%: the contract would be "
                "breached before the SLO warns; set the SLO tighter than the SLA."
            )
            summary += f"; SLA {_plain(args.sla)}% is not looser than the SLO"
    return ErrorBudget(
        objective_percent=_f(args.objective),
        window=label,
        window_seconds=_f(args.window),
        error_budget_ratio=_f(ratio),
        allowed_downtime_seconds=_f(downtime),
        allowed_downtime_human=human,
        total_events=_opt(args.total_events),
        allowed_bad_events=allowed_bad,
        sla_percent=_opt(args.sla),
        sla_ok=sla_ok,
        finding=finding,
        summary=summary,
    )


# --- budget status ---------------------------------------------------------------------------------

BudgetState = Literal["healthy", "at_risk", "exhausted"]

CONSEQUENCES: dict[BudgetState, str] = {
    "healthy": "Ship normally: the error budget can absorb planned risk.",
    "at_risk": "Ship with care: small, reversible changes behind canaries; prioritise reliability fixes.",
    "exhausted": "Freeze risky changes: only reliability fixes and security patches ship until the budget recovers.",
}
"""The error-budget policy's consequence for each state."""


class BudgetStatusInput(_In):
    """Arguments of `budget_status`."""

    objective: Percent = Field(description="SLO target in percent, e.g. 99.9.")
    window: Duration = Field(description="SLO window, e.g. 30d.")
    downtime_seconds: Annotated[Decimal, Num("a number of seconds", ge="0", le="1e12")] | None = Field(
        default=None, description="Full-outage seconds so far in the window."
    )
    bad_events: Count0 | None = Field(default=None, description="Bad events so far (with total_events).")
    total_events: Count | None = Field(default=None, description="Valid events so far (with bad_events).")
    elapsed: Duration | None = Field(default=None, description="Time elapsed in the window; default the whole window.")
    at_risk_threshold: Annotated[Decimal, Num("a percentage", ge="0", le="100", example="25", percent=True)] = Field(
        default=Decimal(25), description="At risk when less than this percent of the budget remains."
    )
    exhausted_threshold: Annotated[Decimal, Num("a percentage", gt="0", le="100", example="100", percent=True)] = Field(
        default=Decimal(100), description="Exhausted when at least this percent of the budget is spent."
    )

    @model_validator(mode="after")
    def _consistent(self) -> BudgetStatusInput:
        events = self.bad_events is not None or self.total_events is not None
        if self.downtime_seconds is not None and events:
            raise InvalidArgument("downtime_seconds", "cannot be combined with bad_events/total_events: give one")
        if self.downtime_seconds is None and not events:
            raise InvalidArgument("downtime_seconds", "is required, or else bad_events with total_events")
        if events and self.total_events is None:
            raise InvalidArgument("total_events", "is required with bad_events")
        if events and self.bad_events is None:
            raise InvalidArgument("bad_events", "is required with total_events")
        elapsed = self.window if self.elapsed is None else self.elapsed
        if elapsed > self.window:
            raise InvalidArgument(
                "elapsed", f"must not exceed the window ({format_window(self.window)}), got {format_window(elapsed)}"
            )
        if self.downtime_seconds is not None and self.downtime_seconds > elapsed:
            raise InvalidArgument(
                "downtime_seconds",
                f"must not exceed the elapsed time ({_plain(elapsed)} s), got {_plain(self.downtime_seconds)}",
            )
        if self.bad_events is not None and self.total_events is not None and self.bad_events > self.total_events:
            raise InvalidArgument(
                "bad_events",
                f"must not exceed total_events ({_plain(self.total_events)}), got {_plain(self.bad_events)}",
            )
        return self


class BudgetStatus(_Out):
    """How much of an error budget is spent, how fast, and what the error-budget policy says."""

    objective_percent: float = Field(description="SLO target in percent.")
    window: str = Field(description="Window label, e.g. 30d.")
    window_seconds: float = Field(description="Window length in seconds.")
    elapsed_seconds: float = Field(description="Elapsed part of the window in seconds.")
    basis: Literal["time", "events"] = Field(description="Measured from downtime or from event counts.")
    budget_seconds: float = Field(description="Allowed downtime over the whole window.")
    allowed_bad_events: int | None = Field(description="Events basis: whole bad events allowed, rounded down.")
    error_ratio: float = Field(description="Bad fraction over the elapsed part.")
    consumed_fraction: float = Field(description="Budget spent; above 1 when overspent.")
    remaining_fraction: float = Field(description="1 - consumed; negative when overspent.")
    remaining_seconds: float | None = Field(description="Time basis: downtime still allowed.")
    remaining_events: int | None = Field(
        description="Events basis: whole bad events still allowed, rounded down; negative when overspent."
    )
    burn_rate: float = Field(description="Error ratio / (1 - SLO) over the elapsed part.")
    projected_consumed_fraction: float = Field(description="Budget spent by window end at this burn rate.")
    seconds_to_exhaustion: float | None = Field(description="From now at this burn rate; 0 if spent; null if never.")
    time_to_exhaustion: str = Field(description="Human form: e.g. 13d 4h, now, never.")
    exhausts_before_window_end: bool = Field(description="Budget runs out before the window ends at this rate.")
    state: BudgetState = Field(description="Policy state: healthy, at_risk or exhausted.")
    consequence: str = Field(description="What the policy state means for releases.")
    reason: str = Field(description="Why this state.")
    summary: str = Field(description="One line in plain words.")


@_exact
def budget_status(
    objective: NumberLike,
    window: str,
    downtime_seconds: NumberLike | None = None,
    bad_events: NumberLike | None = None,
    total_events: NumberLike | None = None,
    elapsed: str | None = None,
    at_risk_threshold: NumberLike = 25,
    exhausted_threshold: NumberLike = 100,
) -> BudgetStatus:
    """Error budget consumed and remaining, the burn rate so far, projected exhaustion and the policy state.

    Give either `downtime_seconds` (time-based SLO) or `bad_events` with `total_events` (events counted over
    the elapsed part; the window's total is extrapolated at the same rate). Burn rate = consumed * window /
    elapsed. States: exhausted when at least `exhausted_threshold` percent of the budget is spent; at_risk
    when less than `at_risk_threshold` percent remains or the budget runs out before the window ends at the
    current burn rate (burn rate above 1); otherwise healthy.

    Args:
        objective: SLO target in percent (e.g. 99.9).
        window: the SLO window ("30d", "28d", "P30D", ...).
        downtime_seconds: full-outage seconds so far in the window.
        bad_events: bad events so far; requires total_events.
        total_events: valid events so far; requires bad_events.
        elapsed: how much of the window has passed ("10d"); defaults to the whole window.
        at_risk_threshold: percent of budget remaining below which the state is at_risk (default 25).
        exhausted_threshold: percent of budget spent from which the state is exhausted (default 100).

    Raises:
        InvalidArgument: an argument is out of range or the combination is inconsistent; it is named.
    """
    args = _validate(
        BudgetStatusInput,
        {
            "objective": objective,
            "window": window,
            "downtime_seconds": downtime_seconds,
            "bad_events": bad_events,
            "total_events": total_events,
            "elapsed": elapsed,
            "at_risk_threshold": at_risk_threshold,
            "exhausted_threshold": exhausted_threshold,
        },
    )
    budget_ratio = _ONE - args.objective / _HUNDRED
    window_s = args.window
    elapsed_s = window_s if args.elapsed is None else args.elapsed
    budget_s = budget_ratio * window_s
    remaining_s: Decimal | None = None
    remaining_events: int | None = None
    allowed_bad: Decimal | None = None
    if args.downtime_seconds is not None:
        error_ratio = args.downtime_seconds / elapsed_s
    else:
        assert args.bad_events is not None  # by BudgetStatusInput
        assert args.total_events is not None
        error_ratio = args.bad_events / args.total_events
        allowed_bad = budget_ratio * args.total_events * window_s / elapsed_s
    burn = error_ratio / budget_ratio
    consumed = burn * elapsed_s / window_s
    remaining = _ONE - consumed
    if args.downtime_seconds is not None:
        remaining_s = budget_s - args.downtime_seconds
    elif allowed_bad is not None and args.bad_events is not None:
        remaining_events = _floor(allowed_bad - args.bad_events)
    if consumed >= 1:
        to_exhaustion: Decimal | None = Decimal(0)
    elif burn == 0:
        to_exhaustion = None
    else:
        to_exhaustion = remaining * window_s / burn
    before_end = consumed >= 1 or (to_exhaustion is not None and to_exhaustion < window_s - elapsed_s)

    if consumed * _HUNDRED >= args.exhausted_threshold:
        state: BudgetState = "exhausted"
        reason = f"{_pct_spent(consumed)} of the budget is spent (exhausted at {_plain(args.exhausted_threshold)}%)"
    elif remaining * _HUNDRED < args.at_risk_threshold:
        state = "at_risk"
        reason = f"{_pct_down(remaining)} of the budget remains (below {_plain(args.at_risk_threshold)}%)"
    elif before_end:
        state = "at_risk"
        reason = f"at burn rate {_num(burn)} the budget runs out before the window ends ({_pct(burn)} projected)"
    else:
        state = "healthy"
        reason = f"{_pct_down(remaining)} of the budget remains; {_pct(burn)} projected by window end"
    # Durations never round toward a budget the service does not have: time left and time to exhaustion are
    # cut at the millisecond, an overspend is rounded up.
    when = "never" if to_exhaustion is None else "now" if to_exhaustion == 0 else format_duration(to_exhaustion)
    label = format_window(window_s)
    if remaining_s is not None:
        left = (
            f"{format_duration(remaining_s)} left"
            if remaining_s >= 0
            else f"overspent by {format_duration(-remaining_s, round_up=True)}"
        )
    else:
        spare = remaining_events or 0
        left = f"{_count(spare)} bad events left" if spare >= 0 else f"overspent by {_count(-spare)} bad events"
    summary = (
        f"{_plain(args.objective)}% over {label}: {_pct_spent(consumed)} of the error budget spent, {left}; "
        f"burn rate {_num(burn)}; {state.replace('_', ' ')}"
    )
    return BudgetStatus(
        objective_percent=_f(args.objective),
        window=label,
        window_seconds=_f(window_s),
        elapsed_seconds=_f(elapsed_s),
        basis="time" if args.downtime_seconds is not None else "events",
        budget_seconds=_f(budget_s),
        allowed_bad_events=None if allowed_bad is None else _floor(allowed_bad),
        error_ratio=_f(error_ratio),
        consumed_fraction=_f(consumed),
        remaining_fraction=_f(remaining),
        remaining_seconds=_opt(remaining_s),
        remaining_events=remaining_events,
        burn_rate=_f(burn),
        projected_consumed_fraction=_f(burn),
        seconds_to_exhaustion=_opt(to_exhaustion),
        time_to_exhaustion=when,
        exhausts_before_window_end=before_end,
        state=state,
        consequence=CONSEQUENCES[state],
        reason=reason,
        summary=summary,
    )


# --- burn-rate alerts ------------------------------------------------------------------------------

AlertProfile = Literal["workbook", "sloth", "custom"]

PROFILES: dict[str, tuple[tuple[str, str, str], ...]] = {
    # SRE Workbook, "Alerting on SLOs", table 5-8: (severity, budget fraction, long window).
    "workbook": (("page", "0.02", "1h"), ("page", "0.05", "6h"), ("ticket", "0.1", "3d")),
    # Sloth's default multiwindow, multi-burn-rate alerts.
    "sloth": (("page", "0.02", "1h"), ("page", "0.05", "6h"), ("ticket", "0.1", "1d"), ("ticket", "0.1", "3d")),
}
"""The alert profiles: each alert's severity, budget fraction spent when it fires, and long window."""


WORKBOOK_WINDOWS = (28 * DAY, 30 * DAY)
"""SLO windows the profiles' alert windows are stated for: the SRE Workbook's table is for 30 days, and 28 days
keeps the same windows (its factors scale by 28/30: 13.44, 5.6, 0.93)."""

MIN_PAGE_BURN = Decimal(2)
"""No page below a 2x burn: at 2x a 30-day budget lasts 15 days, time for a ticket, not a wake-up."""

MIN_SHORT_WINDOW = Decimal(60)
"""Shortest short window after scaling, in seconds: a rate over less than a minute holds too few samples at
common scrape intervals (15 to 60 s)."""


def _profile_specs(profile: str, window_s: Decimal) -> list[tuple[str, Decimal, Decimal]]:
    """(severity, burn rate, long window) of each alert of `profile` for an SLO window of `window_s`.

    For 28 and 30 days the Workbook's windows stay and the burn rate follows from the budget fraction. For any
    other window the burn rates stay those of 30 days (14.4, 6, 1 in the Workbook) and the windows scale with
    the SLO window, so each alert still fires after the same fraction of the budget and a factor keeps its
    meaning: this is Pyrra's approach (pyrra-dev/pyrra, slo/rules.go, Windows(), which scales its windows by
    window/28d). Keeping the windows and scaling only the factors made a 7-day SLO page at 1.4x and a 90-day
    one miss every slow burn. Scaled windows are whole seconds.

    Raises:
        InvalidArgument: If the window is shorter than a day: its alert windows would be minutes long.
    """
    specs = []
    thirty = 30 * DAY
    if window_s not in WORKBOOK_WINDOWS and window_s < DAY:
        raise InvalidArgument(
            "window",
            f"{format_window(window_s)} is too short for multiwindow burn-rate alerts; use a window of 1d or "
            "more (alert windows scale with it: 30d gives 1h/5m for the fastest page)",
        )
    for severity, fraction, long_window in PROFILES[profile]:
        base_long = parse_duration(long_window)
        if window_s in WORKBOOK_WINDOWS:
            specs.append((severity, Decimal(fraction) * window_s / base_long, base_long))
        else:
            burn = Decimal(fraction) * thirty / base_long
            specs.append((severity, burn, (base_long * window_s / thirty).to_integral_value()))
    return specs


class CustomAlert(_In):
    """One custom alert: give either the budget fraction it spends before firing or its burn rate."""

    severity: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)] = Field(
        description="e.g. page or ticket."
    )
    long_window: Duration = Field(description="Long window, e.g. 1h; the short window is 1/12 of it.")
    budget_fraction: Annotated[Decimal, Num("a fraction", gt="0", le="1", example="0.02")] | None = Field(
        default=None, description="Budget spent when it fires, e.g. 0.02."
    )
    burn_rate: Annotated[Decimal, Num("a burn rate", gt="0", le="1e6", example="14.4")] | None = Field(
        default=None, description="Burn-rate factor, e.g. 14.4."
    )

    @model_validator(mode="after")
    def _one_of(self) -> CustomAlert:
        if (self.budget_fraction is None) == (self.burn_rate is None):
            raise InvalidArgument("budget_fraction", "or burn_rate is required: give exactly one of them")
        return self


class BurnRateAlertsInput(_In):
    """Arguments of `burn_rate_alerts`."""

    objective: Percent = Field(description="SLO target in percent, e.g. 99.9.")
    window: Duration = Field(description="SLO window, e.g. 30d.")
    profile: AlertProfile = Field(default="workbook", description="workbook, sloth or custom.")
    alerts: list[CustomAlert] | None = Field(default=None, max_length=20, description="Alerts for profile custom.")

    @model_validator(mode="after")
    def _alerts_match_profile(self) -> BurnRateAlertsInput:
        if self.profile == "custom" and not self.alerts:
            raise InvalidArgument("alerts", "is required (at least one alert) when profile is 'custom'")
        if self.profile != "custom" and self.alerts is not None:
            raise InvalidArgument("alerts", f"is only used with profile 'custom', got profile {self.profile!r}")
        return self


class Alert(_Out):
    """One multiwindow, multi-burn-rate alert: fires when both windows exceed the error-ratio threshold."""

    severity: str = Field(description="e.g. page or ticket.")
    budget_fraction: float = Field(description="Budget spent when it fires, e.g. 0.02.")
    long_window: str = Field(description="Long window label, e.g. 1h.")
    long_window_seconds: float = Field(description="Long window in seconds.")
    short_window: str = Field(description="Short window label (long/12), e.g. 5m.")
    short_window_seconds: float = Field(description="Short window in seconds.")
    burn_rate: float = Field(description="Burn-rate factor = budget_fraction * window / long_window.")
    error_ratio_threshold: float = Field(description="burn_rate * (1 - SLO).")
    can_fire: bool = Field(description="False when the threshold exceeds a 100% error ratio.")
    detection_seconds: float | None = Field(description="Time to fire at a 100% error ratio; null if it cannot fire.")
    detection_human: str | None = Field(description="Detection time, e.g. 51.84s.")
    budget_spent_when_fires: float = Field(description="Budget fraction spent when it fires (any error ratio).")
    finding: str | None = Field(description="Problem with this alert, if any.")


class BurnRateAlerts(_Out):
    """The multiwindow, multi-burn-rate alerts for an SLO."""

    objective_percent: float = Field(description="SLO target in percent.")
    window: str = Field(description="SLO window label, e.g. 30d.")
    window_seconds: float = Field(description="SLO window in seconds.")
    profile: AlertProfile = Field(description="Profile used.")
    alerts: list[Alert] = Field(description="The alerts, in order.")
    findings: list[str] = Field(description="Problems found, e.g. an alert that can never fire.")
    summary: str = Field(description="One line in plain words.")


@_exact
def burn_rate_alerts(
    objective: NumberLike,
    window: str,
    profile: AlertProfile = "workbook",
    alerts: Sequence[CustomAlert | Mapping[str, Any]] | None = None,
) -> BurnRateAlerts:
    """Multiwindow, multi-burn-rate alerts for an SLO, for any window from a day up.

    burn rate = budget_fraction * window / long_window; threshold = burn rate * (1 - SLO); the short window
    is 1/12 of the long one; detection time at error ratio e is threshold / e * long_window. For 28 and 30
    days the profiles keep the Workbook's windows (28d pages at 13.44x); for other windows the windows scale
    with the SLO window and the 30-day burn rates stay (see `_profile_specs`). No page fires below 2x, and the
    slowest alert catches any burn that would empty the budget (<= 1x); a custom set that breaks either gets
    a finding.

    Args:
        objective: SLO target in percent (e.g. 99.9).
        window: the SLO window ("30d", "28d", ...).
        profile: "workbook" (SRE Workbook: page 2%/1h, page 5%/6h, ticket 10%/3d), "sloth" (page 1h/5m and
            6h/30m, ticket 1d/2h and 3d/6h) or "custom".
        alerts: for "custom": items {severity, long_window, budget_fraction | burn_rate}.

    Raises:
        InvalidArgument: an argument is out of range, or `alerts` does not match `profile`.
    """
    given = None if alerts is None else list(alerts)
    args = _validate(
        BurnRateAlertsInput, {"objective": objective, "window": window, "profile": profile, "alerts": given}
    )
    budget_ratio = _ONE - args.objective / _HUNDRED
    window_s = args.window
    specs: list[tuple[str, Decimal, Decimal]] = []  # (severity, burn rate, long window seconds)
    if args.profile == "custom":
        assert args.alerts is not None  # by BurnRateAlertsInput
        for alert in args.alerts:
            if alert.burn_rate is not None:
                specs.append((alert.severity, alert.burn_rate, alert.long_window))
            else:
                assert alert.budget_fraction is not None  # by CustomAlert
                specs.append((alert.severity, alert.budget_fraction * window_s / alert.long_window, alert.long_window))
    else:
        specs = _profile_specs(args.profile, window_s)
    results: list[Alert] = []
    findings: list[str] = []
    scaled = window_s not in WORKBOOK_WINDOWS and args.profile != "custom"
    for severity, burn, long_s in specs:
        spent = burn * long_s / window_s
        threshold = burn * budget_ratio
        short_s = max(MIN_SHORT_WINDOW, (long_s / 12).to_integral_value()) if scaled else long_s / 12
        can_fire = threshold <= 1
        problems = []
        if not can_fire:
            problems.append(
                f"{severity} at burn rate {_num(burn)} over {format_window(long_s)} needs a {_pct(threshold)} error "
                "ratio and can never fire: lengthen the long window or lower the burn rate"
            )
        if long_s > window_s:
            problems.append(
                f"{severity} long window {format_window(long_s)} is longer than the SLO window "
                f"{format_window(window_s)}"
            )
        if spent > 1:
            problems.append(f"{severity} fires only after {_pct(spent)} of the budget is spent")
        if severity == "page" and burn < MIN_PAGE_BURN:
            problems.append(
                f"page at burn rate {_num(burn)} wakes someone for a burn under {_plain(MIN_PAGE_BURN)}x, which a "
                "ticket can handle"
            )
        findings.extend(problems)
        detection = threshold * long_s if can_fire else None
        results.append(
            Alert(
                severity=severity,
                budget_fraction=_f(spent),
                long_window=format_window(long_s),
                long_window_seconds=_f(long_s),
                short_window=format_window(short_s),
                short_window_seconds=_f(short_s),
                burn_rate=_f(burn),
                error_ratio_threshold=_f(threshold),
                can_fire=can_fire,
                detection_seconds=_opt(detection),
                detection_human=None if detection is None else format_duration(detection),
                budget_spent_when_fires=_f(spent),
                finding="; ".join(problems) or None,
            )
        )
    slowest = min(burn for _, burn, _ in specs)
    if slowest > 1:
        findings.append(
            f"the slowest alert fires at burn rate {_num(slowest)}: a burn between 1x and that empties the budget "
            "before the window ends and nothing fires"
        )
    label = format_window(window_s)
    listed = ", ".join(
        f"{a.severity} {_num(burn)}x over {a.long_window}/{a.short_window}"
        for a, (_, burn, _) in zip(results, specs, strict=True)
    )
    summary = f"{_plain(args.objective)}% over {label}: {listed}"
    if scaled:
        summary += f" (windows scaled by {label}/30d)"
    if findings:
        summary += f"; {len(findings)} problem(s)"
    return BurnRateAlerts(
        objective_percent=_f(args.objective),
        window=label,
        window_seconds=_f(window_s),
        profile=args.profile,
        alerts=results,
        findings=findings,
        summary=summary,
    )


# --- composite availability ------------------------------------------------------------------------


class LeafNode(_In):
    """A component: its availability in percent, or its MTBF and MTTR in hours."""

    name: Name | None = Field(default=None, description="Component name.")
    availability: Annotated[Decimal, Num("a percentage", gt="0", le="100", example="99.95", percent=True)] | None = (
        Field(default=None, description="Availability in percent.")
    )
    mtbf_hours: Annotated[Decimal, Num("a number of hours", gt="0", le="1e9", example="720")] | None = Field(
        default=None, description="Mean time between failures, hours."
    )
    mttr_hours: Annotated[Decimal, Num("a number of hours", ge="0", le="1e9", example="0.5")] | None = Field(
        default=None, description="Mean time to repair, hours."
    )

    @model_validator(mode="after")
    def _one_form(self) -> LeafNode:
        timing = self.mtbf_hours is not None or self.mttr_hours is not None
        if self.availability is not None and timing:
            raise InvalidArgument("availability", "cannot be combined with mtbf_hours/mttr_hours: give one form")
        if self.availability is None and not timing:
            raise InvalidArgument("availability", "is required, or else mtbf_hours with mttr_hours")
        if timing and self.mtbf_hours is None:
            raise InvalidArgument("mtbf_hours", "is required with mttr_hours")
        if timing and self.mttr_hours is None:
            raise InvalidArgument("mttr_hours", "is required with mtbf_hours")
        return self

    @property
    def ratio(self) -> Decimal:
        """Availability as a ratio: percent / 100, or MTBF / (MTBF + MTTR)."""
        if self.availability is not None:
            return self.availability / _HUNDRED
        assert self.mtbf_hours is not None  # by _one_form
        assert self.mttr_hours is not None
        return self.mtbf_hours / (self.mtbf_hours + self.mttr_hours)


class SerialNode(_In):
    """Hard dependencies: all must be up (availabilities multiply)."""

    name: Name | None = Field(default=None, description="Group name.")
    serial: list[SystemNode] = Field(min_length=1, description="Nodes that must all be up.")


class ParallelNode(_In):
    """Independent redundant replicas: up while any one is up (1 - prod(1 - a))."""

    name: Name | None = Field(default=None, description="Group name.")
    parallel: list[SystemNode] = Field(min_length=1, description="Nodes of which one suffices.")


class KOfNGroup(_In):
    """At least k of the nodes must be up (independent, possibly different availabilities)."""

    k: Annotated[int, Num("a whole number", ge="1", le=str(MAX_K_OF_N), example="2", integer=True)] = Field(
        description="How many must be up."
    )
    of: list[SystemNode] = Field(min_length=1, max_length=MAX_K_OF_N, description="The nodes.")

    @model_validator(mode="after")
    def _k_at_most_n(self) -> KOfNGroup:
        if self.k > len(self.of):
            raise InvalidArgument("k", f"must be at most the number of nodes in 'of' ({len(self.of)}), got {self.k}")
        return self


class KOfNNode(_In):
    """A k-of-n group: up while at least k of its n nodes are up."""

    name: Name | None = Field(default=None, description="Group name.")
    k_of_n: KOfNGroup = Field(description="{k, of: [nodes]}.")


def _node_kind(value: Any) -> str:
    if isinstance(value, Mapping):
        for key in ("serial", "parallel", "k_of_n"):
            if key in value:
                return f"{key.replace('_', '-')}-node"
        return "leaf-node"
    kinds: dict[type, str] = {SerialNode: "serial-node", ParallelNode: "parallel-node", KOfNNode: "k-of-n-node"}
    return kinds.get(type(value), "leaf-node")


SystemNode = Annotated[
    Union[  # noqa: UP007 - Tag annotations need the Union form
        Annotated[LeafNode, Tag("leaf-node")],
        Annotated[SerialNode, Tag("serial-node")],
        Annotated[ParallelNode, Tag("parallel-node")],
        Annotated[KOfNNode, Tag("k-of-n-node")],
    ],
    Discriminator(_node_kind),
]
"""A node of a system tree: a leaf, or a serial, parallel or k_of_n group of nodes."""

for _model in (SerialNode, ParallelNode, KOfNGroup, KOfNNode):
    _model.model_rebuild()


class CompositeInput(_In):
    """Arguments of `composite_availability`."""

    system: SystemNode = Field(description="The system tree.")
    target: Percent | None = Field(default=None, description="Target availability in percent, e.g. 99.9.")


class WeakestLink(_Out):
    """The leaf whose own failures cost the system the most availability."""

    name: str = Field(description="Leaf name, or its path when unnamed.")
    path: str = Field(description="Location in the tree, e.g. serial[1]; empty for the root.")
    availability_percent: float = Field(description="The leaf's availability in percent.")
    system_availability_if_perfect_percent: float = Field(description="System availability were this leaf never down.")
    downtime_share: float = Field(description="Fraction of system unavailability this leaf causes.")


class DependencyCheck(_Out):
    """A serial hard dependency checked for the extra nine: unavailability at most 1/10 of the target's."""

    name: str = Field(description="Node name, or its path when unnamed.")
    path: str = Field(description="Location in the tree.")
    availability_percent: float = Field(description="The dependency's availability in percent.")
    required_percent: float = Field(description="Availability with the extra nine: 100 - (100 - target)/10.")
    has_extra_nine: bool = Field(description="Whether it meets required_percent.")


class CompositeAvailability(_Out):
    """The availability of a system tree, its downtime, its weakest link and, with a target, its gaps."""

    availability_percent: float = Field(description="System availability in percent.")
    availability_ratio: float = Field(description="System availability as a ratio.")
    downtime_per_30d_seconds: float = Field(description="Expected downtime per 30 days.")
    downtime_per_30d_human: str = Field(description="e.g. 13m.")
    downtime_per_365d_seconds: float = Field(description="Expected downtime per 365 days.")
    downtime_per_365d_human: str = Field(description="e.g. 2h 37m 40s.")
    leaf_count: int = Field(description="Number of leaves.")
    weakest_link: WeakestLink | None = Field(description="Null when every leaf is 100%.")
    target_percent: float | None = Field(description="Target in percent, if given.")
    meets_target: bool | None = Field(description="System availability >= target.")
    dependencies: list[DependencyCheck] = Field(description="With a target: each serial hard dependency.")
    summary: str = Field(description="One line in plain words.")


@dataclass
class _Leaf:
    node: LeafNode
    path: str
    availability: Decimal
    importance: Decimal  # d(system availability) / d(leaf availability)


def _children(node: object) -> Iterator[tuple[object, str]]:
    """A raw or validated node's children with their path steps, as far as the shape is recognisable."""
    if isinstance(node, Mapping):
        group = node.get("k_of_n")
        kids = group.get("of") if isinstance(group, Mapping) else None
        key = "k_of_n.of"
        if kids is None:
            key = "serial" if "serial" in node else "parallel"
            kids = node.get(key)
    elif isinstance(node, SerialNode | ParallelNode | KOfNNode):
        key, kids = _group(node)
    else:
        return
    if isinstance(kids, list | tuple):
        for i, child in enumerate(kids):
            yield child, f"{key}[{i}]"


def _group(node: SerialNode | ParallelNode | KOfNNode) -> tuple[str, list[SystemNode]]:
    if isinstance(node, SerialNode):
        return "serial", node.serial
    if isinstance(node, ParallelNode):
        return "parallel", node.parallel
    return "k_of_n.of", node.k_of_n.of


def _join(path: str, step: str) -> str:
    return f"{path}.{step}" if path else step


def _check_tree_size(system: object) -> None:
    """Bound the tree before validating it, so a hostile input cannot exhaust the stack or the CPU."""
    stack: list[tuple[object, int, str]] = [(system, 1, "")]
    count = 0
    while stack:
        node, depth, path = stack.pop()
        count += 1
        if count > MAX_TREE_NODES:
            raise InvalidArgument("system", f"must have at most {MAX_TREE_NODES} nodes")
        if depth > MAX_TREE_DEPTH:
            raise InvalidArgument("system", f"{path} is too deep: a tree may be at most {MAX_TREE_DEPTH} levels deep")
        stack.extend((child, depth + 1, _join(path, step)) for child, step in _children(node))


def _product(values: Sequence[Decimal]) -> Decimal:
    result = _ONE
    for value in values:
        result *= value
    return result


def _all_but_one(values: Sequence[Decimal]) -> list[Decimal]:
    """For each i, the product of all values except values[i] (prefix and suffix products, no division)."""
    prefix = [_ONE]
    for value in values:
        prefix.append(prefix[-1] * value)
    suffix = _ONE
    result = [_ONE] * len(values)
    for i in range(len(values) - 1, -1, -1):
        result[i] = prefix[i] * suffix
        suffix *= values[i]
    return result


def _step(dist: list[Decimal], p: Decimal, cap: int) -> list[Decimal]:
    """Add one independent node (up with probability p) to a count distribution truncated at `cap`."""
    nxt = [value * (_ONE - p) for value in dist]
    if len(dist) <= cap:
        nxt.append(Decimal(0))
    for j in range(1, len(nxt)):
        nxt[j] += dist[j - 1] * p
    return nxt


def _count_distribution(probabilities: Sequence[Decimal], cap: int) -> list[Decimal]:
    """P(exactly j up) for j = 0..min(n, cap), for independent nodes (the Poisson-binomial DP)."""
    dist = [_ONE]
    for p in probabilities:
        dist = _step(dist, p, cap)
    return dist


def _at_least(k: int, probabilities: Sequence[Decimal]) -> Decimal:
    """P(at least k of the independent nodes are up), exact for different availabilities."""
    n = len(probabilities)
    dist = _count_distribution(probabilities, n)
    # Sum the shorter side: k = 1 reduces to 1 - prod(1 - p) (parallel), k = n to prod(p) (serial).
    if k - 1 < n - k:
        return _ONE - sum(dist[:k], Decimal(0))
    return sum(dist[k:], Decimal(0))


def _exactly_k_minus_1_of_others(k: int, probabilities: Sequence[Decimal]) -> list[Decimal]:
    """For each node i, P(exactly k - 1 of the other nodes are up): d P(at least k) / d p_i."""
    n, cap = len(probabilities), k - 1
    prefix = [[_ONE]]
    for p in probabilities:
        prefix.append(_step(prefix[-1], p, cap))
    result = [Decimal(0)] * n
    suffix = [_ONE]
    for i in range(n - 1, -1, -1):
        before = prefix[i]
        result[i] = sum(
            (before[j] * suffix[cap - j] for j in range(len(before)) if 0 <= cap - j < len(suffix)), Decimal(0)
        )
        suffix = _step(suffix, probabilities[i], cap)
    return result


def _availability(node: SystemNode, memo: dict[int, Decimal]) -> Decimal:
    if isinstance(node, LeafNode):
        value = node.ratio
    elif isinstance(node, SerialNode):
        value = _product([_availability(child, memo) for child in node.serial])
    elif isinstance(node, ParallelNode):
        value = _ONE - _product([_ONE - _availability(child, memo) for child in node.parallel])
    else:
        value = _at_least(node.k_of_n.k, [_availability(child, memo) for child in node.k_of_n.of])
    memo[id(node)] = value
    return value


def _leaves(node: SystemNode, path: str, importance: Decimal, memo: dict[int, Decimal], out: list[_Leaf]) -> None:
    """Collect the leaves with their Birnbaum importance: the product of local derivatives down the path."""
    if isinstance(node, LeafNode):
        out.append(_Leaf(node, path, memo[id(node)], importance))
        return
    key, kids = _group(node)
    values = [memo[id(child)] for child in kids]
    if isinstance(node, SerialNode):
        local = _all_but_one(values)
    elif isinstance(node, ParallelNode):
        local = _all_but_one([_ONE - v for v in values])
    else:
        local = _exactly_k_minus_1_of_others(node.k_of_n.k, values)
    for i, child in enumerate(kids):
        _leaves(child, _join(path, f"{key}[{i}]"), importance * local[i], memo, out)


def _hard_dependencies(node: SystemNode, path: str, out: list[tuple[SystemNode, str]]) -> None:
    """The units whose failure alone takes the system down: children of serial groups reachable through serial
    groups only (nested serial groups are flattened)."""
    if not isinstance(node, SerialNode):
        return
    for i, child in enumerate(node.serial):
        child_path = _join(path, f"serial[{i}]")
        if isinstance(child, SerialNode):
            _hard_dependencies(child, child_path, out)
        else:
            out.append((child, child_path))


@_exact
def composite_availability(
    system: SystemNode | Mapping[str, Any], target: NumberLike | None = None
) -> CompositeAvailability:
    """The availability of a system of independent components, its weakest link and, with a target, its gaps.

    Nodes: a leaf {"name"?, "availability": percent} or {"name"?, "mtbf_hours", "mttr_hours"} (availability
    = MTBF / (MTBF + MTTR)); {"serial": [nodes]} (hard dependencies multiply); {"parallel": [nodes]}
    (1 - prod(1 - a)); {"k_of_n": {"k": k, "of": [nodes]}} (at least k up, exact Poisson-binomial). Groups may
    have a "name". At most 1,000 nodes, 32 levels, 100 nodes per k_of_n.

    The weakest link is the leaf whose own failures cost the system the most availability: the largest gain
    if it never failed, (1 - a) * dA_system/da. In a serial chain that is the least available leaf. With a
    target, each serial hard dependency is checked for the extra nine (unavailability at most a tenth of
    the target's).

    Raises:
        InvalidArgument: the tree is malformed, too large, or a value is out of range (e.g. k greater than
            the number of nodes); the error names `system` and the path inside it, or `target`.
    """
    _check_tree_size(system)
    args = _validate(CompositeInput, {"system": system, "target": target})
    memo: dict[int, Decimal] = {}
    total = _availability(args.system, memo)
    down = _ONE - total
    leaves: list[_Leaf] = []
    _leaves(args.system, "", _ONE, memo, leaves)

    weakest: WeakestLink | None = None
    gains = [(_ONE - leaf.availability) * leaf.importance for leaf in leaves]
    best = max(gains)
    # Among gains equal up to rounding noise, the first leaf in document order wins, so ties read naturally.
    first = next(i for i, gain in enumerate(gains) if gain >= best * (_ONE - Decimal("1e-20")))
    leaf = leaves[first]
    if best > 0:
        weakest = WeakestLink(
            name=leaf.node.name or leaf.path or "system",
            path=leaf.path,
            availability_percent=_f(leaf.availability * _HUNDRED),
            system_availability_if_perfect_percent=_f(min(total + best, _ONE) * _HUNDRED),
            downtime_share=_f(best / down) if down > 0 else 0.0,
        )

    checks: list[DependencyCheck] = []
    meets: bool | None = None
    if args.target is not None:
        target_ratio = args.target / _HUNDRED
        meets = total >= target_ratio
        allowed = (_ONE - target_ratio) / 10
        units: list[tuple[SystemNode, str]] = []
        _hard_dependencies(args.system, "", units)
        for unit, path in units:
            value = memo[id(unit)]
            checks.append(
                DependencyCheck(
                    name=unit.name or path,
                    path=path,
                    availability_percent=_f(value * _HUNDRED),
                    required_percent=_f((_ONE - allowed) * _HUNDRED),
                    has_extra_nine=_ONE - value <= allowed,
                )
            )

    month, year = down * _MONTH_30D, down * _YEAR_365D
    month_human = format_duration(month)
    summary = f"Availability {_availability_text(total)} ({month_human} down per 30d)"
    if weakest is not None:
        summary += f"; weakest link {weakest.name} ({_availability_text(leaf.availability)})"
    if args.target is not None:
        summary += f"; {'meets' if meets else 'misses'} the {_plain(args.target)}% target"
        lacking = sum(not c.has_extra_nine for c in checks)
        if checks:
            summary += f", {lacking} of {len(checks)} hard dependencies lack the extra nine"
    return CompositeAvailability(
        availability_percent=_f(total * _HUNDRED),
        availability_ratio=_f(total),
        downtime_per_30d_seconds=_f(month),
        downtime_per_30d_human=month_human,
        downtime_per_365d_seconds=_f(year),
        downtime_per_365d_human=format_duration(year),
        leaf_count=len(leaves),
        weakest_link=weakest,
        target_percent=_opt(args.target),
        meets_target=meets,
        dependencies=checks,
        summary=summary,
    )


# --- capacity --------------------------------------------------------------------------------------

Period = Literal["day", "week", "month", "quarter", "year"]


class CapacityInput(_In):
    """Arguments of `capacity_forecast`."""

    current_load: Annotated[Decimal, Num("a load", gt="0", le="1e15", example="1000")] = Field(
        description="Current load, e.g. requests per second."
    )
    current_utilization: Annotated[Decimal, Num("a percentage", gt="0", le="100", example="40", percent=True)] = Field(
        description="Current utilization of the bottleneck resource, percent."
    )
    threshold_utilization: Annotated[Decimal, Num("a percentage", gt="0", le="100", example="80", percent=True)] = (
        Field(description="Utilization not to exceed, percent.")
    )
    growth_rate: Annotated[
        Decimal, Num("a percentage per period", gt="-100", le="10000", example="10", percent=True)
    ] = Field(description="Compound load growth per period, percent.")
    period: Period = Field(default="month", description="Unit of growth and lead time.")
    lead_time_periods: Annotated[Decimal, Num("a number of periods", ge="0", le="10000", example="2")] = Field(
        default=Decimal(0), description="Time to provision capacity, in periods."
    )
    latency_seconds: Annotated[Decimal, Num("a number of seconds", gt="0", le="86400", example="0.2")] | None = Field(
        default=None, description="Mean latency, for Little's law concurrency."
    )


class CapacityForecast(_Out):
    """When load growth reaches the utilization threshold, and when to order capacity."""

    current_load: float = Field(description="Current load.")
    current_utilization_percent: float = Field(description="Current utilization, percent.")
    threshold_utilization_percent: float = Field(description="Threshold utilization, percent.")
    growth_rate_percent: float = Field(description="Growth per period, percent.")
    period: Period = Field(description="Unit of the period counts.")
    breaking_point_load: float = Field(description="Load at the threshold: load * threshold / current.")
    load_headroom_percent: float = Field(description="Load growth left before the threshold (100 = can double).")
    already_past_threshold: bool = Field(description="Current utilization is at or above the threshold.")
    periods_until_threshold: float | None = Field(description="ln(threshold/current)/ln(1+g); null if never.")
    lead_time_periods: float = Field(description="Provisioning lead time, periods.")
    order_by_period: float | None = Field(description="Order capacity within this many periods; negative = late.")
    order_late: bool = Field(description="The order date has passed.")
    doubling_periods: float | None = Field(description="ln 2 / ln(1+g); null unless growth > 0.")
    concurrency_now: float | None = Field(description="Little's law: load * latency now.")
    concurrency_at_breaking_point: float | None = Field(description="Little's law at the breaking point.")
    summary: str = Field(description="One line in plain words.")


@_exact
def capacity_forecast(
    current_load: NumberLike,
    current_utilization: NumberLike,
    threshold_utilization: NumberLike,
    growth_rate: NumberLike,
    period: Period = "month",
    lead_time_periods: NumberLike = 0,
    latency_seconds: NumberLike | None = None,
) -> CapacityForecast:
    """When compound load growth reaches a utilization threshold, assuming utilization scales with load.

    breaking point = load * threshold / current; periods until = ln(threshold / current) / ln(1 + g); order
    by = periods until - lead time (negative: already late); doubling = ln 2 / ln(1 + g); load headroom =
    breaking point / load - 1. With zero or negative growth the threshold is never reached (null periods),
    unless already past it. Log-derived values are rounded to 6 decimals.

    Args:
        current_load: current load (requests per second when latency_seconds is given).
        current_utilization: utilization of the bottleneck now, percent (0 < u <= 100).
        threshold_utilization: utilization not to exceed, percent (0 < t <= 100).
        growth_rate: compound growth per period, percent (> -100, e.g. 10).
        period: unit of growth and lead time: day, week, month, quarter or year.
        lead_time_periods: time to provision capacity, in periods.
        latency_seconds: mean latency; gives Little's law concurrency (load * latency).

    Raises:
        InvalidArgument: an argument is out of range; it is named in the error.
    """
    args = _validate(
        CapacityInput,
        {
            "current_load": current_load,
            "current_utilization": current_utilization,
            "threshold_utilization": threshold_utilization,
            "growth_rate": growth_rate,
            "period": period,
            "lead_time_periods": lead_time_periods,
            "latency_seconds": latency_seconds,
        },
    )
    scale = args.threshold_utilization / args.current_utilization
    breaking = args.current_load * scale
    past = args.current_utilization >= args.threshold_utilization
    growth = args.growth_rate / _HUNDRED
    rate_ln = (_ONE + growth).ln() if growth != 0 else Decimal(0)
    periods: Decimal | None
    if past:
        periods = Decimal(0)
    elif growth > 0:
        periods = _round(scale.ln() / rate_ln)
    else:
        periods = None
    order_by = None if periods is None else periods - args.lead_time_periods
    doubling = _round(Decimal(2).ln() / rate_ln) if growth > 0 else None
    latency = args.latency_seconds

    unit = args.period + "s"
    given = f"{_num(args.current_load)} at {_plain(args.current_utilization)}%"
    if past:
        summary = (
            f"{given} is already at or above the {_plain(args.threshold_utilization)}% threshold "
            f"(breaking point {_num(breaking)}): add capacity now"
        )
    elif periods is None or order_by is None:
        summary = (
            f"{given} breaks at {_num(breaking)} ({_plain(args.threshold_utilization)}%), but at "
            f"{_plain(args.growth_rate)}% growth per {args.period} it never reaches it"
        )
    else:
        # Time left is rounded down and lateness up, so the text never gives more time than the fields.
        when = (
            f"order within {_num(order_by, 3, ROUND_FLOOR)} {unit}"
            if order_by >= 0
            else f"order {_num(-order_by, 3, ROUND_CEILING)} {unit} late"
        )
        summary = (
            f"{given} reaches the {_plain(args.threshold_utilization)}% threshold ({_num(breaking)}) in "
            f"{_num(periods, 3, ROUND_FLOOR)} {unit} at {_plain(args.growth_rate)}%/{args.period}; {when}"
        )
    return CapacityForecast(
        current_load=_f(args.current_load),
        current_utilization_percent=_f(args.current_utilization),
        threshold_utilization_percent=_f(args.threshold_utilization),
        growth_rate_percent=_f(args.growth_rate),
        period=args.period,
        breaking_point_load=_f(breaking),
        load_headroom_percent=_f((scale - _ONE) * _HUNDRED),
        already_past_threshold=past,
        periods_until_threshold=_opt(periods),
        lead_time_periods=_f(args.lead_time_periods),
        order_by_period=_opt(order_by),
        order_late=order_by is not None and order_by < 0,
        doubling_periods=_opt(doubling),
        concurrency_now=None if latency is None else _f(args.current_load * latency),
        concurrency_at_breaking_point=None if latency is None else _f(breaking * latency),
        summary=summary,
    )


# --- toil ------------------------------------------------------------------------------------------

TOIL_CAP = Decimal("0.5")
"""At most 50% of an SRE's time on toil (Site Reliability Engineering, ch. 5 "Eliminating Toil")."""


class ToilTask(_In):
    """A recurring manual task."""

    name: Name = Field(description="Task name.")
    minutes_per_occurrence: Annotated[Decimal, Num("a number of minutes", gt="0", le="100000", example="15")] = Field(
        description="Hands-on minutes each time."
    )
    occurrences_per_week: Annotated[Decimal, Num("a number", ge="0", le="1e9", example="10")] = Field(
        description="Times per week."
    )
    scales_with_load: bool = Field(default=False, description="Grows with traffic or fleet size.")
    automation_hours: Annotated[Decimal, Num("a number of hours", ge="0", le="1e6", example="40")] | None = Field(
        default=None, description="Estimated hours to automate it."
    )


class ToilInput(_In):
    """Arguments of `toil_assessment`."""

    tasks: list[ToilTask] = Field(min_length=1, max_length=500, description="The recurring manual tasks.")
    team_size: Annotated[int, Num("a whole number", ge="1", le="100000", example="6", integer=True)] = Field(
        description="Engineers sharing the toil."
    )
    hours_per_week: Annotated[Decimal, Num("a number of hours", gt="0", le="168", example="40")] = Field(
        default=Decimal(40), description="Working hours per engineer per week."
    )

    @model_validator(mode="after")
    def _unique_names(self) -> ToilInput:
        seen: set[str] = set()
        for task in self.tasks:
            key = task.name.casefold()
            if key in seen:
                raise InvalidArgument("tasks", f"names must be unique; {task.name!r} appears more than once")
            seen.add(key)
        return self


class ToilTaskResult(_Out):
    """One task's weekly toil and automation payback."""

    name: str = Field(description="Task name.")
    hours_per_week: float = Field(description="Toil hours per week.")
    share_of_toil: float = Field(description="Fraction of all toil.")
    scales_with_load: bool = Field(description="Grows with load: automate before it grows.")
    automation_hours: float | None = Field(description="Hours to automate, if given.")
    payback_weeks: float | None = Field(description="automation_hours / hours_per_week; null if not given or never.")


class ToilAssessment(_Out):
    """A team's weekly toil against the 50% cap, biggest tasks first."""

    total_toil_hours_per_week: float = Field(description="Sum of all tasks.")
    team_hours_per_week: float = Field(description="team_size * hours_per_week.")
    toil_fraction: float = Field(description="Toil / team time.")
    toil_cap_fraction: float = Field(description="The cap, 0.5.")
    over_cap: bool = Field(description="Toil fraction above the cap.")
    hours_over_cap: float = Field(description="Weekly hours to remove to get under the cap.")
    tasks: list[ToilTaskResult] = Field(description="Tasks by hours per week, largest first.")
    load_scaling_tasks: list[str] = Field(description="Tasks that grow with load.")
    summary: str = Field(description="One line in plain words.")


@_exact
def toil_assessment(
    tasks: Sequence[ToilTask | Mapping[str, Any]], team_size: int | NumberLike, hours_per_week: NumberLike = 40
) -> ToilAssessment:
    """Weekly toil of a team against the 50% cap, the biggest tasks, and the payback of automating them.

    Args:
        tasks: items {name, minutes_per_occurrence, occurrences_per_week, scales_with_load?, automation_hours?}.
        team_size: engineers sharing the toil.
        hours_per_week: working hours per engineer per week (default 40).

    Raises:
        InvalidArgument: a task or argument is out of range, or task names repeat; it is named in the error.
    """
    args = _validate(ToilInput, {"tasks": list(tasks), "team_size": team_size, "hours_per_week": hours_per_week})
    weekly = [task.minutes_per_occurrence * task.occurrences_per_week / 60 for task in args.tasks]
    total = sum(weekly, Decimal(0))
    team_hours = args.team_size * args.hours_per_week
    fraction = total / team_hours
    order = sorted(range(len(weekly)), key=lambda i: -weekly[i])
    results = []
    for i in order:
        task, hours = args.tasks[i], weekly[i]
        payback = None
        if task.automation_hours is not None and hours > 0:
            payback = task.automation_hours / hours
        results.append(
            ToilTaskResult(
                name=task.name,
                hours_per_week=_f(hours),
                share_of_toil=_f(hours / total) if total > 0 else 0.0,
                scales_with_load=task.scales_with_load,
                automation_hours=_opt(task.automation_hours),
                payback_weeks=_opt(payback),
            )
        )
    scaling = [r.name for r in results if r.scales_with_load]
    over = fraction > TOIL_CAP
    share = _num(fraction * _HUNDRED, 4, ROUND_CEILING)  # rounded up: toil is never shown under its share
    summary = (
        f"{_num(total)} h/week of toil is {share}% of {_num(team_hours)} team hours "
        f"({'over' if over else 'within'} the 50% cap); top task {results[0].name} ({_num(weekly[order[0]])} h/week)"
    )
    if scaling:
        summary += f"; {len(scaling)} task(s) scale with load"
    return ToilAssessment(
        total_toil_hours_per_week=_f(total),
        team_hours_per_week=_f(team_hours),
        toil_fraction=_f(fraction),
        toil_cap_fraction=_f(TOIL_CAP),
        over_cap=over,
        hours_over_cap=_f(max(total - TOIL_CAP * team_hours, Decimal(0))),
        tasks=results,
        load_scaling_tasks=scaling,
        summary=summary,
    )


# --- on-call ---------------------------------------------------------------------------------------

HOURS_PER_WEEK = Decimal(168)

WORK_HOURS_PER_DAY = Decimal(12)
"""Most hours of incident work one person can do in a day on call. Site Reliability Engineering, ch. 11
"Being On-Call": an incident with its follow-up takes about 6 hours, so 2 incidents fill a 12-hour shift; the
book's ceiling of 2 incidents per 12-hour shift is this bound for people who work 12-hour shifts."""

WORK_HOURS_PER_WEEK = Decimal(48)
"""Most hours of work one person can do in a week, incidents included: the EU Working Time Directive
(2003/88/EC, art. 6) caps the average working week at 48 hours. It is what keeps a week-long pager honest:
12 hours a day for 7 days (84 hours) is no sustainable week for one engineer."""

OPS_CAP_FRACTION = Decimal("0.5")
"""Share of an engineer's time that operational work may take, on average. Site Reliability Engineering,
ch. 5 "Eliminating Toil" (and ch. 2): at most 50% of an SRE's time goes to ops work."""

STANDARD_WEEK_HOURS = Decimal(40)
"""The working week the ops cap is a share of (a 50% cap is 20 hours a week)."""


class OncallInput(_In):
    """Arguments of `oncall_load`."""

    team_size: Annotated[int, Num("a whole number", ge="1", le="10000", example="8", integer=True)] = Field(
        description="Engineers in the rotation."
    )
    pages_per_week: Annotated[Decimal, Num("a number", ge="0", le="1e6", example="10")] = Field(
        description="Pages (incidents) per week for the service."
    )
    shift_hours: Annotated[Decimal, Num("a number of hours", gt="0", le="720", example="168")] = Field(
        default=HOURS_PER_WEEK, description="Length of one engineer's continuous on-call shift (168 = a week)."
    )
    people_on_call: Annotated[int, Num("a whole number", ge="1", le="10", example="1", integer=True)] = Field(
        default=1, description="Engineers on call at once: 1 primary, 2 with a secondary."
    )
    incident_hours_per_page: Annotated[Decimal, Num("a number of hours", gt="0", le="168", example="6")] = Field(
        default=Decimal(6), description="Work per incident incl. follow-up, hours."
    )
    max_oncall_fraction: Annotated[Decimal, Num("a fraction", gt="0", le="1", example="0.25")] = Field(
        default=Decimal("0.25"), description="Cap on each engineer's time on call."
    )

    @model_validator(mode="after")
    def _enough_people(self) -> OncallInput:
        if self.people_on_call > self.team_size:
            raise InvalidArgument(
                "people_on_call", f"must be at most team_size ({self.team_size}), got {self.people_on_call}"
            )
        return self


class OncallLoad(_Out):
    """On-call time and incident work per engineer against the SRE book's limits and a working week."""

    team_size: int = Field(description="Engineers in the rotation.")
    people_on_call: int = Field(description="Engineers on call at once.")
    shift_hours: float = Field(description="Length of one engineer's on-call shift.")
    oncall_fraction: float = Field(description="Share of each engineer's time on call: people_on_call / team_size.")
    max_oncall_fraction: float = Field(description="The cap, default 0.25.")
    within_oncall_cap: bool = Field(description="oncall_fraction <= cap.")
    pages_per_shift: float = Field(description="Pages in one shift: pages_per_week * shift_hours / 168.")
    incident_hours_per_shift: float = Field(description="Incident work in one shift, for the primary.")
    work_hours_per_shift: float = Field(
        description="Most incident work one person can do in the shift: 12 h a day, 48 h a week."
    )
    within_shift_capacity: bool = Field(description="incident_hours_per_shift <= work_hours_per_shift.")
    max_pages_per_week: float = Field(description="Most pages a week that this shift length sustains.")
    pages_per_12h: float = Field(description="Pages per 12 hours (the SRE book's ceiling is 2).")
    incident_hours_per_week: float = Field(description="pages_per_week * incident_hours_per_page.")
    incident_hours_per_engineer: float = Field(description="Incident hours a week per engineer, on average.")
    ops_hours_cap: float = Field(description="50% of a 40-hour week: the most ops work per engineer.")
    within_ops_cap: bool = Field(description="incident_hours_per_engineer <= ops_hours_cap.")
    sustainable: bool = Field(description="Every limit holds.")
    failed: list[str] = Field(description="The limits that do not hold.")
    min_team_size_for_oncall_cap: int = Field(description="ceil(people_on_call / cap).")
    rotations_needed: int = Field(description="Rotations splitting the pages so each shift can carry them.")
    min_team_size: int = Field(description="Smallest team meeting every limit, across rotations_needed rotations.")
    summary: str = Field(description="One line in plain words.")


def shift_work_hours(shift_hours: Decimal) -> Decimal:
    """The most incident work one person can do in a shift of `shift_hours`: 12 hours in each day of it (the
    whole shift when shorter), and never more than 48 hours in a week."""
    daily = min(shift_hours, WORK_HOURS_PER_DAY) if shift_hours <= 24 else WORK_HOURS_PER_DAY * shift_hours / 24
    weekly = WORK_HOURS_PER_WEEK * max(shift_hours, HOURS_PER_WEEK) / HOURS_PER_WEEK
    return min(daily, weekly)


@_exact
def oncall_load(
    team_size: int | NumberLike,
    pages_per_week: NumberLike,
    shift_hours: NumberLike = 168,
    people_on_call: int | NumberLike = 1,
    incident_hours_per_page: NumberLike = 6,
    max_oncall_fraction: NumberLike = "0.25",
) -> OncallLoad:
    """Whether a rotation is sustainable: who is on duty when, and whether each person can carry the work.

    Model: one rotation covers every hour of the week with `people_on_call` engineers at a time (1 primary,
    2 with a secondary) in shifts of `shift_hours` (default 168: one engineer carries the pager for a week),
    shared evenly. Pages arrive evenly; the primary works each incident for `incident_hours_per_page`
    (about 6 hours with follow-up). Three limits, each with its source:
    - time on call: each engineer on call people_on_call / team_size of the time, at most 25% (Site
      Reliability Engineering, ch. 11 "Being On-Call");
    - work in a shift: the incident hours of one shift within what one person can work in it, 12 hours a day
      (ch. 11: 2 incidents of 6 hours per 12-hour shift) and 48 hours a week (EU Working Time Directive). A
      weekly pager therefore carries at most 8 incidents of 6 hours, not 2 per 12 hours around the clock;
    - ops work: incident hours averaged over the team within 50% of a 40-hour week (ch. 5 "Eliminating Toil").
    A load is sustainable only when all three hold. More people do not lower the work of one shift: the fix
    is fewer pages, shorter shifts (two sites, follow the sun), or splitting the service across rotations,
    which `rotations_needed` and `min_team_size` assume.

    Args:
        team_size: engineers in the rotation.
        pages_per_week: pages (incidents) per week for the service.
        shift_hours: length of one engineer's continuous on-call shift in hours (168 = a week; 12 = two sites).
        people_on_call: engineers on call at once (1 primary; 2 with a secondary).
        incident_hours_per_page: hours of work per incident including follow-up (default 6).
        max_oncall_fraction: cap on each engineer's time on call (default 0.25).

    Raises:
        InvalidArgument: an argument is out of range, or people_on_call exceeds team_size.
    """
    args = _validate(
        OncallInput,
        {
            "team_size": team_size,
            "pages_per_week": pages_per_week,
            "shift_hours": shift_hours,
            "people_on_call": people_on_call,
            "incident_hours_per_page": incident_hours_per_page,
            "max_oncall_fraction": max_oncall_fraction,
        },
    )
    fraction = Decimal(args.people_on_call) / args.team_size
    within_cap = fraction <= args.max_oncall_fraction
    per_shift = args.pages_per_week * args.shift_hours / HOURS_PER_WEEK
    work_per_shift = per_shift * args.incident_hours_per_page
    capacity = shift_work_hours(args.shift_hours)
    within_shift = work_per_shift <= capacity
    max_pages = capacity / args.incident_hours_per_page * HOURS_PER_WEEK / args.shift_hours
    weekly_work = args.pages_per_week * args.incident_hours_per_page
    per_engineer = weekly_work / args.team_size
    ops_cap = OPS_CAP_FRACTION * STANDARD_WEEK_HOURS
    within_ops = per_engineer <= ops_cap
    failed = [
        name
        for name, holds in (
            (f"time on call over {_pct(args.max_oncall_fraction, 3)}", within_cap),
            (
                f"{_num(work_per_shift, 3)} h of incidents in a {_num(args.shift_hours)} h shift, "
                f"over the {_num(capacity, 3)} h one person can work",
                within_shift,
            ),
            (
                f"{_num(per_engineer, 3)} h of incidents per engineer a week, over the {_num(ops_cap)} h ops cap",
                within_ops,
            ),
        )
        if not holds
    ]
    rotations = max(1, _ceil(work_per_shift / capacity))
    per_rotation_work = weekly_work / rotations
    min_for_cap = _ceil(args.people_on_call / args.max_oncall_fraction)
    min_team = rotations * max(min_for_cap, _ceil(per_rotation_work / ops_cap))
    verdict = "sustainable" if not failed else "not sustainable: " + "; ".join(failed)
    summary = (
        f"{_num(per_shift, 3)} pages per {_num(args.shift_hours)} h shift ({_num(work_per_shift, 3)} h of work, "
        f"{_num(capacity, 3)} h possible); each of {args.team_size} on call {_pct(fraction, 3)} of the time; "
        f"{verdict}; smallest team meeting every limit: {min_team}"
    )
    if rotations > 1:
        summary += f" across {rotations} rotations"
    return OncallLoad(
        team_size=args.team_size,
        people_on_call=args.people_on_call,
        shift_hours=_f(args.shift_hours),
        oncall_fraction=_f(fraction),
        max_oncall_fraction=_f(args.max_oncall_fraction),
        within_oncall_cap=within_cap,
        pages_per_shift=_f(per_shift),
        incident_hours_per_shift=_f(work_per_shift),
        work_hours_per_shift=_f(capacity),
        within_shift_capacity=within_shift,
        max_pages_per_week=_f(max_pages),
        pages_per_12h=_f(args.pages_per_week * 12 / HOURS_PER_WEEK),
        incident_hours_per_week=_f(weekly_work),
        incident_hours_per_engineer=_f(per_engineer),
        ops_hours_cap=_f(ops_cap),
        within_ops_cap=within_ops,
        sustainable=not failed,
        failed=failed,
        min_team_size_for_oncall_cap=min_for_cap,
        rotations_needed=rotations,
        min_team_size=min_team,
        summary=summary,
    )
