"""Label Studio JSON: the full export (a list of tasks) and the JSON_MIN export, read; full, written.

Full export, one task per document, one annotation per reviewer:

    [{"id": 1, "data": {"text": ..., "title": ..., "doc_id": ..., "annotator_reviewers": {"1": "alice"}},
      "meta": {...}, "annotations": [{"id": 1, "result": [
          {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
           "value": {"start": 0, "end": 5, "text": "...", "labels": ["SPEAKER"]}},
          {"type": "relation", "from_id": "r4", "to_id": "r1", "direction": "right", "labels": ["SPEAKER"]}]}]}]

JSON_MIN: a list of flat objects ``{"id", "text", "<from_name>": [{"start", "end", "text", "labels"}],
"annotator", ...}``, one per annotation (no relations).

Offsets are code points: Label Studio's frontend has stored code points since the fix for #1008
(heartexlabs/label-studio-frontend#308); exports made before it counted UTF-16 units, which shifts
every span after an emoji. A region whose ``text`` does not match the code-point slice but does
match the UTF-16 reading is converted, with a warning; a region matching neither is refused.
Label Studio also collapses runs of whitespace in a region's ``text`` (#3078, #5338), so ``text``
is compared with whitespace runs collapsed.

Reviewers. Label Studio (``tasks/serializers.py``, ``_insert_valid_completed_by``) refuses an
import whose ``completed_by`` is an object without ``email`` (HTTP 400), or an email or id that is
not a member of its organisation (unless ``ALLOW_IMPORT_TASKS_WITH_UNKNOWN_EMAILS``), and keeps no
other field of an annotation but its result, flags, lead time and our ``id`` (as ``import_id``). So
the writer leaves ``completed_by`` out (Label Studio gives the annotations to the user who imports)
and names each annotation's reviewer in the task's data, which Label Studio keeps whole and shows
as a column: ``data["annotator_reviewers"] = {"<annotation id>": "<reviewer>"}``. The reader takes
the reviewer from there (by the annotation's ``import_id`` in Label Studio's own export, by its
``id`` in ours), else from ``completed_by``: an int user id (read as ``"user<N>"``), an object (its
``email``, else ``username``, else ``"user<id>"``) or a string; exports of older versions (with
``completed_by: {"username": ...}``) still read. Claims go out as relations CLAIM -> member
(labels = the member's label) and come back as claims; other relations are kept in the source
span's ``attrs["relations"]``. A region with several labels becomes one span per label. A FIGURE
span's reading goes in its region's ``meta`` (``meta.figure``, and ``meta.text``, which Label
Studio's editor shows, in words); a region's own ``meta.text`` is read as the span's note. Claim
notes, other span attributes and the ``done`` flag are not carried.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from ..atomic import atomic_write
from ..errors import InputError
from ..model import AnnotatedDocument, Document, Span, text_sha256
from . import checks
from .base import WriteReport, read_text
from .shared import link_relations, relations_for_write, unique_spans, warn
from .figure_notes import PREFIX as FIGURE_NOTE, worth_writing
from .jsonl import default_title, encode
from .labelstudio_regions import Regions, iter_json_array

NAME = "label-studio"
EXTENSIONS = (".json",)
DESCRIPTION = "Label Studio JSON export (full or JSON_MIN; claims as relations)"
# The task data key naming each annotation's reviewer (Label Studio keeps a task's data whole).
REVIEWERS = "annotator_reviewers"


def annotator_name(value: Any, default: str) -> str:
    """The reviewer a ``completed_by`` (or JSON_MIN ``annotator``) names: a user id, a name or a
    user object. Absent means the default; anything else is refused rather than guessed."""
    if value is None:
        return default
    if checks.is_int(value):
        return f"user{value}"
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, dict):
        for key in ("email", "username"):
            if isinstance(value.get(key), str) and value[key].strip():
                return value[key].strip()
        first, last = value.get("first_name") or "", value.get("last_name") or ""
        if isinstance(first, str) and isinstance(last, str) and (first + last).strip():
            return f"{first} {last}".strip()
        if checks.is_int(value.get("id")):
            return f"user{value['id']}"
    raise ValueError(f"the reviewer must be a user id, a name or a user object with an id, not {value!r:.60}")


def _value_labels(value: dict, name: str) -> list[str]:
    labels = value.get("labels")
    if labels is None:  # other span tags: hypertextlabels, paragraphlabels...
        labels = next((v for k, v in value.items() if k.endswith("labels") and isinstance(v, list)), None)
    if not isinstance(labels, list) or not labels:
        raise ValueError(f"{name}: 'labels' must be a non-empty list")
    for label in labels:
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{name}: label must be a non-empty string, not {label!r}")
    return labels


def _document(task: dict, data: dict, text: str) -> Document:
    meta = {k: v for k, v in data.items() if k not in ("text", "title", "doc_id", REVIEWERS)}
    meta.update(checks.optional_dict(task.get("meta"), "'meta'"))
    doc_id = checks.id_value(data.get("doc_id", task.get("id")), "the document id") or text_sha256(text)[:16]
    title = checks.optional_str(data.get("title"), "'title'")
    title = title or default_title(text, doc_id)
    source = meta.get("source", "")
    return Document(id=doc_id, title=title, text=text, source=source if isinstance(source, str) else str(source),
                    meta=meta)


def _is_span_region(region: dict, value: Any) -> bool:
    """Whether a result entry is a text span. By its ``type`` when given (labels, hypertextlabels,
    paragraphlabels...: spans; choices, textarea, rating...: not), else by its value's keys. A span
    region that lacks what a span needs is then refused, never skipped."""
    kind = region.get("type")
    if isinstance(kind, str):
        return kind.endswith("labels")
    return isinstance(value, dict) and any(k in ("start", "end") or k.endswith("labels") for k in value)


def _parse_result(result: Any, text: str, where: str, name: str) -> tuple[list[Span], list]:
    result = checks.optional_list(result, f"{name}: 'result'")
    regions = Regions(text, where)
    spans: list[Span] = []
    first_span_of: dict[str, str] = {}
    used: set[str] = set()
    relations = []
    length = len(text)
    for index, region in enumerate(result, start=1):
        if not isinstance(region, dict):
            raise ValueError(f"{name}: result {index} must be an object")
        # The common region (one label, offsets and text as the task's own text has them, a
        # string id) decided without building the names the checks below would quote.
        value = region.get("value")
        region_id = region.get("id")
        kind = region.get("type")
        if kind == "labels" and type(value) is dict and type(region_id) is str and region_id:
            start, end, labels = value.get("start"), value.get("end"), value.get("labels")
            if (type(start) is int and type(end) is int and 0 <= start < end <= length and type(labels) is list
                    and len(labels) == 1 and type(labels[0]) is str and labels[0].strip() and region_id not in used
                    and "meta" not in region):
                covered = text[start:end]
                if value.get("text", covered) == covered:
                    used.add(region_id)
                    spans.append(Span(start=start, end=end, label=labels[0], id=region_id, attrs={}))
                    first_span_of[region_id] = region_id
                    continue
        if kind == "relation":
            # The common relation (string ends and id, one label) without the names the checks
            # below would quote.
            labels = region.get("labels")
            if (type(region.get("from_id")) is str and type(region.get("to_id")) is str
                    and type(region_id) in (str, type(None)) and type(labels) is list and len(labels) == 1
                    and type(labels[0]) is str and labels[0].strip()):
                relations.append((region_id, region["from_id"], region["to_id"], labels[0]))
                continue
            ends = [checks.id_value(region.get(k), f"{name}: relation {index}: {k!r}") for k in ("from_id", "to_id")]
            if None in ends:
                raise ValueError(f"{name}: relation {index} needs 'from_id' and 'to_id'")
            labels = checks.optional_list(region.get("labels"), f"{name}: relation {index}: 'labels'") or ["related"]
            if not all(isinstance(label, str) and label.strip() for label in labels):
                raise ValueError(f"{name}: relation {index}: its labels must be non-empty strings")
            rel_id = checks.id_value(region.get("id"), f"{name}: relation {index}: 'id'")
            relations.append((rel_id, ends[0], ends[1], labels[0]))
            continue
        value = region.get("value")
        region_id = checks.id_value(region.get("id"), f"{name}: result {index}: 'id'") or f"r{index}"
        rname = f"{name}, region {region_id!r}"
        if not _is_span_region(region, value):
            warn(f"{where}: {rname} is a {region.get('type', 'non-span')!s:.40} result, not a span; not imported")
            continue
        if not isinstance(value, dict):
            raise ValueError(f"{rname}: 'value' must be an object")
        for key in ("start", "end"):
            if key not in value:
                raise ValueError(f"{rname}: the region has no {key!r}")
        labels = _value_labels(value, rname)
        start, end = regions.offsets(value.get("start"), value.get("end"), labels[0], value.get("text"), rname)
        attrs = _region_attrs(region.get("meta"), rname)
        for number, label in enumerate(labels):
            span_id = region_id if number == 0 else f"{region_id}:{label}"
            if span_id in used:
                raise ValueError(f"{rname}: the region id is used twice")
            used.add(span_id)
            spans.append(Span(start=start, end=end, label=label, id=span_id, attrs=dict(attrs)))
        first_span_of[region_id] = region_id
    regions.finish()
    for _, a, b, _ in relations:
        for end_id in (a, b):
            if end_id not in first_span_of:
                raise ValueError(f"{name}: a relation points to region {end_id!r}, which is not in this annotation")
    return spans, relations


def _region_attrs(meta: Any, rname: str) -> dict[str, Any]:
    """What a region's ``meta`` gives the span: our figure reading (``meta.figure``, checked like
    any reading from a file). Label Studio's own ``meta.text`` (the region's "Meta" note in its
    editor) is read as the span's note unless it is the reading we wrote there."""
    if meta is None:
        return {}
    meta = checks.optional_dict(meta, f"{rname}: 'meta'")
    attrs: dict[str, Any] = {}
    if meta.get("figure") is not None:
        from ..figures.stored import complete, reading_problem

        problem = reading_problem(meta["figure"])
        if problem:
            raise ValueError(f"{rname}: its figure reading (meta.figure): {problem}")
        attrs["figure"] = complete(meta["figure"])
    notes = meta.get("text")
    if isinstance(notes, str):
        notes = [notes]
    if isinstance(notes, list):
        written = [n for n in notes if isinstance(n, str) and n.strip() and not n.startswith(FIGURE_NOTE)]
        if written:
            attrs["note"] = "\n".join(written)
    return attrs


def read(path: str | Path, *, default_annotator: str) -> list[AnnotatedDocument]:
    return list(iter_read(path, default_annotator=default_annotator))


def iter_read(path: str | Path, *, default_annotator: str) -> Iterator[AnnotatedDocument]:
    """Each task's layers as soon as the task is decoded and checked (the file's text is read
    whole: a task may span any number of lines)."""
    content = read_text(path)
    for lineno, task in iter_json_array(content, path):
        where = f"{path}, line {lineno}"
        try:
            layers = _parse_task(task, default_annotator=default_annotator, where=where)
        except ValueError as exc:
            raise InputError(str(exc), path=str(path), line=lineno) from None
        yield from layers


def _parse_task(task: Any, *, default_annotator: str, where: str) -> list[AnnotatedDocument]:
    if not isinstance(task, dict):
        raise ValueError("each task must be a JSON object")
    task_name = f"task {task.get('id')!r:.60}" if task.get("id") is not None else "the task"
    if "data" not in task:
        return [_parse_min(task, default_annotator=default_annotator, where=where, name=task_name)]
    data = task["data"]
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ValueError(f"{task_name}: 'data' must be an object with a 'text' string")
    text = data["text"]
    if not text:
        raise ValueError(f"{task_name}: the text is empty")
    document = _document(task, data, text)
    reviewers = _reviewers(data.get(REVIEWERS), task_name)
    key = "annotations" if "annotations" in task else "completions"
    annotations = checks.optional_list(task.get(key), f"{task_name}: {key!r}")
    out = []
    for index, annotation in enumerate(annotations, start=1):
        if not isinstance(annotation, dict):
            raise ValueError(f"{task_name}: annotation {index} must be an object")
        name = f"{task_name}, annotation {annotation.get('id', index)!r:.60}"
        if checks.flag(annotation.get("was_cancelled"), f"{name}: 'was_cancelled'"):
            warn(f"{where}: {name} was cancelled; skipped")
            continue
        spans, relations = _parse_result(annotation.get("result"), text, where, name)
        spans, alias = unique_spans(spans, where=f"{where}, {name}")
        relations = [(rid, alias.get(a, a), alias.get(b, b), t) for rid, a, b, t in relations]
        claims = link_relations(spans, relations, where=name)
        # Label Studio's own export gives our id back as import_id (its id is a new one)
        ours = annotation.get("import_id") if "import_id" in annotation else annotation.get("id")
        annotator = reviewers.get(str(ours)) if ours is not None else None
        annotator = annotator or annotator_name(annotation.get("completed_by"), default_annotator)
        out.append(AnnotatedDocument(document=document, annotator=annotator, spans=spans, claims=claims))
    if not out:
        out.append(AnnotatedDocument(document=document, annotator=default_annotator))
    return out


def _is_region_list(value: Any) -> bool:
    """A JSON_MIN key holding span regions: a list where any entry looks like a region. Its other
    entries must then be regions too (refused if not), rather than the whole list going to meta."""
    return isinstance(value, list) and any(
        isinstance(v, dict) and ("start" in v or "end" in v or "labels" in v) for v in value)


def _parse_min(row: dict, *, default_annotator: str, where: str, name: str) -> AnnotatedDocument:
    text = row.get("text")
    if not isinstance(text, str):
        raise ValueError(f"{name}: neither 'data' (full export) nor 'text' (JSON_MIN) is there")
    if not text:
        raise ValueError(f"{name}: the text is empty")
    regions = Regions(text, where)
    spans: list[Span] = []
    region_keys = [key for key, value in row.items() if _is_region_list(value)]
    for key in region_keys:
        for index, value in enumerate(row[key], start=1):
            rname = f"{name}, {key} {index}"
            if not isinstance(value, dict) or "start" not in value or "end" not in value:
                raise ValueError(f"{rname}: every entry of {key!r} must be a region with 'start' and 'end'")
            labels = _value_labels(value, rname)
            start, end = regions.offsets(value.get("start"), value.get("end"), labels[0], value.get("text"), rname)
            for label in labels:
                spans.append(Span(start=start, end=end, label=label, id=f"s{len(spans) + 1}", attrs={}))
    regions.finish()
    spans, _ = unique_spans(spans, where=f"{where}, {name}")
    skip = set(region_keys) | {"text", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "id"}
    meta = {k: v for k, v in row.items() if k not in skip}
    doc_id = checks.id_value(row.get("doc_id", row.get("id")), f"{name}: the document id") or text_sha256(text)[:16]
    meta.pop("doc_id", None)
    title = checks.optional_str(meta.pop("title", None), f"{name}: 'title'")
    title = title or default_title(text, doc_id)
    source = meta.get("source", "")
    document = Document(id=doc_id, title=title, text=text, source=source if isinstance(source, str) else str(source),
                        meta=meta)
    annotator = annotator_name(row.get("annotator"), default_annotator)
    return AnnotatedDocument(document=document, annotator=annotator, spans=spans)


def _reviewers(value: Any, task_name: str) -> dict[str, str]:
    """``data["annotator_reviewers"]``: annotation id -> reviewer name (absent: none)."""
    value = checks.optional_dict(value, f"{task_name}: {REVIEWERS!r}")
    for key, name in value.items():
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{task_name}: {REVIEWERS!r}: the reviewer of annotation {key!r:.40} must be a "
                             "non-empty string")
    return {key: name.strip() for key, name in value.items()}


def write(items: Iterable[AnnotatedDocument], path: str | Path) -> WriteReport:
    """One task per document, its layers as annotations, written as they come: layers of one
    document arrive one after another (``Store.annotated_documents`` yields them in document
    order), so only the task being built is held. One task per line inside the list."""
    report = WriteReport()
    annotation_id = 0
    with atomic_write(path, binary=True) as handle:
        handle.write(b"[")
        task: dict[str, Any] | None = None
        key: tuple[str, str] | None = None
        for item in items:
            doc = item.document
            if task is None or key != (doc.id, doc.sha256):
                if task is not None:
                    handle.write(b"\n" if report.documents == 1 else b",\n")
                    handle.write(encode(task))
                key = (doc.id, doc.sha256)
                report.documents += 1
                task = {
                    "id": report.documents,
                    "data": {"text": doc.text, "title": doc.title, "doc_id": doc.id, REVIEWERS: {}},
                    "meta": doc.meta,
                    "annotations": [],
                }
            annotation_id += 1
            task["data"][REVIEWERS][str(annotation_id)] = item.annotator
            # no completed_by: Label Studio refuses one that is not one of its users (see the docstring)
            task["annotations"].append({"id": annotation_id, "result": _result(item, report)})
            report.spans += len(item.spans)
        if task is not None:
            handle.write(b"\n" if report.documents == 1 else b",\n")
            handle.write(encode(task))
        handle.write(b"\n]\n")
    return report


def _result(item: AnnotatedDocument, report: WriteReport) -> list[dict[str, Any]]:
    """An annotation's regions (one per span, ids s1, s2, ...) and its relations."""
    text = item.document.text
    region_ids = {id(span): f"s{number}" for number, span in enumerate(item.spans, start=1)}
    result: list[dict[str, Any]] = []
    for span in item.spans:
        region = {
            "id": region_ids[id(span)],
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": span.start, "end": span.end, "text": text[span.start : span.end], "labels": [span.label]},
        }
        if span.attrs and (span.attrs.get("note") or worth_writing(span.attrs.get("figure"))):
            region["meta"] = _region_meta(span.attrs)
        result.append(region)
    for source, target, rel_type, _ in relations_for_write(item, report):
        result.append({"from_id": region_ids[id(source)], "to_id": region_ids[id(target)], "type": "relation",
                       "direction": "right", "labels": [rel_type]})
    return result


def _region_meta(attrs: dict[str, Any]) -> dict[str, Any]:
    """A span's note and figure reading in its region's ``meta``: Label Studio shows ``meta.text``
    in the region's details ("Meta") and keeps the rest of the object as it was imported;
    ``figure`` is for us, and its line in ``meta.text`` for people."""
    meta: dict[str, Any] = {"text": []}
    note = attrs.get("note")
    if isinstance(note, str) and note.strip():
        meta["text"].append(note)
    reading = attrs.get("figure")
    if worth_writing(reading):
        from ..figures import describe

        edited = " (edited)" if reading.get("source") == "edited" else ""
        meta["text"].append(FIGURE_NOTE + describe(reading) + edited)
        meta["figure"] = reading
    return meta
