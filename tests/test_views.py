"""The pictures without a browser: the three tools advertise their MCP Apps views, the views are served as
`text/html;profile=mcp-app` with an empty CSP allowance, clients without Apps lose nothing, the view code is
checked on load (no network, a size cap, each placeholder once), data is embedded safely, and the CLI writes
the standalone page. tests/test_views_browser.py renders them in Chromium."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.extension import advertise
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID

from persona_mcp.catalog.loader import Catalog
from persona_mcp.cli.main import main
from persona_mcp.data import load_yaml_file
from persona_mcp.errors import PersonaFileError
from persona_mcp.server.app import build_server
from persona_mcp.server.ui import VIEW_DATA_KEY
from persona_mcp.views import pages

from .conftest import ROOT

pytestmark = pytest.mark.anyio

VIEW_TOOLS = {
    "sre_readiness": "ui://persona-mcp/readiness",
    "slo_budget_status": "ui://persona-mcp/budget",
    "slo_burn_rate_alerts": "ui://persona-mcp/alerts",
}
PAYMENT_API = ROOT / "examples" / "services" / "payment-api.yaml"
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("slo_budget_status", {"objective": 99.9, "downtime_seconds": 1500, "elapsed": "10d"}),
    ("slo_burn_rate_alerts", {"objective": 99.9}),
    ("sre_readiness", {"service": load_yaml_file(ROOT / "examples" / "services" / "payment-api.yaml")}),
]


def apps_client(catalog: Catalog) -> Client:
    """A client that negotiates MCP Apps, as Claude Desktop or VS Code would."""
    return Client(build_server(catalog), extensions=[advertise(EXTENSION_ID, {"mimeTypes": [APP_MIME_TYPE]})])


async def test_the_three_tools_point_at_their_views_and_carry_nothing_else_new(catalog: Catalog) -> None:
    async with apps_client(catalog) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert client.server_capabilities.extensions is not None
        assert EXTENSION_ID in client.server_capabilities.extensions
    # Only what the Apps spec requires: tools/list is read by the model on every turn.
    assert {name: tools[name].meta for name in VIEW_TOOLS} == {
        name: {"ui": {"resourceUri": uri}} for name, uri in VIEW_TOOLS.items()
    }
    assert [name for name, tool in tools.items() if tool.meta and name not in VIEW_TOOLS] == []


async def test_each_view_is_served_as_an_mcp_app_that_fetches_nothing(catalog: Catalog) -> None:
    async with apps_client(catalog) as client:
        listed = {str(r.uri): r for r in (await client.list_resources()).resources}
        for uri in VIEW_TOOLS.values():
            assert listed[uri].mime_type == APP_MIME_TYPE
            (content,) = (await client.read_resource(uri)).contents
            html = getattr(content, "text", "")
            assert content.mime_type == APP_MIME_TYPE
            assert content.meta == {"ui": {"csp": {}, "prefersBorder": True}}  # empty allowance: no domains
            assert html.startswith("<!DOCTYPE html>")
            assert len(html.encode()) < pages.MAX_VIEW_BYTES
            assert "default-src 'none'" in html
            assert re.findall(r"https?://[\w./-]+", html) == ["http://www.w3.org/2000/svg"]
            assert '<script type="application/json" id="embedded-result">null</script>' in html


@pytest.mark.parametrize(("tool", "arguments"), CALLS, ids=[c[0] for c in CALLS])
async def test_a_client_without_apps_gets_the_same_full_answer(
    catalog: Catalog, tool: str, arguments: dict[str, Any]
) -> None:
    async with Client(build_server(catalog)) as plain, apps_client(catalog) as apps:
        without = await plain.call_tool(tool, arguments)
        with_apps = await apps.call_tool(tool, arguments)
    assert not without.is_error
    assert without.content == with_apps.content  # what the model reads is the same
    assert without.structured_content == with_apps.structured_content
    (text,) = without.content
    assert getattr(text, "text", "").strip()
    assert without.structured_content
    assert VIEW_DATA_KEY not in (without.meta or {})
    if tool == "sre_readiness":
        # The summary leaves the words to its text; the view gets them in _meta, and only a client with Apps.
        words = (with_apps.meta or {})[VIEW_DATA_KEY]
        assert "owner" not in without.structured_content["blockers"][0]
        assert words["blockers"][0]["owner"]
        assert words["categories"][0]["title"]
        assert "checklist" not in words
    else:
        assert VIEW_DATA_KEY not in (with_apps.meta or {})


def test_embedded_data_cannot_close_its_script_element() -> None:
    hostile = {"service": "</script><script>alert(1)</script><!--", "reason": "a & b > c"}
    html = pages.standalone_html("readiness", hostile)
    embedded = html.split('id="embedded-result">', 1)[1].split("</script>", 1)[0]
    assert "<" not in embedded
    assert ">" not in embedded
    assert json.loads(embedded) == hostile


def test_the_standalone_page_is_the_view_with_the_data_in_it() -> None:
    data = {"objective_percent": 99.9}
    exported = pages.standalone_html("budget", data)
    assert exported.replace(pages.embed_json(data), "null") == pages.view_html("budget")


@pytest.fixture
def views_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped view files copied to `tmp_path`, which the loader then reads instead."""
    folder = tmp_path / "views"
    shutil.copytree(ROOT / "resources" / "views", folder)
    monkeypatch.setattr(pages, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    caches = (pages.view_html, pages._template, pages._part)
    for cached in caches:
        cached.cache_clear()
    yield folder
    for cached in caches:
        cached.cache_clear()


@pytest.mark.parametrize(
    "line",
    [
        'fetch("/data.json");',  # a request from the script
        "var u = 'https://cdn.example.com/chart.js';",  # a remote address
        "document.body.style.background = 'url(x.png)';",  # a CSS fetch
        "var img = '<img src=\"pixel.gif\">';",  # a file loaded by src
        "new WebSocket(location.href);",
    ],
)
def test_view_code_that_would_reach_the_network_is_refused_on_load(views_copy: Path, line: str) -> None:
    script = views_copy / "budget.js"
    script.write_text(script.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(PersonaFileError, match=r"budget\.js.*reaches the network"):
        pages.view_html("budget")


def test_a_template_that_loses_a_placeholder_is_refused(views_copy: Path) -> None:
    template = views_copy / "view.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{{DATA}}", ""), encoding="utf-8")
    with pytest.raises(PersonaFileError, match=r"view\.html.*\{\{DATA\}\} appears 0 times"):
        pages.view_html("alerts")


def test_a_view_over_its_size_cap_is_refused(views_copy: Path) -> None:
    (views_copy / "view.css").write_text("/* padding */\n" * 4000, encoding="utf-8")
    with pytest.raises(PersonaFileError, match="the limit is 40000"):
        pages.view_html("alerts")


def _embedded(html: str) -> Any:
    return json.loads(html.split('id="embedded-result">', 1)[1].split("</script>", 1)[0])


def test_review_writes_the_scorecard_as_one_page_and_still_gates(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["review", str(PAYMENT_API), "--format", "html"])
    out = capsys.readouterr()
    assert code == 1  # not ready: the gate holds whatever the format
    assert out.out.startswith("<!DOCTYPE html>")
    assert out.out.rstrip().endswith("</html>")
    data = _embedded(out.out)
    assert (data["service"], data["assessment"]) == ("payment-api", "not_ready")
    assert 'data-view="readiness"' in out.out


@pytest.mark.parametrize(
    ("argv", "view", "field"),
    [
        (["slo", "status", "99.9", "--downtime-seconds", "1500", "--elapsed", "10d"], "budget", "state"),
        (["slo", "alerts", "99.9", "--profile", "sloth"], "alerts", "profile"),
    ],
)
def test_slo_commands_write_their_picture_as_one_page(
    capsys: pytest.CaptureFixture[str], argv: list[str], view: str, field: str
) -> None:
    assert main([*argv, "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert f'data-view="{view}"' in html
    assert field in _embedded(html)


def test_a_command_without_a_picture_offers_no_html(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["slo", "budget", "99.9", "--format", "html"])
    assert exited.value.code == 2
    assert "invalid choice: 'html'" in capsys.readouterr().err


def test_a_repository_review_exports_its_scorecard_with_the_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    boutique = ROOT / "tests" / "data" / "repos" / "microservices-demo" / "kubernetes-manifests"
    main(["review", "--repo", str(boutique), "--service", "cartservice", "--format", "html"])
    data = _embedded(capsys.readouterr().out)
    assert data["repository"]["service"] == "cartservice"
    assert any("cartservice.yaml:" in fact for fact in data["repository"]["facts"])


@pytest.mark.parametrize("view", list(pages.VIEWS))
def test_the_readme_shows_a_screenshot_of_each_view(view: str) -> None:
    # tools/view_screenshots.py takes them with the browser tests' host, at a 360-pixel panel's width.
    image = ROOT / "docs" / "images" / f"view-{view}.png"
    head = image.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(head[16:20], "big") == 360  # the IHDR width
    assert f'src="docs/images/view-{view}.png"' in (ROOT / "README.md").read_text(encoding="utf-8")
