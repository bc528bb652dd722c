"""Suggestions (issue 11, section 2), Qt-free: spans offered to a reviewer, not spans until accepted.

Sources (``suggestion.SOURCES``, in the order overlapping offers of one label are kept):

- ``figures``: FIGURE spans from the figure detector (``annotator.figures.find_figures``), each
  with its reading (``figure``);
- ``speakers``: SPEAKER spans from English quote attribution (``speakers.find_speakers``);
- ``strings``: every other whole-word occurrence of a string tagged anywhere in the project, with
  the label the reviewer gave it most, else the project (``strings``; pyahocorasick's automaton).
  CLAIM spans are not matched: a statement is not repeated word for word as a name is.

What a reviewer is offered (``Suggester(store, annotator, labels=...).suggest(doc_id)`` or
``suggest_text`` on a bare text) leaves out what they have (the same span and label, or any span
of the same label overlapping it) and what they rejected (``Store.reject_suggestion``, kept in the
project's ``suggest_rejections`` table). ``accept_all`` stores suggestions as ordinary spans in
one transaction with ``attrs.origin`` naming the suggester (``"suggest/figures"``, ...).
Offsets are code points, end exclusive; ``text == document text[start:end]``.
"""

from __future__ import annotations

from .engine import FIGURE_LABEL, SPEAKER_LABEL, Suggester, accept_all, suggest_text
from .speakers import find_speakers
from .strings import StringMatcher, choose_labels
from .suggestion import FIGURES, SOURCES, SPEAKERS, STRINGS, Suggestion

__all__ = ["Suggestion", "Suggester", "suggest_text", "accept_all", "find_speakers", "StringMatcher",
           "choose_labels", "SOURCES", "FIGURES", "SPEAKERS", "STRINGS", "FIGURE_LABEL", "SPEAKER_LABEL"]
