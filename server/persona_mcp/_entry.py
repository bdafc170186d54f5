"""The console script's entry point: start up with the cyclic garbage collector paused.

Start-up allocates only long-lived objects (modules, pydantic models and schemas, the catalog), which the
collector would scan again and again for nothing: measured, that is about a fifth of the cold start. The
serve command freezes what start-up built and turns the collector back on before the first request.
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    try:
        from persona_mcp.cli import main as cli_main

        return cli_main()
    finally:
        gc.enable()
