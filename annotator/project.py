"""Project-level operations shared by the GUI and the CLI: where the default project lives,
seeding it, importing files and exporting layers."""

from __future__ import annotations

import inspect
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import platformdirs

from . import formats
from .formats.base import lone_surrogate
from .errors import InputError
from .labels import load_scheme
from .model import AnnotatedDocument
from .store import ImportResult, Store

APP_NAME = "annotator"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PROJECT_SUFFIX = ".annotator.db"


def data_dir() -> Path:
    """The folder for the default project; ``ANNOTATOR_HOME`` overrides it (tests, portable use)."""
    override = os.environ.get("ANNOTATOR_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_project_path() -> Path:
    return data_dir() / f"default{PROJECT_SUFFIX}"


def open_project(path: str | Path, *, seed: bool = False) -> Store:
    """Open (or create) a project file; a new one gets the default label scheme, and the seed
    articles when ``seed`` is true."""
    path = Path(path)
    store = Store(path)
    if not len(store.label_scheme()):
        store.add_labels(load_scheme())
        if seed and store.document_count() == 0:
            seed_files = sorted(SEEDS.glob("*.txt"))
            items = [item for f in seed_files for item in formats.txt.read(f, default_annotator="")]
            store.import_items(items)
    return store


def open_default_project() -> Store:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return open_project(default_project_path(), seed=True)


@dataclass
class ImportOutcome:
    result: ImportResult
    files: list[str] = field(default_factory=list)


def read_files(
    paths: Iterable[str | Path],
    *,
    format: str = "auto",
    annotator: str,
    progress: Callable[[int, int], None] | None = None,
    warnings_out: list[str] | None = None,
) -> list[AnnotatedDocument]:
    """Read and validate every file before anything is stored: a bad file refuses the lot.

    Readers report what they had to adapt (duplicate spans dropped, brat fragments split...) as
    Python warnings; they are collected into ``warnings_out`` for the user to see.
    """
    paths = [Path(p) for p in paths]
    items: list[AnnotatedDocument] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for index, path in enumerate(paths):
            if not path.exists():
                raise InputError("no such file or folder", path=str(path))
            name = formats.detect(path) if format == "auto" else format
            module = formats.get(name)
            if progress is not None and len(paths) == 1 and "progress" in inspect.signature(module.read).parameters:
                # One large file: let a streaming reader report how far into it it is.
                read = module.read(path, default_annotator=annotator, progress=progress)
            else:
                read = module.read(path, default_annotator=annotator)
            for item in read:
                _refuse_lone_surrogates(item, path)
            items.extend(read)
            if progress:
                progress(index + 1, len(paths))
    if warnings_out is not None:
        warnings_out.extend(str(w.message) for w in caught)
    if not items:
        raise InputError("no documents found in the given files")
    return items


def _refuse_lone_surrogates(item: AnnotatedDocument, path: Path) -> None:
    doc = item.document
    fields = [("text", doc.text), ("title", doc.title), ("reviewer", item.annotator)]
    fields += [(f"label of span {s.id}", s.label) for s in item.spans]
    fields += [(f"note of claim {c.id}", c.note) for c in item.claims]
    for what, value in fields:
        bad = lone_surrogate(value)
        if bad:
            raise InputError(f"document {doc.id!r}: its {what} holds {bad}", path=str(path))


def import_files(
    store: Store,
    paths: Iterable[str | Path],
    *,
    format: str = "auto",
    annotator: str,
    strict_labels: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    notes: list[str] = []
    items = read_files(paths, format=format, annotator=annotator, progress=progress, warnings_out=notes)
    result = store.import_items(items, strict_labels=strict_labels, progress=progress)
    result.warnings = notes
    return result


def layer_items(
    store: Store, *, annotator: str | None = None, gold: bool = False, doc_ids: Iterable[str] | None = None
) -> Iterable[AnnotatedDocument]:
    """The layers to export: one reviewer's, every reviewer's, or the gold layer with provenance."""
    from .model import GOLD

    if gold or annotator == GOLD:
        from .review import gold_export_items

        return gold_export_items(store, doc_ids)
    items = store.annotated_documents(annotator=annotator, doc_ids=doc_ids)
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
) -> formats.WriteReport:
    """Write layers to ``out`` ("-" is standard output for the one-file formats).

    Every format writes through ``atomic_write`` or ``output.folder_export``: file names made from
    ids and reviewer names are sanitised, nothing is written outside ``out``, and a failed or
    killed export leaves the old ``out`` (or none) behind.
    """
    module = formats.get(format)
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
        for item in items:
            doc = item.document
            for what, value in (("id", doc.id), ("title", doc.title), ("reviewer name", item.annotator)):
                bad = lone_surrogate(value)
                if bad:
                    raise InputError(f"document {doc.id!r}: its {what} holds {bad}; the {format} export "
                                     "cannot write it")
            yield item

    target = out if str(out) == "-" else Path(out)
    return module.write(writable(items), target)


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
