"""The architecture stays visible: data -> core -> faces, one way, and the faces use only the SDK's public API.

The core (catalog/, analysis/, sre/, evidence/ and the shared errors, data and logs modules) imports neither the MCP SDK
nor the HTTP stack nor any face; the faces (server/, cli/) import the core. A module stays under ~600 lines
and opens with a paragraph saying what it owns. No module, test, tool or benchmark touches a private name
of the SDK: each is a break waiting for its next release.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "server" / "persona_mcp"
CORE_PACKAGES = ("catalog", "analysis", "sre", "evidence", "views")
CORE_MODULES = ("errors", "data", "logs")
FACES = ("server", "cli")
MAX_MODULE_LINES = 650


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    if parts[1] in CORE_PACKAGES or parts[1] in CORE_MODULES:
        return "core"
    if parts[1] in FACES:
        return "face"
    return "entry"  # __main__, _entry: the console script's first steps


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


CORE = [p for p in _modules() if _layer(_name(p)) == "core"]


@pytest.mark.parametrize("path", CORE, ids=lambda p: _name(p))
def test_the_core_imports_no_face_no_sdk_and_no_http_stack(path: Path) -> None:
    forbidden = ("mcp", "mcp_types", "starlette", "uvicorn", "prometheus_client", "httpx2")
    bad = sorted(
        name
        for name in _imports(path)
        if name.split(".")[0] in forbidden or _layer(name) == "face" or name.startswith("persona_mcp._entry")
    )
    assert bad == [], f"{_name(path)} imports {bad}"


@pytest.mark.parametrize("module", [_name(p) for p in CORE if p.name != "__init__.py"])
def test_importing_a_core_module_loads_no_sdk(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "print(','.join(sorted(m for m in ('mcp', 'starlette', 'uvicorn', 'prometheus_client') if m in sys.modules)))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"{module} pulls in {loaded}"


def test_serving_stdio_loads_neither_the_http_face_nor_the_analyses_before_a_call() -> None:
    # Listing the tools needs only their result models; the analyses, the review's rules and the HTTP stack
    # load when something uses them (cold start is a figure a person feels: bench/run.py).
    code = (
        "import sys, persona_mcp.cli.main, persona_mcp.server.app as a;"
        "from persona_mcp.catalog.loader import load_catalog; a.build_server(load_catalog());"
        "print(sorted(m for m in ('persona_mcp.server.http', 'prometheus_client', 'persona_mcp.analysis.routing',"
        " 'persona_mcp.analysis.overlap', 'persona_mcp.sre.readiness.evaluate', 'jsonschema') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: _name(p) or "persona_mcp")
def test_each_module_is_short_and_says_what_it_owns(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{_name(path)}: split it by what it owns"
    docstring = ast.get_docstring(ast.parse(text))
    assert docstring, f"{_name(path)} has no module docstring"
    assert len(docstring.split()) >= 8, f"{_name(path)}: say what the module owns"


# Private names of the SDK: an attribute or import starting with one underscore on an SDK object or module,
# and the metadata the SDK keeps about a tool's function.
PRIVATE_SDK = re.compile(
    r"\b(?:_tool_manager|_prompt_manager|_resource_manager|_mcp_server|_tool_input_schema|fn_metadata"
    r"|_lowlevel_server|_session_manager)\b"
    r"|from mcp(?:_types)?(?:\.\w+)*\s+import\s+(?:\(\s*)?_\w"
    r"|\bimport\s+mcp(?:\.\w+)*\._\w"
    r"|from\s+mcp(?:\.\w+)*\._\w"
)


def _our_python() -> list[Path]:
    roots = [PACKAGE, ROOT / "tests", ROOT / "tools", ROOT / "bench", ROOT / "bundle"]
    return sorted(p for root in roots for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_code_of_ours_touches_a_private_name_of_the_sdk() -> None:
    this = Path(__file__).resolve()
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _our_python()
        if path.resolve() != this
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PRIVATE_SDK.search(line)
    ]
    assert hits == []


@pytest.mark.parametrize(
    "line",
    [
        "tools = app._tool_manager.list_tools()",
        "schema = tool.fn_metadata.arg_model",
        "from mcp.server.mcpserver.utilities import _helpers",
        "from mcp.shared import _httpx_utils",
        "import mcp.server._internal",
        "from mcp_types import _private",
    ],
)
def test_the_private_name_check_would_catch(line: str) -> None:
    assert PRIVATE_SDK.search(line)
