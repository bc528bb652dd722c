"""Suggestions for a document while it is being annotated: the project's tagged strings are read
once, then each run adds what the reviewer has tagged in the open document since (the tenth
"North Korea" is offered as soon as the first is tagged) without reading the project again.

Qt-free and free of the database once built: ``suggest`` takes everything it needs as values, so the
window can run it in a worker thread (see ``gui/suggestions_view.py``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Callable, Iterable, Iterator, Sequence

from ..model import CLAIM
from .engine import suggest_text
from .strings import StringMatcher, leftmost_longest, worth_matching
from .suggestion import SOURCES, STRINGS, Suggestion


PAUSE_EVERY = 2000  # tagged strings counted between two calls of ``pause``


def _choose(own: Counter, everyone: Counter) -> str | None:
    """``choose_labels``' rule for one string: the reviewer's most given label, else the project's;
    ties to the label first by name."""
    counts = +own or +everyone  # unary plus drops the zero and negative counts an update leaves
    if not counts:
        return None
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]


class LiveSuggester:
    """One reviewer's suggestions over a project, the string matcher kept up to date with the
    reviewer's layer of the open document."""

    def __init__(self, tagged: Iterable[tuple[str, str, str, str]], annotator: str, labels: Iterable[str], *,
                 sources: Sequence[str] = SOURCES, pause: Callable[[], None] | None = None):
        """``tagged``: (doc_id, annotator, label, text) of the project's tagged strings
        (``Store.tagged_strings_by_doc(exclude_labels=[CLAIM])``); ``labels``: the scheme's;
        ``pause`` is called every few thousand of them (and before each source in ``suggest``)."""
        self.annotator = annotator
        self.labels = set(labels)
        self.sources = tuple(sources)
        self._own: dict[str, Counter] = defaultdict(Counter)
        self._everyone: dict[str, Counter] = defaultdict(Counter)
        self._counted: dict[str, Counter] = defaultdict(Counter)  # doc -> this reviewer's (label, text) counted
        self.pause = pause
        for n, (doc, who, label, text) in enumerate(tagged):
            if pause is not None and n % PAUSE_EVERY == 0:
                pause()
            if text is None or not worth_matching(text):
                continue
            self._everyone[text][label] += 1
            if who == annotator:
                self._own[text][label] += 1
                self._counted[doc][(label, text)] += 1
        self._base = {t: lab for t in self._everyone if (lab := self._label(t)) is not None}
        self._base_matcher = StringMatcher(self._base) if STRINGS in self.sources else None
        self._last: tuple[str, Counter, StringMatcher | None] | None = None

    def _label(self, text: str, delta: Counter | None = None) -> str | None:
        own, everyone = Counter(self._own.get(text, ())), Counter(self._everyone.get(text, ()))
        for label, n in (delta or {}).items():
            own[label] += n
            everyone[label] += n
        chosen = _choose(own, everyone)
        return chosen if chosen in self.labels else None

    def matcher_for(self, doc_id: str, learnt: Iterable[tuple[str, str]]) -> StringMatcher | None:
        """The matcher with this document's layer as it is now: ``learnt`` is its (label, text)
        pairs (spans people made, no CLAIM, as ``tagged_strings`` reads them)."""
        if STRINGS not in self.sources:
            return None
        now = Counter((label, text) for label, text in learnt if text is not None and worth_matching(text))
        before = self._counted.get(doc_id, Counter())
        if now == before:
            return self._base_matcher
        if self._last is not None and self._last[0] == doc_id and self._last[1] == now:
            return self._last[2]
        change: dict[str, Counter] = defaultdict(Counter)
        for (label, text), n in now.items():
            change[text][label] += n
        for (label, text), n in before.items():
            change[text][label] -= n
        labels = dict(self._base)
        for text, delta in change.items():
            chosen = self._label(text, delta)
            if chosen is None:
                labels.pop(text, None)
            else:
                labels[text] = chosen
        matcher = LayeredMatcher(self._base_matcher, labels, set(change))
        self._last = (doc_id, now, matcher)
        return matcher

    def suggest(self, doc_id: str, text: str, existing: Iterable[tuple[int, int, str]],
                learnt: Iterable[tuple[str, str]], rejected: Iterable[tuple[int, int, str]]) -> list[Suggestion]:
        """What ``Suggester.suggest`` gives for the document's layer as it is now: ``existing`` its
        (start, end, label), ``learnt`` its strings for the matcher, ``rejected`` the rejections."""
        return suggest_text(doc_id, text, labels=self.labels, matcher=self.matcher_for(doc_id, learnt),
                            existing=existing, rejected=rejected, sources=self.sources, pause=self.pause)


class LayeredMatcher:
    """The project's matcher with a few strings changed, without building an automaton over all of
    them again (at 10,000 documents that took a large share of a second per change, in a thread
    that competes with the window for the interpreter): the base's matches of ``changed`` strings
    are dropped and a small automaton finds those strings with their new labels. ``find`` gives
    what ``StringMatcher(labels).find`` gives (leftmost-longest, whole words, not overlapping)."""

    def __init__(self, base: StringMatcher | None, labels: dict[str, str], changed: set[str]):
        self.labels = labels
        self._base = base
        self._changed = changed
        self._delta = StringMatcher({t: labels[t] for t in changed if t in labels})

    def __len__(self) -> int:
        return len(self.labels)

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        def matches() -> Iterator[tuple[int, int, str]]:
            for matcher, skip in ((self._base, self._changed), (self._delta, ())):
                if matcher is not None:
                    yield from (m for m in matcher._matches(text) if m[2] not in skip)

        return leftmost_longest(text, matches(), self.labels)


def build(store, annotator: str, *, sources: Sequence[str] = SOURCES,
          pause: Callable[[], None] | None = None) -> LiveSuggester:
    """Read the project's tagged strings (the one slow step, for a worker thread)."""
    labels = set(store.label_scheme().names())
    tagged = store.tagged_strings_by_doc(exclude_labels=[CLAIM]) if STRINGS in sources else ()
    return LiveSuggester(tagged, annotator, labels, sources=sources, pause=pause)


def layer_now(store, doc_id: str, annotator: str, text: str) -> tuple[list, list, set]:
    """The open layer as ``suggest`` takes it: (existing, learnt, rejected), read by key."""
    existing = [(r.start, r.end, r.label) for r in store.span_rows(doc_id, annotator)]
    learnt = [(label, t) for _d, _a, label, t in store.tagged_strings_by_doc(
        exclude_labels=[CLAIM], doc_id=doc_id, annotator=annotator, text=text)]
    return existing, learnt, store.rejections(doc_id, annotator)
