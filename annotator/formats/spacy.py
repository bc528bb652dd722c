"""spaCy / Prodigy JSONL: one task per line with tokens and token-aligned spans.

    {"text", "tokens": [{"text", "start", "end", "id", "ws"}],
     "spans": [{"start", "end", "token_start", "token_end", "label", "text"}],
     "_annotator_id", "answer": "accept", "id", "title", "meta_json"}

``token_end`` is inclusive (Prodigy's convention); offsets are code points. Tokens come from
:mod:`annotator.formats.tokenize`; like spaCy, a single space after a token is its ``ws`` and any
other whitespace becomes a whitespace token, so the tokens and their ``ws`` rebuild the text exactly.

Reading: ``_annotator_id`` names the reviewer (Prodigy writes ``"<dataset>-<session>"``; it is kept
whole), else the default annotator. Lines answered ``reject`` or ``ignore`` are skipped with a
warning. Span offsets are checked against the text, and against the tokens when the span gives
``token_start``/``token_end``.

``meta_json`` is the document's meta as a string holding a JSON object, as in the native format
(version 2), so the export goes to Parquet as it is (see :mod:`annotator.formats.jsonl`); a
Prodigy ``meta`` object is read too (Prodigy shows it on the card; ours is not shown there).

Writing: a span whose edges do not fall on token edges is not written (never moved to the nearest
token); each one is listed in ``WriteReport.skipped``. Claims, span ids and attributes are not
carried.
"""

from __future__ import annotations

import json
from itertools import count, repeat
from json.encoder import encode_basestring
from operator import itemgetter, le
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..atomic import atomic_write
from ..errors import InputError
from ..model import AnnotatedDocument, Document, Span, check_span, text_sha256
from . import checks
from .base import WriteReport
from .shared import iter_records, unique_spans, warn
from .jsonl import default_title, json_object, packed
from .tokenize import Aligner, token_bounds

NAME = "spacy"
EXTENSIONS = (".jsonl",)
DESCRIPTION = "spaCy / Prodigy JSONL (tokens and token-aligned spans)"

_KNOWN_KEYS = {"id", "text", "title", "meta", "meta_json", "tokens", "spans", "answer", "_annotator_id"}


def spacy_bounds(text: str) -> tuple[list[int], list[int]]:
    """The starts and ends of the tokens the spaCy way: one trailing space is the token's ``ws``,
    other whitespace is a token of its own."""
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    starts_with = text.startswith
    for start, end in token_bounds(text):
        if start > position:  # whitespace the previous token's ws did not take
            starts.append(position)
            ends.append(start)
        starts.append(start)
        ends.append(end)
        position = end + 1 if starts_with(" ", end) else end
    if position < len(text):
        starts.append(position)
        ends.append(len(text))
    return starts, ends


def spacy_tokens(text: str) -> list[dict[str, Any]]:
    """Token dicts the spaCy way (``spacy_bounds``)."""
    starts, ends = spacy_bounds(text)
    return [{"text": text[start:end], "start": start, "end": end, "id": number, "ws": text.startswith(" ", end)}
            for number, (start, end) in enumerate(zip(starts, ends))]


_TOKEN_JSON = '{{"text": {}, "start": {}, "end": {}, "id": {}, "ws": {}}}'.format
_JSON_BOOL = {True: "true", False: "false"}


def _tokens_json(text: str, starts: list[int], ends: list[int]) -> str:
    """``json.dumps(spacy_tokens(text), ensure_ascii=False)``, the same characters, without building a
    dict per token (two thirds of the writer's time): the standard library's own string encoder,
    its separators, each piece made by C functions mapped over the tokens."""
    texts = map(encode_basestring, map(text.__getitem__, map(slice, starts, ends)))
    ws = map(_JSON_BOOL.__getitem__, map(text.startswith, repeat(" "), ends))
    return "[" + ", ".join(map(_TOKEN_JSON, texts, starts, ends, count(), ws)) + "]"


def read(path: str | Path, *, default_annotator: str, progress=None) -> list[AnnotatedDocument]:
    return list(iter_read(path, default_annotator=default_annotator, progress=progress))


def iter_read(path: str | Path, *, default_annotator: str, progress=None) -> Iterator[AnnotatedDocument]:
    """Each record's document as soon as its line is read and checked."""
    for lineno, obj in iter_records(path, progress):
        try:
            item = _parse(obj, default_annotator=default_annotator, where=f"{path}, line {lineno}")
        except ValueError as exc:
            raise InputError(str(exc), path=str(path), line=lineno) from None
        if item is not None:
            yield item


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_TOKEN_FIELDS = tuple(map(itemgetter, ("start", "end", "id", "text")))


def _usual_tokens(tokens: list, text: str) -> dict[int, dict] | None:
    """The tokens by id, checked in bulk when they are what our writer (and spaCy's) writes: objects
    with integer ``start``, ``end`` and ``id`` and the ``text`` they cover, as the loop in
    ``_checked_tokens`` checks them one by one (a million tokens took it 3 s). None for anything
    else, which that then judges and names."""
    if not tokens:
        return {}
    if set(map(type, tokens)) != {dict}:
        return None
    try:
        starts, ends, ids, texts = (list(map(field, tokens)) for field in _TOKEN_FIELDS)
    except KeyError:
        return None
    if set(map(type, starts)) != {int} or set(map(type, ends)) != {int} or set(map(type, ids)) != {int}:
        return None  # bool is not int here, nor is a float
    if min(starts) < 0 or max(ends) > len(text) or not all(map(le, starts, ends)):
        return None
    if texts != list(map(text.__getitem__, map(slice, starts, ends))):
        return None
    return dict(zip(ids, tokens))


def _checked_tokens(tokens: list, text: str) -> dict[int, dict]:
    """The tokens by id (by position where a token has no integer id), each checked."""
    token_by_id: dict[int, dict] = {}
    for index, token in enumerate(tokens):
        if not isinstance(token, dict) or not _int(token.get("start")) or not _int(token.get("end")):
            raise ValueError(f"token {index} must be an object with integer 'start' and 'end'")
        if not 0 <= token["start"] <= token["end"] <= len(text):
            raise ValueError(f"token {index}: offsets [{token['start']}, {token['end']}) are out of range")
        if "text" in token and token["text"] != text[token["start"] : token["end"]]:
            raise ValueError(f"token {index}: its text {token['text']!r} differs from the document's text")
        token_by_id[token.get("id", index) if _int(token.get("id")) else index] = token
    return token_by_id


def _parse(obj: Any, *, default_annotator: str, where: str) -> AnnotatedDocument | None:
    if not isinstance(obj, dict):
        raise ValueError("each line must be a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError("the line has no 'text' string")
    if not text:
        raise ValueError("the document text is empty")
    answer = obj.get("answer", "accept")
    if answer in ("reject", "ignore"):
        warn(f"{where}: skipped, the task was answered {answer!r}")
        return None
    if answer != "accept":
        raise ValueError(f"'answer' must be 'accept', 'reject' or 'ignore', not {answer!r}")
    meta = json_object(obj, "meta", "")
    meta = {**meta, **{k: v for k, v in obj.items() if k not in _KNOWN_KEYS and not k.startswith("_")}}
    doc_id = checks.id_value(obj.get("id", meta.get("id")), "'id'") or text_sha256(text)[:16]
    title = checks.optional_str(obj.get("title", meta.get("title")), "'title'") or default_title(text, doc_id)
    annotator = obj.get("_annotator_id", default_annotator)
    if not isinstance(annotator, str) or not annotator.strip():
        raise ValueError("'_annotator_id' must be a non-empty string")

    tokens = obj.get("tokens")
    token_by_id: dict[int, dict] = {}
    if tokens is not None:
        tokens = checks.optional_list(tokens, "'tokens'")
        usual = _usual_tokens(tokens, text)
        token_by_id = usual if usual is not None else _checked_tokens(tokens, text)

    raw_spans = checks.optional_list(obj.get("spans"), "'spans'")
    spans: list[Span] = []
    for index, raw in enumerate(raw_spans, start=1):
        name = f"span {index}"
        if not isinstance(raw, dict):
            raise ValueError(f"{name} must be an object")
        start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
        problem = check_span(len(text), start, end, label)
        if problem:
            raise ValueError(f"{name}: {problem}")
        if "text" in raw and raw["text"] != text[start:end]:
            raise ValueError(
                f"{name}: its text {raw['text']!r} differs from the document's text at "
                f"[{start}, {end}), {text[start:end]!r}"
            )
        given = [raw.get(key) for key in ("token_start", "token_end")]
        if any(v is not None for v in given) and not all(_int(v) for v in given):
            raise ValueError(f"{name}: 'token_start' and 'token_end' must both be integers (token ids)")
        if token_by_id and given[0] is not None:
            first, last = token_by_id.get(given[0]), token_by_id.get(given[1])
            if first is None or last is None:
                raise ValueError(f"{name}: token_start/token_end name tokens that are not on this line")
            if first["start"] != start or last["end"] != end:
                raise ValueError(
                    f"{name}: tokens {raw['token_start']}..{raw['token_end']} cover "
                    f"[{first['start']}, {last['end']}), not the span's [{start}, {end})"
                )
        span_id = checks.id_value(raw.get("id"), f"{name}: 'id'") or f"s{index}"
        spans.append(Span(start=start, end=end, label=label, id=span_id, attrs={}))
    spans, _ = unique_spans(spans, where=where)
    source = meta.get("source", "")
    document = Document(id=doc_id, title=title, text=text, source=source if isinstance(source, str) else str(source),
                        meta=meta)
    return AnnotatedDocument(document=document, annotator=annotator, spans=spans)


def write(items: Iterable[AnnotatedDocument], path: str | Path) -> WriteReport:
    report = WriteReport()
    with atomic_write(path) as handle:
        for item in items:
            doc = item.document
            text = doc.text
            starts, ends = spacy_bounds(text)
            aligner = Aligner.of(starts, ends)
            spans = []
            for span in sorted(item.spans, key=lambda s: (s.start, s.end, s.label)):
                where = aligner.align(span.start, span.end)
                if where is None:
                    report.skipped.append(
                        f"{doc.id}: {span.label} span [{span.start}, {span.end}) {text[span.start:span.end]!r} "
                        "does not start and end on token edges"
                    )
                    continue
                spans.append(
                    {
                        "start": span.start,
                        "end": span.end,
                        "token_start": where[0],
                        "token_end": where[1],
                        "label": span.label,
                        "text": text[span.start : span.end],
                    }
                )
            if item.claims:
                report.warnings.append(f"{doc.id}: {len(item.claims)} claim(s) not carried by the spaCy format")
            # The line json.dumps(ensure_ascii=False) makes of {"id", "title", "text", "meta_json",
            # "tokens", "spans", "_annotator_id", "answer"} in that order, with the tokens made apart.
            head = json.dumps({"id": doc.id, "title": doc.title, "text": text, "meta_json": packed(doc.meta)},
                              ensure_ascii=False)
            tail = json.dumps({"spans": spans, "_annotator_id": item.annotator, "answer": "accept"}, ensure_ascii=False)
            handle.write(f"{head[:-1]}, \"tokens\": {_tokens_json(text, starts, ends)}, {tail[1:]}\n")
            report.documents += 1
            report.spans += len(spans)
    if report.skipped:
        report.warnings.append(
            f"{len(report.skipped)} span(s) do not align to tokens and were not written (each is listed)"
        )
    return report

