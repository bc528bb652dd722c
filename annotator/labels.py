"""The default label scheme (resources/labels.json) and colours for labels added on import."""

from __future__ import annotations

import colorsys
import hashlib
import json
from pathlib import Path

from .model import Label, LabelScheme

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DEFAULT_SCHEME_PATH = RESOURCES / "labels.json"


def load_scheme(path: Path = DEFAULT_SCHEME_PATH) -> LabelScheme:
    data = json.loads(path.read_text(encoding="utf-8"))
    return LabelScheme(
        [
            Label(
                name=entry["name"],
                color=entry["color"],
                shortcut=entry.get("shortcut"),
                description=entry.get("description", ""),
                style=entry.get("style", "background"),
                alt_shortcut=entry.get("alt_shortcut"),
            )
            for entry in data["labels"]
        ]
    )


def _hue_distance(a: float, b: float) -> float:
    d = abs(a - b) % 1.0
    return min(d, 1.0 - d)


def _hue(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0]


def color_for_new_label(name: str, taken: list[str]) -> str:
    """A mid-lightness colour for ``name``, stable across runs, far in hue from those taken.

    Mid lightness and saturation keep it readable as a translucent background on light and on
    dark palettes alike.
    """
    seed = int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16)
    taken_hues = [_hue(c) for c in taken if isinstance(c, str) and len(c) == 7]
    best_hue, best_gap = 0.0, -1.0
    for step in range(24):
        hue = ((seed % 360) / 360 + step * 0.618034) % 1.0
        gap = min((_hue_distance(hue, t) for t in taken_hues), default=1.0)
        if gap > best_gap + 1e-9:
            best_hue, best_gap = hue, gap
    r, g, b = colorsys.hls_to_rgb(best_hue, 0.5, 0.65)
    return "#{:02x}{:02x}{:02x}".format(round(r * 255), round(g * 255), round(b * 255))
