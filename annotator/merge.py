"""Merge other reviewers' project files into this one.

Each reviewer file is untrusted input: ``reviewer_file`` reads it from a private copy and checks
every table, column and value first. All files are read and checked before anything is written,
and the whole merge is one transaction, so a bad file leaves the project as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .collector import paused
from .errors import EditError, StoreError
from .model import GOLD
from .store.connection import file_identity as identity
from .reviewer_file import read_reviewer_file, read_reviewer_layers
from .store import MergeResult, Store

__all__ = ["merge_files", "read_reviewer_file"]


# The merge's page cache in KiB. Archiving and replacing layers deletes and inserts rows all over
# the span and claim indexes; with SQLite's default 2 MB their pages were read from the file again
# and again (a re-merge of 10 x 1,000 changed documents: 1.2 s of 6.8 s CPU). Bounded, since it
# adds to the merge's peak memory.
MERGE_CACHE_KIB = 48 * 1024


def merge_files(store: Store, paths: list[str | Path], progress: Callable[[int, int], None] | None = None) -> MergeResult:
    """Merge every reviewer file into ``store``: all are read and checked before anything is written.

    ``progress(done, total)`` counts steps: reading each file, then merging each.
    """
    with paused():  # the reader's objects live until the merge ends (collector.py)
        return _merge_files(store, paths, progress)


def _merge_files(store: Store, paths: list[str | Path], progress: Callable[[int, int], None] | None) -> MergeResult:
    steps = 2 * len(paths)
    total = MergeResult()
    project = identity(store.path)
    batches = []
    texts: dict[str, str] = {}
    for path in paths:
        # By inode too: a hard link or another spelling of the path is still the project itself.
        if Path(path).resolve() == store.path.resolve() or (project is not None and identity(Path(path)) == project):
            raise StoreError(f"{path}: is the project itself; nothing to merge")
        read = read_reviewer_layers(path, texts)
        if any(item.annotator == GOLD for item in read.items):  # the reader renames it; never let one through
            raise StoreError(f"{path}: its gold layer cannot be merged as this project's gold")
        batches.append((path, read))
        if progress is not None:
            progress(len(batches), steps)
    del texts
    with store.page_cache(MERGE_CACHE_KIB), store.atomic():  # one transaction for all files; each file's merge is a savepoint in it
        for number, (path, read) in enumerate(batches, start=1):
            try:
                result = store.merge_layers(read.items, source=Path(path).name)
            except EditError as exc:  # a rule of this project the file's content breaks: name the file
                raise EditError(f"{path}: {exc}") from None
            total.documents_added += result.documents_added
            total.added += result.added
            total.replaced += result.replaced
            total.unchanged += result.unchanged
            total.labels_added += [x for x in result.labels_added if x not in total.labels_added]
            total.notes += read.notes
            if progress is not None:
                progress(len(paths) + number, steps)
    return total
