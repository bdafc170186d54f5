"""The bare server: the smallest MCPServer the SDK allows, for the benchmark to compare ours against.

    python bench/bare_server.py                               # stdio, one `echo` tool
    python bench/bare_server.py --transport http --port 8123  # stateless JSON streamable HTTP at /mcp
    python bench/bare_server.py --replay results.json         # plus one tool per recorded result of ours

With `--replay`, each recorded tools/call result of ours is served by a tool of the same name that returns it
unchanged (its arguments are ignored): the SDK's own cost of sending that result when the tool does no work,
so the difference from ours is what our tool computes and checks. HTTP runs as `persona-mcp serve --transport
http` does: stateless, JSON responses, bound to 127.0.0.1, log level WARNING, through the SDK's own `run`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from mcp.server import MCPServer
from mcp_types import CallToolResult

app = MCPServer(name="bare", log_level="WARNING")


@app.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


def _replay(result: CallToolResult) -> Callable[[], Awaitable[CallToolResult]]:
    async def replay() -> CallToolResult:
        return result

    return replay


def add_replays(path: Path) -> list[str]:
    """Add one tool per entry of `path` ({tool name: a tools/call result as JSON}) that returns it unchanged."""
    recorded = json.loads(path.read_text(encoding="utf-8"))
    for name, payload in recorded.items():
        app.add_tool(_replay(CallToolResult.model_validate(payload)), name=name, description=f"{name}'s result")
    return list(recorded)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The bare SDK server the benchmark compares against.")
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--replay", type=Path, help="a JSON file of recorded tool results to serve unchanged")
    args = parser.parse_args(argv)
    if args.replay is not None:
        add_replays(args.replay)
    if args.transport == "http":
        app.run("streamable-http", host="127.0.0.1", port=args.port, stateless_http=True, json_response=True)
    else:
        app.run("stdio")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
