"""The agreement report over documents: ``compute_agreement``."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ..model import Span
from .layers import _EXACT, _OVERLAP, _SIZE_A, _SIZE_B, _COVER_A, _COVER_B, _COVER_BOTH, _Layer, _layer, _PairTotals, _tally_pair
from .measures import f1_score, kappa_from_coverage, mean, population_sd
from .unitizing import _Unitizing


class AgreementCancelled(Exception):
    """Raised by compute_agreement when its ``cancelled()`` callback returns True."""


# ---------------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class LabelScores:
    f1_exact: float | None
    f1_overlap: float | None
    kappa: float | None


@dataclass(frozen=True)
class PairScores:
    a: str
    b: str
    documents: int  # documents where both have a layer
    f1_exact: float | None
    f1_overlap: float | None
    per_label: dict[str, LabelScores]


@dataclass(frozen=True)
class LabelSummary:
    f1_exact_mean: float | None
    f1_exact_sd: float | None
    f1_overlap_mean: float | None
    kappa_mean: float | None
    alpha_u: float | None


@dataclass(frozen=True)
class DocumentScores:
    doc: Hashable
    f1_exact_mean: float | None
    f1_exact_sd: float | None
    f1_overlap_mean: float | None
    n_annotators: int  # reviewers with a layer in this document


@dataclass(frozen=True)
class AgreementReport:
    annotators: list[str]
    labels: list[str]
    pairs: list[PairScores]
    per_label: dict[str, LabelSummary]
    per_document: list[DocumentScores]  # worst first, undefined last
    f1_exact_mean: float | None
    f1_exact_sd: float | None
    f1_overlap_mean: float | None
    alpha_u: float | None
    # alpha_U has no notion of a missing layer, so it is computed over the documents where every
    # reviewer has one; this says how many those were.
    alpha_u_documents: int


def compute_agreement(
    layers: Mapping[Hashable, Mapping[str, Iterable[Span]]],
    doc_lengths: Mapping[Hashable, int],
    annotators: Iterable[str] | None = None,
    labels: Iterable[str] | None = None,
    progress: Callable[[int, int], Any] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AgreementReport:
    """Agreement among reviewers over documents.

    ``layers[doc][reviewer]`` is that reviewer's spans in the document; a reviewer missing from a
    document's mapping has no layer there and is left out of that document's figures (an empty
    list means the reviewer marked nothing). ``annotators`` and ``labels`` restrict the study;
    by default every reviewer and label present is used. Documents are laid on alpha_U's
    continuum in the mapping's order.

    ``progress(done, total)`` is called after each document; ``cancelled()`` is polled before
    each document and aborts with AgreementCancelled when it returns True.
    """
    label_filter = frozenset(labels) if labels is not None else None
    reviewers = _select_reviewers(layers, annotators)
    pairs = list(combinations(reviewers, 2))
    pair_totals = {pair: _PairTotals() for pair in pairs}
    unitizing = _Unitizing(len(reviewers))
    documents: list[DocumentScores] = []
    seen_labels: set[str] = set()

    total = len(layers)
    for done, (doc, doc_layers) in enumerate(layers.items(), start=1):
        if cancelled is not None and cancelled():
            raise AgreementCancelled()
        present = [r for r in reviewers if r in doc_layers]
        if present:
            length = _document_length(doc_lengths, doc)
            prepared = {r: _layer(doc_layers[r], label_filter) for r in present}
            for layer in prepared.values():
                seen_labels.update(layer.spans)
            observed: dict[str, int] = {}
            pair_scores = _add_document(prepared, length, pair_totals, observed)
            if len(present) == len(reviewers) >= 2:
                unitizing.add_layers(length, [prepared[reviewer] for reviewer in reviewers], observed)
            documents.append(_document_scores(doc, len(present), pair_scores))
        else:
            documents.append(DocumentScores(doc, None, None, None, 0))
        if progress is not None:
            progress(done, total)

    for totals in pair_totals.values():
        totals.fold()
    report_labels = sorted(label_filter if label_filter is not None else seen_labels)
    pair_scores = [_pair_scores(a, b, pair_totals[a, b], report_labels) for a, b in pairs]
    alpha_overall, alpha_per_label = unitizing.alpha(report_labels)
    per_label = {
        label: _label_summary(label, pair_scores, alpha_per_label[label]) for label in report_labels
    }
    exact = [pair.f1_exact for pair in pair_scores]
    return AgreementReport(
        annotators=list(reviewers),
        labels=report_labels,
        pairs=pair_scores,
        per_label=per_label,
        per_document=_worst_first(documents),
        f1_exact_mean=mean(exact),
        f1_exact_sd=population_sd(exact),
        f1_overlap_mean=mean(pair.f1_overlap for pair in pair_scores),
        alpha_u=alpha_overall,
        alpha_u_documents=unitizing.documents,
    )


def _select_reviewers(layers, annotators: Iterable[str] | None) -> list[str]:
    if annotators is not None:
        return list(dict.fromkeys(annotators))
    return sorted({reviewer for doc_layers in layers.values() for reviewer in doc_layers})


def _document_length(doc_lengths: Mapping[Hashable, int], doc: Hashable) -> int:
    try:
        return doc_lengths[doc]
    except KeyError:
        raise ValueError(f"no text length given for document {doc!r}") from None


def _add_document(
    prepared: dict[str, _Layer],
    length: int,
    pair_totals: dict[tuple[str, str], _PairTotals],
    observed: dict[str, int],
) -> list[tuple[int, int, int]]:
    """Add one document's tallies to every pair present, and its alpha_U disagreement sums to
    ``observed``; return each such pair's (exact matches, overlap matches, |A| + |B|)."""
    scores = []
    for (a, b), totals in pair_totals.items():
        layer_a, layer_b = prepared.get(a), prepared.get(b)
        if layer_a is None or layer_b is None:
            continue
        totals.documents += 1
        totals.characters += length
        scores.append(_tally_pair(layer_a, layer_b, totals.pending, observed))
    return scores


def _document_scores(
    doc: Hashable, n_present: int, pair_scores: list[tuple[int, int, int]]
) -> DocumentScores:
    exact = [2 * m / size if size else None for m, _, size in pair_scores]
    overlap = [2 * m / size if size else None for _, m, size in pair_scores]
    return DocumentScores(doc, mean(exact), population_sd(exact), mean(overlap), n_present)


def _pair_scores(a: str, b: str, totals: _PairTotals, labels: list[str]) -> PairScores:
    size_a, size_b = totals.summed(_SIZE_A), totals.summed(_SIZE_B)
    per_label = {}
    for label in labels:
        t = totals.per_label.get(label, [0] * 7)
        per_label[label] = LabelScores(
            f1_exact=f1_score(t[_EXACT], t[_SIZE_A], t[_SIZE_B]),
            f1_overlap=f1_score(t[_OVERLAP], t[_SIZE_A], t[_SIZE_B]),
            kappa=kappa_from_coverage(totals.characters, t[_COVER_A], t[_COVER_B], t[_COVER_BOTH]),
        )
    return PairScores(
        a=a,
        b=b,
        documents=totals.documents,
        f1_exact=f1_score(totals.summed(_EXACT), size_a, size_b),
        f1_overlap=f1_score(totals.summed(_OVERLAP), size_a, size_b),
        per_label=per_label,
    )


def _label_summary(label: str, pairs: list[PairScores], alpha_u: float | None) -> LabelSummary:
    exact = [pair.per_label[label].f1_exact for pair in pairs]
    return LabelSummary(
        f1_exact_mean=mean(exact),
        f1_exact_sd=population_sd(exact),
        f1_overlap_mean=mean(pair.per_label[label].f1_overlap for pair in pairs),
        kappa_mean=mean(pair.per_label[label].kappa for pair in pairs),
        alpha_u=alpha_u,
    )


def _worst_first(documents: list[DocumentScores]) -> list[DocumentScores]:
    undefined_last = lambda d: (d.f1_exact_mean is None, d.f1_exact_mean or 0.0)  # noqa: E731
    return sorted(documents, key=undefined_last)
