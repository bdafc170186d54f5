"""MCP tools over the SLO and reliability math in persona_mcp.sre (budget, alerts, availability, capacity, ...).

Each tool takes plain JSON arguments, passes them to the core, which validates them exactly and names a
bad argument in its error, and returns the core's model as structured content with its one-line summary
as text. Nothing here computes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp.server.apps import Apps
from mcp_types import CallToolResult
from pydantic import Field

from persona_mcp.server.toolkit import READ_ONLY, domain_errors, tool_result
from persona_mcp.server.ui import view_tool
from persona_mcp.sre import availability, budget, capacity, oncall, toil
from persona_mcp.sre.alerts import BurnRateAlerts, burn_rate_alerts
from persona_mcp.sre.slo_rules import SLORules
from persona_mcp.sre.slo_rules import slo_rules as rules_for

Objective = Annotated[float, Field(description="SLO percent, e.g. 99.9.")]
Window = Annotated[str, Field(description="e.g. 30d, 4w, P30D.", max_length=64)]
SPEC = "YAML/JSON: Sloth spec, OpenSLO SLO, or {service, slos: [{name, objective, window, errors, total}]}."


def register_slo_tools(app: MCPServer) -> None:
    """Add the SLO, availability, capacity, toil and on-call tools to `app`."""

    @app.tool(title="SLO error budget", annotations=READ_ONLY)
    @domain_errors
    def slo_error_budget(
        objective: Objective,
        window: Window = "30d",
        total_events: Annotated[float | None, Field(description="Valid events in the window.")] = None,
        sla: Annotated[float | None, Field(description="Contract SLA, percent.")] = None,
    ) -> Annotated[CallToolResult, budget.ErrorBudget]:
        """An SLO's error budget: allowed downtime and bad events, ratio; flags an SLA not looser than the SLO."""
        result = budget.error_budget(objective, window, total_events, sla)
        return tool_result(result, result.summary)

    @app.tool(title="SLO rules for Prometheus", annotations=READ_ONLY)
    @domain_errors
    def slo_rules(
        spec: Annotated[str, Field(description=SPEC, max_length=100_000)],
        profile: Annotated[Literal["workbook", "sloth"], Field(description="Alert profile.")] = "workbook",
        format: Literal["prometheus", "prometheus-operator"] = "prometheus",
    ) -> Annotated[CallToolResult, SLORules]:
        """Prometheus recording rules and burn-rate alerts for an SLO spec."""
        result = rules_for(spec, profile, format)
        return tool_result(result, f"{result.summary}\n\n```yaml\n{result.rules}```")

    @app.tool(title="Composite availability", annotations=READ_ONLY)
    @domain_errors
    def availability_composite(
        system: Annotated[
            dict[str, Any],
            Field(
                description="Tree of nodes: {name?, availability %} or {mtbf_hours, mttr_hours}; {serial: [..]}; "
                "{parallel: [..]}; {k_of_n: {k, of: [..]}}."
            ),
        ],
        target: Annotated[float | None, Field(description="Target, percent.")] = None,
    ) -> Annotated[CallToolResult, availability.CompositeAvailability]:
        """A dependency tree's availability, downtime per 30 days and per year, weakest link; with a target,
        whether each hard dependency has the extra nine it needs."""
        result = availability.composite_availability(system, target)
        return tool_result(result, result.summary)

    @app.tool(title="Capacity forecast", annotations=READ_ONLY)
    @domain_errors
    def capacity_forecast(
        current_load: Annotated[float, Field(description="Load now, e.g. requests/s.")],
        current_utilization: Annotated[float, Field(description="Utilization now, percent.")],
        threshold_utilization: Annotated[float, Field(description="Safe maximum, percent.")],
        growth_rate: Annotated[float, Field(description="Compound growth per period, percent.")],
        period: Literal["day", "week", "month", "quarter", "year"] = "month",
        lead_time_periods: Annotated[float, Field(description="Periods to add capacity.")] = 0,
        latency_seconds: Annotated[float | None, Field(description="Gives concurrency (Little's law).")] = None,
    ) -> Annotated[CallToolResult, capacity.CapacityForecast]:
        """When growth reaches a utilization threshold: breaking-point load, periods left, when to order
        capacity, doubling time."""
        result = capacity.capacity_forecast(
            current_load,
            current_utilization,
            threshold_utilization,
            growth_rate,
            period,
            lead_time_periods,
            latency_seconds,
        )
        return tool_result(result, result.summary)

    @app.tool(title="Toil assessment", annotations=READ_ONLY)
    @domain_errors
    def toil_assessment(
        tasks: Annotated[
            list[dict[str, Any]],
            Field(
                description="[{name, minutes_per_occurrence, occurrences_per_week, scales_with_load?, "
                "automation_hours?}]",
                max_length=500,
            ),
        ],
        team_size: int,
        hours_per_week: Annotated[float, Field(description="Working hours per engineer.")] = 40,
    ) -> Annotated[CallToolResult, toil.ToilAssessment]:
        """Weekly toil hours, their share of team time vs the 50% cap, top tasks, and the payback of automating
        each task that gives automation_hours."""
        result = toil.toil_assessment(tasks, team_size, hours_per_week)
        return tool_result(result, result.summary)

    @app.tool(title="On-call load", annotations=READ_ONLY)
    @domain_errors
    def oncall_load(
        team_size: Annotated[int, Field(description="Engineers in the rotation.")],
        pages_per_week: float,
        shift_hours: Annotated[float, Field(description="One shift, hours (168 = a week).")] = 168,
        people_on_call: Annotated[int, Field(description="On call at once (2 with a secondary).")] = 1,
        incident_hours_per_page: float = 6,
        max_oncall_fraction: Annotated[float, Field(description="Cap on time on call.")] = 0.25,
    ) -> Annotated[CallToolResult, oncall.OncallLoad]:
        """Is a rotation sustainable? Time on call vs the 25% cap, each shift's incident work vs 12 h a day and
        48 h a week, team ops work vs 50%."""  # the caps: Google SRE book, ch. 11 "Being On-Call"
        result = oncall.oncall_load(
            team_size, pages_per_week, shift_hours, people_on_call, incident_hours_per_page, max_oncall_fraction
        )
        return tool_result(result, result.summary)


def register_slo_view_tools(apps: Apps) -> None:
    """Add the budget-status and burn-rate-alerts tools to `apps`: their results come with a picture (MCP Apps)
    for hosts that render one, and the same text and structured content for every client."""

    @view_tool(apps, "budget", title="SLO budget status", annotations=READ_ONLY)
    @domain_errors
    def slo_budget_status(
        objective: Objective,
        window: Window = "30d",
        downtime_seconds: Annotated[float | None, Field(description="Bad time so far.")] = None,
        bad_events: Annotated[float | None, Field(description="Bad events so far.")] = None,
        total_events: Annotated[float | None, Field(description="Valid events so far.")] = None,
        elapsed: Annotated[str | None, Field(description="Window elapsed, e.g. 10d (default: all).")] = None,
        at_risk_threshold: Annotated[float, Field(description="At risk below this % of budget left.")] = 25,
        exhausted_threshold: Annotated[float, Field(description="Exhausted at this % of budget spent.")] = 100,
    ) -> Annotated[CallToolResult, budget.BudgetStatus]:
        """Budget spent and left, burn rate, projected exhaustion, policy state (healthy/at_risk/exhausted).
        Give downtime_seconds or bad_events+total_events."""
        result = budget.budget_status(
            objective,
            window,
            downtime_seconds,
            bad_events,
            total_events,
            elapsed,
            at_risk_threshold,
            exhausted_threshold,
        )
        return tool_result(result, result.summary)

    @view_tool(apps, "alerts", title="Burn-rate alerts", annotations=READ_ONLY)
    @domain_errors
    def slo_burn_rate_alerts(
        objective: Objective,
        window: Window = "30d",
        profile: Annotated[
            Literal["workbook", "sloth", "custom"], Field(description="workbook (3 alerts), sloth (4) or custom.")
        ] = "workbook",
        alerts: Annotated[
            list[dict[str, Any]] | None,
            Field(description="custom only: [{severity, budget_fraction or burn_rate, long_window}]", max_length=20),
        ] = None,
    ) -> Annotated[CallToolResult, BurnRateAlerts]:
        """Multiwindow burn-rate alerts: windows, burn rate, error-ratio threshold, time to detect at 100% errors,
        budget spent when each fires."""
        result = burn_rate_alerts(objective, window, profile, alerts)
        return tool_result(result, result.summary)
