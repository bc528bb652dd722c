"""CoNLL-2003 style IOB2 token files (also doccano's CoNLL).

    -DOCSTART-	O

    EU	B-ORG
    rejects	O

One token per line; columns split by tabs (or, when a line has no tab, by whitespace); the first
column is the token, the last the tag. A blank line ends a sentence, a ``-DOCSTART-`` line a
document. A file with no ``-DOCSTART-`` at all is doccano's layout: each sentence is a document.

Reading: CoNLL keeps no original text, so the text is rebuilt by joining a sentence's tokens with
single spaces and sentences with ``"\\n"``; span offsets point into that rebuilt text. Tags may be
IOB2 or IOB1 (an ``I-`` after ``O`` or another type starts an entity); ``E-``/``L-`` and ``S-``/``U-``
(BIOES/BILOU) are accepted too. Any other tag is refused with its line number.

Writing: every document gets a ``-DOCSTART-`` line; each line of its text is a sentence; tokens come
from :mod:`annotator.formats.tokenize`. A span is written only if it starts and ends on token edges,
stays within one line and does not overlap a span already kept (longer spans win, then earlier
ones, as spaCy's ``filter_spans``); every other span is listed in ``WriteReport.skipped``, and
``WriteReport.spans`` counts the spans written. Claims, ids, attributes and reviewer names are not
carried.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Iterable

from ..atomic import atomic_write
from ..errors import InputError
from ..model import AnnotatedDocument, Document, Span
from .base import WriteReport, read_lines
from .jsonl import default_title
from .tokenize import Aligner, tokenize

NAME = "conll"
EXTENSIONS = (".conll", ".conll03", ".iob", ".iob2", ".bio", ".tsv")
DESCRIPTION = "CoNLL-2003 IOB2 (token<TAB>tag; text rebuilt from tokens on import)"

DOCSTART = "-DOCSTART-"
_TAG = re.compile(r"^(?:O|([BIESLU])-(.+))$")


def read(path: str | Path, *, default_annotator: str, progress=None) -> list[AnnotatedDocument]:
    path = Path(path)
    # documents -> sentences -> (token, tag, line number)
    documents: list[list[list[tuple[str, str, int]]]] = [[[]]]
    has_docstart = False
    for lineno, raw in read_lines(path, progress):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if documents[-1][-1]:
                documents[-1].append([])
            continue
        columns = line.split("\t") if "\t" in line else line.split()
        columns = [c.strip() for c in columns]
        if columns[0] == DOCSTART:
            has_docstart = True
            documents.append([[]])
            continue
        if len(columns) < 2 or not columns[0] or not columns[-1]:
            raise InputError(f"expected 'token<TAB>tag', got {line!r}", path=str(path), line=lineno)
        token, tag = columns[0], columns[-1]
        match = _TAG.match(tag)
        if not match:
            raise InputError(
                f"{tag!r} is not an IOB tag (O, B-LABEL, I-LABEL)", path=str(path), line=lineno
            )
        documents[-1][-1].append((token, tag, lineno))

    sentences_per_doc = [[s for s in doc if s] for doc in documents]
    if not has_docstart:
        sentences_per_doc = [[s] for doc in sentences_per_doc for s in doc]
    items = []
    for sentences in sentences_per_doc:
        if not sentences:
            continue
        number = len(items) + 1
        items.append(_build(sentences, f"{path.stem}-{number}", path, default_annotator))
    if not items:
        raise InputError("no tokens in the file", path=str(path))
    return items


def _build(sentences, doc_id: str, path: Path, annotator: str) -> AnnotatedDocument:
    parts: list[str] = []
    spans: list[Span] = []
    position = 0
    for index, sentence in enumerate(sentences):
        if index:
            parts.append("\n")
            position += 1
        current: list = []  # [start, end, label] of the entity being read
        for number, (token, tag, _) in enumerate(sentence):
            if number:
                parts.append(" ")
                position += 1
            start, end = position, position + len(token)
            parts.append(token)
            position = end
            if tag == "O":
                _close(current, spans)
                continue
            prefix, label = tag[0], tag[2:]
            if prefix in "BSU" or not current or current[2] != label:
                _close(current, spans)
                current.extend([start, end, label])
            else:
                current[1] = end
            if prefix in "ESLU":
                _close(current, spans)
        _close(current, spans)
    text = "".join(parts)
    document = Document(id=doc_id, title=default_title(text, doc_id), text=text, source=path.name,
                        meta={"source": path.name})
    return AnnotatedDocument(document=document, annotator=annotator, spans=spans)


def _close(current: list, spans: list[Span]) -> None:
    """End the entity being read, if any, adding it to ``spans``."""
    if current:
        start, end, label = current
        spans.append(Span(start=start, end=end, label=label, id=f"s{len(spans) + 1}", attrs={}))
        current.clear()


def _lines_of(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content, without its line break."""
    out = []
    for match in re.finditer(r"[^\r\n]+", text):
        out.append((match.start(), match.end()))
    return out


def write(items: Iterable[AnnotatedDocument], path: str | Path) -> WriteReport:
    report = WriteReport()
    total = 0
    with atomic_write(path) as handle:
        for item in items:
            doc = item.document
            text = doc.text
            total += len(item.spans)
            tokens = tokenize(text)
            aligner = Aligner(tokens)
            line_starts = [start for start, _ in _lines_of(text)]
            sentence_of = [bisect.bisect_right(line_starts, token.start) - 1 for token in tokens]
            tags = ["O"] * len(tokens)
            taken = [False] * len(tokens)
            ordered = sorted(item.spans, key=lambda s: (-(s.end - s.start), s.start, s.label))
            kept = 0
            for span in ordered:
                shown = f"{doc.id}: {span.label} span [{span.start}, {span.end}) {text[span.start:span.end]!r}"
                where = aligner.align(span.start, span.end)
                if where is None:
                    report.skipped.append(f"{shown} does not start and end on token edges")
                    continue
                first, last = where
                if re.search(r"\s", span.label):
                    report.skipped.append(f"{shown}: its label has whitespace, which a tag cannot hold")
                    continue
                if sentence_of[first] != sentence_of[last]:
                    report.skipped.append(f"{shown} crosses a line break (sentence boundary)")
                    continue
                if any(taken[first : last + 1]):
                    report.skipped.append(f"{shown} overlaps a longer or earlier span")
                    continue
                for index in range(first, last + 1):
                    taken[index] = True
                    tags[index] = ("B-" if index == first else "I-") + span.label
                kept += 1
            handle.write(f"{DOCSTART}\tO\n\n")
            previous = None
            for token, tag, sentence in zip(tokens, tags, sentence_of):
                if previous is not None and sentence != previous:
                    handle.write("\n")
                handle.write(f"{token.text}\t{tag}\n")
                previous = sentence
            handle.write("\n")
            if item.claims:
                report.warnings.append(f"{doc.id}: {len(item.claims)} claim(s) not carried by CoNLL")
            report.documents += 1
            report.spans += kept
    if report.skipped:
        report.warnings.append(
            f"{len(report.skipped)} of {total} span(s) could not be expressed as IOB tags; {report.spans} written"
        )
    return report

