"""Project-level operations shared by the GUI and the CLI: where the default project lives,
seeding it, importing files and exporting layers."""

from __future__ import annotations

import contextlib
import inspect
import os
from importlib.resources import as_file
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import platformdirs

from . import formats
from .errors import EditError, InputError
from .formats.base import lone_surrogate
from .labels import load_scheme
from .model import AnnotatedDocument
from .package_data import seed_files
from .store import ImportResult, Store
from .store.connection import file_identity

APP_NAME = "annotator"
PROJECT_SUFFIX = ".annotator.db"


def data_dir() -> Path:
    """The folder for the default project; ``ANNOTATOR_HOME`` overrides it (tests, portable use)."""
    override = os.environ.get("ANNOTATOR_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_project_path() -> Path:
    return data_dir() / f"default{PROJECT_SUFFIX}"


def open_project(path: str | Path, *, seed: bool = False, read_only: bool = False, create: bool = True) -> Store:
    """Open (or create) a project file; a new one gets the default label scheme, and the seed
    articles when ``seed`` is true. With ``read_only`` (commands that only read), a file on
    read-only media is opened for reading rather than refused.

    A new file is never left half set up: the scheme is read and checked before the file is
    created, and when the set-up fails anyway (seeds missing, disk full), the file this call
    created is removed again."""
    path = Path(path)
    new = create and file_identity(path) is None
    scheme = load_scheme() if new else None
    store = Store(path, create=create, read_only=read_only)
    if store.read_only:
        return store
    ours = file_identity(path) if new else None
    try:
        if not len(store.label_scheme()):
            scheme = scheme or load_scheme()  # an existing file that was never set up
            with store.atomic():  # checked again inside: two copies starting at once seed once
                if not len(store.label_scheme()):
                    store.add_labels(scheme)
                    if seed and store.document_count() == 0:
                        store.import_items(_seed_items())
    except BaseException:
        # A rival copy that set the file up meanwhile (it committed labels) keeps its file.
        ours = ours if ours is not None and not _has_labels(store) else None
        store.close()
        if ours is not None:
            _remove_new_project(path, ours)
        raise
    return store


def _seed_items() -> list[AnnotatedDocument]:
    items: list[AnnotatedDocument] = []
    for seed_file in seed_files():
        with as_file(seed_file) as local:  # a real file even when the package is in a zip
            items.extend(formats.txt.read(local, default_annotator=""))
    return items


def _has_labels(store: Store) -> bool:
    try:
        return bool(len(store.label_scheme()))
    except Exception:
        return True  # cannot tell: keep the file rather than risk removing someone's work


def _remove_new_project(path: Path, ours: tuple[int, int]) -> None:
    """Remove the project file ``open_project`` created, with its -wal and -shm; a file someone
    put in its place since (another id) is left alone."""
    if file_identity(path) != ours:
        return
    try:
        path.unlink()
    except OSError:
        return  # it stays, and is refused next time with a message of its own
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            leftover.unlink()
        except OSError:
            pass


def open_default_project() -> Store:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return open_project(default_project_path(), seed=True)


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


def layer_items(
    store: Store, *, annotator: str | None = None, gold: bool = False, doc_ids: Iterable[str] | None = None
) -> Iterable[AnnotatedDocument]:
    """The layers to export: one reviewer's, every reviewer's, or the gold layer with provenance."""
    from .model import GOLD

    if gold or annotator == GOLD:
        from .review import gold_export_items

        return gold_export_items(store, doc_ids)
    items = store.iter_layers(annotator=annotator, doc_ids=doc_ids)  # a batch of documents at a time
    # "Every reviewer" means the reviewers: the adjudicated layer is exported with --gold.
    return (item for item in items if item.annotator != GOLD) if annotator is None else items


def export(
    store: Store,
    out: str | Path,
    *,
    format: str = "jsonl",
    annotator: str | None = None,
    gold: bool = False,
    doc_ids: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    options: dict | None = None,
) -> formats.WriteReport:
    """Write layers to ``out`` ("-" is standard output for the one-file formats); ``progress(done,
    total)`` after each document or layer handed to the writer.

    ``options`` are the format's own keywords (``{"form": "relation"}`` for doccano); one the
    format's ``write`` does not take is refused before anything is written.

    Every format writes through ``atomic_write`` or ``output.folder_export``: file names made from
    ids and reviewer names are sanitised, nothing is written outside ``out``, and a failed or
    killed export leaves the old ``out`` (or none) behind.
    """
    module = formats.get(format)
    options = dict(options or {})
    takes = inspect.signature(module.write).parameters
    for name in options:
        if name not in takes or name in ("items", "path"):
            raise InputError(f"the {format} format takes no {name!r} option")
    if module is formats.txt:  # the texts themselves: every document, annotated or not
        wanted = None if doc_ids is None else set(doc_ids)
        items: Iterable[AnnotatedDocument] = (
            AnnotatedDocument(store.document(d), "", is_layer=False)
            for d in store.document_ids() if wanted is None or d in wanted)
    else:
        items = layer_items(store, annotator=annotator, gold=gold, doc_ids=doc_ids)

    def writable(items: Iterable[AnnotatedDocument]) -> Iterable[AnnotatedDocument]:
        # Refuse, naming the document, what no format can write: a string that is not text (an
        # unpaired surrogate cannot be encoded as UTF-8; it can reach a project only by a bug).
        total = _export_count(store, module is formats.txt, annotator, gold, doc_ids) if progress else 0
        for done, item in enumerate(items, start=1):
            doc = item.document
            for what, value in (("id", doc.id), ("title", doc.title), ("reviewer name", item.annotator)):
                bad = lone_surrogate(value) if _SURROGATE.search(value) else None  # a NUL is written (escaped or renamed)
                if bad:
                    raise InputError(f"document {doc.id!r}: its {what} holds {bad}; the {format} export "
                                     "cannot write it")
            yield item
            if progress is not None:
                progress(done, max(total, done))

    target = out if str(out) == "-" else Path(out)
    return module.write(writable(items), target, **options)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _export_count(store: Store, texts: bool, annotator: str | None, gold: bool, doc_ids: Iterable[str] | None) -> int:
    """How many items ``export`` will write, for its progress total."""
    from .model import GOLD

    wanted = None if doc_ids is None else set(doc_ids)
    if texts:
        return sum(1 for d in store.document_ids() if wanted is None or d in wanted)
    if gold or annotator == GOLD:
        who = lambda name: name == GOLD  # noqa: E731
    elif annotator is None:
        who = lambda name: name != GOLD  # noqa: E731
    else:
        who = lambda name: name == annotator  # noqa: E731
    return sum(1 for doc_id, name, _done in store.layers() if who(name) and (wanted is None or doc_id in wanted))


def agreement_inputs(
    store: Store, doc_ids: Iterable[str] | None = None
) -> tuple[dict[str, dict[str, list]], dict[str, int]]:
    """Reviewer layers (the gold layer left out) and text lengths, as ``agreement`` takes them."""
    from .model import GOLD

    wanted = set(doc_ids) if doc_ids is not None else None
    layers: dict[str, dict[str, list]] = {}
    for doc_id, annotator, _done in store.layers():
        if annotator == GOLD or (wanted is not None and doc_id not in wanted):
            continue
        layers.setdefault(doc_id, {})[annotator] = store.spans(doc_id, annotator)
    lengths = {
        doc_id: n for doc_id, n in store.db.execute("SELECT id, length FROM documents") if doc_id in layers
    }
    return layers, lengths


def open_named_or_default(path: str | Path | None, *, read_only: bool = False) -> Store:
    """The project a command names, or with None the default project: the one the window opens,
    created and seeded on first use whatever command comes first.

    With ``read_only`` (commands that only read) a named file must exist already: a typo in a
    path must not leave an empty project behind.
    """
    from .errors import StoreError

    if path is None:
        return open_default_project()
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"{path}: no such project file")
    return open_project(path, read_only=read_only, create=not read_only)
