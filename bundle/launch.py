"""The MCP Bundle's entry point: turns the host's substituted `mcp_config` arguments into `persona-mcp`'s.

A bundle host (Claude Desktop) expands a `multiple` user_config value, such as a list of directories, into
separate arguments, so `--personas-dirs ${user_config.personas_dirs}` arrives as `--personas-dirs A B`;
`persona-mcp` takes one directory per `--personas-dir`. The host also leaves a `${user_config.x}` it has no
value for as it is (@anthropic-ai/mcpb's replaceVariables keeps the placeholder for an unset or empty value),
so such leftovers mean "not set" here, never a path or a tool name. Then it serves stdio, as `persona-mcp`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


def given(values: Sequence[str] | None) -> list[str]:
    """The values a user set: no leftover placeholders, no blanks."""
    return [v for v in values or () if v.strip() and not PLACEHOLDER.search(v)]


def persona_mcp_args(argv: Sequence[str]) -> list[str]:
    """The `persona-mcp` command line for the bundle's arguments."""
    parser = argparse.ArgumentParser(prog="launch.py", description=__doc__)
    parser.add_argument("--personas-dirs", nargs="*", default=[], metavar="DIR")
    parser.add_argument("--allow-dirs", nargs="*", default=[], metavar="DIR")
    parser.add_argument("--tools", default="", metavar="NAME,...")
    parser.add_argument("--exclude-tools", default="", metavar="NAME,...")
    args = parser.parse_args(argv)
    out: list[str] = []
    for directory in given(args.personas_dirs):
        out += ["--personas-dir", directory]
    for directory in given(args.allow_dirs):
        out += ["--allow-dir", directory]
    for option, value in (("--tools", args.tools), ("--exclude-tools", args.exclude_tools)):
        if given([value]):
            out.append(f"{option}={value}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from persona_mcp.cli.main import main as persona_mcp

    return persona_mcp(persona_mcp_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
