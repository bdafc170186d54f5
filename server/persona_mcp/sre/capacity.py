"""Capacity forecasts: from current load, its growth and the capacity provisioned, when the service crosses
its utilisation threshold and how much headroom it has until then.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Annotated, Literal

from pydantic import Field

from persona_mcp.sre.numbers import (
    HUNDRED,
    ONE,
    Num,
    NumberLike,
    Result,
    StrictInput,
    as_float,
    as_float_or_none,
    exact,
    fmt_number,
    fmt_plain,
    round_to,
    validate_input,
)

Period = Literal["day", "week", "month", "quarter", "year"]


class CapacityInput(StrictInput):
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


class CapacityForecast(Result):
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


@exact
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
    args = validate_input(
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
    growth = args.growth_rate / HUNDRED
    rate_ln = (ONE + growth).ln() if growth != 0 else Decimal(0)
    periods: Decimal | None
    if past:
        periods = Decimal(0)
    elif growth > 0:
        periods = round_to(scale.ln() / rate_ln)
    else:
        periods = None
    order_by = None if periods is None else periods - args.lead_time_periods
    doubling = round_to(Decimal(2).ln() / rate_ln) if growth > 0 else None
    latency = args.latency_seconds

    unit = args.period + "s"
    given = f"{fmt_number(args.current_load)} at {fmt_plain(args.current_utilization)}%"
    if past:
        summary = (
            f"{given} is already at or above the {fmt_plain(args.threshold_utilization)}% threshold "
            f"(breaking point {fmt_number(breaking)}): add capacity now"
        )
    elif periods is None or order_by is None:
        summary = (
            f"{given} breaks at {fmt_number(breaking)} ({fmt_plain(args.threshold_utilization)}%), but at "
            f"{fmt_plain(args.growth_rate)}% growth per {args.period} it never reaches it"
        )
    else:
        # Time left is rounded down and lateness up, so the text never gives more time than the fields.
        when = (
            f"order within {fmt_number(order_by, 3, ROUND_FLOOR)} {unit}"
            if order_by >= 0
            else f"order {fmt_number(-order_by, 3, ROUND_CEILING)} {unit} late"
        )
        summary = (
            f"{given} reaches the {fmt_plain(args.threshold_utilization)}% threshold ({fmt_number(breaking)}) in "
            f"{fmt_number(periods, 3, ROUND_FLOOR)} {unit} at {fmt_plain(args.growth_rate)}%/{args.period}; {when}"
        )
    return CapacityForecast(
        current_load=as_float(args.current_load),
        current_utilization_percent=as_float(args.current_utilization),
        threshold_utilization_percent=as_float(args.threshold_utilization),
        growth_rate_percent=as_float(args.growth_rate),
        period=args.period,
        breaking_point_load=as_float(breaking),
        load_headroom_percent=as_float((scale - ONE) * HUNDRED),
        already_past_threshold=past,
        periods_until_threshold=as_float_or_none(periods),
        lead_time_periods=as_float(args.lead_time_periods),
        order_by_period=as_float_or_none(order_by),
        order_late=order_by is not None and order_by < 0,
        doubling_periods=as_float_or_none(doubling),
        concurrency_now=None if latency is None else as_float(args.current_load * latency),
        concurrency_at_breaking_point=None if latency is None else as_float(breaking * latency),
        summary=summary,
    )
