"""spaCy ``DocBin`` (``.spacy``): training data for ``python -m spacy train``, written only.

    annotator export --db P --format spacy-docbin --gold -o train.spacy        (or --annotator NAME)

One layer per document: a training example is one truth, so a document that comes with several
layers is refused (pick one with ``--gold`` or ``--annotator``); when the gold layer is among them
it is taken. Each text is tokenised by ``spacy.blank(lang)``, ``lang`` being the document's
``meta["lang"]`` when spaCy knows that language, else ``xx`` (multi-language).

Spans are placed with ``Doc.char_span(start, end, alignment_mode="strict")``: one whose edges are
not token edges of spaCy's tokeniser is left out and listed in the report, never moved. Then:

- ``doc.spans["sc"]``: every placed span, overlaps and CLAIM spans included (the key ``spancat``
  reads by default);
- ``doc.ents``: the placed spans with overlaps resolved by ``spacy.util.filter_spans`` (the longest
  span wins, then the first), for ``ner``; so a CLAIM span wins over the members inside it. Every
  span left out of ``doc.ents`` is counted in the warnings.

``doc.user_data`` holds ``doc_id``, ``title``, ``annotator`` and ``meta_json`` (``DocBin`` is made with
``store_user_data=True``). Claims and span attributes are not carried.

spaCy is an optional extra (``pip install 'annotator[spacy]'``), imported only when this format is
used.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from ..atomic import atomic_write
from ..errors import AnnotatorError, InputError
from ..model import GOLD, AnnotatedDocument
from .base import WriteReport

NAME = "spacy-docbin"
EXTENSIONS = (".spacy",)
DESCRIPTION = "spaCy DocBin for spacy train (one layer per document; write only; needs spaCy)"
SPANS_KEY = "sc"
FALLBACK_LANG = "xx"


def _spacy():
    try:
        import spacy
        from spacy.tokens import DocBin
        from spacy.util import filter_spans
    except ImportError:
        raise AnnotatorError(
            "the spacy-docbin format needs spaCy, which is not installed: pip install 'annotator[spacy]'"
        ) from None
    return spacy, DocBin, filter_spans


def read(path: str | Path, *, default_annotator: str) -> list[AnnotatedDocument]:
    raise InputError("a spaCy DocBin is written for spacy train, not read back; import the spaCy JSONL "
                     "export (--format spacy) or the native JSONL instead", path=str(path))


def one_layer_each(items: Iterable[AnnotatedDocument]) -> list[AnnotatedDocument]:
    """The layer to train on for each document: its only one, or gold among several; refuse others."""
    by_doc: dict[tuple[str, str], list[AnnotatedDocument]] = {}
    for item in items:
        by_doc.setdefault((item.document.id, item.document.sha256), []).append(item)
    chosen = []
    for (doc_id, _), layers in by_doc.items():
        gold = [layer for layer in layers if layer.annotator == GOLD]
        if len(layers) > 1 and not gold:
            names = ", ".join(sorted(layer.annotator for layer in layers))
            raise AnnotatorError(f"document {doc_id!r} has {len(layers)} layers ({names}); a DocBin takes one "
                                 "per document: pass --gold or --annotator NAME")
        chosen.append(gold[0] if gold else layers[0])
    return chosen


def _blank(spacy, lang: Any, cache: dict, doc_id: str, report: WriteReport):
    code = lang if isinstance(lang, str) and lang.strip() else FALLBACK_LANG
    if code not in cache:
        try:
            cache[code] = spacy.blank(code)
        except Exception:  # spaCy raises ImportError / its own errors for an unknown language code
            report.warnings.append(f"{doc_id}: spaCy has no language {code!r}; tokenised as {FALLBACK_LANG!r}")
            cache[code] = cache.get(FALLBACK_LANG) or spacy.blank(FALLBACK_LANG)
    return cache[code]


def write(items: Iterable[AnnotatedDocument], path: str | Path) -> WriteReport:
    spacy, DocBin, filter_spans = _spacy()
    report = WriteReport()
    layers = one_layer_each(items)
    docbin = DocBin(store_user_data=True)
    blanks: dict[str, Any] = {}
    dropped: Counter[str] = Counter()
    claims = 0
    for item in layers:
        document = item.document
        nlp = _blank(spacy, document.meta.get("lang"), blanks, document.id, report)
        doc = nlp.make_doc(document.text)
        placed = []
        for span in sorted(item.spans, key=lambda s: (s.start, s.end, s.label)):
            found = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
            if found is None:
                report.skipped.append(
                    f"{document.id}: {span.label} span [{span.start}, {span.end}) "
                    f"{document.text[span.start:span.end]!r} does not start and end on spaCy's token edges")
                continue
            placed.append(found)
        doc.spans[SPANS_KEY] = placed
        ents = filter_spans(placed)
        doc.ents = ents
        kept = {(s.start, s.end, s.label_) for s in ents}
        dropped.update(s.label_ for s in placed if (s.start, s.end, s.label_) not in kept)
        claims += len(item.claims)
        doc.user_data.update({"doc_id": document.id, "title": document.title, "annotator": item.annotator,
                              "meta_json": json.dumps(document.meta, ensure_ascii=False)})
        docbin.add(doc)
        report.documents += 1
        report.spans += len(placed)
    if report.skipped:
        report.warnings.append(f"{len(report.skipped)} span(s) do not align to spaCy's tokens and were not "
                               "written (each is listed)")
    if dropped:
        labels = ", ".join(f"{label} {n}" for label, n in sorted(dropped.items()))
        report.warnings.append(f"ner: {sum(dropped.values())} overlapping span(s) left out of doc.ents by "
                               f"spacy.util.filter_spans ({labels}); doc.spans[{SPANS_KEY!r}] keeps them for spancat")
    if claims:
        report.warnings.append(f"{claims} claim(s) not carried by a DocBin (its CLAIM spans are)")
    data = docbin.to_bytes()
    with atomic_write(path, binary=True) as handle:
        handle.write(data)
    return report
