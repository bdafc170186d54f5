"""Registry metadata (issue 20): server.json follows the official MCP Registry's schema, and every place that
states the version (pyproject's package metadata, `persona-mcp --version`, the bundle's manifest, server.json)
states the same one.

The schema is the registry's own document, committed under tests/data/schemas/ with its source noted.
"""

from __future__ import annotations

import copy
import importlib.metadata
import importlib.util
import json
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import jsonschema

from persona_mcp import __version__

from .processes import console_script

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "data" / "schemas" / "mcp-registry-server-2025-12-11.schema.json"
SERVER_JSON = ROOT / "server.json"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def problems(document: dict[str, Any]) -> list[str]:
    """What the registry's schema finds wrong with `document` (formats checked too)."""
    validator = jsonschema.Draft7Validator(load(SCHEMA), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_server_json_follows_the_registrys_schema() -> None:
    server = load(SERVER_JSON)
    assert problems(server) == []
    assert server["$schema"] == load(SCHEMA)["$id"]


def test_the_schema_check_rejects_what_the_registry_rejects() -> None:
    server = load(SERVER_JSON)
    for change in (
        lambda s: s.update(name="persona-mcp"),  # not reverse-DNS with one slash
        lambda s: s.update(description="x" * 101),
        lambda s: s["packages"][0].update(version="latest"),
        lambda s: s["packages"][0].pop("transport"),
    ):
        broken = copy.deepcopy(server)
        change(broken)
        assert problems(broken), broken


def test_server_json_names_the_pypi_package_and_its_stdio_arguments() -> None:
    server = load(SERVER_JSON)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert server["name"].endswith("/" + project["name"])
    assert server["description"] == project["description"]
    (package,) = server["packages"]
    assert (package["registryType"], package["identifier"], package["transport"]) == (
        "pypi",
        project["name"],
        {"type": "stdio"},
    )
    help_text = subprocess.run([console_script(), "--help"], capture_output=True, text=True, timeout=60).stdout
    for argument in package["packageArguments"]:
        assert f"{argument['name']} " in help_text, argument["name"]
    for variable in package["environmentVariables"]:
        assert f"${variable['name']}" in help_text, variable["name"]


def test_the_readme_names_the_server_for_the_registrys_pypi_check() -> None:
    """The registry accepts a PyPI package for a server name only if the package's description (README) says it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"<!-- mcp-name: {load(SERVER_JSON)['name']} -->" in readme


def test_every_stated_version_agrees() -> None:
    spec = importlib.util.spec_from_file_location("bundle_manifest", ROOT / "tools" / "bundle_manifest.py")
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    server = load(SERVER_JSON)
    printed = subprocess.run([console_script(), "--version"], capture_output=True, text=True, timeout=60).stdout
    stated = {
        "package metadata (pyproject)": importlib.metadata.version("persona-mcp"),
        "persona_mcp.__version__": __version__,
        "persona-mcp --version": printed.split()[-1],
        "bundle manifest": generator.manifest()["version"],
        "server.json": server["version"],
        "server.json package": server["packages"][0]["version"],
    }
    assert len(set(stated.values())) == 1, stated
