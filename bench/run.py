"""The benchmark harness of issue 7: what persona-mcp costs, against the floor the SDK itself sets.

    python bench/run.py --quick     # smoke run: a few repetitions, a few hundred calls (well under a minute)
    python bench/run.py             # full run: the numbers (a few minutes)

The floor is bench/floor_server.py: a bare MCPServer on the same SDK with one `echo` tool, run over stdio and
over stateless JSON streamable HTTP like ours. Every measurement alternates floor and ours repetition by
repetition, so a noisy neighbour on this small machine hits both, and every figure is printed as an absolute
(median [p10–p90] over the repetitions) and as a ratio of the medians, with its target as PASS or MISS.
Nothing is asserted. The run prints one table and writes it, with the machine and versions, to
bench/results.md. Progress goes to stderr.

Stdio is driven by bench/driver.py (raw newline-delimited JSON-RPC, the handshake-era initialize with
protocol 2025-11-25); HTTP load comes from bench/httpload.py in its own process, so the load generator and
the server never share a GIL; 1,000 personas come from bench/scale.py.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from driver import DriverError, StdioDriver, compact
from figures import Row, Stat, Table, percentile, ratio, show_ratio, verdict

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results.md"
FLOOR_SCRIPT = BENCH / "floor_server.py"
HTTPLOAD_SCRIPT = BENCH / "httpload.py"
SCALE_SCRIPT = BENCH / "scale.py"
CLK_TCK = os.sysconf("SC_CLK_TCK")
SCRUBBED_ENV = ("PERSONA_MCP_PERSONAS_DIRS", "PERSONA_MCP_TOKEN")
"""User configuration that would change what the server loads; removed from the servers' environment."""

# --- targets (printed, never asserted) -------------------------------------------------------------
COLD_START_MAX_RATIO = 1.10
TOOL_CALL_MAX_RATIO = 1.25
HTTP_MIN_RATIO = 0.90
LISTING_MAX_BYTES = 32_000
RSS_MAX_MIB = 90.0
ROUTING_MAX_MS = 5.0
OVERLAP_MAX_S = 1.0

ECHO_ARGUMENTS: dict[str, Any] = {"text": "hello"}
SUBJECT = "A payment API in front of one PostgreSQL primary; we plan to launch next week."
SAMPLE_ARGUMENTS: dict[str, dict[str, Any]] = {
    "list_personas": {},
    "get_persona": {"persona_id": "sre"},
    "slo_error_budget": {"objective": 99.9, "window": "30d", "total_events": 1_000_000},
    "slo_budget_status": {"objective": 99.9, "window": "30d", "downtime_seconds": 1200, "elapsed": "10d"},
    "slo_burn_rate_alerts": {"objective": 99.9, "window": "30d"},
    "availability_composite": {
        "system": {
            "serial": [
                {"name": "lb", "availability": 99.99},
                {"parallel": [{"name": "db-a", "availability": 99.9}, {"name": "db-b", "availability": 99.9}]},
                {"name": "api", "mtbf_hours": 720, "mttr_hours": 1},
            ]
        },
        "target": 99.9,
    },
    "capacity_forecast": {
        "current_load": 1200,
        "current_utilization": 45,
        "threshold_utilization": 80,
        "growth_rate": 8,
        "period": "month",
        "lead_time_periods": 2,
        "latency_seconds": 0.12,
    },
    "toil_assessment": {
        "tasks": [
            {
                "name": "restart workers",
                "minutes_per_occurrence": 15,
                "occurrences_per_week": 10,
                "automation_hours": 16,
            },
            {"name": "rotate certificates", "minutes_per_occurrence": 60, "occurrences_per_week": 1},
        ],
        "team_size": 6,
    },
    "oncall_load": {"team_size": 6, "pages_per_week": 9},
    "recommend_personas": {"task": "Review the retry logic of our payment API before next week's launch"},
    "persona_overlap": {"persona_id": "sre"},
}
"""Sample arguments by tool name. A listed tool missing here gets a warning line and is not measured."""

CANDIDATE_PERSONA = {
    "name": "Database Reliability Engineer",
    "responsibilities": [
        "Review schema migrations for safety and rollback",
        "Check backups, restores and replication lag",
        "Tune slow queries and indexes",
    ],
}
CODE_TASK = (
    "We keep getting ConcurrentModificationException in `OrderService.process()` under load when two "
    "workers update the same cart. Any idea where to look?"
)


def more_calls() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Tools measured again with other arguments, under their own key: (tool, what differs, arguments).

    A roster persona's concerns are derived once per catalog, a candidate's from its text on every call;
    a task with code runs the code patterns the prose sample skips; a well-run service's review has few
    findings, so a smaller result than the payment API's.
    """
    import yaml

    calls: dict[str, tuple[str, str, dict[str, Any]]] = {
        "persona_overlap.candidate": ("persona_overlap", "a candidate persona", {"candidate": CANDIDATE_PERSONA}),
        "recommend_personas.code": ("recommend_personas", "a task with code", {"task": CODE_TASK}),
    }
    if READY_MANIFEST.exists():
        manifest = yaml.safe_load(READY_MANIFEST.read_text(encoding="utf-8"))
        calls["sre_readiness.ready"] = ("sre_readiness", "a well-run service", {"service": manifest})
    return calls


@dataclass(frozen=True)
class Call:
    """One measured call: the tool, its arguments, and how its rows name it."""

    tool: str
    arguments: dict[str, Any]
    label: str


SERVICE_MANIFEST = REPO / "examples" / "services" / "payment-api.yaml"
READY_MANIFEST = REPO / "examples" / "services" / "well-run-service.yaml"
FIRST_CALL_TOOLS = ("recommend_personas", "persona_overlap", "sre_readiness")
"""Tools whose first call on a fresh server loads data or builds indexes (the checklist, the concern profiles,
the routing index and its examples), on top of registering the tool's module, which any first call does."""
DEFAULT_HTTP_TOOL = "slo_error_budget"
"""Ours over HTTP: a pure computation with a small result, the closest of our tools to the floor's echo."""


@dataclass(frozen=True)
class Mode:
    """How much of everything a run does."""

    name: str
    cold_reps: int
    import_reps: int
    call_reps: int
    calls_per_tool: int
    memory_calls: int
    http_reps: int
    http_seconds: float
    http_warmup: float
    http_levels: tuple[int, ...]
    personas: int
    scale_reps: int
    first_call_budget_s: float


QUICK = Mode("quick", 3, 3, 2, 200, 1_000, 1, 1.0, 0.3, (1, 8, 32), 200, 1, 20.0)
FULL = Mode("full", 15, 10, 5, 2000, 10_000, 3, 4.0, 0.5, (1, 8, 32), 1000, 3, 90.0)


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def ours_command() -> list[str]:
    """The console script clients launch, next to this interpreter; `-m persona_mcp` if it is missing."""
    script = Path(sys.executable).parent / "persona-mcp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "persona_mcp"]


def floor_command() -> list[str]:
    return [sys.executable, str(FLOOR_SCRIPT)]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def mib(kib: float) -> float:
    return kib / 1024


def ms(seconds: float) -> float:
    return seconds * 1000


@dataclass
class Results:
    """Everything measured, kept for the table."""

    table: Table = field(default_factory=Table)
    warnings: list[str] = field(default_factory=list)

    def warn(self, line: str) -> None:
        self.warnings.append(line)
        print(f"warning: {line}", file=sys.stderr, flush=True)


# --- cold start and context footprint -----------------------------------------------------------------


@dataclass
class ColdRun:
    initialize_s: float
    tools_s: float
    prompts_s: float
    first_call_s: float
    rss_kib: int
    sizes: dict[str, int]
    tools: list[dict[str, Any]]


def cold_start_once(argv: Sequence[str], first_call: tuple[str, Mapping[str, Any]]) -> ColdRun:
    """Spawn a server and time spawn → initialize, → tools/list, → prompts/list and → a first tools/call
    answered (RSS is read before that call)."""
    with StdioDriver(argv, env=server_env()) as server:
        initialize = server.initialize()
        initialize_s = time.perf_counter() - server.spawned_at
        tools = server.request("tools/list")
        tools_s = time.perf_counter() - server.spawned_at
        prompts = server.request("prompts/list")
        prompts_s = time.perf_counter() - server.spawned_at
        rss = server.rss_kib()
        server.call_tool(*first_call)
        first_call_s = time.perf_counter() - server.spawned_at
    sizes = {name: len(compact(value)) for name, value in (("initialize", initialize), ("tools", tools))}
    sizes["prompts"] = len(compact(prompts))
    return ColdRun(initialize_s, tools_s, prompts_s, first_call_s, rss, sizes, tools.get("tools", []))


def first_call_ms(argv: Sequence[str], name: str, arguments: Mapping[str, Any]) -> float:
    """On a fresh server (initialized, tools and prompts listed): the first call of `name`, request → answer."""
    with StdioDriver(argv, env=server_env()) as server:
        server.initialize()
        server.request("tools/list")
        server.request("prompts/list")
        start = time.perf_counter()
        server.call_tool(name, arguments)
        return ms(time.perf_counter() - start)


def import_time(statement: str) -> tuple[float, float]:
    """(wall seconds of `python -c statement`, seconds the statement itself took inside the interpreter).

    The wall time also holds the interpreter's start and its teardown, which grows with the modules loaded.
    """
    code = f"import time; _t = time.perf_counter(); {statement}; print(time.perf_counter() - _t)"
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, env=server_env(), timeout=60, capture_output=True, text=True
    )
    return time.perf_counter() - start, float(done.stdout.strip())


def measure_cold_start(mode: Mode, results: Results) -> tuple[ColdRun, ColdRun, Stat, Stat]:
    """Cold start rows and the context-footprint rows; returns the first runs and the start RSS of each side."""
    progress(f"cold start over stdio: {mode.cold_reps} repetitions, floor and ours alternating")
    floor_call = ("echo", ECHO_ARGUMENTS)
    ours_call = (DEFAULT_HTTP_TOOL, SAMPLE_ARGUMENTS[DEFAULT_HTTP_TOOL])
    cold_start_once(floor_command(), floor_call)  # warm the page cache and the bytecode caches; discarded
    cold_start_once(ours_command(), ours_call)
    floor_runs: list[ColdRun] = []
    ours_runs: list[ColdRun] = []
    for rep in range(mode.cold_reps):
        pairs = [(floor_command(), floor_runs, floor_call), (ours_command(), ours_runs, ours_call)]
        for argv, runs, call in pairs if rep % 2 == 0 else pairs[::-1]:
            runs.append(cold_start_once(argv, call))

    table = results.table
    table.section(f"Cold start over stdio (ms, spawn → answer; {mode.cold_reps} spawns each)")
    for label, attribute in (
        ("spawn → initialize answered", "initialize_s"),
        ("spawn → tools/list answered", "tools_s"),
        ("spawn → prompts/list answered", "prompts_s"),
    ):
        ours = Stat.of([ms(getattr(r, attribute)) for r in ours_runs])
        floor = Stat.of([ms(getattr(r, attribute)) for r in floor_runs])
        value = ratio(ours.median, floor.median)
        ok = None if value is None else value <= COLD_START_MAX_RATIO
        table.add(
            Row(label, ours.show(0), floor.show(0), show_ratio(value), f"≤ {COLD_START_MAX_RATIO:.2f}x", verdict(ok))
        )
    # What start-up defers is paid on the first call: ours imports and registers its SRE tools then.
    ours_call_s = Stat.of([ms(r.first_call_s) for r in ours_runs])
    floor_call_s = Stat.of([ms(r.first_call_s) for r in floor_runs])
    table.add(
        Row(
            f"spawn → first tools/call answered (ours {ours_call[0]}, which registers its module; floor echo)",
            ours_call_s.show(0),
            floor_call_s.show(0),
            show_ratio(ratio(ours_call_s.median, floor_call_s.median)),
        )
    )
    heavy = {
        str(tool["name"]): arguments
        for tool in ours_runs[0].tools
        if tool.get("name") in FIRST_CALL_TOOLS and (arguments := sample_arguments(tool)) is not None
    }
    spawns = max(1, mode.cold_reps // 3)
    progress(f"first calls on a fresh server: {', '.join(heavy)}, {spawns} spawns each")
    for name, arguments in heavy.items():
        first = Stat.of([first_call_ms(ours_command(), name, arguments) for _ in range(spawns)])
        label = f"first {name} call on a fresh server (registers its module, loads its data), ms"
        table.add(Row(label, first.show(0)))

    progress(f"import times: {mode.import_reps} repetitions each, interleaved")
    statements = {
        "pass": "pass",
        "mcp.server": "import mcp.server",
        "persona_mcp.cli.main": "import persona_mcp.cli.main",
        "stdio path": "import persona_mcp.cli.main, persona_mcp.server.app",
    }
    for statement in statements.values():
        import_time(statement)  # warm-up, discarded
    wall: dict[str, list[float]] = {name: [] for name in statements}
    inside: dict[str, list[float]] = {name: [] for name in statements}
    for rep in range(mode.import_reps):
        names = list(statements)
        for name in names[rep % len(names) :] + names[: rep % len(names)]:
            total, own = import_time(statements[name])
            wall[name].append(ms(total))
            inside[name].append(ms(own))
    table.section(
        f"Imports (ms: wall of `python -c` [p10–p90] · the import alone, measured inside; {mode.import_reps} runs)"
    )

    def cell(name: str) -> str:
        return f"{Stat.of(wall[name]).show(0)} · {Stat.of(inside[name]).median:.0f}"

    table.add(Row('python -c "pass" (the interpreter alone)', cell("pass"), cell("pass"), "1.000x"))
    table.add(Row('python -c "import mcp.server" (the SDK: what the floor imports)', "—", cell("mcp.server")))
    table.add(
        Row('python -c "import persona_mcp.cli.main" (the console script\'s module)', cell("persona_mcp.cli.main"))
    )
    stdio, sdk = Stat.of(inside["stdio path"]).median, Stat.of(inside["mcp.server"]).median
    table.add(
        Row(
            'python -c "import persona_mcp.cli.main, persona_mcp.server.app" (stdio serving) vs "import mcp.server"; '
            "ratio of the imports alone",
            cell("stdio path"),
            cell("mcp.server"),
            show_ratio(ratio(stdio, sdk)),
        )
    )

    ours_first, floor_first = ours_runs[0], floor_runs[0]
    table.section("Context footprint (bytes of the compact JSON result; tokens ≈ bytes / 4)")
    for key, label in (
        ("initialize", "initialize result"),
        ("tools", "tools/list result"),
        ("prompts", "prompts/list"),
    ):
        ours_b, floor_b = ours_first.sizes[key], floor_first.sizes[key]
        table.add(
            Row(
                label,
                f"{ours_b:,} (~{ours_b // 4:,} tok)",
                f"{floor_b:,} (~{floor_b // 4:,} tok)",
                show_ratio(ratio(ours_b, floor_b)),
            )
        )
    listing = ours_first.sizes["tools"] + ours_first.sizes["prompts"]
    floor_listing = floor_first.sizes["tools"] + floor_first.sizes["prompts"]
    table.add(
        Row(
            "tools/list + prompts/list",
            f"{listing:,} (~{listing // 4:,} tok)",
            f"{floor_listing:,} (~{floor_listing // 4:,} tok)",
            show_ratio(ratio(listing, floor_listing)),
            f"< {LISTING_MAX_BYTES:,} B",
            verdict(listing < LISTING_MAX_BYTES),
        )
    )
    ours_rss = Stat.of([mib(r.rss_kib) for r in ours_runs])
    floor_rss = Stat.of([mib(r.rss_kib) for r in floor_runs])
    return ours_first, floor_first, ours_rss, floor_rss


# --- tool calls over stdio, and memory ------------------------------------------------------------------


def sample_arguments(tool: Mapping[str, Any]) -> dict[str, Any] | None:
    """Arguments to call `tool` with, from SAMPLE_ARGUMENTS, or None when the harness has none."""
    name = str(tool.get("name"))
    if name in SAMPLE_ARGUMENTS:
        return SAMPLE_ARGUMENTS[name]
    properties: dict[str, Any] = tool.get("inputSchema", {}).get("properties", {})
    if (
        name == "sre_readiness"
        and SERVICE_MANIFEST.exists()
        and len(tool.get("inputSchema", {}).get("required", [])) == 1
    ):
        (argument,) = tool["inputSchema"]["required"]
        text = SERVICE_MANIFEST.read_text(encoding="utf-8")
        if properties.get(argument, {}).get("type") == "string":
            return {argument: text}
        import yaml

        return {argument: yaml.safe_load(text)}
    return None


@dataclass
class Side:
    """One long-lived stdio server for the call benchmarks, with its call count and RSS checkpoints."""

    label: str
    server: StdioDriver
    calls: int = 0
    rss_start_kib: int = 0
    rss_mark_kib: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def call_batch(
    side: Side, name: str, arguments: Mapping[str, Any], count: int, memory_mark: int
) -> tuple[list[float], float]:
    """`count` sequential calls; returns each round trip in seconds and the server's CPU seconds per call."""
    latencies = []
    cpu_before = cpu_seconds(side.server.proc.pid)
    for _ in range(count):
        start = time.perf_counter()
        result = side.server.call_tool(name, arguments)
        latencies.append(time.perf_counter() - start)
        count_call(side, name, result, memory_mark)
    return latencies, (cpu_seconds(side.server.proc.pid) - cpu_before) / max(count, 1)


def count_call(side: Side, name: str, result: Mapping[str, Any], memory_mark: int) -> None:
    """Count a call, keep the first tool error of each tool, and read RSS when the count reaches the mark."""
    side.calls += 1
    if result.get("isError") and name not in side.errors:
        side.errors[name] = json.dumps(result.get("content"))[:300]
    if side.calls == memory_mark:
        side.rss_mark_kib = side.server.rss_kib()


def open_side(label: str, argv: Sequence[str]) -> Side:
    server = StdioDriver(argv, env=server_env())
    server.initialize()
    server.request("tools/list")
    server.request("prompts/list")
    side = Side(label, server)
    side.rss_start_kib = server.rss_kib()
    return side


def measure_tool_calls(
    mode: Mode, results: Results, ours_tools: list[dict[str, Any]], rss_start: tuple[Stat, Stat]
) -> dict[str, dict[str, Any]]:
    """Tool-call rows and memory rows; returns the callable tools with their sample arguments."""
    callable_tools: dict[str, dict[str, Any]] = {}
    for tool in ours_tools:
        arguments = sample_arguments(tool)
        if arguments is None:
            results.warn(f"tool {tool.get('name')}: no sample arguments in bench/run.py SAMPLE_ARGUMENTS; not measured")
        else:
            callable_tools[str(tool["name"])] = arguments
    # Each call under a key that is also a valid tool name, for the floor's replay of its result.
    calls = {name: Call(name, arguments, name) for name, arguments in callable_tools.items()}
    for key, (tool_name, differs, arguments) in more_calls().items():
        if tool_name in callable_tools:
            calls[key] = Call(tool_name, arguments, f"{tool_name} ({differs})")
    per_rep = max(1, mode.calls_per_tool // mode.call_reps)
    progress(
        f"tool calls over stdio: {per_rep * mode.call_reps} calls per tool ({len(calls)} calls + floor echo), "
        f"{mode.call_reps} repetitions, each batch of ours next to a batch of the floor's echo"
    )
    floor = open_side("floor", floor_command())
    ours = open_side("ours", ours_command())
    recorded: dict[str, dict[str, Any]] = {}
    replay_file = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)  # noqa: SIM115 - removed below
    replay_file.close()
    replay: Side | None = None
    try:
        for key, call in calls.items():  # warm-up and check; not counted
            first = ours.server.call_tool(call.tool, call.arguments)
            if first.get("isError"):
                results.warn(
                    f"{call.label}: the sample arguments give a tool error: {json.dumps(first.get('content'))[:200]}"
                )
            recorded[key] = first
            for _ in range(19):
                ours.server.call_tool(call.tool, call.arguments)
        for _ in range(20):
            floor.server.call_tool("echo", ECHO_ARGUMENTS)
        # Reference: the floor returning each of our results unchanged, to tell a result's bytes from our work.
        Path(replay_file.name).write_text(json.dumps(recorded), encoding="utf-8")
        replay = open_side("floor, replaying our results", [*floor_command(), "--replay", replay_file.name])
        for key in calls:
            for _ in range(20):
                replay.server.call_tool(key, {})
        floor.calls = ours.calls = 0
        floor.rss_start_kib, ours.rss_start_kib = floor.server.rss_kib(), ours.server.rss_kib()

        latencies: dict[str, list[float]] = {key: [] for key in ["echo", *calls]}
        rep_p50: dict[str, list[float]] = {key: [] for key in latencies}
        cpu: dict[str, list[float]] = {key: [] for key in latencies}
        replayed: dict[str, list[float]] = {key: [] for key in calls}

        def batch(side: Side, key: str, name: str, arguments: Mapping[str, Any]) -> None:
            lat, cpu_per_call = call_batch(side, name, arguments, per_rep, mode.memory_calls)
            if side is replay:
                replayed[key] += lat
                return
            latencies[key] += lat
            rep_p50[key].append(Stat.of(lat).median)
            cpu[key].append(cpu_per_call)

        # Each batch of ours sits next to a batch of the floor's echo and one of the floor replaying the same
        # result (in rotating order), so a burst of other work on the machine lands on all of them alike.
        keys = list(calls)
        assert replay is not None
        for rep in range(mode.call_reps):
            shift = rep % len(keys) if keys else 0
            for index, key in enumerate(keys[shift:] + keys[:shift]):
                group: list[tuple[Side, str, str, Mapping[str, Any]]] = [
                    (floor, "echo", "echo", ECHO_ARGUMENTS),
                    (ours, key, calls[key].tool, calls[key].arguments),
                    (replay, key, key, {}),
                ]
                turn = (rep + index) % len(group)
                for side, group_key, tool_name, tool_arguments in group[turn:] + group[:turn]:
                    batch(side, group_key, tool_name, tool_arguments)

        # Reference: the same floor with echo as an `async def`, which the SDK runs on the event loop as ours
        # run their tool bodies, next to the floor's plain `def` echo, which it runs on a worker thread.
        progress("reference: the floor's echo as an async def, next to the floor's echo")
        inline = open_side("floor, async echo", [*floor_command(), "--async-echo"])
        inline_echo: list[float] = []
        floor_echo: list[float] = []
        try:
            for _ in range(20):
                inline.server.call_tool("echo", ECHO_ARGUMENTS)
            for rep in range(mode.call_reps):
                order: list[tuple[Side, list[float]]] = [(floor, floor_echo), (inline, inline_echo)]
                for side, sink in order if rep % 2 == 0 else order[::-1]:
                    sink += call_batch(side, "echo", ECHO_ARGUMENTS, per_rep, mode.memory_calls)[0]
        finally:
            inline.server.close()

        # Memory: top both servers up to the same number of calls (ours round-robin over its tools).
        progress(f"memory: topping both servers up to {mode.memory_calls:,} calls")
        rotation = list(calls.values()) or [Call("echo", ECHO_ARGUMENTS, "echo")]
        for index in range(max(0, mode.memory_calls - ours.calls)):
            call = rotation[index % len(rotation)]
            count_call(ours, call.tool, ours.server.call_tool(call.tool, call.arguments), mode.memory_calls)
        for _ in range(max(0, mode.memory_calls - floor.calls)):
            count_call(floor, "echo", floor.server.call_tool("echo", ECHO_ARGUMENTS), mode.memory_calls)
        ours_total, floor_total = ours.calls, floor.calls
        ours_end, floor_end = ours.server.rss_kib(), floor.server.rss_kib()
    finally:
        floor.server.close()
        ours.server.close()
        if replay is not None:
            replay.server.close()
        Path(replay_file.name).unlink(missing_ok=True)
    for side in (floor, ours):
        for name, error in side.errors.items():
            results.warn(f"{side.label} tool {name} returned isError during the run: {error}")

    table = results.table
    table.section(
        f"Tool call round trip over stdio (ms; raw JSON-RPC driver, {per_rep * mode.call_reps:,} calls per tool, "
        f"a batch of the floor's echo next to each batch of ours: {len(latencies['echo']):,} echo calls): "
        "p50 [p10–p90 of the per-batch p50s] · p99 · server CPU per call"
    )
    echo = latencies["echo"]
    floor_p50 = Stat.of(echo).median

    def cell(name: str) -> str:
        lat = latencies[name]
        spread = Stat.of(rep_p50[name])
        return (
            f"{ms(Stat.of(lat).median):.3f} [{ms(spread.p10):.3f}–{ms(spread.p90):.3f}] · "
            f"p99 {ms(_p99(lat)):.2f} · cpu {ms(Stat.of(cpu[name]).median):.2f}"
        )

    for key, call in calls.items():
        value = ratio(Stat.of(latencies[key]).median, floor_p50)
        ok = None if value is None else value <= TOOL_CALL_MAX_RATIO
        table.add(
            Row(
                f"tools/call {call.label} vs echo",
                cell(key),
                cell("echo"),
                show_ratio(value),
                f"p50 ≤ {TOOL_CALL_MAX_RATIO:.2f}x",
                verdict(ok),
            )
        )

    inline_p50, floor_ref_p50 = Stat.of(inline_echo).median, Stat.of(floor_echo).median
    table.add(
        Row(
            "reference: the floor's echo as an `async def` (run on the event loop, as ours run their tool "
            "bodies) vs its plain `def` echo (run on a worker thread)",
            f"{ms(inline_p50):.3f}",
            f"{ms(floor_ref_p50):.3f}",
            show_ratio(ratio(inline_p50, floor_ref_p50)),
            "",
            "",
        )
    )

    table.section(
        "Result size: the floor returning each of our results unchanged (the same bytes, no work, no output "
        "validation), batches next to ours: p50 ms; the ratio is ours / the floor's replay (what our work adds), "
        "and the label gives the replay / echo (what the result's size alone costs)"
    )
    for key, call in calls.items():
        replay_p50 = Stat.of(replayed[key]).median if replayed[key] else None
        size = len(compact(recorded[key])) if key in recorded else 0
        bytes_ratio = ratio(replay_p50, floor_p50) if replay_p50 is not None else None
        table.add(
            Row(
                f"{call.label}'s result ({size:,} B): the floor replaying it is {show_ratio(bytes_ratio)} its echo",
                f"{ms(Stat.of(latencies[key]).median):.3f}",
                f"{ms(replay_p50):.3f}" if replay_p50 is not None else "—",
                show_ratio(ratio(Stat.of(latencies[key]).median, replay_p50) if replay_p50 is not None else None),
                "",
                "",
            )
        )

    ours_rss, floor_rss = rss_start
    table.section("Memory (MiB, VmRSS of the server process)")
    table.add(
        Row(
            f"RSS after start (initialize, tools/list, prompts/list; {ours_rss.n} spawns)",
            ours_rss.show(1),
            floor_rss.show(1),
            show_ratio(ratio(ours_rss.median, floor_rss.median)),
            f"< {RSS_MAX_MIB:.0f} MiB",
            verdict(ours_rss.median < RSS_MAX_MIB),
        )
    )
    ours_mark, floor_mark = mib(ours.rss_mark_kib), mib(floor.rss_mark_kib)
    table.add(
        Row(
            f"RSS after {mode.memory_calls:,} calls (1 process each)",
            f"{ours_mark:.1f}",
            f"{floor_mark:.1f}",
            show_ratio(ratio(ours_mark, floor_mark)),
            f"< {RSS_MAX_MIB:.0f} MiB",
            verdict(0 < ours_mark < RSS_MAX_MIB),
        )
    )
    table.add(
        Row(
            f"RSS at the end ({ours_total:,} calls ours, {floor_total:,} floor)",
            f"{mib(ours_end):.1f}",
            f"{mib(floor_end):.1f}",
            show_ratio(ratio(ours_end, floor_end)),
        )
    )
    return callable_tools


def _p99(values: Sequence[float]) -> float:
    return percentile(values, 0.99)


# --- HTTP ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def http_server(argv: Sequence[str], port: int, timeout: float = 30.0) -> Iterator[subprocess.Popen[bytes]]:
    """Start an HTTP server, wait until its port accepts connections, and stop it with SIGTERM afterwards.

    Raises:
        RuntimeError: If it exits or does not listen within `timeout` seconds.
    """
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=server_env()
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    stderr.seek(0)
                    raise RuntimeError(f"{argv[0]} exited with {proc.returncode}: {stderr.read()[-1000:]!r}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{argv[0]} did not listen on port {port} within {timeout:.0f} s") from None
                    time.sleep(0.05)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def run_load(port: int, body: Mapping[str, Any], clients: int, mode: Mode) -> dict[str, Any]:
    """One run of bench/httpload.py in its own process; its JSON report."""
    argv = [
        sys.executable,
        str(HTTPLOAD_SCRIPT),
        f"--port={port}",
        f"--clients={clients}",
        f"--seconds={mode.http_seconds}",
        f"--warmup={mode.http_warmup}",
        f"--body={json.dumps(body)}",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=mode.http_seconds + mode.http_warmup + 60)
    if done.returncode != 0:
        raise RuntimeError(f"httpload failed ({done.returncode}): {done.stderr[-500:]}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def measure_http(mode: Mode, results: Results, http_tool: str, callable_tools: Mapping[str, dict[str, Any]]) -> None:
    arguments = callable_tools.get(http_tool)
    if arguments is None:
        results.warn(f"HTTP: tool {http_tool} has no sample arguments or is not listed; HTTP not measured")
        return
    ours_body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": http_tool, "arguments": arguments},
    }
    floor_body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "echo", "arguments": ECHO_ARGUMENTS},
    }
    ours_port, floor_port = free_port(), free_port()
    ours_argv = [*ours_command(), "--log-level", "WARNING", "serve", "--transport", "http", "--port", str(ours_port)]
    floor_argv = [*floor_command(), "--transport", "http", "--port", str(floor_port)]
    progress(
        f"HTTP: {mode.http_reps} repetitions × clients {list(mode.http_levels)} × "
        f"{mode.http_seconds:g} s (+{mode.http_warmup:g} s warm-up), floor and ours alternating"
    )
    samples: dict[tuple[str, int], list[dict[str, Any]]] = {}
    with http_server(ours_argv, ours_port) as ours_proc, http_server(floor_argv, floor_port) as floor_proc:
        sides = [("floor", floor_proc, floor_port, floor_body), ("ours", ours_proc, ours_port, ours_body)]
        for rep in range(mode.http_reps):
            for clients in mode.http_levels:
                for label, proc, port, body in sides if rep % 2 == 0 else sides[::-1]:
                    cpu_before = cpu_seconds(proc.pid)
                    report = run_load(port, body, clients, mode)
                    cpu_used = cpu_seconds(proc.pid) - cpu_before
                    # CPU over warm-up and measured calls alike; the warm-up's calls are estimated at the same rate.
                    total_calls = report["calls"] * (1 + mode.http_warmup / mode.http_seconds)
                    report["cpu_ms_per_call"] = ms(cpu_used / total_calls) if total_calls else 0.0
                    samples.setdefault((label, clients), []).append(report)
                    if report["errors"]:
                        results.warn(
                            f"HTTP {label} c={clients}: {report['errors']} errors, e.g. {report['error_samples'][:1]}"
                        )

    table = results.table
    table.section(
        f"Streamable HTTP, stateless JSON (calls/s [p10–p90] · p99 ms · server CPU ms/call; ours {http_tool}, "
        f"floor echo; {mode.http_reps} × {mode.http_seconds:g} s)"
    )
    for clients in mode.http_levels:
        cells = {}
        medians = {}
        for label in ("ours", "floor"):
            runs = samples[(label, clients)]
            rate = Stat.of([r["calls_per_s"] for r in runs])
            p99 = Stat.of([r["p99_ms"] for r in runs]).median
            cpu = Stat.of([r["cpu_ms_per_call"] for r in runs]).median
            medians[label] = rate.median
            cells[label] = f"{rate.show(0)} · p99 {p99:.1f} · cpu {cpu:.2f}"
        value = ratio(medians["ours"], medians["floor"])
        ok = None if value is None else value >= HTTP_MIN_RATIO
        clients_label = f"{clients} client" + ("s" if clients > 1 else "")
        table.add(
            Row(
                clients_label, cells["ours"], cells["floor"], show_ratio(value), f"≥ {HTTP_MIN_RATIO:.2f}x", verdict(ok)
            )
        )


# --- scale ----------------------------------------------------------------------------------------------------


def measure_scale(mode: Mode, results: Results) -> None:
    table = results.table
    with tempfile.TemporaryDirectory(prefix="persona-mcp-bench-") as tmp:
        directory = Path(tmp) / "personas"
        progress(f"scale: generating {mode.personas:,} personas into {directory}")
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, str(SCALE_SCRIPT), str(directory), f"--count={mode.personas}"], check=True, timeout=300
        )
        generated_s = time.perf_counter() - start
        size = sum(p.stat().st_size for p in directory.iterdir())
        total = mode.personas + len(list((REPO / "personas").glob("*.yaml")))
        table.section(f"Scale: {mode.personas:,} generated personas + the shipped ones ({total:,})")
        table.add(
            Row(
                f"generate {mode.personas:,} personas (bench/scale.py), ms",
                f"{ms(generated_s):,.0f} · {size / 1e6:.1f} MB",
            )
        )

        progress(f"scale: `persona-mcp personas` with and without them, {mode.scale_reps} repetitions")
        base: list[float] = []
        loaded: list[float] = []
        for _ in range(mode.scale_reps):
            for argv, runs in (
                ([*ours_command(), "personas"], base),
                ([*ours_command(), "personas", "--personas-dir", str(directory)], loaded),
            ):
                start = time.perf_counter()
                subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=server_env(), timeout=600)
                runs.append(ms(time.perf_counter() - start))
        table.add(Row("`persona-mcp personas` (shipped only), wall ms", Stat.of(base).show(0)))
        table.add(Row(f"`persona-mcp personas --personas-dir DIR` ({total:,}), wall ms", Stat.of(loaded).show(0)))

        progress(f"scale: stdio server over {total:,} personas, {mode.scale_reps} repetitions")
        starts: list[float] = []
        listings: list[float] = []
        listing_bytes = 0
        for _ in range(mode.scale_reps):
            with StdioDriver(
                [*ours_command(), "--personas-dir", str(directory)], env=server_env(), timeout=600
            ) as server:
                server.initialize()
                starts.append(ms(time.perf_counter() - server.spawned_at))
                start = time.perf_counter()
                prompts = server.request("prompts/list")
                listings.append(ms(time.perf_counter() - start))
                listing_bytes = len(compact(prompts))
        table.add(Row(f"stdio spawn → initialize answered ({total:,} personas), ms", Stat.of(starts).show(0)))
        table.add(
            Row(
                f"prompts/list request → answer ({total:,} prompts), ms",
                f"{Stat.of(listings).show(1)} · {listing_bytes:,} B (~{listing_bytes // 4:,} tok)",
            )
        )

        progress("scale: in-process load, routing and overlap (bench/scale.py --measure)")
        done = subprocess.run(
            [
                sys.executable,
                str(SCALE_SCRIPT),
                str(directory),
                "--measure",
                f"--rounds={mode.scale_reps}",
                f"--budget={mode.first_call_budget_s}",
            ],
            capture_output=True,
            text=True,
            timeout=3 * mode.first_call_budget_s + 600,
        )
        if done.returncode != 0:
            results.warn(f"scale --measure failed: {done.stderr[-500:]}")
            return
        report = json.loads(done.stdout)
    table.add(Row(f"load_catalog() in-process ({report['personas']:,}), ms", f"{ms(report['load_s']):,.0f}"))

    routing = report.get("routing")
    if routing is None:
        table.add(
            Row("routing: recommend_personas per task, ms", "n/a (not built yet)", target=f"< {ROUTING_MAX_MS:g} ms")
        )
    elif "over_budget" in routing:
        table.add(
            Row(
                "routing: first recommend_personas call on a fresh catalog (builds profiles and index), ms",
                f"> {ms(routing['over_budget']):,.0f} (stopped)",
            )
        )
        table.add(
            Row(
                "routing: recommend_personas per task, ms",
                "n/a (the index was not built within the budget)",
                target=f"< {ROUTING_MAX_MS:g} ms",
                result="MISS",
            )
        )
    elif "error" in routing:
        table.add(
            Row(
                "routing: recommend_personas per task, ms",
                f"error: {routing['error'][:120]}",
                target=f"< {ROUTING_MAX_MS:g} ms",
            )
        )
    else:
        table.add(
            Row(
                "routing: first recommend_personas call on a fresh catalog (builds profiles and index), ms",
                f"{ms(routing['first_s']):,.1f}",
            )
        )
        per_task = Stat.of([ms(s) for s in routing["per_task_s"]])
        table.add(
            Row(
                f"routing: recommend_personas per task, ms ({per_task.n} calls, warm)",
                per_task.show(2),
                target=f"< {ROUTING_MAX_MS:g} ms",
                result=verdict(per_task.median < ROUTING_MAX_MS),
            )
        )
    overlap = report.get("overlap")
    label = "overlap: persona_overlap() full matrix, s"
    if overlap is None:
        table.add(Row(label, "n/a (not built yet)", target=f"< {OVERLAP_MAX_S:g} s"))
    elif "over_budget" in overlap:
        table.add(Row(label, f"> {overlap['over_budget']:g} (stopped)", target=f"< {OVERLAP_MAX_S:g} s", result="MISS"))
    elif "error" in overlap:
        table.add(Row(label, f"error: {overlap['error'][:120]}", target=f"< {OVERLAP_MAX_S:g} s"))
    else:
        first = overlap["first_s"]
        table.add(
            Row(
                f"{label}, first call on a fresh catalog (derives the concern profiles)",
                f"{first:.3f}",
                target=f"< {OVERLAP_MAX_S:g} s",
                result=verdict(first < OVERLAP_MAX_S),
            )
        )
        matrix = Stat.of(overlap["matrix_s"])
        table.add(
            Row(
                f"{label}, profiles cached ({matrix.n} runs)",
                matrix.show(3),
                target=f"< {OVERLAP_MAX_S:g} s",
                result=verdict(matrix.median < OVERLAP_MAX_S),
            )
        )


# --- the run ------------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """CPU model, cores, memory, OS, Python and package versions, for the results header."""
    cpu = platform.processor() or "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    commit = "unknown"
    git = shutil.which("git")
    if git:  # read-only
        done = subprocess.run([git, "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        commit = done.stdout.strip() or commit
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "mcp SDK": metadata.version("mcp"),
        "persona-mcp": metadata.version("persona-mcp"),
        "commit": f"{commit} (plus uncommitted changes, if any)",
    }


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def write_results(path: Path, mode: Mode, info: Mapping[str, str], results: Results, extra: Sequence[str]) -> None:
    lines = [
        "# persona-mcp benchmark results",
        "",
        f"Written by `python bench/run.py{' --quick' if mode.name == 'quick' else ''}` (mode: **{mode.name}**).",
        "",
        *[f"- {key}: {value}" for key, value in info.items()],
        *[f"- {line}" for line in extra],
        "",
        "Ours is `persona-mcp` (stdio) and `persona-mcp serve --transport http` (stateless JSON); the floor is",
        "`bench/floor_server.py`, a bare MCPServer with one `echo` tool on the same SDK in the same modes. Figures",
        "are medians with the p10–p90 spread over repetitions, floor and ours alternating; the ratio is ours / floor.",
        "Targets are printed, not asserted.",
        *(
            [
                "",
                "This is a smoke run: it shows that every part runs, but its few samples cannot tell a ratio near",
                "a target from noise, so its verdicts are marked (smoke). Judge the targets on a full run.",
            ]
            if mode.name == "quick"
            else []
        ),
        "",
        results.table.markdown(),
        "",
    ]
    if results.warnings:
        lines += ["Warnings:", "", *[f"- {w}" for w in results.warnings], ""]
    lines += [
        "Reproduce: `.venv/bin/python bench/run.py` (full) or `--quick`; see bench/PROFILE.md for where the time goes.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark persona-mcp against the SDK's floor; print one table.")
    parser.add_argument("--quick", action="store_true", help="smoke run: a few repetitions, a few hundred calls")
    parser.add_argument(
        "--http-tool", default=DEFAULT_HTTP_TOOL, help=f"our tool called over HTTP (default: {DEFAULT_HTTP_TOOL})"
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="where to write the results (default: bench/results.md)"
    )
    parser.add_argument(
        "--skip", action="append", default=[], choices=["cold", "calls", "http", "scale"], help="leave a section out"
    )
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    started = time.perf_counter()
    info = machine()
    info["date"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = load_average()
    progress(f"mode {mode.name}; load average {load_before}; ours = {' '.join(ours_command())}")
    results = Results()
    results.table.smoke = mode.name == "quick"
    steps: list[tuple[str, Callable[[], None]]] = []
    state: dict[str, Any] = {"tools": [], "rss": (Stat.of([]), Stat.of([])), "callable": {}}

    def cold() -> None:
        ours_first, _, ours_rss, floor_rss = measure_cold_start(mode, results)
        state["tools"], state["rss"] = ours_first.tools, (ours_rss, floor_rss)

    def calls() -> None:
        if not state["tools"]:
            with StdioDriver(ours_command(), env=server_env()) as server:
                server.initialize()
                state["tools"] = server.request("tools/list").get("tools", [])
        state["callable"] = measure_tool_calls(mode, results, state["tools"], state["rss"])

    def http() -> None:
        measure_http(mode, results, args.http_tool, state["callable"] or SAMPLE_ARGUMENTS)

    steps = [("cold", cold), ("calls", calls), ("http", http), ("scale", lambda: measure_scale(mode, results))]
    try:
        for name, step in steps:
            if name not in args.skip:
                step()
    except (DriverError, RuntimeError, subprocess.SubprocessError) as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    extra = [
        f"load average (1/5/15 min) before: {load_before}; after: {load_average()} (other work adds noise)",
        f"run time: {elapsed:.0f} s",
    ]
    write_results(args.output, mode, info, results, extra)  # first: a closed stdout must not lose the results
    print(results.table.markdown())
    if results.table.smoke:
        print("\nA smoke run: too few samples to judge a target by; run without --quick for numbers.")
    for line in results.warnings:
        print(f"warning: {line}")
    progress(f"done in {elapsed:.0f} s; wrote {args.output}")
    return 0


def _reexec_in_venv() -> None:
    """Run under the project's virtual environment when started with another Python (`python bench/run.py`)."""
    try:
        metadata.version("persona-mcp")
        metadata.version("mcp")
    except metadata.PackageNotFoundError:
        venv_python = REPO / ".venv" / "bin" / "python"
        if venv_python.exists() and Path(sys.executable) != venv_python:
            os.execv(venv_python, [str(venv_python), __file__, *sys.argv[1:]])
        raise SystemExit("bench: persona-mcp and mcp must be installed (run with .venv/bin/python)") from None


if __name__ == "__main__":
    _reexec_in_venv()
    sys.exit(main())
