"""CLI commands over the SLO and reliability math: `slo budget|status|alerts`, `availability`, `capacity`,
`toil`, `oncall`. Numbers are passed to the core as the text the user typed, so the math stays exact.

The math module is imported by the commands that use it, so serving stdio does not pay for it at start.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from persona_mcp.cli.tables import render_model
from persona_mcp.data import load_yaml_file

if TYPE_CHECKING:  # the views load with the first html export, not with every command
    from persona_mcp.views.pages import ViewName

Handler = Callable[[argparse.Namespace], BaseModel]


def emit(model: BaseModel, fmt: str, view: ViewName | None = None) -> int:
    """Print a result as a table, as JSON, or as the self-contained HTML page of its `view`; returns 0."""
    if fmt == "json":
        print(json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False))
    elif fmt == "html" and view is not None:
        from persona_mcp.views.pages import standalone_html

        print(standalone_html(view, model.model_dump(mode="json")), end="")
    else:
        print(render_model(model), end="")
    return 0


def _run(handler: Handler, view: ViewName | None = None) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        return emit(handler(args), args.format, view)

    return run


def _file(path: str) -> Any:
    """A YAML or JSON file (JSON is YAML), read with the project's safe loader."""
    return load_yaml_file(Path(path))


def _add(
    sub: Any,
    name: str,
    help_text: str,
    handler: Handler,
    parents: list[argparse.ArgumentParser],
    view: ViewName | None = None,
) -> argparse.ArgumentParser:
    # argparse %-formats `help` (so a percent sign is written %%) but prints `description` as it is.
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text.replace("%", "%%"), description=help_text, parents=parents
    )
    formats = ["text", "json", "html"] if view else ["text", "json"]
    shown = "default: text; html: the picture as one self-contained page" if view else "default: text"
    parser.add_argument("--format", choices=formats, default="text", help=shown)
    parser.set_defaults(handler=_run(handler, view))
    return parser


def _objective(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("objective", metavar="OBJECTIVE", help="SLO in percent, e.g. 99.9")
    parser.add_argument("--window", default="30d", help="SLO window: 30d, 28d, 4w, 1h, P30D (default: 30d)")


def _budget(args: argparse.Namespace) -> BaseModel:
    from persona_mcp.sre.budget import error_budget

    return error_budget(args.objective, args.window, args.total_events, args.sla)


def _status(args: argparse.Namespace) -> BaseModel:
    from persona_mcp.sre.budget import budget_status

    return budget_status(
        args.objective,
        args.window,
        downtime_seconds=args.downtime_seconds,
        bad_events=args.bad_events,
        total_events=args.total_events,
        elapsed=args.elapsed,
        at_risk_threshold=args.at_risk_threshold,
        exhausted_threshold=args.exhausted_threshold,
    )


def _alerts(args: argparse.Namespace) -> BaseModel:
    from persona_mcp.sre.alerts import burn_rate_alerts

    alerts = _file(args.alerts) if args.alerts else None
    return burn_rate_alerts(args.objective, args.window, args.profile, alerts)


def _availability(args: argparse.Namespace) -> BaseModel:
    from persona_mcp.sre.availability import composite_availability

    return composite_availability(_file(args.file), args.target)


def _capacity(args: argparse.Namespace) -> BaseModel:
    from persona_mcp.sre.capacity import capacity_forecast

    return capacity_forecast(
        args.current_load,
        args.current_utilization,
        args.threshold_utilization,
        args.growth_rate,
        args.period,
        args.lead_time_periods,
        args.latency_seconds,
    )


def _toil(args: argparse.Namespace) -> BaseModel:
    from persona_mcp.sre.toil import toil_assessment

    data = _file(args.file)
    tasks = data.get("tasks") if isinstance(data, dict) else data
    return toil_assessment(tasks if isinstance(tasks, list) else [data], args.team_size, args.hours_per_week)


def _oncall(args: argparse.Namespace) -> BaseModel:
    from persona_mcp.sre.oncall import oncall_load

    return oncall_load(
        args.team_size,
        args.pages_per_week,
        args.shift_hours,
        args.people_on_call,
        args.incident_hours_per_page,
        args.max_oncall_fraction,
    )


def _rules(args: argparse.Namespace) -> int:
    from persona_mcp.data import parse_yaml_documents, read_text
    from persona_mcp.sre.slo_rules import rules_yaml
    from persona_mcp.sre.slo_specs import read_slo_documents

    documents = parse_yaml_documents(read_text(Path(args.spec)), args.spec)
    queries = (args.errors, args.total) if args.errors and args.total else None
    slos = read_slo_documents(documents, default_window=args.window, queries=queries)
    if args.format in ("sloth", "openslo"):
        import yaml

        from persona_mcp.sre.slo_specs import to_openslo, to_sloth

        converted = to_sloth(slos) if args.format == "sloth" else to_openslo(slos)
        print(yaml.safe_dump_all(converted, sort_keys=False, width=200, allow_unicode=True), end="")
        return 0
    print(rules_yaml(slos, args.profile, operator=args.format == "prometheus-operator"), end="")
    return 0


def add_sre_commands(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Register the SRE math commands on the top-level subparsers."""
    slo_parser = sub.add_parser("slo", help="SLO error budget, budget status and burn-rate alerts", parents=parents)
    slo_sub = slo_parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    budget = _add(slo_sub, "budget", "error budget of an SLO over a window", _budget, parents)
    _objective(budget)
    budget.add_argument("--total-events", help="valid events in the window: gives allowed bad events")
    budget.add_argument("--sla", help="contract SLA in percent; flagged unless looser than the SLO")

    status = _add(slo_sub, "status", "budget consumed, burn rate and policy state", _status, parents, "budget")
    _objective(status)
    status.add_argument("--downtime-seconds", help="bad time so far (time-based SLO)")
    status.add_argument("--bad-events", help="bad events so far (with --total-events)")
    status.add_argument("--total-events", help="valid events so far")
    status.add_argument("--elapsed", help="part of the window elapsed, e.g. 10d (default: all of it)")
    status.add_argument("--at-risk-threshold", default="25", help="at risk below this %% of budget left")
    status.add_argument("--exhausted-threshold", default="100", help="exhausted at this %% of budget spent")

    alerts = _add(slo_sub, "alerts", "multiwindow, multi-burn-rate alerts", _alerts, parents, "alerts")
    _objective(alerts)
    alerts.add_argument("--profile", choices=["workbook", "sloth", "custom"], default="workbook")
    alerts.add_argument("--alerts", metavar="FILE", help="YAML list of custom alerts (with --profile custom)")

    rules = slo_sub.add_parser(
        "rules",
        help="Prometheus recording rules and burn-rate alerts from a Sloth, OpenSLO or native SLO spec",
        description="Write Prometheus rules for the SLOs of SPEC: the error ratio over each window the alerts use, "
        "the SLO's metadata, and multiwindow, multi-burn-rate alerts (Sloth's names and labels).",
        parents=parents,
    )
    rules.add_argument("spec", metavar="SPEC", help="Sloth spec, OpenSLO SLO document or native SLO file")
    rules.add_argument(
        "--format",
        choices=["prometheus", "prometheus-operator", "sloth", "openslo"],
        default="prometheus",
        help="rules (default), a PrometheusRule object, or the SLOs converted to a Sloth spec or OpenSLO",
    )
    rules.add_argument("--profile", choices=["workbook", "sloth"], default="workbook", help="default: workbook")
    rules.add_argument("--window", default="30d", help="SLO window of a Sloth spec, which names none (default: 30d)")
    rules.add_argument(
        "--errors", metavar="QUERY", help="for a readiness manifest: the bad events query, with {{.window}}"
    )
    rules.add_argument("--total", metavar="QUERY", help="for a readiness manifest: the total events query")
    rules.set_defaults(handler=_rules)

    availability = _add(sub, "availability", "availability of a system of dependencies", _availability, parents)
    availability.add_argument("file", metavar="FILE", help="YAML or JSON system tree (serial/parallel/k_of_n)")
    availability.add_argument("--target", help="target in percent: checks each hard dependency's extra nine")

    capacity = _add(sub, "capacity", "when growth reaches a utilization threshold", _capacity, parents)
    capacity.add_argument("--current-load", required=True, help="load now, e.g. requests per second")
    capacity.add_argument("--current-utilization", required=True, help="utilization now, percent")
    capacity.add_argument("--threshold-utilization", required=True, help="highest safe utilization, percent")
    capacity.add_argument("--growth-rate", required=True, help="compound growth per period, percent")
    capacity.add_argument("--period", choices=["day", "week", "month", "quarter", "year"], default="month")
    capacity.add_argument("--lead-time-periods", default="0", help="periods needed to add capacity")
    capacity.add_argument("--latency-seconds", help="latency: gives concurrency by Little's law")

    toil = _add(sub, "toil", "toil hours against the 50% cap, and automation payback", _toil, parents)
    toil.add_argument("file", metavar="FILE", help="YAML list of tasks (or a mapping with `tasks`)")
    toil.add_argument("--team-size", required=True, help="engineers sharing the toil")
    toil.add_argument("--hours-per-week", default="40", help="working hours per engineer (default: 40)")

    oncall = _add(
        sub, "oncall", "is a rotation sustainable: time on call, each shift's work, team ops work", _oncall, parents
    )
    oncall.add_argument("--team-size", required=True, help="engineers in the rotation")
    oncall.add_argument("--pages-per-week", required=True, help="pages per week")
    oncall.add_argument("--shift-hours", default="168", help="one engineer's shift, hours (default: 168, a week)")
    oncall.add_argument("--people-on-call", default="1", help="on call at once (default: 1)")
    oncall.add_argument("--incident-hours-per-page", default="6", help="hours of work per page (default: 6)")
    oncall.add_argument("--max-oncall-fraction", default="0.25", help="cap on time on call (default: 0.25)")
