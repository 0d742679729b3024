"""Draw the app's favicon, assets/icon.png (a local file: no icon font fetched from a CDN)."""
from pathlib import Path

from PIL import Image, ImageDraw

img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
d = ImageDraw.Draw(img)
d.rounded_rectangle((2, 2, 62, 62), radius=12, fill="#0072B2")
for i, x in enumerate((14, 26, 38, 50)):  # a chain of steps (recurrence) ...
    d.ellipse((x - 5, 40, x + 5, 50), fill="#E69F00")
    if i:
        d.line((x - 7, 45, x - 5, 45), fill="white", width=2)
for x in (14, 26, 38, 50):  # ... all wired to each other (attention)
    for y in (14, 26, 38, 50):
        d.line((x, 40, y, 18), fill="white", width=1)
img.save(Path(__file__).resolve().parent.parent / "assets" / "icon.png")
