"""`persona-mcp` with the cyclic garbage collector off during start-up, then frozen: an experiment for PROFILE.md.

    python bench/gc_start.py [persona-mcp arguments]

Start-up allocates long-lived objects only (modules, classes, pydantic schemas, the catalog), yet the
collector scans them again and again as they pile up. Here it is off until the server is built; then
`gc.freeze()` moves everything built so far out of its sight and it is switched back on for serving.
"""

import gc

gc.disable()

import sys  # noqa: E402 - after gc.disable(), on purpose

from mcp.server import MCPServer  # noqa: E402

import persona_mcp.server.app as server_module  # noqa: E402
from persona_mcp.catalog.loader import Catalog  # noqa: E402
from persona_mcp.cli.main import main  # noqa: E402

_build_server = server_module.build_server


def build_then_freeze(catalog: Catalog) -> MCPServer:
    app = _build_server(catalog)
    gc.freeze()
    gc.enable()
    return app


server_module.build_server = build_then_freeze

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
