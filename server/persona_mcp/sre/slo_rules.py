"""Prometheus rules for SLOs: the error ratio recorded over every window the alerts use, the SLO's metadata,
and multiwindow, multi-burn-rate alerts computed by the same code as `slo_burn_rate_alerts`.

Names and labels follow Sloth's conventions, so dashboards and tooling built for Sloth (its Grafana
dashboards among them) read these rules as they are: `slo:sli_error:ratio_rate<window>` recorded per window
with `sloth_id`, `sloth_service`, `sloth_slo` and `sloth_window` labels; `slo:objective:ratio`,
`slo:error_budget:ratio`, `slo:time_period:days`, `slo:current_burn_rate:ratio`, `slo:period_burn_rate:ratio`
and `slo:period_error_budget_remaining:ratio`; one page and one ticket alert per SLO, each firing when any of
its window pairs burns faster than its threshold (the long window and the short one, both, so the alert
stops soon after the burn does). Thresholds are exact: 14.4 x 0.001, not Sloth's 0.0009999999999999432.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from persona_mcp.sre.alerts import AlertProfile, burn_rate_alerts
from persona_mcp.sre.durations import DAY, format_window
from persona_mcp.sre.numbers import Result, fmt_plain

if TYPE_CHECKING:
    from persona_mcp.sre.slo_specs import SLO  # the specs' reader is loaded by the first call, not at start

Severity = Literal["page", "ticket"]
TITLE = "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast."
"""Sloth's alert title, with Prometheus template references to the alert's labels."""
SHORTEST = Decimal(300)
"""The 5m error ratio is always recorded: the current burn rate and the period's ratio are built on it."""


def _selector(slo: SLO) -> str:
    return f'{{sloth_id="{slo.id}", sloth_service="{slo.service}", sloth_slo="{slo.name}"}}'


def _ids(slo: SLO) -> dict[str, str]:
    return {"sloth_id": slo.id, "sloth_service": slo.service, "sloth_slo": slo.name}


def slo_rule_groups(slo: SLO, profile: AlertProfile = "workbook") -> list[dict[str, Any]]:
    """The three rule groups of one SLO: SLI recordings, metadata recordings, alerts."""
    alerts = burn_rate_alerts(slo.objective, slo.window, profile).alerts
    budget = Decimal(1) - slo.objective / 100
    windows = sorted(
        {SHORTEST}
        | {Decimal(str(a.long_window_seconds)) for a in alerts}
        | {Decimal(str(a.short_window_seconds)) for a in alerts}
    )
    labels = {**slo.labels, **_ids(slo)}
    selector = _selector(slo)
    period = slo.window
    recordings = [
        {
            "record": f"slo:sli_error:ratio_rate{format_window(w)}",
            "expr": slo.sli.error_ratio(format_window(w)) + "\n",
            "labels": {**labels, "sloth_window": format_window(w)},
        }
        for w in windows
    ]
    recordings.append(
        {
            "record": f"slo:sli_error:ratio_rate{period}",
            "expr": (
                f"sum_over_time(slo:sli_error:ratio_rate5m{selector}[{period}])\n/ ignoring (sloth_window)\n"
                f"count_over_time(slo:sli_error:ratio_rate5m{selector}[{period}])\n"
            ),
            "labels": {**labels, "sloth_window": period},
        }
    )
    per_budget = f"/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{selector}\n"
    meta = [
        {"record": "slo:objective:ratio", "expr": f"vector({fmt_plain(slo.objective / 100)})", "labels": labels},
        {"record": "slo:error_budget:ratio", "expr": f"vector({fmt_plain(budget)})", "labels": labels},
        {
            "record": "slo:time_period:days",
            "expr": f"vector({fmt_plain(slo.window_seconds / DAY)})",
            "labels": labels,
        },
        {
            "record": "slo:current_burn_rate:ratio",
            "expr": f"slo:sli_error:ratio_rate5m{selector}\n{per_budget}",
            "labels": labels,
        },
        {
            "record": "slo:period_burn_rate:ratio",
            "expr": f"slo:sli_error:ratio_rate{period}{selector}\n{per_budget}",
            "labels": labels,
        },
        {
            "record": "slo:period_error_budget_remaining:ratio",
            "expr": f"1 - slo:period_burn_rate:ratio{selector}",
            "labels": labels,
        },
        {
            "record": "sloth_slo_info",
            "expr": "vector(1)",
            "labels": {**labels, "sloth_objective": fmt_plain(slo.objective), "sloth_mode": "persona-mcp"},
        },
    ]
    rules = [
        _alert(slo, severity, [a for a in alerts if a.severity == severity], budget) for severity in ("page", "ticket")
    ]
    return [
        {"name": f"sloth-slo-sli-recordings-{slo.id}", "rules": recordings},
        {"name": f"sloth-slo-meta-recordings-{slo.id}", "rules": meta},
        {"name": f"sloth-slo-alerts-{slo.id}", "rules": [r for r in rules if r is not None]},
    ]


def _alert(slo: SLO, severity: str, alerts: list[Any], budget: Decimal) -> dict[str, Any] | None:
    enabled = slo.alerting.page if severity == "page" else slo.alerting.ticket
    if not alerts or not enabled:
        return None
    selector = _selector(slo)
    pairs = []
    said = []
    for alert in alerts:
        burn = Decimal(str(alert.burn_rate))
        threshold = f"({fmt_plain(burn)} * {fmt_plain(budget)})"
        short, long = alert.short_window, alert.long_window
        pairs.append(
            "(\n"
            f"    max(slo:sli_error:ratio_rate{short}{selector} > {threshold}) without (sloth_window)\n"
            "    and\n"
            f"    max(slo:sli_error:ratio_rate{long}{selector} > {threshold}) without (sloth_window)\n"
            ")"
        )
        share = fmt_plain(Decimal(str(alert.budget_fraction)) * 100)
        said.append(f"{fmt_plain(burn)}x over {long} and {short} ({share}% of the budget by the time it fires)")
    extra = slo.alerting.page_labels if severity == "page" else slo.alerting.ticket_labels
    description = (
        f"The {slo.window} error budget of {slo.service} {slo.name} ({fmt_plain(slo.objective)}%) is burning too fast: "
        + "; or ".join(said)
        + "."
    )
    return {
        "alert": slo.alert_name,
        "expr": "\n\nor\n\n".join(pairs) + "\n",
        "labels": {"severity": severity, **slo.alerting.labels, **extra, "sloth_severity": severity},
        "annotations": {
            "title": f"({severity}) {TITLE}",
            "summary": slo.alerting.annotations.get("summary", f"{slo.service} {slo.name} is burning its error budget"),
            "description": description,
            **{k: v for k, v in slo.alerting.annotations.items() if k != "summary"},
        },
    }


def rules_file(slos: list[SLO], profile: AlertProfile = "workbook") -> dict[str, Any]:
    """A Prometheus rules file for `slos`."""
    return {"groups": [group for slo in slos for group in slo_rule_groups(slo, profile)]}


PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_:./-]*$")
"""Strings written without quotes; every other string is a JSON string, which YAML reads as it is."""
RESERVED = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"})


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return text if PLAIN.match(text) and text.lower() not in RESERVED else json.dumps(text, ensure_ascii=False)


def _printable_lines(text: str) -> bool:
    return all(line.isprintable() and not line.endswith(" ") for line in text.split("\n"))


def _emit(value: Any, indent: int) -> list[str]:
    """YAML lines for the plain data of a rules file: mappings, lists, strings (multi-line ones as blocks)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and "\n" in item and not item[:1].isspace() and _printable_lines(item):
                chomp = "" if item.endswith("\n") else "-"
                lines.append(f"{pad}{key}: |{chomp}")
                lines += [f"{pad}  {line}" if line else "" for line in item.rstrip("\n").split("\n")]
            elif isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines += _emit(item, indent + (2 if isinstance(item, dict) else 0))
            elif isinstance(item, dict | list):
                lines.append(f"{pad}{key}: {'{}' if isinstance(item, dict) else '[]'}")
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
    else:
        for item in value:
            inner = _emit(item, indent + 2) if isinstance(item, dict) else [f"{pad}  {_scalar(item)}"]
            lines.append(f"{pad}- {inner[0][indent + 2 :]}")
            lines += inner[1:]
    return lines


def dump_rules(content: dict[str, Any], profile: AlertProfile) -> str:
    """A rules file or PrometheusRule object as YAML, with a header saying where it came from.

    Written directly rather than through PyYAML's representer, which took most of a call's time for a file
    of this fixed shape; a test checks that YAML reads it back as the same data.
    """
    body = "\n".join(_emit(content, 0)) + "\n"
    return (
        "# Generated by persona-mcp slo rules: SLO recording rules and multiwindow, multi-burn-rate alerts.\n"
        f"# Alert profile: {profile}. Regenerate rather than edit.\n\n" + body
    )


def prometheus_rule(slos: list[SLO], groups: dict[str, Any]) -> dict[str, Any]:
    """`groups` as a Prometheus Operator `PrometheusRule` object, named after the first SLO's service."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": f"{slos[0].service}-slos", "labels": {"app.kubernetes.io/managed-by": "persona-mcp"}},
        "spec": groups,
    }


def rules_yaml(slos: list[SLO], profile: AlertProfile = "workbook", *, operator: bool = False) -> str:
    """The rules file (or PrometheusRule object) as YAML, with a header saying where it came from."""
    groups = rules_file(slos, profile)
    return dump_rules(prometheus_rule(slos, groups) if operator else groups, profile)


class RuledSLO(Result):
    """One SLO the rules watch, and when its alerts fire."""

    id: str = Field(description="sloth_id: service-name.")
    objective_percent: float
    window: str
    alerts: list[str] = Field(description="Each alert: severity, burn rate, long and short window.")


class SLORules(Result):
    """Prometheus rules for SLOs, ready to commit."""

    format: Literal["prometheus", "prometheus-operator"]
    profile: AlertProfile
    slos: list[RuledSLO]
    rules: str = Field(description="The rules file (YAML).")
    summary: str


def slo_rules(
    text: str,
    profile: AlertProfile = "workbook",
    fmt: Literal["prometheus", "prometheus-operator"] = "prometheus",
    window: str = "30d",
) -> SLORules:
    """Rules for the SLOs of a spec given as YAML or JSON text (Sloth, OpenSLO or native).

    Raises:
        InvalidArgument: Named `spec`, with the field of the spec that is wrong.
    """
    from persona_mcp.data import parse_yaml_documents
    from persona_mcp.errors import InvalidArgument, PersonaFileError
    from persona_mcp.sre.slo_specs import read_slo_documents

    if profile not in ("workbook", "sloth"):
        raise InvalidArgument("profile", f"must be workbook or sloth, got {profile!r}")
    try:
        slos = read_slo_documents(parse_yaml_documents(text, "spec"), default_window=window)
    except PersonaFileError as exc:
        raise InvalidArgument("spec", "; ".join(exc.problems)) from None
    except InvalidArgument as exc:
        raise InvalidArgument("spec", f"{exc.argument}: {exc.message}") from None
    groups = rules_file(slos, profile)
    ruled = [
        RuledSLO(
            id=slo.id,
            objective_percent=float(slo.objective),
            window=slo.window,
            alerts=[
                f"{a.severity}: {fmt_plain(Decimal(str(a.burn_rate)))}x over {a.long_window} and {a.short_window}"
                for a in burn_rate_alerts(slo.objective, slo.window, profile).alerts
                if (slo.alerting.page if a.severity == "page" else slo.alerting.ticket)
            ],
        )
        for slo in slos
    ]
    count = sum(len(group["rules"]) for group in groups["groups"])
    names = ", ".join(f"{r.id} ({fmt_plain(Decimal(str(r.objective_percent)))}% over {r.window})" for r in ruled)
    return SLORules(
        format=fmt,
        profile=profile,
        slos=ruled,
        rules=dump_rules(prometheus_rule(slos, groups) if fmt == "prometheus-operator" else groups, profile),
        summary=f"{count} rules for {names}; check them with `promtool check rules` before deploying",
    )
