"""Where persona-mcp's cost goes compared with the floor: imports, start phases, YAML, listings, calls.

    python bench/profile_costs.py [--quick]       # prints Markdown; bench/PROFILE.md is written from it

Sections:
1. `-X importtime` of the console script's module, of the stdio serving path and of `mcp.server`: self time
   by top-level package (median of runs) and what the serving path imports beyond the SDK.
2. Start phases in fresh interpreters (median of runs): importing the CLI, loading the catalog, importing
   the SDK, building the server, the first tools/list and prompts/list; the catalog load split into
   reading, YAML parsing and pydantic validation.
3. YAML loaders on the shipped personas and on generated ones: pure-Python SafeLoader, ours (pure-Python
   with an alias and depth check), CSafeLoader, and two ways to keep the checks with the C loader.
4. tools/list bytes by tool and by part (description, input schema, output schema, the rest), and the
   prompts/list and initialize sizes.
5. One tool call step by step, in process: argument validation, the tool body, result conversion, the
   result's JSON and the whole handler, with the functions that take the most own time (cProfile).
6. Attribution by variants (bench/variant_server.py): the floor's echo on our server, and our server over
   HTTP with and without our gate, interleaved with the floor, by latency, throughput and CPU per call.
7. The cyclic GC during start-up, ours and the floor's, and the cold start with it off until the server is
   built (bench/gc_start.py).
Benchmarks print figures and assert nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import functools
import inspect
import json
import pstats
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from driver import StdioDriver, compact
from run import (
    ECHO_ARGUMENTS,
    FULL,
    REPO,
    SAMPLE_ARGUMENTS,
    cpu_seconds,
    floor_command,
    free_port,
    http_server,
    ours_command,
    run_load,
    sample_arguments,
    server_env,
)

IMPORTTIME_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")
STDIO_PATH = "import persona_mcp.cli.main, persona_mcp.server.app"

# --- 1. import time ---------------------------------------------------------------------------------------------------


def importtime(statement: str) -> list[tuple[str, int, int, int]]:
    """(module, self µs, cumulative µs, nesting level) per line of `python -X importtime -c statement`."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
        env=server_env(),
        timeout=120,
    )
    rows = []
    for line in done.stderr.splitlines():
        match = IMPORTTIME_LINE.match(line)
        if match:
            own, cumulative, indent, module = match.groups()
            rows.append((module, int(own), int(cumulative), len(indent) // 2))
    return rows


def by_package(rows: list[tuple[str, int, int, int]]) -> dict[str, float]:
    """Self time in ms by top-level package."""
    totals: dict[str, float] = defaultdict(float)
    for module, own, _, _ in rows:
        totals[module.split(".")[0]] += own / 1000
    return totals


def section_imports(runs: int) -> list[str]:
    out = ["## 1. Import time (`python -X importtime`, self time by top-level package, ms, median of runs)", ""]
    statements = {"cli": "import persona_mcp.cli.main", "stdio": STDIO_PATH, "sdk": "import mcp.server"}
    packages: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in statements}
    totals: dict[str, list[float]] = {name: [] for name in statements}
    modules: dict[str, set[str]] = {name: set() for name in statements}
    cumulative: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        for name, statement in statements.items():
            rows = importtime(statement)
            totals[name].append(sum(own for _, own, _, _ in rows) / 1000)
            modules[name] |= {module for module, _, _, _ in rows}
            for package, ms in by_package(rows).items():
                packages[name][package].append(ms)
            if name == "stdio":
                for module, _, cum, _ in rows:
                    cumulative[module].append(cum / 1000)
    med = {name: {p: statistics.median(v) for p, v in packages[name].items()} for name in statements}
    out += [
        f"Total self time: `{statements['cli']}` {statistics.median(totals['cli']):.0f} ms; "
        f"`{STDIO_PATH}` {statistics.median(totals['stdio']):.0f} ms; "
        f"`{statements['sdk']}` {statistics.median(totals['sdk']):.0f} ms.",
        "",
        "| package | console script (cli) | stdio serving path | mcp.server alone | stdio path − SDK |",
        "|---|---|---|---|---|",
    ]
    ranked = sorted(med["stdio"], key=lambda p: -med["stdio"][p])
    for package in ranked[:22]:
        cli, stdio, sdk = (med[n].get(package, 0.0) for n in ("cli", "stdio", "sdk"))
        out.append(f"| {package} | {cli:.1f} | {stdio:.1f} | {sdk:.1f} | {stdio - sdk:+.1f} |")
    extra = sorted({m.split(".")[0] for m in modules["stdio"] - modules["sdk"]})
    out += ["", f"Top-level packages the stdio path imports beyond `mcp.server`: {', '.join(extra) or 'none'}.", ""]
    heavy = sorted(cumulative, key=lambda m: -statistics.median(cumulative[m]))
    out += ["Heaviest imports on the stdio path (cumulative ms, including what they import):", ""]
    shown = 0
    for module in heavy:
        if shown >= 15:
            break
        if module.count(".") <= 2:
            out.append(f"- `{module}` {statistics.median(cumulative[module]):.0f} ms")
            shown += 1
    return [*out, ""]


# --- 2. start phases --------------------------------------------------------------------------------------------------

PHASES_CHILD = r"""
import json, time, sys
t = time.perf_counter
marks = {}
s = t(); import persona_mcp.cli.main; marks["import persona_mcp.cli.main (yaml, pydantic, the core)"] = t() - s
from persona_mcp.catalog.loader import load_catalog
s = t(); catalog = load_catalog(); marks["load_catalog() of the shipped personas"] = t() - s
s = t(); import persona_mcp.server.app; marks["import persona_mcp.server.app (the SDK)"] = t() - s
s = t(); app = persona_mcp.server.app.build_server(catalog); marks["build_server(catalog)"] = t() - s
import anyio
async def nothing(): pass
s = t(); anyio.run(nothing); marks["first event loop (anyio backend import; run() pays it)"] = t() - s
s = t(); anyio.run(app.list_tools); marks["first tools/list (schemas compacted)"] = t() - s
s = t(); anyio.run(app.list_prompts); marks["first prompts/list"] = t() - s
from mcp.server import MCPServer
s = t()
floor = MCPServer(name="floor", log_level="WARNING")
@floor.tool()
def echo(text: str) -> str:
    return text
marks["(floor) MCPServer() and one tool"] = t() - s
print(json.dumps(marks))
"""

CATALOG_CHILD = r"""
import json, time
t = time.perf_counter
import persona_mcp.cli.main
from persona_mcp.catalog.loader import persona_files, parse_persona, _dangling_references
from persona_mcp.data import data_dir, read_text, parse_yaml
marks = {}
s = t(); files = persona_files(data_dir("personas")); marks["list and check files"] = t() - s
s = t(); texts = [read_text(p) for p in files]; marks["read_text (size, UTF-8, NUL checks)"] = t() - s
import yaml
from persona_mcp import data as data_module
c_loader = getattr(yaml, "CSafeLoader", None)
ours = getattr(data_module, "_SafeLoader", object)
kind = "libyaml" if c_loader and issubclass(ours, c_loader) else "pure Python"
s = t(); data = [parse_yaml(x, "f") for x in texts]; marks[f"parse_yaml ({kind} loader + checks)"] = t() - s
try:
    from persona_mcp.catalog.concerns import taxonomy
    s = t(); taxonomy(); marks["concern taxonomy (resources/concerns.yaml; first validation loads it)"] = t() - s
except ImportError:
    pass
s = t(); personas = {p.id: p for p in (parse_persona(d, "f") for d in data)}; marks["Persona validation"] = t() - s
s = t(); _dangling_references(personas); marks["collaborates_with check"] = t() - s
print(json.dumps(marks))
"""


BUILD_CHILD = r"""
import cProfile, json, pstats
import persona_mcp.cli.main, persona_mcp.server.app
from persona_mcp.catalog.loader import load_catalog
catalog = load_catalog()
profiler = cProfile.Profile()
profiler.enable()
persona_mcp.server.app.build_server(catalog)
profiler.disable()
rows = []
for (filename, line, name), value in pstats.Stats(profiler).stats.items():
    if "persona_mcp" in filename or "mcp/server" in filename:
        rows.append((value[3], f"{filename.split('site-packages/')[-1].split('server/')[-1]}:{name}"))
rows.sort(reverse=True)
print(json.dumps({label: seconds for seconds, label in rows[:12]}))
"""


def child_phases(code: str, runs: int) -> dict[str, float]:
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=server_env(), timeout=120
        )
        for name, seconds in json.loads(done.stdout).items():
            samples[name].append(seconds * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def cold_start_ms(argv: Sequence[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        with StdioDriver(argv, env=server_env()) as server:
            server.initialize()
            server.request("tools/list")
            server.request("prompts/list")
            samples.append((time.perf_counter() - server.spawned_at) * 1000)
    return statistics.median(samples)


def section_phases(runs: int) -> list[str]:
    phases = child_phases(PHASES_CHILD, runs)
    catalog = child_phases(CATALOG_CHILD, runs)
    interpreter = statistics.median(
        _wall([sys.executable, "-c", "pass"]) for _ in range(runs)
    )  # the interpreter's own start
    ours = cold_start_ms(ours_command(), runs)
    floor = cold_start_ms(floor_command(), runs)
    ours_phases = sum(v for k, v in phases.items() if not k.startswith("(floor)"))
    build = child_phases(BUILD_CHILD, 1)
    out = [
        "## 2. Start phases (fresh interpreters, ms, median of runs)",
        "",
        f"Spawn → tools/list and prompts/list answered: ours {ours:.0f} ms, floor {floor:.0f} ms "
        f"(difference {ours - floor:+.0f} ms). Interpreter start alone: {interpreter:.0f} ms.",
        "",
        "| phase | ms |",
        "|---|---|",
        *[f"| {name} | {ms:.1f} |" for name, ms in phases.items()],
        f"| sum of our phases | {ours_phases:.1f} |",
        "",
        "The shipped catalog's load, step by step (cold, in a fresh interpreter):",
        "",
        "| step | ms |",
        "|---|---|",
        *[f"| {name} | {ms:.1f} |" for name, ms in catalog.items()],
        "",
        "Inside `build_server(catalog)` (cProfile, cumulative ms, our code and the SDK's server package):",
        "",
        *[f"- `{name}` {ms:.1f}" for name, ms in build.items()],
        "",
    ]
    return out


def _wall(argv: Sequence[str]) -> float:
    start = time.perf_counter()
    subprocess.run(list(argv), check=True, env=server_env(), timeout=60)
    return (time.perf_counter() - start) * 1000


# --- 3. YAML ----------------------------------------------------------------------------------------------------------


def _prescan_then_load(text: str) -> Any:
    """The C parser's events checked for aliases and depth, then the C loader: what data.py could do."""
    import yaml

    depth = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise ValueError("YAML aliases are not allowed")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > 32:
                raise ValueError("nesting too deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return yaml.load(text, Loader=yaml.CSafeLoader)


def _compose_check_construct(text: str) -> Any:
    """The C composer, a walk of the node graph (an alias is a node seen twice), then construction."""
    import yaml

    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        seen: set[int] = set()
        stack: list[tuple[Any, int]] = [(node, 1)]
        while stack:
            current, depth = stack.pop()
            if id(current) in seen:
                raise ValueError("YAML aliases are not allowed")
            seen.add(id(current))
            if depth > 32:
                raise ValueError("nesting too deep")
            if isinstance(current, yaml.SequenceNode):
                stack.extend((child, depth + 1) for child in current.value)
            elif isinstance(current, yaml.MappingNode):
                for key, value in current.value:
                    stack.extend(((key, depth + 1), (value, depth + 1)))
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _our_loader_kind() -> str:
    """Which parser persona_mcp.data uses at the time of the run (the module is being worked on)."""
    import yaml

    from persona_mcp import data

    loader = getattr(data, "_SafeLoader", None)
    c_loader = getattr(yaml, "CSafeLoader", None)
    if isinstance(loader, type) and c_loader is not None and issubclass(loader, c_loader):
        return "libyaml + checks"
    return "pure Python + checks"


def section_yaml(generated: Path | None, runs: int) -> list[str]:
    import yaml

    from persona_mcp.catalog.loader import parse_persona
    from persona_mcp.data import parse_yaml, read_text

    shipped = [read_text(p) for p in sorted((REPO / "personas").glob("*.yaml"))]
    sets = {f"{len(shipped)} shipped personas ({sum(map(len, shipped)) / 1024:.0f} KiB)": shipped}
    if generated is not None:
        texts = [read_text(p) for p in sorted(generated.glob("*.yaml"))]
        sets[f"{len(texts)} generated personas ({sum(map(len, texts)) / 1e6:.1f} MB)"] = texts
    loaders: dict[str, Callable[[str], Any]] = {
        "yaml.SafeLoader (pure Python)": lambda x: yaml.load(x, Loader=yaml.SafeLoader),
        f"ours: persona_mcp.data.parse_yaml (now: {_our_loader_kind()})": lambda x: parse_yaml(x, "f"),
        "yaml.CSafeLoader (libyaml), no checks": lambda x: yaml.load(x, Loader=yaml.CSafeLoader),
        "CSafeLoader + event pre-scan for aliases/depth": _prescan_then_load,
        "CSafeLoader compose + node walk + construct": _compose_check_construct,
    }
    header = " | ".join(sets)
    out = [
        "## 3. YAML parsing (warm, ms for the whole set, best of runs) and pydantic validation",
        "",
        f"| loader | {header} |",
        "|---|" + "---|" * len(sets),
    ]
    for name, load in loaders.items():
        cells = []
        for texts in sets.values():
            best = min(_time(functools.partial(_load_all, load, texts)) for _ in range(runs))
            cells.append(f"{best * 1000:,.1f}")
        out.append(f"| {name} | {' | '.join(cells)} |")
    cells = []
    for texts in sets.values():
        data = [parse_yaml(x, "f") for x in texts]
        if any(isinstance(d, dict) and d.get("id") for d in data):
            best = min(_time(functools.partial(_validate_all, parse_persona, data)) for _ in range(runs))
            cells.append(f"{best * 1000:,.1f}")
    out.append(f"| (pydantic `Persona` validation of the parsed data) | {' | '.join(cells)} |")
    same = all(_prescan_then_load(x) == parse_yaml(x, "f") == _compose_check_construct(x) for x in shipped)
    out += ["", f"All three checked loaders give identical data for the shipped personas: {same}.", ""]
    return out


def _load_all(load: Callable[[str], Any], texts: Sequence[str]) -> None:
    for text in texts:
        load(text)


def _validate_all(validate: Callable[[Any, str], Any], data: Sequence[Any]) -> None:
    for item in data:
        validate(item, "f")


def _time(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- 4. listing sizes -------------------------------------------------------------------------------------------------


def section_listings() -> tuple[list[str], list[dict[str, Any]]]:
    with StdioDriver(ours_command(), env=server_env()) as server:
        initialize = server.initialize()
        tools = server.request("tools/list")["tools"]
        prompts = server.request("prompts/list")["prompts"]
    out = [
        "## 4. Context footprint by tool (bytes of compact JSON)",
        "",
        "| tool | total | description | inputSchema | outputSchema | rest (name, title, annotations) |",
        "|---|---|---|---|---|---|",
    ]
    totals = [0, 0, 0, 0, 0]
    for tool in sorted(tools, key=lambda t: -len(compact(t))):
        total = len(compact(tool))
        description = len(compact(tool.get("description", "")))
        input_schema = len(compact(tool.get("inputSchema", {})))
        output_schema = len(compact(tool.get("outputSchema", {}))) if "outputSchema" in tool else 0
        rest = total - description - input_schema - output_schema
        for index, value in enumerate((total, description, input_schema, output_schema, rest)):
            totals[index] += value
        out.append(
            f"| {tool['name']} | {total:,} | {description:,} | {input_schema:,} | {output_schema:,} | {rest:,} |"
        )
    out.append("| **all tools** | " + " | ".join(f"**{v:,}**" for v in totals) + " |")
    per_prompt = [len(compact(p)) for p in prompts]
    instructions = len(compact(initialize.get("instructions", "")))
    out += [
        "",
        f"prompts/list: {len(compact({'prompts': prompts})):,} B for {len(prompts)} prompts "
        f"({min(per_prompt, default=0)}–{max(per_prompt, default=0)} B each; the three argument descriptions "
        f"repeat in every prompt: {len(compact(prompts[0].get('arguments', []))) if prompts else 0} B each). "
        f"initialize: {len(compact(initialize)):,} B, of which instructions {instructions:,} B.",
        "",
    ]
    return out, tools


# --- 5. one call, step by step ----------------------------------------------------------------------------------------


def _median_us(fn: Callable[[], Any], count: int) -> float:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def _top_own(fn: Callable[[], Any], count: int, limit: int = 4) -> str:
    """The functions with the most own time over `count` calls of `fn`, in µs per call."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        fn()
    profiler.disable()
    table: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    own: dict[str, float] = defaultdict(float)
    for (filename, _line, name), value in table.items():
        where = f"{Path(filename).parent.name}/{Path(filename).stem}." if filename != "~" else ""
        own[f"{where}{name}"] += value[2] / count * 1e6
    ranked = sorted(own.items(), key=lambda kv: -kv[1])[:limit]
    return "; ".join(f"`{name}` {us:.0f}" for name, us in ranked)


def _sync_body(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A tool function as a plain call: an `async def` body (ours run on the event loop) driven to completion
    without an event loop, which works because our bodies never await anything unless they go to a thread."""

    if not inspect.iscoroutinefunction(fn):
        return fn

    def call(**kwargs: Any) -> Any:
        coroutine = fn(**kwargs)
        try:
            coroutine.send(None)
        except StopIteration as done:
            return done.value
        except Exception as exc:  # going to a worker thread needs an event loop: anyio raises here
            raise RuntimeError("the tool body went to a worker thread; it cannot be split here") from exc
        coroutine.close()
        raise RuntimeError("the tool body awaited something; it cannot be split here")

    return call


def section_calls(tools: list[dict[str, Any]], count: int) -> list[str]:
    """Per tool, in this process: argument validation, the body, result conversion, JSON, the whole handler."""
    import anyio

    from floor_server import app as floor_app
    from persona_mcp.catalog.loader import load_catalog
    from persona_mcp.server.app import build_server

    ours_app = build_server(load_catalog())
    ours_app.load_deferred_tools()  # the SRE tools register on the first tools/call
    out = [
        "## 5. One tool call, step by step (in process, µs per call, median of "
        f"{count}; the floor's echo body runs here on the main thread, under the server on a worker thread)",
        "",
        "| tool | validate args | body | convert result | result JSON (bytes) | whole handler "
        "(`call_tool`) | top own time in body + convert + JSON (cProfile, µs/call) |",
        "|---|---|---|---|---|---|---|",
    ]
    targets: list[tuple[str, Any, str, dict[str, Any]]] = [("floor echo", floor_app, "echo", ECHO_ARGUMENTS)]
    for tool in tools:
        arguments = sample_arguments(tool)
        if arguments is not None:
            targets.append((str(tool["name"]), ours_app, str(tool["name"]), arguments))
    for label, app, name, arguments in targets:
        try:
            tool = app._tool_manager.get_tool(name)
            meta = tool.fn_metadata
        except AttributeError as exc:  # SDK internals moved: say so instead of guessing
            out.append(f"| {label} | n/a ({exc}) | | | | | |")
            continue
        body = _sync_body(tool.fn)

        def whole(app: Any = app, name: str = name, arguments: dict[str, Any] = arguments) -> None:
            async def calls() -> None:
                for _ in range(count):
                    await app.call_tool(name, arguments)

            anyio.run(calls)

        whole()  # warm-up: the worker thread pool, lazily built indexes
        validated = meta.validate_arguments(arguments)
        result = body(**validated)
        converted = meta.convert_result(result)
        payload = converted.model_dump_json(by_alias=True, exclude_none=True)
        handler_us = _time(whole) / count * 1e6

        def steps(meta: Any = meta, body: Any = body, validated: dict[str, Any] = validated) -> None:
            meta.convert_result(body(**validated)).model_dump_json(by_alias=True, exclude_none=True)

        cells = [
            f"{_median_us(functools.partial(meta.validate_arguments, arguments), count):.0f}",
            f"{_median_us(functools.partial(body, **validated), count):.0f}",
            f"{_median_us(functools.partial(meta.convert_result, result), count):.0f}",
            f"{_median_us(functools.partial(converted.model_dump_json, by_alias=True, exclude_none=True), count):.0f}"
            f" ({len(payload):,})",
            f"{handler_us:.0f}",
            _top_own(steps, max(count // 3, 20)),
        ]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return [*out, ""]


# --- 6. attribution by variants ---------------------------------------------------------------------------------------

VARIANT = str(Path(__file__).resolve().parent / "variant_server.py")
SLO_CALL = ("slo_error_budget", SAMPLE_ARGUMENTS["slo_error_budget"])


GC_CHILD = r"""
import gc, json, sys, time
spent = {0: 0.0, 1: 0.0, 2: 0.0}
count = {0: 0, 1: 0, 2: 0}
started = [0.0]
def watch(phase, info):
    if phase == "start":
        started[0] = time.perf_counter()
    else:
        spent[info["generation"]] += time.perf_counter() - started[0]
        count[info["generation"]] += 1
gc.callbacks.append(watch)
import anyio
if sys.argv[1] == "floor":
    sys.path.insert(0, sys.argv[2])
    from floor_server import app
else:
    import persona_mcp.cli.main, persona_mcp.server.app
    from persona_mcp.catalog.loader import load_catalog
    app = persona_mcp.server.app.build_server(load_catalog())
anyio.run(app.list_tools)
anyio.run(app.list_prompts)
print(json.dumps({"ms": sum(spent.values()) * 1000, "gen2_ms": spent[2] * 1000, "gen2": count[2]}))
"""


def section_gc(runs: int) -> list[str]:
    """Time the cyclic GC spends during start-up, and the cold start with it off until the server is built."""
    python = sys.executable
    bench = str(Path(__file__).resolve().parent)
    gc_time: dict[str, list[dict[str, float]]] = defaultdict(list)
    for _ in range(runs):
        for side in ("floor", "ours"):
            done = subprocess.run(
                [python, "-c", GC_CHILD, side, bench], capture_output=True, text=True, check=True, env=server_env()
            )
            gc_time[side].append(json.loads(done.stdout))
    variants = {
        "floor": floor_command(),
        "ours (persona-mcp)": ours_command(),
        "ours, GC off until built, then gc.freeze() (bench/gc_start.py)": [python, str(Path(bench) / "gc_start.py")],
    }
    cold: dict[str, list[float]] = defaultdict(list)
    for rep in range(runs * 2):
        items = list(variants.items())
        for label, argv in items if rep % 2 == 0 else items[::-1]:
            cold[label].append(cold_start_ms(argv, 1))
    out = [
        "## 7. Garbage collection during start-up",
        "",
        "| | GC time during start (ms) | of which full (gen 2) collections |",
        "|---|---|---|",
    ]
    for side in ("floor", "ours"):
        samples = gc_time[side]
        out.append(
            f"| {side} | {statistics.median(s['ms'] for s in samples):.0f} | "
            f"{statistics.median(s['gen2'] for s in samples):.0f} taking "
            f"{statistics.median(s['gen2_ms'] for s in samples):.0f} ms |"
        )
    out += ["", f"Spawn → tools/list and prompts/list answered ({runs * 2} spawns each, interleaved):", ""]
    out += ["| variant | median ms | p10–p90 |", "|---|---|---|"]
    for label, spawns in cold.items():
        out.append(
            f"| {label} | {statistics.median(spawns):.0f} | {_quantile(spawns, 0.1):.0f}–{_quantile(spawns, 0.9):.0f} |"
        )
    return [*out, ""]


def _quantile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def section_variants(runs: int, calls: int, seconds: float) -> list[str]:
    """The same call on the floor and on our server with parts added or taken out, interleaved."""
    python = sys.executable
    stdio_variants: list[tuple[str, list[str], str, dict[str, Any]]] = [
        ("floor: echo", floor_command(), "echo", ECHO_ARGUMENTS),
        ("ours + echo tool: echo", [python, VARIANT, "--echo"], "echo", ECHO_ARGUMENTS),
        ("ours: slo_error_budget", ours_command(), *SLO_CALL),
    ]
    latency: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    drivers = {label: StdioDriver(argv, env=server_env()) for label, argv, _, _ in stdio_variants}
    try:
        for driver in drivers.values():
            driver.initialize()
        for rep in range(runs):
            order = stdio_variants if rep % 2 == 0 else stdio_variants[::-1]
            for label, _, name, arguments in order:
                driver = drivers[label]
                before = cpu_seconds(driver.proc.pid)
                for _ in range(calls):
                    start = time.perf_counter()
                    driver.call_tool(name, arguments)
                    latency[label].append(time.perf_counter() - start)
                cpu[label].append((cpu_seconds(driver.proc.pid) - before) / calls)
    finally:
        for driver in drivers.values():
            driver.close()
    out = [
        "## 6. Attribution: the same call with parts of our server added or taken out (interleaved)",
        "",
        f"Stdio, {runs} × {calls} calls each (ms):",
        "",
        "| variant | p50 | p99 | server CPU / call |",
        "|---|---|---|---|",
    ]
    for label, _, _, _ in stdio_variants:
        lat = sorted(latency[label])
        out.append(
            f"| {label} | {statistics.median(lat) * 1000:.3f} | {lat[int(len(lat) * 0.99)] * 1000:.2f} | "
            f"{statistics.median(cpu[label]) * 1000:.3f} |"
        )

    mode = dataclasses.replace(FULL, http_seconds=seconds, http_warmup=0.5)
    clients = 8
    ports = {name: free_port() for name in ("floor", "bare", "gated")}
    commands = {
        "floor": [*floor_command(), "--transport", "http", "--port", str(ports["floor"])],
        "bare": [python, VARIANT, "--transport", "http", "--echo", "--bare", "--port", str(ports["bare"])],
        "gated": [python, VARIANT, "--transport", "http", "--echo", "--port", str(ports["gated"])],
    }
    cases = [
        ("floor: echo", "floor", "echo", ECHO_ARGUMENTS),
        ("ours, SDK app as the floor's (no gate): echo", "bare", "echo", ECHO_ARGUMENTS),
        ("ours, SDK app as the floor's (no gate): slo_error_budget", "bare", *SLO_CALL),
        ("ours as served (gate + metrics): echo", "gated", "echo", ECHO_ARGUMENTS),
        ("ours as served (gate + metrics): slo_error_budget", "gated", *SLO_CALL),
    ]
    rates: dict[str, list[float]] = defaultdict(list)
    http_cpu: dict[str, list[float]] = defaultdict(list)
    with (
        http_server(commands["floor"], ports["floor"]) as floor_proc,
        http_server(commands["bare"], ports["bare"]) as bare_proc,
        http_server(commands["gated"], ports["gated"]) as gated_proc,
    ):
        procs = {"floor": floor_proc, "bare": bare_proc, "gated": gated_proc}
        for rep in range(runs):
            for label, server, name, arguments in cases if rep % 2 == 0 else cases[::-1]:
                body = {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "tools/call",
                    "params": {"name": name, "arguments": arguments},
                }
                pid = procs[server].pid
                before = cpu_seconds(pid)
                report = run_load(ports[server], body, clients, mode)
                used = cpu_seconds(pid) - before
                rates[label].append(report["calls_per_s"])
                total = report["calls"] * (1 + mode.http_warmup / mode.http_seconds)
                http_cpu[label].append(used / total if total else 0.0)
    out += [
        "",
        f"Streamable HTTP, stateless JSON, {clients} clients, {runs} × {seconds:g} s each:",
        "",
        "| variant | calls/s | server CPU / call (ms) |",
        "|---|---|---|",
    ]
    for label, _, _, _ in cases:
        out.append(
            f"| {label} | {statistics.median(rates[label]):,.0f} | {statistics.median(http_cpu[label]) * 1000:.3f} |"
        )
    return [*out, ""]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Where persona-mcp's start and call costs go; prints Markdown.")
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--generated", type=Path, help="a directory of generated personas for the YAML section")
    args = parser.parse_args(argv)
    runs = 2 if args.quick else 5
    print("# persona-mcp cost profile (generated by bench/profile_costs.py)\n")
    print("\n".join(section_imports(runs)), flush=True)
    print("\n".join(section_phases(runs)), flush=True)
    print("\n".join(section_yaml(args.generated, 1 if args.quick else 3)), flush=True)
    lines, tools = section_listings()
    print("\n".join(lines), flush=True)
    print("\n".join(section_calls(tools, 100 if args.quick else 400)), flush=True)
    print("\n".join(section_variants(2 if args.quick else 3, 300 if args.quick else 1500, 1.5 if args.quick else 4.0)))
    print("\n".join(section_gc(2 if args.quick else 5)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
