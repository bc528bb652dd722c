"""Plain text: one document per file, title from the first non-empty line or the file name."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..model import AnnotatedDocument, Document
from ..output import SafeNames, folder_export, note_renames
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
    """Write the documents' texts into the folder ``path``, one ``<id>.txt`` per document (ids
    that are not safe file names, or that collide, get a safe name of their own)."""
    report = WriteReport()
    written: set[str] = set()
    names = SafeNames()
    with folder_export(path, format=NAME) as folder:
        for item in items:
            doc = item.document
            if doc.id in written:
                continue
            written.add(doc.id)
            folder.write_text((names.name(doc.id) + ".txt",), doc.text)
            report.documents += 1
    note_renames(names, "document", lambda name: f"{name}.txt", report.warnings)
    return report
