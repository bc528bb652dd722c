"""The suggesters run over one document, and what is left once the reviewer's own work and
rejections are taken away."""

from __future__ import annotations

import bisect
from typing import Callable, Iterable, Sequence

from ..model import CLAIM
from .speakers import find_speakers
from .strings import StringMatcher, choose_labels
from .suggestion import FIGURES, SOURCES, SPEAKERS, STRINGS, Suggestion

FIGURE_LABEL = "FIGURE"  # the labels the built-in suggesters offer, when the project has them
SPEAKER_LABEL = "SPEAKER"


def suggest_text(
    doc_id: str, text: str, *, labels: Iterable[str] | None = None, matcher: StringMatcher | None = None,
    existing: Iterable[tuple[int, int, str]] = (), rejected: Iterable[tuple[int, int, str]] = (),
    sources: Sequence[str] = SOURCES, pause: Callable[[], None] | None = None,
) -> list[Suggestion]:
    """Suggestions for one text, in text order: those of ``labels`` (None: any) from ``sources``,
    none equal to or overlapping a span of the same label in ``existing`` (the reviewer's
    (start, end, label)), none in ``rejected``. Where two suggesters offer overlapping spans of one
    label, the earlier source in ``SOURCES`` wins (a figure's reading beats a string match).
    ``pause`` is called before each source (the window's thread waits there while keys come)."""
    pause = pause or (lambda: None)
    wanted = None if labels is None else set(labels)

    def allowed(label: str) -> bool:
        return wanted is None or label in wanted

    offers: list[Suggestion] = []
    if FIGURES in sources and allowed(FIGURE_LABEL):
        pause()
        from ..figures import find_figures  # its patterns compile on first use: not at import

        offers += [Suggestion(doc_id, s, e, FIGURE_LABEL, text[s:e], FIGURES, figure.to_dict())
                   for s, e, figure in find_figures(text)]
    if SPEAKERS in sources and allowed(SPEAKER_LABEL):
        pause()
        offers += [Suggestion(doc_id, s, e, SPEAKER_LABEL, text[s:e], SPEAKERS) for s, e in find_speakers(text)]
    if STRINGS in sources and matcher is not None and len(matcher):
        pause()
        offers += [Suggestion(doc_id, s, e, label, text[s:e], STRINGS)
                   for s, e, label, _tagged in matcher.find(text) if allowed(label)]
    return _keep(offers, existing, rejected)


class _Intervals:
    """Fixed intervals of one label, asked whether they overlap [start, end): sorted by start with
    a running maximum of ends, so nested spans (a long one over short ones) are seen too."""

    def __init__(self, intervals: Iterable[tuple[int, int]]):
        pairs = sorted(intervals)
        self.starts = [s for s, _ in pairs]
        self.reach: list[int] = []
        top = -1
        for _, e in pairs:
            top = max(top, e)
            self.reach.append(top)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)  # intervals starting before ``end``
        return i > 0 and self.reach[i - 1] > start


def _keep(offers: list[Suggestion], existing: Iterable[tuple[int, int, str]],
          rejected: Iterable[tuple[int, int, str]]) -> list[Suggestion]:
    refused = set(rejected)
    there: dict[str, list[tuple[int, int]]] = {}
    for start, end, label in existing:
        there.setdefault(label, []).append((start, end))
    kept: list[Suggestion] = []
    for source in SOURCES:  # a later source never displaces an earlier one's offer
        blocked = {label: _Intervals(intervals) for label, intervals in there.items()}
        reached: dict[str, int] = {}
        for offer in sorted((o for o in offers if o.source == source), key=lambda o: (o.start, -o.end)):
            if offer.key() in refused or offer.start < reached.get(offer.label, 0):
                continue
            wall = blocked.get(offer.label)
            if wall is not None and wall.overlaps(offer.start, offer.end):
                continue
            reached[offer.label] = offer.end
            kept.append(offer)
        for offer in kept:
            if offer.source == source:
                there.setdefault(offer.label, []).append((offer.start, offer.end))
    kept.sort(key=lambda o: (o.start, o.end, o.label))
    return kept


class Suggester:
    """Suggestions for one reviewer across a project: the tagged strings are read and the
    automaton built once, then ``suggest(doc_id)`` per document."""

    def __init__(self, store, annotator: str, *, labels: Iterable[str] | None = None,
                 sources: Sequence[str] = SOURCES):
        self.store = store
        self.annotator = annotator
        scheme = set(store.label_scheme().names())
        self.labels = scheme if labels is None else set(labels) & scheme
        self.sources = tuple(sources)
        self.matcher: StringMatcher | None = None
        if STRINGS in self.sources:
            chosen = choose_labels(store.tagged_strings(exclude_labels=[CLAIM]), annotator)
            self.matcher = StringMatcher({t: lab for t, lab in chosen.items() if lab in self.labels})

    def suggest(self, doc_id: str, text: str | None = None) -> list[Suggestion]:
        if text is None:
            text = self.store.document(doc_id).text
        existing = [(r.start, r.end, r.label) for r in self.store.span_rows(doc_id, self.annotator)]
        return suggest_text(doc_id, text, labels=self.labels, matcher=self.matcher, existing=existing,
                            rejected=self.store.rejections(doc_id, self.annotator), sources=self.sources)


def accept_all(store, annotator: str, suggestions: Iterable[Suggestion]) -> int:
    """Store ``suggestions`` as ``annotator``'s spans in one transaction (``attrs.origin`` names
    the suggester, ``attrs.figure`` holds a figure's reading); a span the reviewer already has
    (same offsets and label) is not added again. Returns the number added."""
    added = 0
    have: dict[str, set[tuple[int, int, str]]] = {}  # per document: read once, not a query per span
    with store.atomic():
        for s in suggestions:
            if s.doc not in have:
                have[s.doc] = {(r.start, r.end, r.label) for r in store.span_rows(s.doc, annotator)}
            if s.key() not in have[s.doc]:
                store._insert_span(s.doc, annotator, s.start, s.end, s.label, s.attrs())
                have[s.doc].add(s.key())
                added += 1
    return added
