"""String matching (INCEpTION's string-matching recommender): every other occurrence of a string
already tagged in the project, with the label it was given most.

Matches are whole words (a tagged "Korea" is not offered inside "Korean"), case-sensitive (names:
"Kim" is not "kim"), except that a string in lower case is also found with its first letter
capitalised at a sentence start ("the ambassador" → "The ambassador"). Overlapping matches are
resolved leftmost, then longest. The automaton is pyahocorasick's; where that package is missing
an equivalent regular expression does the same work more slowly.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Iterable, Iterator, Mapping

try:
    import ahocorasick
except ImportError:  # pragma: no cover - the dependency is declared; this keeps an old venv working
    ahocorasick = None


def is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def worth_matching(text: str) -> bool:
    """A tagged string worth looking for elsewhere: trimmed, two code points or more, holding a
    letter or digit (a lone "$" or "—" would match everywhere)."""
    return len(text) >= 2 and text == text.strip() and any(ch.isalnum() for ch in text)


def choose_labels(tagged: Iterable[tuple[str, str, str]], annotator: str) -> dict[str, str]:
    """For each tagged string, the label it gets: the one ``annotator`` gave it most, else (when
    they never tagged it) the one the project gave it most; ties go to the label first by name."""
    own: dict[str, Counter] = defaultdict(Counter)
    everyone: dict[str, Counter] = defaultdict(Counter)
    for who, label, text in tagged:
        if text is None or not worth_matching(text):
            continue
        everyone[text][label] += 1
        if who == annotator:
            own[text][label] += 1
    out: dict[str, str] = {}
    for text, counts in everyone.items():
        chosen = own.get(text) or counts
        out[text] = min(chosen.items(), key=lambda item: (-item[1], item[0]))[0]
    return out


def leftmost_longest(text: str, matches: Iterable[tuple[int, int, str]],
                     labels: Mapping[str, str]) -> list[tuple[int, int, str, str]]:
    """(start, end, label, tagged string) of the whole-word ``matches``: at each start the longest,
    then left to right, none overlapping the one before."""
    best: dict[int, tuple[int, str]] = {}  # start → (end, tagged string) of its longest whole-word match
    for start, end, tagged in matches:
        if not _whole_word(text, start, end):
            continue
        if start not in best or end > best[start][0]:
            best[start] = (end, tagged)
    out: list[tuple[int, int, str, str]] = []
    reached = 0
    for start in sorted(best):
        if start < reached:
            continue
        end, tagged = best[start]
        out.append((start, end, labels[tagged], tagged))
        reached = end
    return out


class StringMatcher:
    """Finds the strings of ``labels`` (string → label) in a text; built once, used per document."""

    def __init__(self, labels: dict[str, str], *, use_automaton: bool | None = None):
        self.labels = dict(labels)
        keys: dict[str, str] = {}  # what is searched for → the tagged string it stands for
        for text in self.labels:
            keys.setdefault(text, text)
            if text[0].islower():
                keys.setdefault(text[0].upper() + text[1:], text)
        self._keys = keys
        if use_automaton is None:
            use_automaton = ahocorasick is not None
        self._automaton = None
        self._pattern = None
        if not keys:
            return
        if use_automaton:
            automaton = ahocorasick.Automaton()
            for key, tagged in keys.items():
                automaton.add_word(key, (len(key), tagged))
            automaton.make_automaton()
            self._automaton = automaton
        else:
            # Longest first, so at each position the regex tries the longest key before its prefixes.
            alternatives = "|".join(re.escape(k) for k in sorted(keys, key=lambda k: (-len(k), k)))
            self._pattern = re.compile(f"(?=({alternatives}))")

    def __len__(self) -> int:
        return len(self.labels)

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, label, tagged string) of every whole-word match, leftmost-longest, not overlapping."""
        return leftmost_longest(text, self._matches(text), self.labels)

    def _matches(self, text: str) -> Iterator[tuple[int, int, str]]:
        if self._automaton is not None:
            for last, (length, tagged) in self._automaton.iter(text):
                yield last + 1 - length, last + 1, tagged
        elif self._pattern is not None:
            keys = self._keys
            for m in self._pattern.finditer(text):
                key = m.group(1)
                yield m.start(), m.start() + len(key), keys[key]
                # Shorter keys at the same position (whole-word where the longest is not) are
                # tried by a second look at this position with the prefixes of the text.
                for shorter in _prefix_keys(keys, text, m.start(), len(key)):
                    yield m.start(), m.start() + len(shorter), keys[shorter]


def _prefix_keys(keys: dict[str, str], text: str, start: int, longest: int) -> Iterator[str]:
    # Only needed when the longest match is not whole-word: keep the fallback's result the same as
    # the automaton's (which reports every key ending anywhere).
    end = start + longest
    if end >= len(text) or not (is_word(text[end - 1]) and is_word(text[end])):
        return
    for length in range(longest - 1, 0, -1):
        candidate = text[start:start + length]
        if candidate in keys:
            yield candidate


def _whole_word(text: str, start: int, end: int) -> bool:
    if start > 0 and is_word(text[start]) and is_word(text[start - 1]):
        return False
    if end < len(text) and is_word(text[end - 1]) and is_word(text[end]):
        return False
    return True
