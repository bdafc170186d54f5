"""Shared fixtures: the shipped catalog, a user persona to copy, and a factory for persona directories."""

from __future__ import annotations

import copy
import importlib.util
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from mcp import Client

from persona_mcp.catalog.loader import Catalog, load_catalog
from persona_mcp.server.app import build_server

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PERSONA = ROOT / "examples" / "personas" / "data-engineer.yaml"

ROSTER = {
    "workflow-executor": ("Workflow Executor", "process"),
    "software-architect": ("Software Architect", "design-architecture"),
    "senior-engineer": ("Senior Engineer", "design-architecture"),
    "qa-engineer": ("QA Engineer", "quality-reliability"),
    "code-reviewer": ("Code Reviewer", "quality-reliability"),
    "security-engineer": ("Security Engineer", "security-safety"),
    "performance-engineer": ("Performance Engineer", "performance-scale"),
    "concurrency-expert": ("Concurrency Expert", "performance-scale"),
    "sre": ("Site Reliability Engineer", "operations-reliability"),
}


OTHER_PROMPTS = {"sre-readiness", "panel"}
"""Prompts that are not personas."""


def persona_prompts(names: set[str]) -> set[str]:
    """The persona prompts among `names`, after checking the other prompts are there too."""
    assert names >= OTHER_PROMPTS, OTHER_PROMPTS - names
    return names - OTHER_PROMPTS


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(catalog: Catalog) -> AsyncIterator[Client]:
    """The official SDK client connected in memory to a server over the shipped catalog."""
    async with Client(build_server(catalog)) as connected:
        yield connected


@pytest.fixture
def persona_data() -> dict[str, Any]:
    """A valid persona as plain data (the shipped example user persona), safe to mutate."""
    return copy.deepcopy(yaml.safe_load(EXAMPLE_PERSONA.read_text(encoding="utf-8")))


WriteFile = Callable[..., Path]


@pytest.fixture
def write_persona(tmp_path: Path) -> WriteFile:
    """Write persona data (a dict, or raw text/bytes) as a file in a directory under tmp_path."""

    def write(data: dict[str, Any] | str | bytes, name: str | None = None, directory: str = "personas") -> Path:
        folder = tmp_path / directory
        folder.mkdir(exist_ok=True)
        if isinstance(data, dict):
            path = folder / (name or f"{data['id']}.yaml")
            path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        else:
            path = folder / (name or "persona.yaml")
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return path

    return write


def bench_module() -> Any:
    """bench/run.py as a module (it is a script beside its helpers, not a package): its samples and inputs."""
    bench = str(ROOT / "bench")
    sys.path.insert(0, bench)  # run.py imports its sibling personas.py
    try:
        spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(bench)
    return module
