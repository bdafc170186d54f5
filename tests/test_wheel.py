"""The wheel built from the checkout carries its data and serves all nine personas from anywhere.

The wheel is built without network (the test extra brings hatchling) and installed with --no-deps into a
fresh venv whose other dependencies come from the running environment through a .pth file, so only
persona-mcp itself comes from the wheel.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

from .conftest import ROOT, ROSTER, persona_prompts

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("persona_mcp-*.whl")
    return built


@pytest.fixture(scope="module")
def venv_bin(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / "bin"
    python = bin_dir / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The running environment supplies mcp, pydantic and the rest; appended after the venv's own packages.
    (Path(purelib) / "_deps_from_test_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, timeout=300
    )
    return bin_dir


def test_the_wheel_ships_the_personas_and_resources(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {f"persona_mcp/personas/{pid}.yaml" for pid in ROSTER} <= set(names)
    assert "persona_mcp/resources/prompts/persona.md" in names
    assert "persona_mcp/resources/templates/postmortem.md" in names
    assert "persona_mcp/resources/routing-examples.yaml" in names


def test_the_installed_wheel_serves_all_nine_personas_from_outside_the_checkout(venv_bin: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [str(venv_bin / "python"), "-c", "import persona_mcp; print(persona_mcp.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert not where.startswith(str(ROOT)), "the package must come from the wheel, not the checkout"

    table = subprocess.run(
        [str(venv_bin / "persona-mcp"), "personas"], check=True, capture_output=True, text=True, cwd=tmp_path
    ).stdout
    assert {line.split()[0] for line in table.strip().splitlines()[1:]} == set(ROSTER)

    async def main() -> None:
        params = StdioServerParameters(command=str(venv_bin / "persona-mcp"), args=[], cwd=tmp_path)
        with anyio.fail_after(60):
            async with Client(params) as client:
                prompts = await client.list_prompts()
                assert persona_prompts({p.name for p in prompts.prompts}) == set(ROSTER)
                brief = await client.read_resource("persona-mcp://templates/runbook")
                assert brief.contents
                # routing reads the taxonomy and the example requests from inside the wheel
                routed = await client.call_tool("recommend_personas", {"task": "two goroutines write one map"})
                assert routed.structured_content is not None
                assert routed.structured_content["recommendations"][0]["persona_id"] == "concurrency-expert"

    anyio.run(main)
