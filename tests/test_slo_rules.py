"""SLO rules proven by Prometheus itself (issue 17): promtool checks every generated file, and unit-tests the
alerts on synthetic traffic: a fast burn pages within the time the burn-rate math gives, a slow burn opens
a ticket and pages nobody, a burn under 1x fires nothing, and an alert stops once the burn is over.

promtool comes from Debian's `prometheus` package (tools/ci-deps.sh installs it); without it these tests fail,
they do not skip.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from persona_mcp.cli.main import main
from persona_mcp.sre.alerts import burn_rate_alerts
from persona_mcp.sre.slo_rules import rules_yaml
from persona_mcp.sre.slo_specs import read_slo_documents

from .conftest import ROOT

SLOTH = ROOT / "tests" / "data" / "repos" / "sloth" / "examples"
PER_MINUTE = 1000
"""Requests per minute of the synthetic service."""


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    if binary is None:
        pytest.fail("promtool is missing: install Debian's prometheus package (tools/ci-deps.sh does)")
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=300, cwd=cwd, check=False)


def native(objective: str, window: str, **extra: Any) -> dict[str, Any]:
    return {
        "service": "checkout",
        "slos": [
            {
                "name": "availability",
                "objective": objective,
                "window": window,
                "errors": 'sum(rate(http_requests_total{job="checkout",code="500"}[{{.window}}]))',
                "total": 'sum(rate(http_requests_total{job="checkout"}[{{.window}}]))',
                **extra,
            }
        ],
    }


def counter(segments: list[tuple[int, float]]) -> str:
    """promtool's expanding notation for a counter growing by `per_minute` for `minutes`, segment after segment."""
    parts = []
    value = 0.0
    first = True
    for minutes, per_minute in segments:
        if first:
            parts.append(f"0+{per_minute:g}x{minutes}")
            value = per_minute * minutes
            first = False
        else:
            parts.append(f"{value + per_minute:g}+{per_minute:g}x{minutes - 1}")
            value += per_minute * minutes
    return " ".join(parts)


def traffic(segments: list[tuple[int, float]]) -> list[dict[str, str]]:
    """Good and bad request counters for (minutes, error ratio) segments at PER_MINUTE requests a minute."""
    good = counter([(m, PER_MINUTE * (1 - ratio)) for m, ratio in segments])
    bad = counter([(m, PER_MINUTE * ratio) for m, ratio in segments])
    return [
        {"series": 'http_requests_total{job="checkout",code="200"}', "values": good},
        {"series": 'http_requests_total{job="checkout",code="500"}', "values": bad},
    ]


def history(objective: str, window: str, profile: str) -> int:
    """Minutes of healthy traffic before a burn: the longest alert window, so every window is full of it (with
    less, a ratio over a window longer than the data is a ratio over the data, and a ticket fires early)."""
    longest = max(a.long_window_seconds for a in burn_rate_alerts(objective, window, profile).alerts)
    return int(longest // 60) + 60


def labels(severity: str) -> dict[str, str]:
    return {
        "severity": severity,
        "sloth_severity": severity,
        "sloth_id": "checkout-availability",
        "sloth_service": "checkout",
        "sloth_slo": "availability",
    }


def run_rule_test(
    tmp_path: Path, spec: dict[str, Any], profile: str, test: dict[str, Any], every: str, window: str = "30d"
) -> None:
    rules = rules_yaml(read_slo_documents([spec], default_window=window), profile)  # type: ignore[arg-type]
    (tmp_path / "rules.yml").write_text(rules, encoding="utf-8")
    generated = {
        rule["labels"]["sloth_severity"]: rule["annotations"]
        for group in yaml.safe_load(rules)["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    for check in test["alert_rule_test"]:
        for alert in check["exp_alerts"]:
            severity = alert["exp_labels"]["severity"]
            shown = {**generated[severity]}
            shown["title"] = shown["title"].replace(
                "{{$labels.sloth_service}} {{$labels.sloth_slo}}", "checkout availability"
            )
            alert["exp_annotations"] = shown
    checked = promtool("check", "rules", "rules.yml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    suite = {"rule_files": ["rules.yml"], "evaluation_interval": every, "tests": [{"interval": "1m", **test}]}
    (tmp_path / "test.yml").write_text(yaml.safe_dump(suite, sort_keys=False, width=10_000), encoding="utf-8")
    done = promtool("test", "rules", "test.yml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def expect(minute: int, *severities: str) -> dict[str, Any]:
    return {
        "eval_time": f"{minute}m",
        "alertname": "CheckoutAvailabilityErrorBudgetBurn",
        "exp_alerts": [{"exp_labels": labels(s)} for s in severities],
    }


CASES = [("99.9", "30d", "workbook"), ("99.5", "28d", "sloth"), ("99.95", "30d", "sloth"), ("99.9", "7d", "workbook")]


@pytest.mark.parametrize(("objective", "window", "profile"), CASES)
def test_a_fast_burn_pages_within_the_detection_time_the_math_gives(
    tmp_path: Path, objective: str, window: str, profile: str
) -> None:
    ratio = 0.2  # errors: 20% of requests
    first_page = next(a for a in burn_rate_alerts(objective, window, profile).alerts if a.severity == "page")
    detection_min = first_page.error_ratio_threshold / ratio * first_page.long_window_seconds / 60
    start = history(objective, window, profile)
    before = start + max(0, math.floor(detection_min) - 2)
    after = start + math.ceil(detection_min) + 3
    run_rule_test(
        tmp_path,
        native(objective, window),
        profile,
        {
            "input_series": traffic([(start, 0.0), (after + 30, ratio)]),
            "alert_rule_test": [
                expect(start - 1),
                *([expect(before)] if before > start else []),
                {
                    **expect(after),
                    "exp_alerts": [
                        {"exp_labels": labels("page")},
                        *_tickets_by(after - start, ratio, objective, window, profile),
                    ],
                },
            ],
        },
        "1m",
    )


def _tickets_by(minutes: int, ratio: float, objective: str, window: str, profile: str) -> list[dict[str, Any]]:
    """The ticket alert too, if one of its pairs has crossed by then (at 20% errors the 1d/2h pair may have)."""
    for alert in burn_rate_alerts(objective, window, profile).alerts:
        if (
            alert.severity == "ticket"
            and alert.error_ratio_threshold / ratio * alert.long_window_seconds / 60 < minutes - 1
        ):
            return [{"exp_labels": labels("ticket")}]
    return []


@pytest.mark.parametrize(("objective", "window", "profile"), CASES[:2])
def test_a_slow_burn_opens_a_ticket_and_pages_nobody_and_under_1x_nothing_fires(
    tmp_path: Path, objective: str, window: str, profile: str
) -> None:
    budget = float(1 - Decimal(objective) / 100)
    alerts = burn_rate_alerts(objective, window, profile).alerts
    slowest = max(a.long_window_seconds for a in alerts if a.severity == "ticket") / 60
    end = int(slowest) + 60
    for burn, fired in ((2.0, ("ticket",)), (0.5, ())):
        folder = tmp_path / f"burn{burn:g}"
        folder.mkdir()
        run_rule_test(
            folder,
            native(objective, window),
            profile,
            {"input_series": traffic([(end + 10, budget * burn)]), "alert_rule_test": [expect(end, *fired)]},
            "5m",
        )


@pytest.mark.parametrize(("objective", "window", "profile"), CASES[:2])
def test_the_alerts_stop_once_the_burn_is_over(tmp_path: Path, objective: str, window: str, profile: str) -> None:
    alerts = burn_rate_alerts(objective, window, profile).alerts
    page_short = max(a.short_window_seconds for a in alerts if a.severity == "page") / 60
    ticket_short = max(a.short_window_seconds for a in alerts if a.severity == "ticket") / 60
    first_page = next(a for a in alerts if a.severity == "page")
    detection_min = first_page.error_ratio_threshold / 0.2 * first_page.long_window_seconds / 60
    start, burning = history(objective, window, profile), math.ceil(detection_min) + 5  # long enough to page
    over = start + burning
    quiet_page = over + math.ceil(page_short) + 5
    quiet_all = over + math.ceil(ticket_short) + 10
    run_rule_test(
        tmp_path,
        native(objective, window),
        profile,
        {
            "input_series": traffic([(start, 0.0), (burning, 0.2), (quiet_all - over + 10, 0.0)]),
            "alert_rule_test": [
                {
                    **expect(over - 1),
                    "exp_alerts": [
                        {"exp_labels": labels("page")},
                        *_tickets_by(burning - 1, 0.2, objective, window, profile),
                    ],
                },
                {
                    **expect(quiet_page),
                    "exp_alerts": [{"exp_labels": labels("ticket")}]
                    if _ticket_still(alerts, quiet_page - over, burning)
                    else [],
                },
                expect(quiet_all),
            ],
        },
        "1m",
    )


def _ticket_still(alerts: list[Any], since_end: int, burning: int) -> bool:
    """Whether a ticket pair is still over its threshold `since_end` minutes after a 20% burn of `burning` minutes."""
    for alert in alerts:
        if alert.severity != "ticket":
            continue
        short, long = alert.short_window_seconds / 60, alert.long_window_seconds / 60
        in_short = max(0.0, min(burning, short - since_end))
        in_long = max(0.0, min(burning, long - since_end))
        if 0.2 * in_short / short > alert.error_ratio_threshold and 0.2 * in_long / long > alert.error_ratio_threshold:
            return True
    return False


# --- every example spec becomes rules promtool accepts --------------------------------------------------------


@pytest.mark.parametrize(
    "example",
    [
        "getting-started.yml",
        "k8s-getting-started.yml",
        "multifile.yml",
        "no-alerts.yml",
        "raw-home-wifi.yml",
        "openslo-getting-started.yml",
    ],
)
@pytest.mark.parametrize("fmt", ["prometheus", "prometheus-operator"])
def test_every_sloth_example_becomes_rules_promtool_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], example: str, fmt: str
) -> None:
    assert main(["slo", "rules", str(SLOTH / example), "--format", fmt, "--profile", "sloth"]) == 0
    generated = yaml.safe_load(capsys.readouterr().out)
    groups = generated if fmt == "prometheus" else generated["spec"]
    if fmt == "prometheus-operator":
        assert (generated["apiVersion"], generated["kind"]) == ("monitoring.coreos.com/v1", "PrometheusRule")
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(groups), encoding="utf-8")
    checked = promtool("check", "rules", "rules.yml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


# --- bad specs are refused with the field that is wrong -------------------------------------------------------


def _sloth(**slo: Any) -> dict[str, Any]:
    base = {
        "name": "availability",
        "objective": 99.9,
        "sli": {"events": {"error_query": "sum(rate(e[{{.window}}]))", "total_query": "sum(rate(t[{{.window}}]))"}},
    }
    return {"version": "prometheus/v1", "service": "checkout", "slos": [{**base, **slo}]}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (_sloth(objective=100.5), "slos[0].objective: must be > 0 and < 100, got 100.5"),
        (_sloth(objective=0), "slos[0].objective: must be > 0 and < 100, got 0"),
        (_sloth(objective=True), "slos[0].objective: must be a number, got True"),
        (_sloth(objective="ninety"), "slos[0].objective: must be a number"),
        (_sloth(sli={"events": {"total_query": "t[{{.window}}]"}}), "slos[0].sli.events.error_query: is required"),
        (
            _sloth(sli={"events": {"error_query": "e[5m]", "total_query": "t[{{.window}}]"}}),
            "must contain the {{.window}}",
        ),
        (_sloth(sli={"plugin": {"id": "x"}}), "slos[0].sli: needs events"),
        (_sloth(name="has space"), "slos[0].name: must be a name"),
        (native("99.9", "3M"), "slos[0].window: '3M': a month is not a fixed length"),
        (native("99.9", "1h"), "slos[0].window: must be a day or longer"),
        (native("99.9", "30x"), "slos[0].window"),
        ({"service": "checkout", "slos": []}, "slos: is required"),
        ({"kind": "Deployment"}, "spec: holds no SLO"),
    ],
)
def test_a_bad_spec_is_refused_naming_the_field(spec: dict[str, Any], message: str) -> None:
    from persona_mcp.errors import InvalidArgument

    with pytest.raises(InvalidArgument) as refused:
        read_slo_documents([spec])
    assert message in str(refused.value)


def test_openslo_v1_bad_over_total_and_its_rolling_window() -> None:
    query = 'sum(rate(http_requests_total{code="500"}[{{.window}}]))'
    total = "sum(rate(http_requests_total[{{.window}}]))"
    slo = {
        "apiVersion": "openslo/v1",
        "kind": "SLO",
        "metadata": {"name": "availability"},
        "spec": {
            "service": "checkout",
            "indicatorRef": "errors",
            "timeWindow": [{"duration": "28d", "isRolling": True}],
            "objectives": [{"target": 0.995}],
        },
    }
    sli = {
        "apiVersion": "openslo/v1",
        "kind": "SLI",
        "metadata": {"name": "errors"},
        "spec": {
            "ratioMetric": {
                "bad": {"metricSource": {"spec": {"query": query}}},
                "total": {"metricSource": {"spec": {"query": total}}},
            }
        },
    }
    (read,) = read_slo_documents([slo, sli])
    assert (read.service, read.name, read.objective, read.window) == (
        "checkout",
        "availability",
        Decimal("99.5"),
        "28d",
    )
    assert read.sli.error_ratio("5m").startswith('(sum(rate(http_requests_total{code="500"}[5m])))')
    calendar = {**slo, "spec": {**slo["spec"], "timeWindow": [{"duration": "1w", "isRolling": False}]}}
    with pytest.raises(ValueError, match="calendar windows are not supported"):
        read_slo_documents([calendar, sli])


def test_the_command_refuses_a_bad_spec_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "slo.yaml"
    spec.write_text(yaml.safe_dump(_sloth(objective=100.5)), encoding="utf-8")
    assert main(["slo", "rules", str(spec)]) == 2
    assert "slos[0].objective: must be > 0 and < 100, got 100.5" in capsys.readouterr().err


def test_exact_thresholds_and_sloth_s_names() -> None:
    rules = yaml.safe_load(rules_yaml(read_slo_documents([native("99.9", "30d")])))
    names = [rule.get("record") or rule.get("alert") for group in rules["groups"] for rule in group["rules"]]
    assert "slo:sli_error:ratio_rate5m" in names
    assert "slo:sli_error:ratio_rate30d" in names
    assert "slo:period_error_budget_remaining:ratio" in names
    page = next(r for g in rules["groups"] for r in g["rules"] if r.get("labels", {}).get("sloth_severity") == "page")
    assert "> (14.4 * 0.001)" in page["expr"]
    assert "> (6 * 0.001)" in page["expr"]
    assert "14.4x over 1h and 5m (2% of the budget by the time it fires)" in page["annotations"]["description"]


# --- over MCP ----------------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_the_tool_returns_the_rules_and_names_a_bad_field(catalog: Any) -> None:
    from mcp import Client
    from mcp_types import TextContent

    from persona_mcp.server.app import build_server

    spec = yaml.safe_dump(native("99.9", "28d"))
    async with Client(build_server(catalog)) as client:
        result = await client.call_tool("slo_rules", {"spec": spec, "profile": "sloth"})
        assert not result.is_error
        assert result.structured_content is not None
        assert result.structured_content["slos"][0]["id"] == "checkout-availability"
        assert result.structured_content["slos"][0]["alerts"][0] == "page: 13.44x over 1h and 5m"
        assert yaml.safe_load(result.structured_content["rules"])["groups"][2]["rules"][0]["alert"]
        text = result.content[0]
        assert isinstance(text, TextContent)
        assert "```yaml" in text.text
        bad = await client.call_tool("slo_rules", {"spec": yaml.safe_dump(_sloth(objective=100.5))})
        assert bad.is_error
        message = bad.content[0]
        assert isinstance(message, TextContent)
        assert "spec: slos[0].objective: must be > 0 and < 100, got 100.5" in message.text
        garbage = await client.call_tool("slo_rules", {"spec": "a: [unclosed"})
        assert garbage.is_error


# --- conversions round-trip ------------------------------------------------------------------------------------


def _rules_digest(slos: list[Any]) -> list[Any]:
    """The generated rules with whitespace and parentheses out of the expressions (equivalent forms compare equal)."""
    out = []
    for group in yaml.safe_load(rules_yaml(slos))["groups"]:
        for rule in group["rules"]:
            expr = "".join(ch for ch in rule["expr"] if not ch.isspace() and ch not in "()")
            out.append((rule.get("record") or rule.get("alert"), expr, rule.get("labels", {}).get("sloth_severity")))
    return out


@pytest.mark.parametrize(
    "source",
    [
        native("99.9", "30d"),
        native("99.5", "28d"),
        *yaml.safe_load_all((SLOTH / "getting-started.yml").read_text(encoding="utf-8")),
        *yaml.safe_load_all((SLOTH / "openslo-getting-started.yml").read_text(encoding="utf-8")),
        *yaml.safe_load_all((SLOTH / "no-alerts.yml").read_text(encoding="utf-8")),
    ],
)
@pytest.mark.parametrize("target", ["sloth", "openslo"])
def test_a_spec_converted_and_read_back_gives_the_same_rules(source: dict[str, Any], target: str) -> None:
    from persona_mcp.sre.slo_specs import to_openslo, to_sloth

    original = read_slo_documents([source])
    window = original[0].window
    converted = to_sloth(original) if target == "sloth" else to_openslo(original)
    text = yaml.safe_dump_all(converted, sort_keys=False)
    back = read_slo_documents(list(yaml.safe_load_all(text)), default_window=window)
    assert [(s.service, s.name, s.objective, s.window) for s in back] == [
        (s.service, s.name, s.objective, s.window) for s in original
    ]
    if target == "sloth":
        assert _rules_digest(back) == _rules_digest(original)
    else:  # OpenSLO has no alerting block: the same SLIs, objectives and windows, default alert names
        assert [r for r in _rules_digest(back) if r[0].startswith("slo:")] == [
            r for r in _rules_digest(original) if r[0].startswith("slo:")
        ]


def test_the_command_converts_to_openslo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["slo", "rules", str(ROOT / "examples" / "slo" / "checkout.yaml"), "--format", "openslo"]) == 0
    (document,) = list(yaml.safe_load_all(capsys.readouterr().out))
    assert (document["apiVersion"], document["kind"]) == ("openslo/v1", "SLO")
    assert document["spec"]["objectives"] == [{"target": 0.999}]
    assert document["spec"]["timeWindow"] == [{"duration": "30d", "isRolling": True}]


def test_the_readiness_review_offers_the_command_that_writes_its_rules() -> None:
    from persona_mcp.sre.readiness import review, review_markdown

    result = review({"name": "api", "slo": {"availability": 99.95, "window": "28d"}})
    assert "99.95% over 28d" in result.slo_recommendation.rules
    assert "`persona-mcp slo rules SPEC`" in result.slo_recommendation.rules
    assert f"- **Rules**: {result.slo_recommendation.rules}" in review_markdown(result)


def test_a_readiness_manifest_s_slo_becomes_rules_that_page_as_the_math_says(tmp_path: Path) -> None:
    objective, window, profile = "99.9", "30d", "workbook"
    spec = native(objective, window)["slos"][0]
    manifest = {
        "name": "checkout",
        "tier": "critical",
        "slo": {"availability": 99.9, "window": "30d", "error_query": spec["errors"], "total_query": spec["total"]},
    }
    first_page = next(a for a in burn_rate_alerts(objective, window, profile).alerts if a.severity == "page")
    detection_min = first_page.error_ratio_threshold / 0.2 * first_page.long_window_seconds / 60
    start = history(objective, window, profile)
    after = start + math.ceil(detection_min) + 3
    test = {
        "input_series": traffic([(start, 0.0), (after + 10, 0.2)]),
        "alert_rule_test": [expect(start - 1), expect(after, "page")],
    }
    run_rule_test(tmp_path, manifest, profile, test, "1m")


def test_a_manifest_without_queries_says_where_to_give_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["slo", "rules", str(ROOT / "examples" / "services" / "well-run-service.yaml")]) == 2
    assert "slo.error_query: and slo.total_query are needed" in capsys.readouterr().err
    errors = 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))'
    total = "sum(rate(http_requests_total[{{.window}}]))"
    manifest = str(ROOT / "examples" / "services" / "well-run-service.yaml")
    assert main(["slo", "rules", manifest, "--errors", errors, "--total", total]) == 0
    rules = yaml.safe_load(capsys.readouterr().out)
    assert rules["groups"][0]["rules"][0]["labels"]["sloth_id"] == "orders-api-availability"


@pytest.mark.parametrize("written_as", ["sloth", "openslo"])
def test_a_sloth_spec_and_an_openslo_document_page_as_the_math_says(tmp_path: Path, written_as: str) -> None:
    from persona_mcp.sre.slo_specs import to_openslo, to_sloth

    objective, window, profile = "99.5", "28d", "workbook"
    slos = read_slo_documents([native(objective, window)])
    (spec,) = to_sloth(slos) if written_as == "sloth" else to_openslo(slos)
    first_page = next(a for a in burn_rate_alerts(objective, window, profile).alerts if a.severity == "page")
    detection_min = first_page.error_ratio_threshold / 0.2 * first_page.long_window_seconds / 60
    start = history(objective, window, profile)
    before, after = start + math.floor(detection_min) - 2, start + math.ceil(detection_min) + 3
    test = {
        "input_series": traffic([(start, 0.0), (after + 10, 0.2)]),
        "alert_rule_test": [expect(before), expect(after, "page")],
    }
    sloth_window = {"window": window} if written_as == "sloth" else {}
    run_rule_test(tmp_path, spec, profile, test, "1m", **sloth_window)


@pytest.mark.parametrize(
    "labels",
    [
        {"tier": "2", "team": "payments"},
        {"odd": "yes", "colon": "a: b", "quote": 'it\'s "quoted"', "hash": "#channel", "empty": ""},
        {"unicode": "équipe ☕", "braces": "{{$labels.x}}", "multi": "two\nlines"},
    ],
)
def test_the_written_yaml_reads_back_as_the_same_rules(labels: dict[str, str]) -> None:
    from persona_mcp.sre.slo_rules import dump_rules, rules_file

    spec = native("99.9", "30d", labels=labels, description="  leading space\nand a second line")
    slos = read_slo_documents([spec])
    for profile in ("workbook", "sloth"):
        content = rules_file(slos, profile)  # type: ignore[arg-type]
        assert yaml.safe_load(dump_rules(content, profile)) == content  # type: ignore[arg-type]
