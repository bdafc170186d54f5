"""Take the README's screenshots of the three MCP Apps views, with the code the browser tests use.

    .venv/bin/python tools/view_screenshots.py [DIR]     # default: docs/images

tests/views_host.py records the real tools' results through the SDK client, loads each `ui://` view into a
sandboxed iframe in headless Debian Chromium (tools/ci-deps.sh), does the Apps handshake, sends the result and
screenshots the frame at a chat panel's width. The scorecard is shown light, the error budget dark, the alerts
light. Refuses to write a picture of a page that made a request or logged an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import views_host as vh  # noqa: E402  (the tests' host, found from the checkout)

SHOTS = {"readiness": "light", "budget": "dark", "alerts": "light"}


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT / "docs" / "images"
    folder.mkdir(parents=True, exist_ok=True)
    recorded = vh.record()
    with vh.browser() as chromium:
        for key, theme in SHOTS.items():
            view = vh.CALLS[key][0]
            with vh.page(chromium, theme) as (page, watch):
                frame = vh.host(page, recorded.views[view], recorded.arguments[key], recorded.results[key], theme)
                if watch.requests or watch.errors or frame.evaluate("document.body.dataset.state") != "rendered":
                    print(f"{key}: not rendered cleanly: {watch.requests} {watch.errors}", file=sys.stderr)
                    return 1
                path = folder / f"view-{key}.png"
                vh.screenshot(page, path)
                print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
