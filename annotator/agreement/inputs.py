"""The reviewers' layers of a project as ``compute_agreement`` takes them, read set-wise.

Two queries whatever the number of documents (layers, then spans), instead of one per layer:
over 10,000 documents x 3 reviewers the per-layer reads alone took longer than the computation.
Each layer comes as a ``LayerIntervals`` (label -> set of (start, end)): what the measures take
of a layer, built straight from the rows instead of a ``Span`` per row.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import GOLD
from .layers import LayerIntervals


def agreement_inputs(store, doc_ids: Iterable[str] | None = None) -> tuple[dict[str, dict[str, list]], dict[str, int]]:
    """Reviewer layers (the gold layer left out) in document order, and the text lengths."""
    wanted = set(doc_ids) if doc_ids is not None else None
    layers: dict[str, dict[str, list]] = {}
    lengths: dict[str, int] = {}
    for doc_id, annotator, length in store.db.execute(
        "SELECT l.doc_id, l.annotator, d.length FROM layers l JOIN documents d ON d.id = l.doc_id"
        " WHERE l.annotator != ? ORDER BY d.position, l.annotator",
        (GOLD,),
    ):
        if wanted is None or doc_id in wanted:
            layers.setdefault(doc_id, {})[annotator] = LayerIntervals()
            lengths[doc_id] = length
    # Rows come in insertion order, a layer's spans mostly together: look the layer up only
    # when it changes.
    last_doc = last_annotator = None
    layer = None
    for doc_id, annotator, start, end, label in store.db.execute(
        # No ORDER BY: every measure takes a layer as a set, and sorting 300,000 rows costs.
        'SELECT doc_id, annotator, start, "end", label FROM spans WHERE annotator != ?',
        (GOLD,),
    ):
        if doc_id != last_doc or annotator != last_annotator:
            last_doc, last_annotator = doc_id, annotator
            doc_layers = layers.get(doc_id)
            layer = doc_layers.get(annotator) if doc_layers is not None else None  # no layer row: no layer
        if layer is not None:
            intervals = layer.get(label)
            if intervals is None:
                intervals = layer[label] = set()
            intervals.add((start, end))
    return layers, lengths
