"""Project-level operations shared by the GUI and the CLI: where the default project lives,
seeding it, importing files and exporting layers.

Opening a project imports only the store: the formats, the label scheme file and the seeds are
imported when a new file is set up or something is exported, so the window's start does not
pay for every reader and writer (about 0.05 s)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from .errors import InputError
from .model import AnnotatedDocument
from .store import Store
from .store.connection import file_identity

if TYPE_CHECKING:
    from . import formats

# The import functions' old home (callers use project.X): importing.py, loaded on first use.
_FROM_IMPORTING = {"ImportOutcome", "collect_warnings", "import_files", "iter_files", "read_files", "store_items",
                   "store_stream"}


def __getattr__(name: str):
    if name in _FROM_IMPORTING:
        from . import importing

        return getattr(importing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


APP_NAME = "annotator"
PROJECT_SUFFIX = ".annotator.db"


def data_dir() -> Path:
    """The folder for the default project; ``ANNOTATOR_HOME`` overrides it (tests, portable use)."""
    override = os.environ.get("ANNOTATOR_HOME")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


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
    scheme = _load_scheme() if new else None
    store = Store(path, create=create, read_only=read_only)
    if store.read_only:
        return store
    ours = file_identity(path) if new else None
    try:
        if not len(store.label_scheme()):
            scheme = scheme or _load_scheme()  # an existing file that was never set up
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


def _load_scheme():
    from .labels import load_scheme  # only a new (or never set up) file reads the scheme file

    return load_scheme()


def seed_files():
    """The packaged seed articles (``package_data.seed_files``, imported when a project is seeded)."""
    from .package_data import seed_files as packaged

    return packaged()


def _seed_items() -> list[AnnotatedDocument]:
    from importlib.resources import as_file

    from . import formats

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
    import inspect

    from . import formats
    from .formats.base import lone_surrogate

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
