"""Generated illustrations, so the demo needs no image files and no network."""

import colorsys
import io
import random

from PIL import Image, ImageDraw


def _rgb(hue: float, saturation: float, lightness: float) -> tuple[int, int, int]:
    red, green, blue = colorsys.hls_to_rgb(hue % 360 / 360, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def illustration(*, hue: int, seed: str, size: tuple[int, int] = (1600, 900)) -> bytes:
    """An abstract, newspaper-like picture: a gradient sky, hills and a sun."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        share = y / height
        draw.line([(0, y), (width, y)], fill=_rgb(hue, 0.45, 0.78 - 0.35 * share))
    sun_x, sun_r = rng.randint(width // 5, 4 * width // 5), rng.randint(height // 10, height // 5)
    draw.ellipse(
        [sun_x - sun_r, height // 4 - sun_r, sun_x + sun_r, height // 4 + sun_r], fill=_rgb(hue + 40, 0.7, 0.85)
    )
    for layer in range(4):
        base = int(height * (0.45 + layer * 0.14))
        points = [(0, height)]
        for x in range(0, width + 100, 100):
            points.append((x, base + rng.randint(-60, 60)))
        points.append((width, height))
        draw.polygon(points, fill=_rgb(hue + layer * 12, 0.35, 0.45 - layer * 0.09))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()
