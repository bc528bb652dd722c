"""Plain text: one document per file, title from the first non-empty line or the file name."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..atomic import atomic_write
from ..model import AnnotatedDocument, Document
from .base import WriteReport, read_text
from .jsonl import default_title

NAME = "txt"
EXTENSIONS = (".txt",)
DESCRIPTION = "Plain text (one document per file, no annotations)"


def read(path: str | Path, *, default_annotator: str) -> list[AnnotatedDocument]:
    path = Path(path)
    text = read_text(path)
    document = Document(
        id=path.stem,
        title=default_title(text, path.stem),
        text=text,
        source=path.name,
        meta={"source": path.name},
    )
    return [AnnotatedDocument(document=document, annotator=default_annotator, is_layer=False)]


def write(items: Iterable[AnnotatedDocument], path: str | Path) -> WriteReport:
    """Write the documents' texts into the folder ``path``, one ``<id>.txt`` per document."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    report = WriteReport()
    written: set[str] = set()
    for item in items:
        doc = item.document
        if doc.id in written:
            continue
        written.add(doc.id)
        with atomic_write(folder / f"{doc.id}.txt") as handle:
            handle.write(doc.text)
        report.documents += 1
    return report
