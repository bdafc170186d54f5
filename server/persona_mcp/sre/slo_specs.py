"""SLOs as code, read into one model: Sloth specs (`version: prometheus/v1`), OpenSLO v1 `SLO` documents with
a ratio metric, and a short native form for teams with neither.

Every SLO is an availability objective over a window with an error-ratio SLI whose Prometheus queries carry
Sloth's `{{.window}}` placeholder. A bad spec is refused with the field that is wrong, as every other input
of persona-mcp: `slos[0].objective: must be > 0 and < 100, got 100.5`.

The native form, for a team that has no SLO tool yet:

    service: checkout
    slos:
      - name: availability
        objective: 99.9
        window: 30d
        errors: sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))
        total: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from persona_mcp.errors import InvalidArgument
from persona_mcp.sre.durations import DAY, format_window, parse_duration

WINDOW = "{{.window}}"
SLOTH_WINDOW = "30d"
"""Sloth's default SLO period (its `--default-slo-period`); a Sloth spec names none of its own."""
NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$")


@dataclass(frozen=True)
class SLI:
    """An error-ratio SLI: errors over total, 1 - good over total, or a raw error ratio."""

    errors: str | None = None
    total: str | None = None
    good: str | None = None
    ratio: str | None = None

    def error_ratio(self, window: str) -> str:
        """The PromQL error ratio over `window` (e.g. "5m")."""

        def at(query: str) -> str:
            return query.replace(WINDOW, window).strip()

        if self.ratio is not None:
            return f"({at(self.ratio)})"
        assert self.total is not None
        if self.errors is not None:
            return f"({at(self.errors)})\n/\n({at(self.total)})"
        assert self.good is not None
        return f"1 - (\n({at(self.good)})\n/\n({at(self.total)})\n)"


@dataclass(frozen=True)
class Alerting:
    """How a spec names and labels its alerts (Sloth's `alerting` block)."""

    name: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    page_labels: dict[str, str] = field(default_factory=dict)
    ticket_labels: dict[str, str] = field(default_factory=dict)
    page: bool = True
    ticket: bool = True


@dataclass(frozen=True)
class SLO:
    """One availability objective of a service."""

    service: str
    name: str
    objective: Decimal
    """Percent, exact as written."""
    window_seconds: Decimal
    sli: SLI
    labels: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    alerting: Alerting = field(default_factory=Alerting)
    source: str = "native"

    @property
    def id(self) -> str:
        """`service-name`, as Sloth's `sloth_id`."""
        return f"{self.service}-{self.name}"

    @property
    def alert_name(self) -> str:
        """The spec's alert name, or service and SLO in CamelCase + ErrorBudgetBurn (CheckoutAvailability...)."""
        words = re.split(r"[^a-zA-Z0-9]+", f"{self.service} {self.name}")
        return self.alerting.name or "".join(w[:1].upper() + w[1:] for w in words if w) + "ErrorBudgetBurn"

    @property
    def window(self) -> str:
        """The window as written in rules and specs, e.g. "30d"."""
        return format_window(self.window_seconds)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _labels(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise InvalidArgument(where, "must be a mapping of label names to values")
    return {k: str(v) for k, v in value.items()}


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not NAME.match(value):
        shown = repr(value)[:80]
        raise InvalidArgument(where, f"must be a name of letters, digits, '-', '_' or '.', got {shown}")
    return value


def _objective(value: Any, where: str, *, fraction: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidArgument(where, f"must be a number, got {value!r}"[:200])
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidArgument(where, f"must be a number, got {value!r}"[:200]) from None
    percent = number * 100 if fraction else number
    if not percent.is_finite() or not 0 < percent < 100:
        bounds = "> 0 and < 1" if fraction else "> 0 and < 100"
        raise InvalidArgument(where, f"must be {bounds}, got {value}")
    return percent


def _window(value: Any, where: str) -> Decimal:
    if isinstance(value, str) and value.strip().endswith("M"):
        raise InvalidArgument(where, f"{value!r}: a month is not a fixed length; give 28d or 30d")
    seconds = parse_duration(value, where)
    if seconds < DAY:
        raise InvalidArgument(where, f"must be a day or longer (an SLO window), got {value!r}")
    return seconds


def _query(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgument(where, "is required: a PromQL query")
    if WINDOW not in value:
        raise InvalidArgument(where, f"must contain the {WINDOW} placeholder where the range goes")
    if len(value) > 10_000:
        raise InvalidArgument(where, "is over 10,000 characters")
    return value.strip()


def read_slo_documents(
    documents: list[Any], default_window: str = SLOTH_WINDOW, queries: tuple[str, str] | None = None
) -> list[SLO]:
    """The SLOs of a spec file's documents (Sloth, OpenSLO, native, or a readiness manifest's `slo`, whose
    error and total queries come from `queries` when the manifest does not carry them).

    Raises:
        InvalidArgument: Naming the field that is wrong; or if no document holds an SLO.
    """
    slos: list[SLO] = []
    for index, doc in enumerate(documents):
        prefix = f"document {index + 1}: " if len(documents) > 1 else ""
        data = _mapping(doc)
        try:
            api = str(data.get("apiVersion", ""))
            if data.get("version") == "prometheus/v1":
                slos += _sloth(data, default_window)
            elif api.startswith("sloth.slok.dev/") and data.get("kind") == "PrometheusServiceLevel":
                slos += _sloth(_mapping(data.get("spec")), default_window, crd=True)
            elif api == "openslo/v1alpha" and data.get("kind") == "SLO":
                slos += _openslo_v1alpha(data)
            elif api.startswith("openslo/"):
                if data.get("kind") == "SLO":
                    slos.append(_openslo(data, documents))
            elif "slos" in data:
                slos += _native(data)
            elif isinstance(data.get("slo"), dict) and "name" in data:
                slos.append(_manifest(data, default_window, queries))
        except InvalidArgument as exc:
            raise InvalidArgument(f"{prefix}{exc.argument}", exc.message) from None
    if not slos:
        raise InvalidArgument(
            "spec", "holds no SLO: expected a Sloth spec (version: prometheus/v1), an OpenSLO SLO or slos: [...]"
        )
    ids = [slo.id for slo in slos]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InvalidArgument("slos", f"SLO ids must be unique, repeated: {', '.join(repeated)}")
    return slos


def _sloth(data: dict[str, Any], default_window: str, *, crd: bool = False) -> list[SLO]:
    """A Sloth spec; `crd`: the spec of a PrometheusServiceLevel object, whose keys are camelCase."""

    def key(snake: str) -> str:
        head, *rest = snake.split("_")
        return head + "".join(part.title() for part in rest) if crd else snake

    service = _name(data.get("service"), "service")
    labels = _labels(data.get("labels"), "labels")
    window = _window(default_window, "window")
    slos = data.get("slos")
    if not isinstance(slos, list) or not slos:
        raise InvalidArgument("slos", "is required: a list of SLOs")
    found = []
    for i, raw in enumerate(slos):
        at = f"slos[{i}]"
        slo = _mapping(raw)
        sli = _mapping(slo.get("sli"))
        if "events" in sli:
            events = _mapping(sli["events"])
            errors, total = key("error_query"), key("total_query")
            spec_sli = SLI(
                errors=_query(events.get(errors), f"{at}.sli.events.{errors}"),
                total=_query(events.get(total), f"{at}.sli.events.{total}"),
            )
        elif "raw" in sli:
            ratio = key("error_ratio_query")
            spec_sli = SLI(ratio=_query(_mapping(sli["raw"]).get(ratio), f"{at}.sli.raw.{ratio}"))
        else:
            raise InvalidArgument(f"{at}.sli", "needs events {error_query, total_query} or raw {error_ratio_query}")
        alerting = _mapping(slo.get("alerting"))
        page_key, ticket_key = key("page_alert"), key("ticket_alert")
        page = _mapping(alerting.get(page_key))
        ticket = _mapping(alerting.get(ticket_key))
        found.append(
            SLO(
                service=service,
                name=_name(slo.get("name"), f"{at}.name"),
                objective=_objective(slo.get("objective"), f"{at}.objective"),
                window_seconds=window,
                sli=spec_sli,
                labels={**labels, **_labels(slo.get("labels"), f"{at}.labels")},
                description=str(slo["description"]) if slo.get("description") else None,
                alerting=Alerting(
                    name=str(alerting["name"]) if alerting.get("name") else None,
                    labels=_labels(alerting.get("labels"), f"{at}.alerting.labels"),
                    annotations=_labels(alerting.get("annotations"), f"{at}.alerting.annotations"),
                    page_labels=_labels(page.get("labels"), f"{at}.alerting.{page_key}.labels"),
                    ticket_labels=_labels(ticket.get("labels"), f"{at}.alerting.{ticket_key}.labels"),
                    page=page.get("disable") is not True,
                    ticket=ticket.get("disable") is not True,
                ),
                source="sloth",
            )
        )
    return found


def _openslo_query(metric: Any, where: str) -> str:
    source = _mapping(_mapping(metric).get("metricSource"))
    return _query(_mapping(source.get("spec")).get("query"), f"{where}.metricSource.spec.query")


def _openslo(data: dict[str, Any], documents: list[Any]) -> SLO:
    spec = _mapping(data.get("spec"))
    name = _name(_mapping(data.get("metadata")).get("name"), "metadata.name")
    indicator = _mapping(spec.get("indicator"))
    if not indicator and spec.get("indicatorRef"):
        ref = spec["indicatorRef"]
        indicator = next(
            (
                _mapping(d)
                for d in documents
                if _mapping(d).get("kind") == "SLI" and _mapping(_mapping(d).get("metadata")).get("name") == ref
            ),
            {},
        )
        if not indicator:
            raise InvalidArgument("spec.indicatorRef", f"no SLI named {ref!r} in this file")
    ratio = _mapping(_mapping(indicator.get("spec")).get("ratioMetric"))
    if not ratio:
        raise InvalidArgument("spec.indicator.spec", "needs a ratioMetric (a thresholdMetric has no error ratio)")
    at = "spec.indicator.spec.ratioMetric"
    total = _openslo_query(ratio.get("total"), f"{at}.total")
    if "bad" in ratio:
        sli = SLI(errors=_openslo_query(ratio["bad"], f"{at}.bad"), total=total)
    else:
        sli = SLI(good=_openslo_query(ratio.get("good"), f"{at}.good"), total=total)
    windows = spec.get("timeWindow")
    if not isinstance(windows, list) or not windows:
        raise InvalidArgument("spec.timeWindow", "is required: [{duration: 28d, isRolling: true}]")
    if _mapping(windows[0]).get("isRolling") is False:
        raise InvalidArgument("spec.timeWindow[0].isRolling", "calendar windows are not supported; use a rolling one")
    objectives = spec.get("objectives")
    if not isinstance(objectives, list) or not objectives:
        raise InvalidArgument("spec.objectives", "is required: [{target: 0.999}]")
    first = _mapping(objectives[0])
    if "target" in first:
        objective = _objective(first["target"], "spec.objectives[0].target", fraction=True)
    else:
        objective = _objective(first.get("targetPercent"), "spec.objectives[0].targetPercent")
    return SLO(
        service=_name(spec.get("service"), "spec.service"),
        name=name,
        objective=objective,
        window_seconds=_window(_mapping(windows[0]).get("duration"), "spec.timeWindow[0].duration"),
        sli=sli,
        description=str(spec["description"]) if spec.get("description") else None,
        source="openslo",
    )


UNITS = {"Second": "s", "Minute": "m", "Hour": "h", "Day": "d", "Week": "w"}


def _openslo_v1alpha(data: dict[str, Any]) -> list[SLO]:
    """OpenSLO v1alpha, as Sloth reads it: `objectives[].ratioMetrics` and `timeWindows[{count, unit}]`."""
    spec = _mapping(data.get("spec"))
    name = _name(_mapping(data.get("metadata")).get("name"), "metadata.name")
    windows = spec.get("timeWindows")
    if not isinstance(windows, list) or not windows:
        raise InvalidArgument("spec.timeWindows", "is required: [{count: 30, unit: Day}]")
    first = _mapping(windows[0])
    unit = UNITS.get(str(first.get("unit")))
    if unit is None or isinstance(first.get("count"), bool) or not isinstance(first.get("count"), int):
        raise InvalidArgument("spec.timeWindows[0]", f"needs a whole count and a unit of {', '.join(UNITS)}")
    window = _window(f"{first['count']}{unit}", "spec.timeWindows[0]")
    objectives = spec.get("objectives")
    if not isinstance(objectives, list) or not objectives:
        raise InvalidArgument("spec.objectives", "is required")
    found = []
    for i, raw in enumerate(objectives):
        at = f"spec.objectives[{i}]"
        objective = _mapping(raw)
        ratio = _mapping(objective.get("ratioMetrics"))
        if not ratio:
            raise InvalidArgument(f"{at}.ratioMetrics", "is required (a threshold objective has no error ratio)")
        total = _query(_mapping(ratio.get("total")).get("query"), f"{at}.ratioMetrics.total.query")
        if "bad" in ratio:
            sli = SLI(errors=_query(_mapping(ratio["bad"]).get("query"), f"{at}.ratioMetrics.bad.query"), total=total)
        else:
            sli = SLI(
                good=_query(_mapping(ratio.get("good")).get("query"), f"{at}.ratioMetrics.good.query"), total=total
            )
        found.append(
            SLO(
                service=_name(spec.get("service"), "spec.service"),
                name=name if len(objectives) == 1 else f"{name}-{i}",
                objective=_objective(objective.get("target"), f"{at}.target", fraction=True),
                window_seconds=window,
                sli=sli,
                description=str(spec["description"]) if spec.get("description") else None,
                source="openslo",
            )
        )
    return found


def _manifest(data: dict[str, Any], default_window: str, queries: tuple[str, str] | None) -> SLO:
    """A readiness manifest's availability objective (its latency objective is not an error ratio)."""
    slo = data["slo"]
    errors, total = slo.get("error_query"), slo.get("total_query")
    if (errors is None or total is None) and queries is not None:
        errors, total = queries
    if errors is None or total is None:
        raise InvalidArgument(
            "slo.error_query", "and slo.total_query are needed to write rules: add them, or pass --errors and --total"
        )
    return SLO(
        service=_name(data.get("name"), "name"),
        name="availability",
        objective=_objective(slo.get("availability"), "slo.availability"),
        window_seconds=_window(slo.get("window") or default_window, "slo.window"),
        sli=SLI(errors=_query(errors, "slo.error_query"), total=_query(total, "slo.total_query")),
        source="manifest",
    )


def _native(data: dict[str, Any]) -> list[SLO]:
    service = _name(data.get("service"), "service")
    slos = data.get("slos")
    if not isinstance(slos, list) or not slos:
        raise InvalidArgument("slos", "is required: a list of SLOs")
    found = []
    for i, raw in enumerate(slos):
        at = f"slos[{i}]"
        slo = _mapping(raw)
        sli = (
            SLI(ratio=_query(slo.get("error_ratio"), f"{at}.error_ratio"))
            if "error_ratio" in slo
            else SLI(errors=_query(slo.get("errors"), f"{at}.errors"), total=_query(slo.get("total"), f"{at}.total"))
        )
        found.append(
            SLO(
                service=service,
                name=_name(slo.get("name"), f"{at}.name"),
                objective=_objective(slo.get("objective"), f"{at}.objective"),
                window_seconds=_window(slo.get("window", SLOTH_WINDOW), f"{at}.window"),
                sli=sli,
                labels=_labels(slo.get("labels"), f"{at}.labels"),
                description=str(slo["description"]) if slo.get("description") else None,
                source="native",
            )
        )
    return found


# --- writing specs back out ---------------------------------------------------------------------------------


def _sloth_sli(sli: SLI) -> dict[str, Any]:
    if sli.errors is not None and sli.total is not None:
        return {"events": {"error_query": sli.errors, "total_query": sli.total}}
    if sli.ratio is not None:
        return {"raw": {"error_ratio_query": sli.ratio}}
    assert sli.good is not None
    assert sli.total is not None
    return {"raw": {"error_ratio_query": f"1 - (({sli.good}) / ({sli.total}))"}}


def to_sloth(slos: list[SLO]) -> list[dict[str, Any]]:
    """Sloth `prometheus/v1` specs, one per service. Sloth specs name no window: a window other than 30 days
    is kept in each SLO's description and has to be given to Sloth (`--default-slo-period`)."""
    specs: dict[str, dict[str, Any]] = {}
    for slo in slos:
        spec = specs.setdefault(slo.service, {"version": "prometheus/v1", "service": slo.service, "slos": []})
        entry: dict[str, Any] = {"name": slo.name, "objective": float(slo.objective)}
        if slo.description or slo.window != SLOTH_WINDOW:
            window_note = "" if slo.window == SLOTH_WINDOW else f" (window {slo.window})"
            entry["description"] = f"{slo.description or ''}{window_note}".strip()
        if slo.labels:
            entry["labels"] = dict(slo.labels)
        entry["sli"] = _sloth_sli(slo.sli)
        alerting: dict[str, Any] = {"name": slo.alert_name}
        if slo.alerting.labels:
            alerting["labels"] = dict(slo.alerting.labels)
        if slo.alerting.annotations:
            alerting["annotations"] = dict(slo.alerting.annotations)
        for key, on, extra in (
            ("page_alert", slo.alerting.page, slo.alerting.page_labels),
            ("ticket_alert", slo.alerting.ticket, slo.alerting.ticket_labels),
        ):
            block: dict[str, Any] = {}
            if extra:
                block["labels"] = dict(extra)
            if not on:
                block["disable"] = True
            if block:
                alerting[key] = block
        entry["alerting"] = alerting
        spec["slos"].append(entry)
    return list(specs.values())


def to_openslo(slos: list[SLO]) -> list[dict[str, Any]]:
    """OpenSLO v1 `SLO` documents with their ratio indicator inline and a rolling window."""

    def metric(query: str) -> dict[str, Any]:
        return {"metricSource": {"type": "Prometheus", "spec": {"query": query}}}

    documents = []
    for slo in slos:
        sli = slo.sli
        if sli.errors is not None and sli.total is not None:
            ratio = {"bad": metric(sli.errors), "total": metric(sli.total)}
        elif sli.good is not None and sli.total is not None:
            ratio = {"good": metric(sli.good), "total": metric(sli.total)}
        else:
            raise InvalidArgument(
                f"slos[{slos.index(slo)}]", "a raw error-ratio SLI has no good/bad and total queries for OpenSLO"
            )
        spec: dict[str, Any] = {
            "service": slo.service,
            "indicator": {"metadata": {"name": f"{slo.id}-sli"}, "spec": {"ratioMetric": ratio}},
            "timeWindow": [{"duration": slo.window, "isRolling": True}],
            "budgetingMethod": "Occurrences",
            "objectives": [{"target": float(slo.objective / 100)}],
        }
        if slo.description:
            spec["description"] = slo.description
        documents.append({"apiVersion": "openslo/v1", "kind": "SLO", "metadata": {"name": slo.name}, "spec": spec})
    return documents
