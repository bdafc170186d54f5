"""The floor: the smallest MCPServer the SDK allows, with one `echo` tool, for benchmarks to compare against.

    python bench/floor_server.py                              # stdio
    python bench/floor_server.py --transport http --port 8123 # stateless streamable HTTP at /mcp
    python bench/floor_server.py --replay results.json        # also a tool per recorded result (a reference)

HTTP runs in the same mode as `persona-mcp serve --transport http`: stateless, JSON responses (no SSE),
bound to 127.0.0.1, log level WARNING. It uses the SDK's own `run("streamable-http")`, so whatever our
server adds on top of the SDK shows up as the difference.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from mcp.server import MCPServer
from mcp_types import CallToolResult

app = MCPServer(name="floor", log_level="WARNING")


@app.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


async def echo_inline(text: str) -> str:
    """Return the text unchanged (an `async def`: the SDK runs it on the event loop, with no thread hop)."""
    return text


def add_replays(path: Path) -> list[str]:
    """Add one tool per entry of `path` ({tool name: a tools/call result as JSON}) that returns that result
    unchanged: the SDK's cost of sending a result of that size and shape when the tool does no work.

    The result is built once, here; a call only returns it (an `async def`, on the event loop, as ours run).
    It has no output schema, so nothing validates it; ours are validated by the models our core builds them with.
    """
    recorded = json.loads(path.read_text(encoding="utf-8"))
    for name, payload in recorded.items():
        app.add_tool(_replay(CallToolResult.model_validate(payload)), name=name, description=f"{name}'s result")
    return list(recorded)


def _replay(result: CallToolResult) -> Callable[[], Awaitable[CallToolResult]]:
    async def replay() -> CallToolResult:
        return result

    return replay


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The benchmark floor: one echo tool on the bare SDK.")
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument(
        "--async-echo",
        action="store_true",
        help="serve echo as an async def (run on the event loop), for reference; the floor is the plain def",
    )
    parser.add_argument(
        "--replay",
        type=Path,
        help="a JSON file of recorded tool results: serve each as a tool that returns it (a reference for bytes)",
    )
    args = parser.parse_args(argv)
    if args.replay is not None:
        add_replays(args.replay)
    if args.async_echo:
        app.remove_tool("echo")
        app.add_tool(echo_inline, name="echo", description="Return the text unchanged.")
    if args.transport == "http":
        app.run("streamable-http", host="127.0.0.1", port=args.port, stateless_http=True, json_response=True)
    else:
        app.run("stdio")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
