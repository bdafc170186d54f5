"""A bare MCPServer with one slow tool, served behind persona-mcp's stdio guard (for tests/test_stdio.py).

python tests/slow_stdio_server.py
"""

from __future__ import annotations

import anyio
from mcp.server import MCPServer

from persona_mcp.logs import configure_logging
from persona_mcp.server.stdio import serve_stdio

app = MCPServer(name="slow", log_level="WARNING")


@app.tool()
async def slow(seconds: float) -> str:
    """Sleep, then answer: a request still in flight when the stop signal comes."""
    await anyio.sleep(seconds)
    return "done"


if __name__ == "__main__":
    configure_logging("INFO")
    serve_stdio(lambda: app.run("stdio"))
