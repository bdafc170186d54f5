"""The console script's entry point (`persona-mcp`): the command line in persona_mcp.cli.main."""

from __future__ import annotations


def main() -> int:
    from persona_mcp.cli.main import main as cli_main

    return cli_main()
