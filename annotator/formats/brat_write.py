"""Writing brat standoff (see :mod:`annotator.formats.brat` for the format and the conventions)."""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any, Iterable

from ..model import AnnotatedDocument, Span
from ..output import SafeNames, folder_export, note_renames
from .base import WriteReport
from .brat_read import LINE_BREAKS
from .shared import relations_for_write, resolve_ref
from .figure_notes import figure_note, worth_writing


class _Offsets:
    """Our offsets -> brat's (``\\r\\n`` counted once); None between ``\\r`` and ``\\n``."""

    def __init__(self, text: str):
        self.crlf = [m.start() for m in re.finditer("\r\n", text)]

    def __call__(self, offset: int) -> int | None:
        before = bisect.bisect_left(self.crlf, offset - 1)  # pairs whose \n is before offset
        if before < len(self.crlf) and self.crlf[before] == offset - 1:
            return None  # between \r and \n
        return offset - before


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """Split [start, end) at line breaks; None when it starts or ends on one."""
    if text[start] in LINE_BREAKS or text[end - 1] in LINE_BREAKS:
        return None
    out = []
    piece_start = None
    for i in range(start, end):
        if text[i] in LINE_BREAKS:
            if piece_start is not None:
                out.append((piece_start, i))
                piece_start = None
        elif piece_start is None:
            piece_start = i
    if piece_start is not None:
        out.append((piece_start, end))
    return out


class _Ids:
    """Hands out brat ids, keeping the ones already in brat form when they are free."""

    def __init__(self, prefix: str, wanted: Iterable[Any]):
        self.prefix = prefix
        self.used: set[str] = set()
        self.reserved = {str(w) for w in wanted if w is not None and re.fullmatch(rf"{prefix}\d+", str(w))}
        self.next = 1

    def get(self, wanted: Any = None) -> str:
        wanted = None if wanted is None else str(wanted)
        if wanted in self.reserved and wanted not in self.used:
            self.used.add(wanted)
            return wanted
        while f"{self.prefix}{self.next}" in self.used or f"{self.prefix}{self.next}" in self.reserved:
            self.next += 1
        new = f"{self.prefix}{self.next}"
        self.used.add(new)
        return new


class _Conf:
    def __init__(self) -> None:
        self.entities: set[str] = set()
        self.events: dict[str, dict[str, set[str]]] = {}
        self.relations: dict[str, tuple[set[str], set[str]]] = {}
        self.equivs: set[str] = set()
        self.attributes: dict[str, tuple[set[str], set[str]]] = {}

    def text(self) -> str:
        out = ["# Written by Annotator: the labels, relations, events and attributes in this export.", "",
               "[entities]", ""]
        out += sorted(self.entities - set(self.events))
        out += ["", "[relations]", ""]
        for rtype, (arg1, arg2) in sorted(self.relations.items()):
            out.append(f"{rtype}\tArg1:{'|'.join(sorted(arg1))}, Arg2:{'|'.join(sorted(arg2))}")
        for etype in sorted(self.equivs):
            out.append(f"{etype}\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive")
        out += ["", "[events]", ""]
        for etype, roles in sorted(self.events.items()):
            args = ", ".join(f"{role}*:{'|'.join(sorted(types))}" for role, types in sorted(roles.items()))
            out.append(f"{etype}\t{args}" if args else etype)
        out += ["", "[attributes]", ""]
        for name, (kinds, values) in sorted(self.attributes.items()):
            line = f"{name}\tArg:{'|'.join(sorted(kinds))}"
            if values:
                line += f", Value:{'|'.join(sorted(values))}"
            out.append(line)
        return "\n".join(out) + "\n"


def _clean(text: str) -> str:
    return " ".join(text.split())


def write(items: Iterable[AnnotatedDocument], path: str | Path) -> WriteReport:
    """Write ``<path>/<annotator>/<doc>.txt|.ann`` and ``<path>/annotation.conf``, all at once
    (see ``output.folder_export``); reviewer names and ids become safe, distinct file names."""
    report = WriteReport()
    conf = _Conf()
    written: set[tuple[str, str]] = set()
    reviewers = SafeNames(fallback="reviewer", reserved=["annotation.conf"])
    folders: dict[str, tuple[str, SafeNames]] = {}
    with folder_export(path, format="brat") as out:
        for item in items:
            doc = item.document
            key = (item.annotator, doc.id)
            if key in written:
                report.skipped.append(f"{doc.id}: a second {item.annotator!r} layer of this document; not written")
                continue
            written.add(key)
            if item.annotator not in folders:
                folders[item.annotator] = (reviewers.name(item.annotator), SafeNames())
                out.mkdir(folders[item.annotator][0])
            layer, names = folders[item.annotator]
            stem = names.name(doc.id)
            ann = _ann_text(item, report, conf)
            out.write_text((layer, f"{stem}.txt"), doc.text)
            out.write_text((layer, f"{stem}.ann"), ann)
            report.documents += 1
        out.write_text(("annotation.conf",), conf.text())
    note_renames(reviewers, "reviewer", lambda name: f"{name}/", report.warnings)
    for layer, names in folders.values():
        note_renames(names, "document", lambda name, layer=layer: f"{layer}/{name}.txt/.ann", report.warnings)
    return report


def _ann_text(item: AnnotatedDocument, report: WriteReport, conf: _Conf) -> str:
    doc = item.document
    text = doc.text
    to_brat = _Offsets(text)
    lines: list[str] = []

    # T lines: group fragments of one discontinuous annotation back together.
    groups: dict[tuple[str, str], list[Span]] = {}
    for span in item.spans:
        group = span.attrs.get("group")
        key = (str(group), span.label) if group is not None else (f"\0{id(span)}", span.label)
        groups.setdefault(key, []).append(span)
    t_ids = _Ids("T", [str(k[0]) for k in groups] + [s.id for s in item.spans])
    t_of: dict[int, str] = {}  # id(span) -> T id
    for (group, label), members in groups.items():
        members.sort(key=lambda s: s.start)
        if any(a.end >= b.start for a, b in zip(members, members[1:])):
            for span in members:  # fragments that touch or overlap cannot share a T line
                _write_t(span.id, [span], t_ids, t_of, to_brat, text, lines, report, conf, doc.id)
            continue
        wanted = group if not group.startswith("\0") else members[0].id
        _write_t(wanted, members, t_ids, t_of, to_brat, text, lines, report, conf, doc.id)

    def tid(span: Span | None) -> str | None:
        return None if span is None else t_of.get(id(span))

    def stored(kind: str) -> list[dict]:
        return [entry for s in item.spans for entry in s.attrs.get(kind) or [] if isinstance(entry, dict)]

    r_ids = _Ids("R", [rel.get("id") for rel in stored("relations")])
    e_ids = _Ids("E", [event.get("id") for event in stored("events")])
    notes: list[tuple[str, str]] = []
    attributes: list[tuple[str, str, Any]] = []
    normalizations: list[tuple[str, dict]] = []

    def extras(target_id: str, holder: dict, kind: str) -> None:
        if holder.get("note"):
            notes.append((target_id, holder["note"]))
        for name, value in (holder.get("attributes") or {}).items():
            attributes.append((target_id, name, value))
            kinds, values = conf.attributes.setdefault(name, (set(), set()))
            kinds.add(kind)
            if value is not True:
                values.add(str(value))
        for norm in holder.get("normalizations") or []:
            normalizations.append((target_id, norm))

    # Events first (relations may point at them): ids, then lines once every id is known.
    event_ids: dict[str, str] = {}
    event_lines: list[tuple[str, Span, dict]] = []
    for span in item.spans:
        for event in span.attrs.get("events") or []:
            if not isinstance(event, dict) or tid(span) is None:
                continue
            new = e_ids.get(event.get("id"))
            if event.get("id") is not None:
                event_ids[str(event["id"])] = new
            event_lines.append((new, span, event))
    for new, span, event in event_lines:
        etype = str(event.get("type") or span.label)
        roles = conf.events.setdefault(etype, {})
        parts = [f"{etype}:{tid(span)}"]
        for arg in event.get("args") or []:
            ref = _arg_id(arg, item.spans, tid, event_ids)
            if ref is None:
                report.warnings.append(
                    f"{doc.id}: an argument of event {event.get('id')} points to a span that is gone; left out"
                )
                continue
            role = str(arg.get("role"))
            parts.append(f"{role}:{ref}")
            target_span = resolve_ref(arg.get("target"), item.spans)
            roles.setdefault(re.sub(r"\d+$", "", role), set()).add(
                "<EVENT>" if arg.get("event") else (target_span.label if target_span else "<ENTITY>"))
        lines.append(f"{new}\t{' '.join(parts)}")
        extras(new, event, "<EVENT>")

    # Stored (non-claim) relations, then claims.
    for source, target_span, rel_type, rel in relations_for_write(item, report, carries_notes=True):
        a, b = tid(source), tid(target_span)
        if a is None or b is None or re.search(r"\s", rel_type):
            report.skipped.append(f"{doc.id}: a {rel_type!r} relation between spans {source.id!r} and "
                                  f"{target_span.id!r} cannot be written (a span or the type is not expressible)")
            continue
        if rel:
            roles = rel.get("roles")
            if not (isinstance(roles, list) and len(roles) == 2 and all(isinstance(r, str) and r for r in roles)):
                roles = ["Arg1", "Arg2"]
            if rel.get("event") and str(rel["event"]) in event_ids:
                b = event_ids[str(rel["event"])]
            new = r_ids.get(rel.get("id"))
            lines.append(f"{new}\t{rel_type} {roles[0]}:{a} {roles[1]}:{b}\t")
            extras(new, rel, "<RELATION>")
            arg1, arg2 = conf.relations.setdefault(rel_type, (set(), set()))
        else:
            new = r_ids.get()
            lines.append(f"{new}\t{rel_type} Arg1:{a} Arg2:{b}\t")
            arg1, arg2 = conf.relations.setdefault(rel_type, (set(), set()))
        arg1.add(source.label)
        arg2.add(target_span.label)
    # Claim notes ride on the claim's first relation.
    first_relation: dict[str, str] = {}
    for line in lines:
        if line.startswith("R"):
            rid, rest = line.split("\t", 1)
            arg1 = rest.split()[1].partition(":")[2]
            first_relation.setdefault(arg1, rid)
    by_id = {str(s.id): s for s in item.spans}
    for claim in item.claims:
        span = by_id.get(str(claim.span))
        if claim.note and span is not None and tid(span) in first_relation:
            notes.append((first_relation[tid(span)], claim.note))

    # Span-level extras and equivalences.
    for span in item.spans:
        t = tid(span)
        if t is None or (span.attrs.get("group") is not None and t != tid(_group_head(span, item.spans))):
            continue
        extras(t, span.attrs, "<ENTITY>")
        if worth_writing(span.attrs.get("figure")):
            notes.append((t, figure_note(span.attrs["figure"])))
        for equiv in span.attrs.get("equivs") or []:
            refs = [tid(resolve_ref(m, item.spans)) for m in equiv.get("members") or []]
            if None in refs or len(refs) < 2:
                report.warnings.append(f"{doc.id}: an equivalence from span {span.id!r} lost a member; not written")
                continue
            conf.equivs.add(str(equiv.get("type")))
            lines.append(f"*\t{equiv.get('type')} {' '.join(refs)}")

    a_ids, n_ids = _Ids("A", []), _Ids("N", [])
    for target_id, name, value in attributes:
        lines.append(f"{a_ids.get()}\t{name} {target_id}" + ("" if value is True else f" {value}"))
    for target_id, norm in normalizations:
        norm_text = _clean(str(norm.get("text", "")))
        lines.append(f"{n_ids.get()}\t{norm.get('type', 'Reference')} {target_id} {norm.get('ref')}\t{norm_text}")
    for number, (target_id, note) in enumerate(notes, start=1):
        lines.append(f"#{number}\tAnnotatorNotes {target_id}\t{_clean(note)}")
        if _clean(note) != note:
            report.warnings.append(f"{doc.id}: a note on {target_id} had line breaks; written on one line")
    return "".join(line + "\n" for line in lines)


def _group_head(span: Span, spans: list[Span]) -> Span:
    group = span.attrs.get("group")
    return min((s for s in spans if s.attrs.get("group") == group and s.label == span.label), key=lambda s: s.start)


def _arg_id(arg: Any, spans: list[Span], tid, event_ids: dict[str, str]) -> str | None:
    if not isinstance(arg, dict):
        return None
    if arg.get("event") is not None:
        return event_ids.get(str(arg["event"]))
    return tid(resolve_ref(arg.get("target"), spans))


def _write_t(wanted, members, t_ids, t_of, to_brat, text, lines, report, conf, doc_id) -> None:
    label = members[0].label
    shown = ", ".join(f"[{s.start}, {s.end})" for s in members)
    if re.search(r"\s", label) or not label:
        report.skipped.append(f"{doc_id}: span {shown} has the label {label!r}, which brat cannot hold (whitespace)")
        return
    fragments: list[tuple[int, int]] = []
    for span in members:
        pieces = _fragments(text, span.start, span.end)
        if pieces is None:
            report.skipped.append(f"{doc_id}: {label} span [{span.start}, {span.end}) starts or ends on a line break")
            return
        fragments.extend(pieces)
    brat_fragments = []
    for start, end in fragments:
        bs, be = to_brat(start), to_brat(end)
        if bs is None or be is None:
            report.skipped.append(f"{doc_id}: {label} span {shown} has an edge between \\r and \\n")
            return
        brat_fragments.append(f"{bs} {be}")
    new = t_ids.get(wanted)
    for span in members:
        t_of[id(span)] = new
    span_text = " ".join(text[s:e] for s, e in fragments)
    lines.append(f"{new}\t{label} {';'.join(brat_fragments)}\t{span_text}")
    conf.entities.add(label)
    report.spans += len(members)
