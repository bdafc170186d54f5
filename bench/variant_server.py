"""Our server with parts taken out or added, to attribute its overhead over the floor (used by profile_costs.py).

    python bench/variant_server.py --transport stdio [--echo]
    python bench/variant_server.py --transport http --port N [--echo] [--bare]

`--echo` adds the floor's `echo` tool to our server, so the same call can be compared on both servers: what
is left is the cost of a bigger server (more tools, prompts, resources). `--bare` serves our MCPServer with the
SDK's own stateless JSON HTTP app and uvicorn settings, exactly as the floor does, without our gate (health,
metrics, auth, concurrency limit) and its Prometheus middleware.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import anyio

from persona_mcp.catalog.loader import load_catalog
from persona_mcp.server.app import build_server


def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="persona-mcp with parts taken out, for attribution.")
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    parser.add_argument("--port", type=int, default=8125)
    parser.add_argument("--echo", action="store_true", help="add the floor's echo tool")
    parser.add_argument("--bare", action="store_true", help="HTTP: the SDK's app as the floor serves it, no gate")
    args = parser.parse_args(argv)
    app = build_server(load_catalog())
    if args.echo:
        app.tool()(echo)
    if args.transport == "stdio":
        app.run("stdio")
    elif args.bare:
        app.run("streamable-http", host="127.0.0.1", port=args.port, stateless_http=True, json_response=True)
    else:
        from persona_mcp.server import http

        anyio.run(http.serve, app, http.HttpSettings(port=args.port), "WARNING")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
