"""The pictures in a real browser: Debian's headless Chromium (tools/ci-deps.sh), driven by playwright, which
never downloads a browser. A minimal MCP Apps host (tests/views_host.py) loads each `ui://` view read from the
real server into a sandboxed iframe, performs the handshake, and sends a result recorded from the real tool;
the standalone pages come from the real CLI. Each test asserts what a person sees, checks every text's
contrast (WCAG AA) in the theme under test, saves a screenshot, and fails on any console error, page error
or network request besides the host's own page. One browser for the module.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page

from persona_mcp.server.ui import VIEW_DATA_KEY

from . import views_host as vh

THEMES = ("light", "dark")


@pytest.fixture(scope="module")
def recorded() -> vh.Recorded:
    return vh.record()


@pytest.fixture(scope="module")
def chromium(recorded: vh.Recorded) -> Iterator[Browser]:
    # Recorded first: playwright's sync API runs an event loop in this thread, where anyio.run cannot start one.
    if not vh.CHROMIUM.exists():
        pytest.fail(f"{vh.CHROMIUM} is missing: install Debian's chromium (tools/ci-deps.sh does)", pytrace=False)
    with vh.browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def _clean(frame: Frame, watch: vh.Watch, texts: int = 10) -> None:
    """No request but the host's page, no console or page error, and every text readable (WCAG AA)."""
    contrast = frame.evaluate(vh.CONTRAST_JS)
    assert contrast["checked"] >= texts
    assert contrast["failures"] == []
    assert watch.requests == []
    assert watch.errors == []


def _texts(frame: Frame, selector: str) -> list[str]:
    return [t.strip() for t in frame.locator(selector).all_inner_texts()]


def _check_readiness(frame: Frame, result: dict[str, Any]) -> None:
    # A summary's words (titles, owners) come in the result's _meta for the view; an export has them all.
    review = {**result["structuredContent"], **result.get("_meta", {}).get(VIEW_DATA_KEY, {})}
    verdict = frame.locator(".verdict")
    assert verdict.get_attribute("data-assessment") == review["assessment"] == "not_ready"
    assert "NOT READY" in verdict.inner_text()  # said in words, not only in red
    assert review["reason"] in verdict.inner_text()
    # Blockers and high findings first, in the review's order, each with owner and effort.
    first = [f["item_id"] for f in review["blockers"] + review["high"]]
    assert frame.locator(".findings .card").evaluate_all("cards => cards.map(c => c.dataset.item)") == first
    card = frame.locator(f'.card[data-item="{review["blockers"][0]["item_id"]}"]')
    assert "BLOCKER" in card.inner_text()
    assert card.locator(".owner").inner_text() == f"Owner: {review['blockers'][0]['owner']}"
    assert card.locator(".effort").inner_text().startswith("Effort: ")
    # One bar per category, its counts in words.
    categories = review["categories"]
    assert frame.locator(".cat").count() == len(categories)
    for category in categories:
        row = frame.locator(f'.cat[data-category="{category["category"]}"]')
        if category["failed"]:
            assert f"{category['failed']} failed" in row.locator(".counts").inner_text()
        assert row.locator(".bar").get_attribute("aria-label").startswith(category["title"])
    slo = frame.locator(".slo").inner_text()
    assert review["slo_recommendation"]["error_budget_human"] in slo


def _check_budget(frame: Frame, result: dict[str, Any]) -> None:
    status = result["structuredContent"]
    assert frame.locator(".verdict").get_attribute("data-state") == status["state"] == "at_risk"
    assert "AT RISK" in frame.locator(".verdict").inner_text()
    marker = frame.locator(".exhaustion-marker")
    assert marker.count() == 1
    expected = status["elapsed_seconds"] + status["seconds_to_exhaustion"]
    assert float(marker.get_attribute("data-seconds") or "nan") == pytest.approx(expected)
    assert "exhausted: day 17.3" in (marker.text_content() or "")
    # The marker sits on the whole-budget line, after now and before the window's end.
    cy = float(marker.locator("circle").get_attribute("cy") or "nan")
    assert cy == pytest.approx(float(frame.locator(".budget-line").get_attribute("y1") or "nan"))
    cx = float(marker.locator("circle").get_attribute("cx") or "nan")
    now = float(frame.locator("line.now").get_attribute("x1") or "nan")
    end = float(frame.locator(".chart line.ideal").get_attribute("x2") or "nan")
    assert now < cx < end
    assert frame.locator(".chart .projection").count() >= 1
    assert frame.locator(".chart line.ideal").count() == 1


def _check_alerts(frame: Frame, result: dict[str, Any]) -> None:
    alerts = result["structuredContent"]["alerts"]
    rows = frame.locator("tbody tr")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.severity)") == [a["severity"] for a in alerts]
    assert "14.4× burn" in rows.nth(0).inner_text()
    assert _texts(frame, ".spent") == ["2%", "5%", "10%"]
    assert "NO FINDINGS" in frame.locator(".verdict").inner_text()


CHECKS = {"readiness": _check_readiness, "budget": _check_budget, "alerts": _check_alerts}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("key", ["readiness", "budget", "alerts"])
def test_a_host_renders_each_view_from_the_real_tool_result(
    chromium: Browser, recorded: vh.Recorded, shots: Path, key: str, theme: str
) -> None:
    view = vh.CALLS[key][0]
    with vh.page(chromium, theme) as (page, watch):
        frame = vh.host(page, recorded.views[view], recorded.arguments[key], recorded.results[key], theme)
        assert frame.evaluate("document.body.dataset.state") == "rendered"
        CHECKS[view](frame, recorded.results[key])
        assert frame.evaluate("document.documentElement.dataset.theme") == theme  # the host's theme applied
        # It fits the panel: nothing wider than the frame, so nothing scrolls sideways.
        assert frame.evaluate("document.documentElement.scrollWidth") <= vh.WIDTH
        vh.screenshot(page, shots / f"{key}-{theme}.png")
        assert (shots / f"{key}-{theme}.png").stat().st_size > 5_000
        _clean(frame, watch)


def test_the_view_does_the_apps_handshake_in_order(chromium: Browser, recorded: vh.Recorded) -> None:
    with vh.page(chromium, "light") as (page, watch):
        view, arguments, result = recorded.views["budget"], recorded.arguments["budget"], recorded.results["budget"]
        frame = vh.host(page, view, arguments, result, "light")
        page.evaluate("window.teardown()")  # the host closes the view: it must answer before it goes
        page.wait_for_function("window.hostLog.includes('response 99')")
        log = page.evaluate("window.hostLog")
        params = page.evaluate("window.initializeParams")
        size = page.evaluate("window.lastSize")
        height = frame.evaluate("document.documentElement.scrollHeight")
        _clean(frame, watch)
    assert log[:2] == ["ui/initialize", "ui/notifications/initialized"]
    assert set(log[2:-1]) == {"ui/notifications/size-changed"}
    assert log[-1] == "response 99"
    assert params["protocolVersion"] == "2026-01-26"
    assert params["appInfo"]["name"]
    assert "appCapabilities" in params
    assert size == {"width": vh.WIDTH, "height": height}  # the host sized the frame to the whole view


def test_the_host_theme_wins_over_the_system_and_can_change(chromium: Browser, recorded: vh.Recorded) -> None:
    background = "getComputedStyle(document.body).backgroundColor"
    with vh.page(chromium, "dark") as (page, watch):  # the system is dark, the host says light
        frame = vh.host(
            page, recorded.views["alerts"], recorded.arguments["alerts"], recorded.results["alerts"], "light"
        )
        assert frame.evaluate(background) == "rgb(255, 255, 255)"
        _clean(frame, watch)
        page.evaluate("window.setTheme('dark')")  # the user toggles the host's theme
        vh.until(frame, "document.documentElement.dataset.theme === 'dark'")
        assert frame.evaluate(background) == "rgb(23, 25, 30)"
        _clean(frame, watch)


def test_a_readiness_repository_review_shows_its_evidence(chromium: Browser, recorded: vh.Recorded) -> None:
    key = "readiness-repository"
    with vh.page(chromium, "dark") as (page, watch):
        frame = vh.host(page, recorded.views["readiness"], recorded.arguments[key], recorded.results[key], "dark")
        evidence = frame.locator(".evidence")
        assert "cartservice" in evidence.inner_text()
        facts = _texts(frame, ".evidence-facts li")
        assert facts
        assert all(":" in fact for fact in facts)
        assert any("cartservice.yaml:" in fact for fact in facts)
        _clean(frame, watch)


def test_a_host_that_drops_the_words_still_draws_the_scorecard_from_the_summary(
    chromium: Browser, recorded: vh.Recorded
) -> None:
    # The default summary's structured content has ids, severities, effort, counts and the SLO's numbers, no words
    # and no checklist rows; without the _meta words the scorecard still stands, named by item and category ids.
    with_words = recorded.results["readiness"]
    summary = {k: v for k, v in with_words.items() if k != "_meta"}
    review = summary["structuredContent"]
    assert "checklist" not in review
    assert "owner" not in review["blockers"][0]
    with vh.page(chromium, "light") as (page, watch):
        frame = vh.host(page, recorded.views["readiness"], recorded.arguments["readiness"], summary, "light")
        assert "NOT READY" in frame.locator(".verdict").inner_text()
        first = [f["item_id"] for f in review["blockers"] + review["high"]]
        assert frame.locator(".findings .card").evaluate_all("cards => cards.map(c => c.dataset.item)") == first
        assert _texts(frame, ".findings h3") == first
        assert frame.locator(".owner").count() == 0
        assert frame.locator(".cat").count() == len(review["categories"])
        _clean(frame, watch)


def test_a_tool_error_is_shown_as_its_text(chromium: Browser, recorded: vh.Recorded) -> None:
    error = {"isError": True, "content": [{"type": "text", "text": "objective: must be > 0 and < 100, got 150"}]}
    with vh.page(chromium, "light") as (page, watch):
        frame = vh.host(page, recorded.views["budget"], {"objective": 150}, error, "light")
        assert frame.evaluate("document.body.dataset.state") == "tool-error"
        assert frame.locator(".error").inner_text() == "objective: must be > 0 and < 100, got 150"
        _clean(frame, watch, texts=1)


EXPORTS = {
    # The README's commands: the scorecard of the payment API, and the budget 10 days into a 30-day window.
    "readiness": ["review", "examples/services/payment-api.yaml"],
    "budget": ["slo", "status", "99.9", "--downtime-seconds", "1500", "--elapsed", "10d"],
    "alerts": ["slo", "alerts", "99.9"],
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each standalone page as the CLI writes it, in a subprocess as a CI job runs it."""
    folder = tmp_path_factory.mktemp("exports")
    files = {}
    for view, argv in EXPORTS.items():
        done = subprocess.run(
            [sys.executable, "-m", "persona_mcp", *argv, "--format", "html"],
            capture_output=True,
            text=True,
            cwd=vh.ROOT,
            check=False,
            timeout=120,
        )
        assert done.returncode == (1 if view == "readiness" else 0), done.stderr  # the review still gates
        files[view] = folder / f"{view}.html"
        files[view].write_text(done.stdout, encoding="utf-8")
    return files


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("view", list(EXPORTS))
def test_the_exported_page_draws_the_same_picture_with_no_host(
    chromium: Browser, recorded: vh.Recorded, exported: dict[str, Path], shots: Path, view: str, theme: str
) -> None:
    html = exported[view].read_text(encoding="utf-8")
    with vh.page(chromium, theme, export_html=html) as (page, watch):
        page.goto(vh.EXPORT_URL)
        frame: Frame = page.main_frame
        frame.wait_for_selector("body[data-state='rendered']", timeout=10_000)
        CHECKS[view](frame, recorded.results[view])
        _screenshot_page(page, shots / f"export-{view}-{theme}.png")
        _clean(frame, watch)


def _screenshot_page(page: Page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000


def _result(model: Any) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": model.summary}], "structuredContent": model.model_dump(mode="json")}


def _edge_cases() -> list[tuple[str, str, Any, str, int]]:
    """(case, view, result, the words the verdict must say, how many exhaustion markers)."""
    from persona_mcp.data import load_yaml_file
    from persona_mcp.sre.alerts import burn_rate_alerts
    from persona_mcp.sre.budget import budget_status
    from persona_mcp.sre.readiness import parse_manifest, review

    well_run = load_yaml_file(vh.ROOT / "examples" / "services" / "well-run-service.yaml")
    return [
        # Nothing spent: healthy, the projection stays flat, no exhaustion point.
        ("healthy", "budget", _result(budget_status(99.9, "30d", downtime_seconds=0, elapsed="5d")), "HEALTHY", 0),
        # Overspent: the point where the spend crossed the whole budget, before now.
        (
            "exhausted",
            "budget",
            _result(budget_status(99.9, "30d", downtime_seconds=3000, elapsed="10d")),
            "EXHAUSTED",
            1,
        ),
        # The whole window elapsed, counted in events: no "now", no projection.
        (
            "events-whole-window",
            "budget",
            _result(budget_status(99.5, "28d", bad_events=100, total_events=100_000)),
            "HEALTHY",
            0,
        ),
        ("ready", "readiness", _result(review(parse_manifest(well_run, "well-run"))), "READY", 0),
        (
            "custom-alert-that-cannot-fire",
            "alerts",
            _result(
                burn_rate_alerts(99.9, "30d", "custom", [{"severity": "page", "burn_rate": 2000, "long_window": "1h"}])
            ),
            "FINDING",
            0,
        ),
    ]


@pytest.mark.parametrize(
    ("case", "view", "result", "words", "markers"), _edge_cases(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_edge_cases_draw_without_error(
    chromium: Browser, recorded: vh.Recorded, case: str, view: str, result: dict[str, Any], words: str, markers: int
) -> None:
    with vh.page(chromium, "light") as (page, watch):
        frame = vh.host(page, recorded.views[view], {}, result, "light")
        assert frame.evaluate("document.body.dataset.state") == "rendered"
        assert words in frame.locator(".verdict").first.inner_text()
        assert frame.locator(".exhaustion-marker").count() == markers
        if case == "exhausted":
            cx = float(frame.locator(".exhaustion-marker circle").get_attribute("cx") or "nan")
            assert cx < float(frame.locator("line.now").get_attribute("x1") or "nan")  # it ran out before now
        if case == "events-whole-window":
            assert frame.locator("line.now").count() == 0
        _clean(frame, watch, texts=5)
