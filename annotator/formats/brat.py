"""brat standoff: a folder of ``<doc>.txt`` + ``<doc>.ann`` pairs.

Reading takes a folder, a single ``.ann`` or a single ``.txt``. A folder's own ``.ann`` files form one
layer (the default annotator); each sub-folder holding ``.ann`` files is one more layer, named after
the sub-folder (bratiaa's project layout: one folder per annotator).

- ``T`` text-bound annotations become spans. A discontinuous one (``0 5;9 14``) becomes one span per
  fragment, sharing ``attrs["group"]`` (the T id), with a warning -- except that fragments separated
  only by line breaks are joined back into one span (that is how the writer expresses a span that
  crosses a line). The text column is checked against the ``.txt``; a mismatch is refused, naming
  the ``.ann`` file and line.
- ``R`` relations and ``E`` events with a CLAIM span at one end (or a CLAIM trigger) become claims:
  the other ends are the members. Other relations are kept in the Arg1 span's
  ``attrs["relations"]`` and other events in the trigger span's ``attrs["events"]``.
- ``A``/``M`` attributes go to ``attrs["attributes"]`` (``{name: value or True}``), ``N``
  normalisations to ``attrs["normalizations"]``, ``#`` notes to ``attrs["note"]`` (a note on a claim's
  relation or event becomes the claim's note), ``*`` equivalences to the first member's
  ``attrs["equivs"]``. The same keys on a relation or event dict hold what was attached to those.

Offsets: brat counts code points of the ``.txt`` (it is Python) -- but it opens the ``.txt`` with
universal newlines (``annotation.open_textfile`` forces mode ``'rU'``), so ``\\r\\n`` counts as ONE
character in ``.ann`` offsets while Python (and this program) count two; brat #853 reports the
resulting shift. The text of the document is kept exactly as in the file; offsets are converted:
for a ``.txt`` containing ``\\r\\n`` the reader first tries brat's convention and, if the T texts do
not match that way but do match counting ``\\r\\n`` as two, takes the latter (files made by other
tools) with a warning. The writer always writes brat's convention. (brat run on a "narrow"
Python 2 build counted astral characters such as emoji as two; brat #1115. Such files are refused
by the text check rather than silently shifted.)

Writing: ``<out>/<annotator>/<doc id>.txt`` and ``.ann`` (one sub-folder per layer, so reviewer
names survive a round trip; a name or id that is not a safe file name, or that collides with
another, is written under a safe distinct one with a warning) and ``<out>/annotation.conf`` listing the labels, relation types,
event types and attributes used. Claims go out as ``R`` lines ``<member label> Arg1:<CLAIM T>
Arg2:<member T>``; a claim note as ``AnnotatorNotes`` on its first relation. A span that crosses a
line break is written as fragments split at the break; one that starts or ends on a line break, or
whose label contains whitespace, cannot be written and is reported in ``WriteReport.skipped``.
"""


from __future__ import annotations

from .brat_read import LINE_BREAKS, read  # noqa: F401  (the format's reader, and what both halves share)
from .brat_write import write  # noqa: F401

NAME = "brat"
EXTENSIONS = (".ann",)
DESCRIPTION = "brat standoff (.txt + .ann folder; claims as relations; reviewer sub-folders)"
