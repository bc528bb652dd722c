"""Importing files into a project: every path checked and its format told first, then each
document read, checked and stored as it comes, in one transaction (``iter_files`` and
``store_stream``); ``read_files`` and ``store_items`` do the same with lists. ``annotator.project``
re-exports these names."""

from __future__ import annotations

import contextlib
import inspect
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import formats
from .errors import EditError, InputError
from .model import AnnotatedDocument
from .store import ImportResult, Store


@dataclass
class ImportOutcome:
    result: ImportResult
    files: list[str] = field(default_factory=list)


def iter_files(
    paths: Iterable[str | Path],
    *,
    format: str = "auto",
    annotator: str,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[Path, AnnotatedDocument]]:
    """(file, document) for every document of ``paths``, each checked as it is read: nothing is
    held but the document being read, so a file of any size takes the memory of its largest
    document. Every path is checked (it exists, is a folder or a regular file under the size cap)
    and its format told before the first document is read.

    A bad file raises ``InputError`` naming it (and the line) when the reader reaches the fault:
    callers that store as they read do it inside one transaction (``store_stream``), so that the
    refusal rolls everything back. Readers' warnings are Python warnings: ``collect_warnings``.
    """
    from .formats.checks import check_input  # imported here: the rest of this module is being reworked

    plan = []
    for path in (Path(p) for p in paths):
        if not path.exists():
            raise InputError("no such file or folder", path=str(path))
        # Before guessing a format (which reads): a name that is text, a folder or a regular
        # file under the size cap -- never a FIFO that would block, a device that never ends.
        check_input(path)
        plan.append((path, formats.get(formats.detect(path) if format == "auto" else format)))
    return _read_plan(plan, annotator, progress)


def _read_plan(plan: list, annotator: str, progress: Callable[[int, int], None] | None) -> Iterator[tuple[Path, AnnotatedDocument]]:
    found = False
    for index, (path, module) in enumerate(plan):
        read = getattr(module, "iter_read", None) or module.read  # a lazy reader where the format has one
        if progress is not None and len(plan) == 1 and "progress" in inspect.signature(read).parameters:
            # One large file: let a streaming reader report how far into it it is.
            documents = read(path, default_annotator=annotator, progress=progress)
        else:
            documents = read(path, default_annotator=annotator)
        for item in documents:
            _refuse_lone_surrogates(item, path)
            found = True
            yield path, item
        if progress:
            progress(index + 1, len(plan))
    if not found:
        if len(plan) == 1:  # name the file, as every other refusal does
            raise InputError("no documents found in the file", path=str(plan[0][0]))
        raise InputError(f"no documents found in the given files ({', '.join(str(p) for p, _ in plan)})")


@contextlib.contextmanager
def collect_warnings(notes: list[str]) -> Iterator[None]:
    """Readers report what they had to adapt (duplicate spans dropped, brat fragments split...) as
    Python warnings; inside this block they are collected into ``notes`` for the user to see."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            notes.extend(str(w.message) for w in caught)


def read_files(
    paths: Iterable[str | Path],
    *,
    format: str = "auto",
    annotator: str,
    progress: Callable[[int, int], None] | None = None,
    warnings_out: list[str] | None = None,
    origins_out: dict[int, Path] | None = None,
) -> list[AnnotatedDocument]:
    """Every document of ``paths`` as a list, all read and validated before it returns: a bad file
    refuses the lot. (``import_files`` stores as it reads instead, holding one document at a time.)

    ``origins_out`` receives the file each item came from (by ``id(item)``), so that a refusal
    at the store can still name the file.
    """
    items: list[AnnotatedDocument] = []
    notes: list[str] = []
    with collect_warnings(notes):
        for path, item in iter_files(paths, format=format, annotator=annotator, progress=progress):
            if origins_out is not None:
                origins_out[id(item)] = path
            items.append(item)
    if warnings_out is not None:
        warnings_out.extend(notes)
    return items


def _refuse_lone_surrogates(item: AnnotatedDocument, path: Path) -> None:
    """Refuse, naming the file and document, what a reader let through that cannot be stored as
    it is: lone surrogates and NULs anywhere, wrong types, offsets outside the text, meta and
    attrs too deep to export (``annotator.formats.item_checks``)."""
    from .formats.item_checks import item_problem

    problem = item_problem(item)
    if problem:
        raise InputError(f"document {item.document.id!r}: {problem}", path=str(path))


def import_files(
    store: Store,
    paths: Iterable[str | Path],
    *,
    format: str = "auto",
    annotator: str,
    strict_labels: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read ``paths`` and store what they hold in one transaction, document by document as they
    are read (memory: the largest document, not the files); any refusal leaves the project as it was."""
    notes: list[str] = []
    with collect_warnings(notes):
        stream = iter_files(paths, format=format, annotator=annotator, progress=progress)
        result = store_stream(store, stream, strict_labels=strict_labels)
    result.warnings = notes
    return result


def store_stream(
    store: Store, stream: Iterable[tuple[Path, AnnotatedDocument]], *, strict_labels: bool = False,
) -> ImportResult:
    """``Store.import_items`` over (file, document) pairs as ``iter_files`` yields them, in one
    transaction, with every refusal naming the file of the document at fault."""
    current: list[Path | None] = [None]
    known = set(store.label_scheme().names()) if strict_labels else None

    def items() -> Iterator[AnnotatedDocument]:
        for path, item in stream:
            current[0] = path
            if known is not None:
                _refuse_unknown_label(item, known, path)
            yield item

    try:
        return store.import_items(items(), strict_labels=strict_labels)
    except EditError as exc:
        if current[0] is None:
            raise
        raise InputError(str(exc), path=str(current[0])) from None


def _refuse_unknown_label(item: AnnotatedDocument, known: set[str], path: Path | str | None) -> None:
    for span in item.spans:
        if span.label not in known:
            raise InputError(
                f"document {item.document.id!r}: label {span.label!r} is not in the project's scheme "
                "(--strict-labels refuses it)", path=None if path is None else str(path))


def store_items(
    store: Store,
    items: list[AnnotatedDocument],
    origins: dict[int, Path],
    *,
    strict_labels: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """``Store.import_items`` of a list ``read_files`` returned, with every refusal naming the
    file the document came from."""
    if strict_labels:
        known = set(store.label_scheme().names())
        for item in items:
            _refuse_unknown_label(item, known, _origin(origins, item))
    try:
        return store.import_items(items, strict_labels=strict_labels, progress=progress)
    except EditError as exc:
        culprit = next((item for item in items if f"document {item.document.id!r}" in str(exc)), None)
        files = set(origins.values())
        path = _origin(origins, culprit) if culprit is not None else (files.pop() if len(files) == 1 else None)
        if path is None:
            raise
        raise InputError(str(exc), path=str(path)) from None


def _origin(origins: dict[int, Path], item: AnnotatedDocument) -> str | None:
    found = origins.get(id(item))
    return None if found is None else str(found)
