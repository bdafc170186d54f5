"""What the command line prints cannot drive the reader's terminal.

A file name or a value in a user's file can hold an escape sequence (set the window title, move the cursor,
rewrite lines) or a bidirectional override that makes text read differently from what it is. The first wave
printed them raw (issue 15); now every control character but new line and tab is shown as a visible escape.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from persona_mcp.cli.main import main
from persona_mcp.logs import escape_controls

ESC = "\x1b"
HOSTILE = [
    f"{ESC}]0;pwned\x07",  # set the window title (OSC ... BEL)
    f"{ESC}[2J{ESC}[H",  # clear the screen, cursor home
    "\x9b31m",  # the one-byte CSI of C1
    "line\roverwritten",  # carriage return rewrites the line
    "abc\u202edcba",  # right-to-left override
    "\x00\x08\x7f",  # NUL, backspace, DEL
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_controls_leaves_no_control_character(text: str) -> None:
    shown = escape_controls(text)
    assert all(c.isprintable() or c in "\n\t" for c in shown), repr(shown)
    assert "\\x" in shown or "\\u" in shown


@pytest.mark.parametrize("text", ["plain", "tab\tand\nnew line", "héllo wörld ✓ 日本", "emoji 🚀"])
def test_escape_controls_keeps_ordinary_text(text: str) -> None:
    assert escape_controls(text) == text


def _printed(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("payload", HOSTILE[:3])
def test_a_hostile_service_name_is_escaped_in_the_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], payload: str
) -> None:
    manifest = tmp_path / "service.yaml"
    manifest.write_text(f'name: "{payload.encode("unicode_escape").decode()}"\n', encoding="utf-8")
    _, printed = _printed(capsys, "review", str(manifest))
    assert ESC not in printed
    assert "\x9b" not in printed
    assert "\\x" in printed


def test_a_hostile_file_name_is_escaped_in_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "personas"
    directory.mkdir()
    (directory / f"x{ESC}[31m.yaml").write_text("name: broken\n", encoding="utf-8")
    code, printed = _printed(capsys, "validate", str(directory))
    assert code != 0
    assert ESC not in printed
    assert "x\\x1b[31m.yaml" in printed
