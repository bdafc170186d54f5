"""Draws the bundle's icon, bundle/icon.png: three reviewer silhouettes on a rounded navy square, 512x512.

Standard library only (zlib and struct write the PNG), so the icon can be redrawn anywhere:
`python3 tools/bundle_icon.py bundle/icon.png`. Edges are anti-aliased by sampling each pixel 4x4 times.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

SIZE = 512
SAMPLES = 4  # per axis: 16 samples a pixel
NAVY = (31, 58, 95)
WHITE = (255, 255, 255)
SKY = (143, 184, 222)

# Shapes in drawing order, later ones on top: (kind, cx, cy, rx, ry, colour). A "head" is an ellipse; a
# "body" is the upper half of an ellipse (shoulders), cut at its centre line.
SHAPES = [
    ("body", 150, 400, 92, 100, SKY),
    ("head", 150, 232, 52, 52, SKY),
    ("body", 362, 400, 92, 100, SKY),
    ("head", 362, 232, 52, 52, SKY),
    ("body", 256, 430, 130, 142, NAVY),  # a gap of background between the front figure and those behind
    ("head", 256, 215, 82, 82, NAVY),
    ("body", 256, 430, 118, 130, WHITE),
    ("head", 256, 215, 70, 70, WHITE),
]
CORNER = 96  # radius of the background's rounded corners
FLOOR = 430  # every silhouette is cut at this line, above the square's bottom edge


def inside_background(x: float, y: float) -> bool:
    """Whether (x, y) lies in the rounded square."""
    cx = min(max(x, CORNER), SIZE - CORNER)
    cy = min(max(y, CORNER), SIZE - CORNER)
    return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER**2


def shape_colour(x: float, y: float) -> tuple[int, int, int] | None:
    """The colour of the topmost shape at (x, y), or None where no shape is."""
    colour = None
    for kind, cx, cy, rx, ry, fill in SHAPES:
        if ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1:
            continue
        if kind == "body" and (y > cy or y > FLOOR):
            continue
        colour = fill
    return colour


def pixel(px: int, py: int) -> tuple[int, int, int, int]:
    """The pixel's RGBA colour, averaged over its samples (straight alpha)."""
    red = green = blue = covered = 0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x, y = px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES
            if not inside_background(x, y):
                continue
            r, g, b = shape_colour(x, y) or NAVY
            red, green, blue, covered = red + r, green + g, blue + b, covered + 1
    if not covered:
        return (0, 0, 0, 0)
    alpha = round(255 * covered / SAMPLES**2)
    return (round(red / covered), round(green / covered), round(blue / covered), alpha)


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    """A PNG file (8-bit RGBA, no filtering) from raw rows."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main(out: Path) -> None:
    rows = [b"".join(bytes(pixel(px, py)) for px in range(SIZE)) for py in range(SIZE)]
    out.write_bytes(png(SIZE, SIZE, rows))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "bundle/icon.png"))
