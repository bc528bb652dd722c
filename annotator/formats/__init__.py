"""Interchange formats: one module per format, each with ``read`` and ``write``.

A format module defines:

- ``NAME`` (the ``--format`` value) and ``EXTENSIONS`` (lower-case, with the dot);
- ``read(path, *, default_annotator) -> list[AnnotatedDocument]``: validates the whole file before
  returning and raises ``InputError`` naming the file and line (or annotation id) on bad input;
- ``write(items, path) -> WriteReport``: writes through ``atomic_write`` (one file, or ``"-"`` for
  standard output) or ``output.folder_export`` (a folder, with file names from ``SafeNames``).
"""

from __future__ import annotations

import json

from pathlib import Path
from types import ModuleType

from ..errors import InputError
from . import brat, checks, conll, doccano, jsonl, labelstudio, spacy, spacy_docbin, txt
from .base import WriteReport, read_lines, read_text  # noqa: F401  (WriteReport re-exported for callers)

FORMATS: dict[str, ModuleType] = {
    module.NAME: module for module in (jsonl, txt, doccano, spacy, spacy_docbin, labelstudio, brat, conll)
}


def get(name: str) -> ModuleType:
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"unknown format {name!r} (known: {known})") from None


def detect(path: str | Path) -> str:
    """Pick the format of ``path`` (for ``--format auto``); refuse when it cannot tell.

    A folder is brat. Otherwise the extension decides; ``.jsonl`` files, which native, doccano and
    spaCy/Prodigy all use, are told apart by the keys of their first record.
    """
    path = Path(path)
    if path.is_dir():
        return brat.NAME
    suffix = path.suffix.lower()
    matches = [name for name, module in FORMATS.items() if suffix in module.EXTENSIONS]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(
            f"cannot tell the format from the extension {suffix or '(none)'!r}; pass --format",
            path=str(path),
        )
    if set(matches) <= {jsonl.NAME, doccano.NAME, spacy.NAME}:
        return _sniff_jsonl(path)
    raise InputError(
        f"the extension {suffix!r} fits several formats ({', '.join(matches)}); pass --format",
        path=str(path),
    )


def _first_record(path: Path) -> list[tuple[int, object]]:
    """The first JSON value of the file, reading only its first line when that holds it whole."""
    for lineno, line in read_lines(path):
        if line.strip():
            try:
                return [(lineno, checks.loads(line))]
            except json.JSONDecodeError:
                break  # a value over several lines (doccano's pretty-printed export)
            except ValueError as exc:  # too deep, NaN, a lone surrogate...: the reader would refuse it too
                raise InputError(str(exc), path=str(path), line=lineno) from None
    return doccano.json_records(read_text(path), path)[:1]


def _sniff_jsonl(path: Path) -> str:
    """Tell native, doccano and spaCy/Prodigy JSONL apart by the first record's keys."""
    records = _first_record(path)
    first = records[0][1] if records else None
    if not isinstance(first, dict):
        raise InputError("the first record is not a JSON object; cannot tell the format", path=str(path),
                         line=records[0][0] if records else None)

    def spans_are(key: str, *fields: str) -> bool:
        value = first.get(key)
        return isinstance(value, list) and any(
            isinstance(v, dict) and all(f in v for f in fields) for v in value
        )

    def triples(key: str) -> bool:
        value = first.get(key)
        return isinstance(value, list) and any(isinstance(v, list) and len(v) == 3 for v in value)

    found = []
    if "tokens" in first or any(k in first for k in ("_annotator_id", "_input_hash", "_task_hash", "answer")):
        found.append(spacy.NAME)
    if spans_are("entities", "start_offset") or triples("label") or triples("entities"):
        found.append(doccano.NAME)
    if "claims" in first or "annotator" in first and "spans" in first or spans_are("spans", "text"):
        if spacy.NAME not in found:
            found.append(jsonl.NAME)
    if not found and isinstance(first.get("spans"), list):
        found.append(jsonl.NAME)  # native is a superset of the bare spaCy spans shape
    if len(found) == 1:
        return found[0]
    keys = ", ".join(sorted(map(str, first)))
    if not found:
        raise InputError(
            f"cannot tell which JSONL format this is (first record has keys: {keys}); "
            "pass --format jsonl, doccano or spacy",
            path=str(path),
        )
    raise InputError(
        f"the first record fits several formats ({', '.join(found)}; keys: {keys}); pass --format",
        path=str(path),
    )
