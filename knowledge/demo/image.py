"""The demo's one picture, drawn in code: the front of a fibre ONT with its four lights
(power, PON, LOS, LAN), as the article on the lights describes them left to right."""

import struct
import zlib

WIDTH, HEIGHT = 320, 96
CASE, PANEL = (52, 56, 64), (34, 37, 43)
LIGHTS = [(46, 201, 95), (46, 201, 95), (226, 59, 59), (46, 201, 95)]  # LOS is red: no fibre


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def _pixel(x: int, y: int) -> tuple[int, int, int]:
    if not (12 <= x < WIDTH - 12 and 12 <= y < HEIGHT - 12):
        return (255, 255, 255)
    for index, colour in enumerate(LIGHTS):
        cx, cy = 64 + index * 64, HEIGHT // 2
        distance = (x - cx) ** 2 + (y - cy) ** 2
        if distance <= 10**2:
            return colour
        if distance <= 14**2:
            return PANEL
    return CASE


def ont_lights_png() -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(_pixel(x, y)) for x in range(WIDTH)) for y in range(HEIGHT)
    )
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )
