"""The default label scheme (resources/labels.json, shipped inside the package) and colours for
labels added on import."""

from __future__ import annotations

import colorsys
import hashlib
import json
import re
from importlib.resources.abc import Traversable
from pathlib import Path

from .model import Label, LabelScheme
from .package_data import MissingData, scheme_file

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def load_scheme(source: Traversable | Path | None = None) -> LabelScheme:
    """The label scheme in ``source`` (the packaged ``labels.json`` by default), checked whole:
    it is read before a new project file is created, so a broken one refuses before any file
    exists rather than leaving a project without labels behind."""
    source = scheme_file() if source is None else source
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MissingData(f"{source}: cannot read the label scheme ({exc})") from None
    problem = _scheme_problem(data)
    if problem:
        raise MissingData(f"{source}: the label scheme is broken: {problem}")
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


def _scheme_problem(data: object) -> str | None:
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list) or not data["labels"]:
        return 'no "labels" list'
    seen: set[str] = set()
    for index, entry in enumerate(data["labels"]):
        where = f"label {index + 1}"
        if not isinstance(entry, dict):
            return f"{where} is not an object"
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            return f"{where} has no name"
        if name in seen:
            return f"{where}: {name!r} appears twice"
        seen.add(name)
        if not isinstance(entry.get("color"), str) or not _COLOR.fullmatch(entry["color"]):
            return f"{where} ({name}): colour is not #rrggbb"
        if entry.get("style", "background") not in ("background", "underline"):
            return f"{where} ({name}): style is neither background nor underline"
        for key in ("shortcut", "alt_shortcut"):
            if entry.get(key) is not None and not isinstance(entry[key], str):
                return f"{where} ({name}): {key} is not a string"
        if not isinstance(entry.get("description", ""), str):
            return f"{where} ({name}): description is not a string"
    return None


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
