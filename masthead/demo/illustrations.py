"""Generated illustrations, so the demo needs no image files and no network."""

import colorsys
import io
import random

from PIL import Image, ImageDraw, ImageFont


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


def banner(*, text: str, subtext: str, hue: int, size: tuple[int, int]) -> bytes:
    """A house-ad creative with its message drawn in."""
    width, height = size
    image = Image.new("RGB", size, _rgb(hue, 0.55, 0.32))
    draw = ImageDraw.Draw(image)
    draw.rectangle([6, 6, width - 7, height - 7], outline=_rgb(hue, 0.5, 0.7), width=3)
    title_size = max(14, min(height // 4, width // (len(text) // 2 + 4)))
    title_font = ImageFont.load_default(size=title_size)
    sub_font = ImageFont.load_default(size=max(11, title_size // 2))
    draw.text((width / 2, height * 0.42), text, fill="white", font=title_font, anchor="mm")
    draw.text((width / 2, height * 0.72), subtext, fill=_rgb(hue, 0.3, 0.88), font=sub_font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
