"""How the SLO math reads a number and writes one: the ranges arguments are held to, the errors that name them,
and the rounding of every figure a summary shows (sre/numbers.py).

Each rule is tested at its boundary, on both sides, and in each direction a number can be off: a reader of a
summary acts on these figures, so a budget shown as "100%" while 0.004% is left, or an objective of 99.95
accepted where only (0, 100) is, would be a wrong answer, not a cosmetic one.
"""

from __future__ import annotations

import decimal
import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, TypeAdapter

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.numbers import (
    MONTH_30D,
    YEAR_365D,
    Count,
    Count0,
    Duration,
    Num,
    Percent,
    StrictInput,
    as_float,
    as_float_or_none,
    ceil_int,
    decimal_places,
    error_budget_seconds,
    floor_int,
    fmt_availability,
    fmt_count,
    fmt_events,
    fmt_number,
    fmt_percent,
    fmt_percent_down,
    fmt_percent_spent,
    fmt_plain,
    parse_percent,
    round_to,
    time_to_exhaustion,
    to_decimal,
    validate_input,
)


def _error(fn: Any, *args: Any) -> InvalidArgument:
    with pytest.raises(InvalidArgument) as caught:
        fn(*args)
    return caught.value


# --- ranges: each bound at, just inside and just outside ------------------------------------------------------


@pytest.mark.parametrize(
    ("num", "inside", "outside"),
    [
        (Num(gt="0"), ["1e-12", "0.5", "7"], ["0", "-1e-12", "-3"]),
        (Num(ge="0"), ["0", "1e-12", "7"], ["-1e-12", "-1"]),
        (Num(lt="100"), ["99.999999", "-5", "0"], ["100", "100.000001", "1e6"]),
        (Num(le="100"), ["100", "99.999999", "-5"], ["100.000001", "101"]),
        (Num(gt="0", lt="100"), ["0.001", "99.999"], ["0", "100"]),
        (Num(ge="0", le="1"), ["0", "1", "0.5"], ["-0.001", "1.001"]),
    ],
)
def test_a_number_is_held_to_its_bounds_exactly(num: Num, inside: list[str], outside: list[str]) -> None:
    for text in inside:
        assert num.parse(text, "x") == Decimal(text)
    for text in outside:
        error = _error(num.parse, text, "x")
        assert error.argument == "x"
        assert error.message == f"must be {num.accepted}, got {text!r}"


@pytest.mark.parametrize(
    ("num", "accepted"),
    [
        (Num("a percentage", gt="0", lt="100", example="99.9"), "a percentage strictly between 0 and 100 (e.g. 99.9)"),
        (Num("a fraction", ge="0", le="1"), "a fraction from 0 to 1"),
        (Num("a rate", gt="0", le="1e9"), "a rate greater than 0 and at most 1e9"),
        (Num("a share", ge="0", lt="1"), "a share at least 0 and less than 1"),
        (Num("a count", gt="0"), "a count greater than 0"),
        (Num("a count", ge="0"), "a count at least 0"),
        (Num("a cap", lt="10"), "a cap less than 10"),
        (Num("a cap", le="10"), "a cap at most 10"),
        (Num(), "a number"),
        (Num(example="3"), "a number (e.g. 3)"),
    ],
)
def test_the_error_states_the_accepted_values_in_words(num: Num, accepted: str) -> None:
    assert num.accepted == accepted


def test_a_whole_number_is_required_where_one_is_counted() -> None:
    whole = Num("a count", ge="1", integer=True)
    assert whole.parse("3", "n") == 3
    assert whole.parse(3.0, "n") == 3
    for fraction, shown in ((2.5, "2.5"), (3.5, "3.5"), ("1.000001", "'1.000001'"), (7.9, "7.9")):
        # 2.5 rounds down and 3.5 up to even: a fraction is refused on either side of a whole number
        assert _error(whole.parse, fraction, "n").message == f"must be a count at least 1, got {shown}"
    # Through a model the value arrives as an int, and the schema says integer.
    adapter = TypeAdapter(Annotated[int, whole])
    assert adapter.validate_python("4") == 4
    assert type(adapter.validate_python(4.0)) is int
    assert adapter.json_schema() == {"minimum": 1, "type": "integer"}


def test_a_fractional_number_keeps_its_decimal_value_and_its_schema_states_the_range() -> None:
    adapter = TypeAdapter(Percent)
    assert adapter.validate_python(99.9) == Decimal("99.9")  # the float's shortest text, not 99.900000000000005...
    assert adapter.json_schema() == {"exclusiveMaximum": 100.0, "exclusiveMinimum": 0.0, "type": "number"}
    assert TypeAdapter(Count).json_schema() == {"exclusiveMinimum": 0.0, "maximum": 1e18, "type": "number"}
    assert TypeAdapter(Count0).json_schema() == {"maximum": 1e18, "minimum": 0.0, "type": "number"}
    assert TypeAdapter(Annotated[Decimal, Num(lt="5", ge="1")]).json_schema() == {
        "exclusiveMaximum": 5.0,
        "minimum": 1.0,
        "type": "number",
    }


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (7, Decimal(7)),
        (99.9, Decimal("99.9")),
        (0.1, Decimal("0.1")),
        (Decimal("99.95"), Decimal("99.95")),
        (" 42 ", Decimal(42)),
        ("1e3", Decimal(1000)),
        ("-2.5", Decimal("-2.5")),
        ("9" * 24, Decimal("9" * 24)),  # 24 significant digits: the most accepted
        ("1" + "0" * 40, Decimal("1e40")),  # trailing zeros are not significant
        ("1e-12", Decimal("1e-12")),  # the smallest size accepted
        ("-1e-12", Decimal("-1e-12")),
        ("0", Decimal(0)),
        ("0.000", Decimal(0)),
        ("1" * 24 + "." + "0" * 39, Decimal("1" * 24)),  # 64 characters: the longest text accepted
    ],
)
def test_numbers_are_read_from_their_decimal_text(value: object, number: Decimal) -> None:
    assert to_decimal("x", value) == number


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "True"),
        (False, "False"),
        (None, "None"),
        ([99.9], "[99.9]"),
        ({"a": 1}, "{'a': 1}"),
        (math.nan, "nan"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (Decimal("NaN"), "NaN"),
        (Decimal("Infinity"), "Infinity"),
        ("nan", "'nan'"),
        ("Infinity", "'Infinity'"),
        ("", "''"),
        ("   ", "'   '"),
        ("ninety", "'ninety'"),
        ("99.9%", "'99.9%'"),  # a percent sign only where a percentage is asked for
        ("९९.९", "'९९.९'"),  # Devanagari digits: Decimal reads them, a reader of the summary would not
        ("1" * 24 + "." + "0" * 40, repr("1" * 24 + "." + "0" * 12 + "...")),  # 65 characters
    ],
)
def test_what_is_not_a_finite_number_is_refused_and_shown_as_given(value: object, shown: str) -> None:
    error = _error(to_decimal, "x", value)
    assert (error.argument, error.message) == ("x", f"must be a number, got {shown}")


@pytest.mark.parametrize(
    "text",
    [
        "1" * 25,  # 25 significant digits
        "-" + "1" * 25,
        "1." + "1" * 24,
        "9e-13",  # under 1e-12 in size
        "-9e-13",
        "1e-100",
    ],
)
def test_more_digits_or_a_smaller_size_than_the_math_keeps_is_refused(text: str) -> None:
    error = _error(to_decimal, "x", text)
    assert error.message == (
        f"must have at most 24 significant digits and be 0 or at least 1e-12 in size, got {text!r}"
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("x" * 40, repr("x" * 40)),  # shown whole up to 40 characters
        ("x" * 41, repr("x" * 37 + "...")),  # then cut to 37 and an ellipsis
        ("y" * 500, repr("y" * 37 + "...")),
    ],
)
def test_long_bad_text_is_shown_cut_in_the_error(text: str, shown: str) -> None:
    assert _error(to_decimal, "x", text).message == f"must be a number, got {shown}"


# --- percentages, the budget and the time to exhaustion -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ratio"),
    [
        (99.9, Decimal("0.999")),
        ("99.9", Decimal("0.999")),
        ("99.9%", Decimal("0.999")),
        (" 99.9 % ", Decimal("0.999")),
        (50, Decimal("0.5")),
        ("0.001", Decimal("0.00001")),
        ("99.999999", Decimal("0.99999999")),
    ],
)
def test_a_percentage_is_read_as_a_ratio(value: object, ratio: Decimal) -> None:
    assert parse_percent("objective", value) == ratio


@pytest.mark.parametrize("value", [0, 100, "0%", "100%", -1, 100.5, "%", "99.9%%"])
def test_a_percentage_must_be_strictly_between_0_and_100(value: object) -> None:
    error = _error(parse_percent, "objective", value)
    assert error.argument == "objective"
    assert error.message.startswith("must be a percentage strictly between 0 and 100 (e.g. 99.9), got ")


@pytest.mark.parametrize(
    ("objective", "window", "seconds"),
    [
        (99.9, "30d", Decimal(2592)),
        ("99.95", "30d", Decimal(1296)),
        (99, "1d", Decimal(864)),
        (50, "2s", Decimal(1)),
        ("99.99", "365d", Decimal("3153.6")),
    ],
)
def test_the_error_budget_is_the_window_times_what_the_objective_leaves(
    objective: object, window: str, seconds: Decimal
) -> None:
    assert error_budget_seconds(objective, window) == seconds  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("window", "rate", "remaining", "seconds"),
    [
        ("30d", 1, 1, Decimal(2_592_000)),  # burn rate 1 spends a full budget in exactly the window
        ("30d", 1000, 1, Decimal(2592)),  # 43.2 minutes
        ("30d", "14.4", 1, Decimal(180_000)),  # the fast page's burn: 2 days and 2 hours
        ("30d", 2, "0.5", Decimal(648_000)),  # half left at twice the pace: a quarter of the window
        ("1h", 3, "0.25", Decimal(300)),
        ("30d", 4, 0, Decimal(0)),  # nothing left: exhausted now
        ("30d", "1e9", 1, Decimal("0.002592")),  # the fastest burn accepted
    ],
)
def test_time_to_exhaustion_is_what_is_left_of_the_window_at_the_burn_rate(
    window: str, rate: object, remaining: object, seconds: Decimal
) -> None:
    assert time_to_exhaustion(window, rate, remaining) == seconds  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rate", "remaining", "argument", "accepted"),
    [
        (0, 1, "burn_rate", "a burn rate greater than 0 and at most 1e9 (e.g. 14.4)"),
        ("1000000001", 1, "burn_rate", "a burn rate greater than 0 and at most 1e9 (e.g. 14.4)"),
        (1, "-0.01", "remaining_fraction", "a fraction from 0 to 1 (e.g. 0.5)"),
        (1, "1.01", "remaining_fraction", "a fraction from 0 to 1 (e.g. 0.5)"),
    ],
)
def test_time_to_exhaustion_refuses_a_rate_or_remainder_out_of_range(
    rate: object, remaining: object, argument: str, accepted: str
) -> None:
    error = _error(time_to_exhaustion, "30d", rate, remaining)
    assert error.argument == argument
    assert error.message.startswith(f"must be {accepted}, got ")


def test_the_math_is_exact_whatever_decimal_context_the_caller_set() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = ROUND_CEILING
        assert error_budget_seconds("99.95", "30d") == 1296
        assert parse_percent("o", "99.999") == Decimal("0.99999")
    assert str(time_to_exhaustion("30d", 7, 1)) == "370285.7142857142857142857143"  # 28 significant digits


def test_the_window_constants_are_the_design_conventions() -> None:
    assert MONTH_30D == 30 * 86_400
    assert YEAR_365D == 365 * 86_400


# --- errors from a model: the argument named, the path inside it ---------------------------------------------


class _Inner(StrictInput):
    availability: Percent


class _Tool(StrictInput):
    objective: Percent
    window: Duration = Decimal(2_592_000)
    items: list[_Inner] = Field(default_factory=list, max_length=2)
    label: str = Field(default="x", min_length=1, max_length=5)
    mode: Any = None
    flag: bool = False
    nested: _Inner | None = None


class _Raises(StrictInput):
    value: int = 0

    def model_post_init(self, context: Any) -> None:
        if self.value < 0:
            raise InvalidArgument("", "must not be negative")


@pytest.mark.parametrize(
    ("data", "argument", "message"),
    [
        ({}, "objective", "is required"),
        ({"objective": 100}, "objective", "must be a percentage strictly between 0 and 100 (e.g. 99.9), got 100"),
        ({"objective": 99, "extra": 1}, "extra", "is not an accepted field"),
        ({"objective": 99, "window": "0s"}, "window", None),
        (
            {"objective": 99, "items": [{"availability": 99}, {"availability": 0}]},
            "items",
            "[1].availability must be a percentage strictly between 0 and 100 (e.g. 99.9), got 0",
        ),
        ({"objective": 99, "items": [{}, {}, {}]}, "items", "must have at most 2 item(s)"),
        ({"objective": 99, "items": "no"}, "items", "must be a list, got str"),
        ({"objective": 99, "label": ""}, "label", "must not be empty"),
        ({"objective": 99, "label": "toolong"}, "label", "must be at most 5 characters"),
        ({"objective": 99, "label": 3}, "label", "must be text, got 3"),
        ({"objective": 99, "flag": "maybe"}, "flag", "must be true or false, got 'maybe'"),
        ({"objective": 99, "flag": [1]}, "flag", "must be true or false, got [1]"),
        ({"objective": 99, "nested": 5}, "nested", "must be an object, got int"),
        ({"objective": 99, "nested": {"availability": "x"}}, "nested", "availability must be a percentage"),
    ],
)
def test_a_model_error_names_the_top_level_argument_and_the_path_inside_it(
    data: dict[str, Any], argument: str, message: str | None
) -> None:
    error = _error(validate_input, _Tool, data)
    assert error.argument == argument
    if message is not None:
        assert error.message.startswith(message), error.message


def test_an_error_with_no_field_is_named_after_the_model() -> None:
    error = _error(validate_input, _Raises, {"value": -1})
    assert (error.argument, error.message) == ("_Raises", "must not be negative")


def test_a_model_validator_naming_its_field_is_reported_at_that_field() -> None:
    class Window(StrictInput):
        low: int
        high: int

        def model_post_init(self, context: Any) -> None:
            if self.low > self.high:
                raise InvalidArgument("high", f"must be at least low ({self.low})")

    class Outer(StrictInput):
        windows: list[Window]

    error = _error(validate_input, Outer, {"windows": [{"low": 1, "high": 2}, {"low": 3, "high": 2}]})
    assert (error.argument, error.message) == ("windows", "[1].high must be at least low (3)")


def test_a_literal_lists_the_accepted_values() -> None:
    from typing import Literal

    class Pick(BaseModel):
        format: Literal["text", "json"]

    error = _error(validate_input, Pick, {"format": "xml"})
    assert (error.argument, error.message) == ("format", "must be one of 'text' or 'json', got 'xml'")


# --- figures in a summary -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("0", "0"),
        ("-0", "0"),
        ("0E-30", "0"),  # a zero with an exponent is still zero
        ("-1", "-1"),
        ("-0.00001234567", "-0.00001235"),
        ("2592", "2,592"),
        ("12345", "12,345"),  # whole numbers keep every digit
        ("1234567.89", "1,234,568"),
        ("43.2", "43.2"),
        ("43.245", "43.24"),  # half to even at 4 significant digits
        ("43.255", "43.26"),
        ("43.2451", "43.25"),
        ("1.23456", "1.235"),
        ("0.000123456", "0.0001235"),
        ("0.5", "0.5"),
        ("2.000", "2"),
        ("-14.44444", "-14.44"),
        ("1e15", "1,000,000,000,000,000"),  # up to 15 digits before the point: written out
        ("1.23456e16", "1.235e+16"),  # beyond: an exponent, 4 significant digits
        ("1.5e-16", "1.500e-16"),
        ("1.2e-15", "0.0000000000000012"),  # trailing zeros dropped
    ],
)
def test_a_figure_has_four_significant_digits_whole_numbers_whole_and_no_exponent_in_range(
    number: str, shown: str
) -> None:
    assert fmt_number(Decimal(number)) == shown


@pytest.mark.parametrize(
    ("number", "significant", "rounding", "shown"),
    [
        ("99.996", 4, ROUND_FLOOR, "99.99"),
        ("99.996", 4, ROUND_CEILING, "100"),
        ("99.996", 5, ROUND_FLOOR, "99.996"),
        ("2.71828", 2, ROUND_FLOOR, "2.7"),
        ("2.71828", 3, ROUND_CEILING, "2.72"),
        ("3e20", 2, ROUND_FLOOR, "3.0e+20"),
    ],
)
def test_a_figure_is_rounded_the_way_asked(number: str, significant: int, rounding: str, shown: str) -> None:
    assert fmt_number(Decimal(number), significant, rounding) == shown


@pytest.mark.parametrize(
    ("ratio", "percent", "down"),
    [
        ("0.999", "99.9%", "99.9%"),
        ("0.250049", "25%", "25%"),
        ("0.99995", "100%", "99.99%"),  # rounded, it would promise a whole budget left; rounded down it does not
        ("0.123456", "12.35%", "12.34%"),
        ("1", "100%", "100%"),
        ("0", "0%", "0%"),
    ],
)
def test_percentages_round_to_nearest_and_what_is_left_rounds_down(ratio: str, percent: str, down: str) -> None:
    assert fmt_percent(Decimal(ratio)) == percent
    assert fmt_percent_down(Decimal(ratio)) == down


def test_percentages_take_a_number_of_significant_digits() -> None:
    assert fmt_percent(Decimal("0.123456"), 2) == "12%"
    assert fmt_percent_down(Decimal("0.129"), 2) == "12%"


@pytest.mark.parametrize(
    ("consumed", "shown"),
    [
        ("0.99996", "99.99%"),  # under exhausted stays under
        ("0.9999", "99.99%"),
        ("1", "100%"),
        ("1.00004", "100.1%"),  # over exhausted stays over
        ("1.5", "150%"),
        ("0.123456", "12.34%"),
        ("0", "0%"),
        ("2.00001", "200.1%"),
    ],
)
def test_budget_spent_is_never_shown_on_the_wrong_side_of_exhausted(consumed: str, shown: str) -> None:
    assert fmt_percent_spent(Decimal(consumed)) == shown


@pytest.mark.parametrize(
    ("ratio", "shown"),
    [
        ("1", "100%"),
        ("0.5", "50%"),
        ("0.99", "99%"),
        ("0.999", "99.9%"),
        ("0.9991", "99.91%"),
        ("0.99970003", "99.97%"),  # enough decimals to show its nines, not every digit
        ("0.9999", "99.99%"),
        ("0.99999", "99.999%"),
        ("0.999995", "99.9995%"),
        ("0.98765", "98.76%"),  # rounded down: never shown more available than it is
        ("0.9996951", "99.969%"),
        ("0.999999999999", "99.9999999999%"),
        ("0.99999999999999", "99.999999999999%"),
        ("0.9999999999999999", "99.999999999999%"),  # twelve decimals at most, and never "100%" when it is not
    ],
)
def test_an_availability_shows_its_nines(ratio: str, shown: str) -> None:
    assert fmt_availability(Decimal(ratio)) == shown


@pytest.mark.parametrize(
    ("ratio", "places", "shown"),
    [
        ("0.9996951", 2, "99.969%"),
        ("0.9996951", 4, "99.9695%"),  # beside a 99.9695% target: as many decimals as it has
        ("0.99969499", 4, "99.9694%"),  # and still rounded down, so a miss never reads as a match
        ("0.99970003", 6, "99.970003%"),
        ("0.999", 0, "99.9%"),
    ],
)
def test_an_availability_beside_a_target_has_the_targets_decimals(ratio: str, places: int, shown: str) -> None:
    assert fmt_availability(Decimal(ratio), places) == shown


@pytest.mark.parametrize(("number", "places"), [("99.9", 1), ("99.90", 1), ("99.95", 2), ("100", 0), ("1E+2", 0)])
def test_decimal_places_count_what_the_number_shows(number: str, places: int) -> None:
    assert decimal_places(Decimal(number)) == places


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("5000", "5,000"),
        ("12345678", "12,345,678"),  # a count keeps every digit
        ("5000.0", "5,000"),
        ("12.5", "12.5"),
        ("1234.56", "1,235"),
    ],
)
def test_event_counts_keep_every_digit_when_whole(number: str, shown: str) -> None:
    assert fmt_events(Decimal(number)) == shown


def test_whole_events_round_down_and_up_as_asked() -> None:
    assert (floor_int(Decimal("5000.6")), ceil_int(Decimal("5000.2"))) == (5000, 5001)
    assert (floor_int(Decimal("-0.5")), ceil_int(Decimal("-0.5"))) == (-1, 0)
    assert (floor_int(Decimal(7)), ceil_int(Decimal(7))) == (7, 7)
    assert fmt_count(1234567) == "1,234,567"


@pytest.mark.parametrize(
    ("number", "shown"),
    [("99.90", "99.9"), ("1E+3", "1000"), ("0.000001", "0.000001"), ("-0", "0"), ("-0.0", "0"), ("-2.50", "-2.5")],
)
def test_a_users_number_is_written_back_as_they_wrote_it(number: str, shown: str) -> None:
    assert fmt_plain(Decimal(number)) == shown


def test_results_are_floats_without_negative_zero() -> None:
    assert math.copysign(1.0, as_float(Decimal("-0"))) == 1.0
    assert as_float(Decimal("99.95")) == 99.95
    assert as_float_or_none(None) is None
    assert as_float_or_none(Decimal("0.5")) == 0.5
    assert round_to(Decimal("0.1234567891")) == Decimal("0.123457")
    assert round_to(Decimal("2.5"), 0) == Decimal(2)


def test_a_result_keeps_all_28_significant_digits_however_small() -> None:
    # A third of the budget left at the fastest burn: 0.000863999... s, 28 significant digits, none lost to a
    # floor on the exponent.
    seconds = time_to_exhaustion("30d", "1e9", "0.333333333333333333333333")
    assert seconds == Decimal("0.000863999999999999999999999136")
    assert len(seconds.as_tuple().digits) == 28


def test_the_exact_functions_keep_their_names_documentation_and_signatures() -> None:
    import inspect

    for fn, parameters in (
        (parse_percent, ["name", "value"]),
        (error_budget_seconds, ["objective", "window"]),
        (time_to_exhaustion, ["window", "burn_rate", "remaining_fraction"]),
    ):
        assert fn.__name__ in fn.__qualname__
        assert "Raises:" in (fn.__doc__ or "")
        assert list(inspect.signature(fn).parameters) == parameters


def test_a_duration_argument_is_text_of_1_to_64_characters_in_its_schema() -> None:
    assert TypeAdapter(Duration).json_schema() == {"maxLength": 64, "minLength": 1, "type": "string"}
    assert TypeAdapter(Duration).validate_python("1h") == Decimal(3600)


def test_validated_arguments_and_results_cannot_be_changed_afterwards() -> None:
    from pydantic import ValidationError

    from persona_mcp.sre.numbers import Result

    class Out(Result):
        value: int

    arguments = validate_input(_Inner, {"availability": 99.9})
    with pytest.raises(ValidationError):
        arguments.availability = Decimal(1)  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Out(value=1).value = 2  # type: ignore[misc]


def test_with_several_bad_arguments_the_first_is_named() -> None:
    error = _error(validate_input, _Tool, {"objective": 100, "label": ""})
    assert error.argument == "objective"


def test_a_name_is_1_to_100_characters_without_surrounding_space() -> None:
    from persona_mcp.sre.numbers import Name

    adapter = TypeAdapter(Name)
    assert adapter.validate_python("  db  ") == "db"
    assert adapter.validate_python("n" * 100) == "n" * 100
    for bad in ("n" * 101, "   ", ""):
        with pytest.raises(ValueError, match="String should have"):
            adapter.validate_python(bad)


def test_text_arguments_lose_their_surrounding_space() -> None:
    assert validate_input(_Tool, {"objective": 99, "label": "  ab  "}).label == "ab"
