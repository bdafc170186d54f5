"""Refresh the output under every ```console block of README.md from the real command line.

    .venv/bin/python tools/readme_examples.py [--check]

tests/test_docs.py holds each block to what `persona-mcp` prints; after a change to a figure or its wording,
this rewrites the blocks so README and code agree (read the diff before committing it). With --check it only
says which blocks differ and exits 1 if any do.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from pathlib import Path

from persona_mcp.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n\$ persona-mcp (.+?)\n(.*?)```", re.DOTALL)


def printed(command: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(shlex.split(command))
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


def refresh(check: bool) -> int:
    text = README.read_text(encoding="utf-8")
    changed: list[str] = []

    def update(match: re.Match[str]) -> str:
        command, shown = match.group(1), match.group(2)
        now = printed(command)
        if now != shown:
            changed.append(command)
        return f"```console\n$ persona-mcp {command}\n{now}```"

    new = BLOCK.sub(update, text)
    for command in changed:
        print(f"{'differs' if check else 'refreshed'}: persona-mcp {command}")
    if not check and new != text:
        README.write_text(new, encoding="utf-8")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(refresh("--check" in sys.argv[1:]))
