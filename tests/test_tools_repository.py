"""`sre_readiness` over a repository (issue 16): only inside `--allow-dir`, through the SDK client in memory
and over a real stdio subprocess; every way out of the allowed directories is a one-line tool error."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp_types import CallToolResult, TextContent

from persona_mcp.catalog.loader import Catalog
from persona_mcp.server.app import build_server

from .conftest import ROOT
from .processes import console_script

pytestmark = pytest.mark.anyio

REPOS = ROOT / "tests" / "data" / "repos"
BOUTIQUE = REPOS / "microservices-demo" / "kubernetes-manifests"


def _text(result: CallToolResult) -> str:
    first = result.content[0]
    assert isinstance(first, TextContent)
    return first.text


async def _call(catalog: Catalog, allowed: tuple[Path, ...], **arguments: Any) -> CallToolResult:
    async with Client(build_server(catalog, allowed)) as client:
        return await client.call_tool("sre_readiness", arguments)


async def test_a_review_from_an_allowed_repository_cites_its_lines(catalog: Catalog) -> None:
    result = await _call(catalog, (REPOS,), repository=str(BOUTIQUE), service_name="cartservice")
    assert not result.is_error, _text(result)
    review = result.structured_content
    assert review is not None
    assert review["repository"]["service"] == "cartservice"
    (blocker,) = [f for f in review["blockers"] if f["item_id"] == "no-single-points-of-failure"]
    assert any("REDIS_ADDR=redis-cart:6379" in cite for cite in blocker["evidence"])
    assert "Evidence: cartservice.yaml:51" in _text(result)


async def test_the_stated_manifest_adds_to_the_repository_and_wins(catalog: Catalog) -> None:
    stated = {"name": "cartservice", "tier": "critical", "dependencies": [{"name": "redis-cart", "instances": 2}]}
    result = await _call(catalog, (BOUTIQUE,), repository=str(BOUTIQUE), service=stated)
    assert not result.is_error, _text(result)
    review = result.structured_content
    assert review is not None
    assert review["tier"] == "critical"
    assert review["repository"]["conflicts"] == ["dependencies[redis-cart].instances: stated 2, read 1"]


@pytest.mark.parametrize(
    ("allowed", "repository", "message"),
    [
        ((), str(BOUTIQUE), "repository: this server may read no directory; start it with --allow-dir DIR"),
        ((BOUTIQUE,), str(REPOS / "podinfo"), "is outside the allowed directories"),
        ((BOUTIQUE,), str(BOUTIQUE / ".." / ".." / "podinfo"), "is outside the allowed directories"),
        ((BOUTIQUE,), "/etc", "is outside the allowed directories"),
        ((BOUTIQUE,), "kubernetes-manifests", "is relative; give an absolute path"),
        ((BOUTIQUE,), str(BOUTIQUE / "no-such-dir"), "does not exist"),
        ((BOUTIQUE,), str(BOUTIQUE / "cartservice.yaml"), "is not a directory"),
        ((BOUTIQUE,), "/" + "a" * 5000, "at most 4096 characters"),
        ((BOUTIQUE,), str(BOUTIQUE) + "\x00", "absolute path"),
    ],
)
async def test_every_path_out_of_the_allowed_directories_is_refused(
    catalog: Catalog, allowed: tuple[Path, ...], repository: str, message: str
) -> None:
    result = await _call(catalog, allowed, repository=repository, service_name="cartservice")
    assert result.is_error
    assert message in _text(result)
    assert "\n" not in _text(result)


async def test_a_symlink_out_of_an_allowed_directory_is_refused(catalog: Catalog, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(REPOS)
    result = await _call(catalog, (tmp_path,), repository=str(tmp_path / "link"), service_name="cartservice")
    assert result.is_error
    assert "leads outside the allowed directories through a symlink" in _text(result)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({}, "service: give the service manifest, or a repository and service_name"),
        ({"repository": str(BOUTIQUE)}, "service_name: name the service's workload"),
        ({"repository": str(BOUTIQUE), "service_name": "nope"}, "service_name: no workload named 'nope'"),
    ],
)
async def test_a_repository_review_without_a_service_names_the_argument(
    catalog: Catalog, arguments: dict[str, Any], message: str
) -> None:
    async with Client(build_server(catalog, (BOUTIQUE,))) as client:
        result = await client.call_tool("sre_readiness", arguments)
        assert result.is_error
        assert message in _text(result)
        assert not (await client.call_tool("sre_readiness", {"service": {"name": "x"}})).is_error  # still serving


@pytest.mark.e2e
async def test_over_stdio_the_allowed_directory_comes_from_the_command_line() -> None:
    params = StdioServerParameters(command=console_script(), args=["--allow-dir", str(REPOS)])
    with anyio.fail_after(60):
        async with Client(params) as client:
            result = await client.call_tool(
                "sre_readiness", {"repository": str(BOUTIQUE), "service_name": "cartservice"}
            )
            assert not result.is_error, _text(result)
            outside = await client.call_tool("sre_readiness", {"repository": "/etc", "service_name": "x"})
            assert outside.is_error
            assert "outside the allowed directories" in _text(outside)


@pytest.mark.e2e
def test_an_allowed_directory_that_does_not_exist_stops_the_server_at_start(tmp_path: Path) -> None:
    done = subprocess.run(
        [console_script(), "serve", "--allow-dir", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert f"--allow-dir: {tmp_path / 'missing'} is not a directory" in done.stderr
