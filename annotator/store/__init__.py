"""The project file: one SQLite database holding documents, the label scheme and every layer.

Every write is one transaction (``with store.atomic():``), the journal is WAL, and foreign keys are
on for every connection, so an acknowledged change survives a crash or a kill. A file written by
a newer version of the app is refused rather than half-understood.

The package is split along its seams: ``schema`` (migrations, version checks), ``connection``
(opening a file, SQLite errors in words), ``base`` (transactions, labels, documents, layers),
``annotations`` (spans and claims), ``layers_io`` (import and export of whole layers), ``layers_export``
(layers read for export a batch of documents at a time), ``merge_io`` (merge of other reviewers' layers),
``suggestions`` (tagged strings and rejected suggestions, for ``annotator.suggest``) and ``results``
(the values handed back).
"""

from __future__ import annotations

from ..model import CLAIM, text_sha256
from .annotations import AnnotationsMixin
from .base import StoreBase
from .connection import check_file_kind
from .layers_export import LayerExportMixin
from .layers_io import LayerIOMixin
from .merge_io import MergeMixin
from .results import DocumentSummary, ImportResult, MergeResult, StoredClaim, now
from .suggestions import SuggestionsMixin
from .schema import REQUIRED_COLUMNS, SCHEMA_VERSION, SQLITE_HEADER, migrations, refuse_foreign_or_newer


class Store(SuggestionsMixin, MergeMixin, LayerIOMixin, LayerExportMixin, AnnotationsMixin, StoreBase):
    """A project file on disk. Create it with a path; outstanding migrations run on open."""


__all__ = [
    "Store", "DocumentSummary", "StoredClaim", "ImportResult", "MergeResult", "CLAIM", "text_sha256",
    "REQUIRED_COLUMNS", "SCHEMA_VERSION", "SQLITE_HEADER", "migrations", "refuse_foreign_or_newer",
    "check_file_kind", "now",
]
