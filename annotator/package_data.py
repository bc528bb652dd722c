"""Where the label scheme and the seed articles are read from.

The repository's ``resources/`` and ``seeds/`` are their only sources. Building a wheel copies them
into the package as ``annotator/_data/resources`` and ``annotator/_data/seeds`` (``setup.py``), so an
installed copy reads them from inside itself, wherever it is run from. A source checkout or an
editable install (``pip install -e .``, what ``scripts/setup.sh`` does) has no ``_data``: there the
package folder sits beside the repository's own folders and those are read.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import AnnotatorError

PACKAGED = "_data"  # the folder inside the package; setup.py writes it at build time
SCHEME = ("resources", "labels.json")
SEEDS = "seeds"


class MissingData(AnnotatorError):
    """The installation lacks the files it ships with (a wheel built without setup.py's step)."""


def data_root() -> Traversable:
    """The folder holding ``resources/`` and ``seeds/``: the packaged copy, else the checkout's."""
    package = files(__package__)
    packaged = package / PACKAGED
    if packaged.is_dir():
        return packaged
    # Only a folder that is this repository counts: a site-packages holding somebody else's
    # top-level resources/ (the bug of issue 9) must not be mistaken for ours.
    if isinstance(package, Path):
        checkout = package.parent
        if (checkout / "pyproject.toml").is_file() and (checkout / SEEDS).is_dir():
            return checkout
    raise MissingData(
        f"this installation of Annotator lacks its label scheme and seed articles (looked in {packaged}); "
        "reinstall it from a wheel built with `pip wheel .` from the source folder"
    )


def scheme_file() -> Traversable:
    found = data_root().joinpath(*SCHEME)
    if not found.is_file():
        raise MissingData(f"this installation of Annotator lacks its label scheme ({found})")
    return found


def seed_files() -> list[Traversable]:
    """The seed articles (``*.txt``), in name order: the order they are imported in."""
    folder = data_root() / SEEDS
    seeds = sorted((f for f in folder.iterdir() if f.name.endswith(".txt") and f.is_file()), key=lambda f: f.name)
    if not seeds:
        raise MissingData(f"this installation of Annotator lacks its seed articles ({folder})")
    return seeds
