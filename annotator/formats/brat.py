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

import bisect
import re
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError
from ..model import CLAIM, AnnotatedDocument, Claim, Document, Span, check_span
from ..output import SafeNames, folder_export, note_renames
from .base import WriteReport, read_text
from .doccano import relations_for_write, resolve_ref, span_ref, warn
from .jsonl import default_title

NAME = "brat"
EXTENSIONS = (".ann",)
DESCRIPTION = "brat standoff (.txt + .ann folder; claims as relations; reviewer sub-folders)"

# Characters that end a line for brat (Python's str.splitlines); a .ann text column cannot hold them.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


# --------------------------------------------------------------------------- reading


def read(path: str | Path, *, default_annotator: str) -> list[AnnotatedDocument]:
    path = Path(path)
    if path.is_dir():
        layers: list[tuple[str, list[Path]]] = []
        own = sorted(path.glob("*.ann"))
        if own:
            layers.append((default_annotator, own))
        for sub in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
            files = sorted(sub.glob("*.ann"))
            if files:
                layers.append((sub.name, files))
        if not layers:
            raise InputError("no brat .ann files in this folder or its sub-folders", path=str(path))
        items = []
        for annotator, files in layers:
            for ann in files:
                items.append(_read_pair(ann.with_suffix(".txt"), ann, annotator, path))
        return items
    suffix = path.suffix.lower()
    if suffix == ".ann":
        return [_read_pair(path.with_suffix(".txt"), path, default_annotator, path.parent)]
    if suffix == ".txt":
        ann = path.with_suffix(".ann")
        return [_read_pair(path, ann if ann.exists() else None, default_annotator, path.parent)]
    if not path.exists():
        raise InputError("no such file or folder", path=str(path))
    raise InputError("brat reads a folder, a .ann file or a .txt file", path=str(path))


class _Line:
    __slots__ = ("id", "kind", "fields", "tail", "lineno")

    def __init__(self, ann_id: str, fields: list[str], tail: str | None, lineno: int):
        self.id = ann_id
        self.kind = ann_id[0]
        self.fields = fields
        self.tail = tail
        self.lineno = lineno


def _offset_maps(text: str) -> tuple[str, list[int] | None]:
    """brat's view of the text (``\\r\\n`` as one character) and its offsets' map back to ours."""
    if "\r\n" not in text:
        return text, None
    brat_text = text.replace("\r\n", "\n")
    to_raw = []
    i = 0
    for ch in text:
        if ch == "\n" and i > 0 and text[i - 1] == "\r":
            i += 1
            continue
        to_raw.append(i)
        i += 1
    to_raw.append(len(text))
    return brat_text, to_raw


def _read_pair(txt: Path, ann: Path | None, annotator: str, root: Path) -> AnnotatedDocument:
    if not txt.exists():
        raise InputError(f"the text file {txt.name} that goes with it is missing", path=str(ann))
    text = read_text(txt)
    try:
        source = str(txt.relative_to(root))
    except ValueError:
        source = txt.name
    document = Document(id=txt.stem, title=default_title(text, txt.stem), text=text, source=source,
                        meta={"source": source})
    item = AnnotatedDocument(document=document, annotator=annotator)
    if ann is None:
        return item
    content = read_text(ann, allow_empty=True)
    try:
        _parse_ann(content, text, item, str(ann))
    except _LineError as exc:
        raise InputError(exc.reason, path=str(ann), line=exc.lineno) from None
    return item


class _LineError(Exception):
    def __init__(self, reason: str, lineno: int | None):
        super().__init__(reason)
        self.reason, self.lineno = reason, lineno


def _split_lines(content: str) -> list[_Line]:
    lines: list[_Line] = []
    seen: set[str] = set()
    for lineno, raw in enumerate(content.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip():
            continue
        if "\t" not in line:
            raise _LineError("expected 'ID<TAB>annotation', found no tab", lineno)
        ann_id, rest = line.split("\t", 1)
        valid = ann_id == "*" or re.fullmatch(r"[TREAMN#][A-Za-z]*\d+\S*", ann_id)
        if not valid:
            raise _LineError(f"{ann_id!r} is not a brat annotation id (T1, R1, E1, A1, N1, #1, *)", lineno)
        if ann_id != "*":
            if ann_id in seen:
                raise _LineError(f"the id {ann_id} is used twice", lineno)
            seen.add(ann_id)
        data, tail = (rest.split("\t", 1) + [None])[:2] if "\t" in rest else (rest, None)
        fields = data.split()
        if not fields:
            raise _LineError(f"{ann_id}: the annotation is empty", lineno)
        lines.append(_Line(ann_id, fields, tail, lineno))
    return lines


def _t_fragments(line: _Line) -> tuple[str, list[tuple[int, int]]]:
    label = line.fields[0]
    offsets = " ".join(line.fields[1:])
    fragments = []
    for part in offsets.split(";"):
        bits = part.split()
        if len(bits) != 2 or not all(re.fullmatch(r"-?\d+", b) for b in bits):
            raise _LineError(
                f"{line.id}: expected 'TYPE START END' (fragments joined by ';'), got {offsets!r}", line.lineno
            )
        fragments.append((int(bits[0]), int(bits[1])))
    return label, fragments


def _check_t(line: _Line, label: str, fragments: list[tuple[int, int]], view: str) -> str | None:
    """Why the T line does not fit ``view`` (the text as offsets count it), or None."""
    for start, end in fragments:
        problem = check_span(len(view), start, end, label)
        if problem:
            return f"{line.id}: {problem}"
    if line.tail is None or line.tail == "":
        return None
    expected = " ".join(view[s:e] for s, e in fragments)
    tail = line.tail
    if tail == expected or (tail.startswith(expected) and tail[len(expected)].isspace()):
        return None
    shown = " ".join(f"[{s}, {e})" for s, e in fragments)
    return f"{line.id}: its text {tail!r} differs from the .txt at {shown}, {expected!r}"


def _parse_ann(content: str, text: str, item: AnnotatedDocument, ann_path: str) -> None:
    lines = _split_lines(content)
    t_lines = [(line, *_t_fragments(line)) for line in lines if line.kind == "T"]

    # Which offset convention: brat's (\r\n is one character) or Python's.
    brat_view, to_raw = _offset_maps(text)
    problems = [(line, _check_t(line, label, frags, brat_view)) for line, label, frags in t_lines]
    first_problem = next(((line, p) for line, p in problems if p), None)
    if first_problem and to_raw is not None:
        if all(_check_t(line, label, frags, text) is None for line, label, frags in t_lines):
            warn(f"{ann_path}: offsets count \\r\\n as two characters (not brat's convention); read that way")
            to_raw, first_problem = None, None
    if first_problem:
        raise _LineError(first_problem[1], first_problem[0].lineno)

    def raw(offset: int) -> int:
        return offset if to_raw is None else to_raw[offset]

    spans: list[Span] = []
    head: dict[str, Span] = {}  # T id -> its (first) span
    discontinuous = 0
    for line, label, frags in t_lines:
        pieces: list[list[int]] = []
        for start, end in sorted(frags):
            start, end = raw(start), raw(end)
            gap = text[pieces[-1][1] : start] if pieces else None
            if gap and all(ch in LINE_BREAKS for ch in gap):
                pieces[-1][1] = end
            else:
                pieces.append([start, end])
        if len(pieces) > 1:
            discontinuous += 1
        for number, (start, end) in enumerate(pieces, start=1):
            span_id = line.id if number == 1 else f"{line.id}:{number}"
            attrs: dict[str, Any] = {"group": line.id} if len(pieces) > 1 else {}
            span = Span(start=start, end=end, label=label, id=span_id, attrs=attrs)
            spans.append(span)
            head.setdefault(line.id, span)
    if discontinuous:
        warn(f"{ann_path}: {discontinuous} discontinuous annotation(s) read as one span per fragment "
             "(sharing attrs['group'])")

    events: dict[str, tuple[_Line, Span]] = {}
    for line in lines:
        if line.kind == "E":
            etype, _, trigger = line.fields[0].partition(":")
            if trigger not in head:
                raise _LineError(f"{line.id}: its trigger {trigger!r} is not a T annotation of this file", line.lineno)
            events[line.id] = (line, head[trigger])

    def target(ref: str, line: _Line) -> tuple[Span, str | None]:
        if ref in head:
            return head[ref], None
        if ref in events:
            return events[ref][1], ref
        raise _LineError(f"{line.id}: {ref!r} is not an annotation of this file", line.lineno)

    def ref_of(ref: str, line: _Line) -> dict[str, Any]:
        span, event = target(ref, line)
        out = {"target": span_ref(span)}
        if event:
            out["event"] = event
        return out

    claims: dict[str, Claim] = {}
    claim_of_ann: dict[str, str] = {}  # R/E id -> claim key
    holders: dict[str, dict] = {}  # R/E id -> the dict that holds its attributes and notes
    for line in lines:
        if line.kind == "R":
            args = []
            for field in line.fields[1:]:
                role, _, ref = field.partition(":")
                if not ref:
                    raise _LineError(f"{line.id}: expected ROLE:ID arguments, got {field!r}", line.lineno)
                args.append((role, ref))
            if len(args) != 2:
                raise _LineError(f"{line.id}: a relation needs exactly two arguments", line.lineno)
            (role1, ref1), (role2, ref2) = args
            span1, _ = target(ref1, line)
            span2, _ = target(ref2, line)
            if CLAIM in (span1.label, span2.label):
                claim_span, member = (span1, span2) if span1.label == CLAIM else (span2, span1)
                key = f"R:{claim_span.id}"
                claim = claims.get(key) or Claim(span=str(claim_span.id), id=f"c{len(claims) + 1}")
                if str(member.id) not in claim.members:
                    claim = Claim(span=claim.span, members=claim.members + (str(member.id),), id=claim.id)
                claims[key] = claim
                claim_of_ann[line.id] = key
                continue
            relation = {"id": line.id, "type": line.fields[0], "roles": [role1, role2], **ref_of(ref2, line)}
            span1.attrs.setdefault("relations", []).append(relation)
            holders[line.id] = relation
        elif line.kind == "E":
            _, trigger_span = events[line.id]
            args = []
            for field in line.fields[1:]:
                role, _, ref = field.partition(":")
                if not ref:
                    raise _LineError(f"{line.id}: expected ROLE:ID arguments, got {field!r}", line.lineno)
                args.append({"role": role, **ref_of(ref, line)})
            if trigger_span.label == CLAIM:
                members = tuple(dict.fromkeys(str(a["target"]["id"]) for a in args))
                key = f"E:{line.id}"
                claims[key] = Claim(span=str(trigger_span.id), members=members, id=f"c{len(claims) + 1}")
                claim_of_ann[line.id] = key
                continue
            event = {"id": line.id, "type": line.fields[0].partition(":")[0], "args": args}
            trigger_span.attrs.setdefault("events", []).append(event)
            holders[line.id] = event

    def attach(ref: str, line: _Line) -> dict | str:
        """The attrs dict (of a span, relation or event) a line refers to, or a claim key."""
        if ref in head:
            return head[ref].attrs
        if ref in holders:
            return holders[ref]
        if ref in claim_of_ann:
            return claim_of_ann[ref]
        raise _LineError(f"{line.id}: {ref!r} is not an annotation of this file", line.lineno)

    for line in lines:
        if line.kind in "AM":
            if len(line.fields) not in (2, 3):
                raise _LineError(f"{line.id}: expected 'NAME TARGET [VALUE]'", line.lineno)
            where = attach(line.fields[1], line)
            if isinstance(where, str):
                warn(f"{ann_path}, line {line.lineno}: attribute {line.id} on a claim relation is not kept")
                continue
            value: Any = line.fields[2] if len(line.fields) == 3 else True
            where.setdefault("attributes", {})[line.fields[0]] = value
        elif line.kind == "N":
            if len(line.fields) != 3 or ":" not in line.fields[2]:
                raise _LineError(f"{line.id}: expected 'TYPE TARGET DB:ID'", line.lineno)
            where = attach(line.fields[1], line)
            if isinstance(where, str):
                warn(f"{ann_path}, line {line.lineno}: normalisation {line.id} on a claim relation is not kept")
                continue
            norm = {"type": line.fields[0], "ref": line.fields[2]}
            if line.tail:
                norm["text"] = line.tail
            where.setdefault("normalizations", []).append(norm)
        elif line.kind == "#":
            if len(line.fields) != 2:
                raise _LineError(f"{line.id}: expected 'TYPE TARGET<TAB>note'", line.lineno)
            where = attach(line.fields[1], line)
            note = line.tail or ""
            if isinstance(where, str):
                claim = claims[where]
                joined = note if not claim.note or claim.note == note else f"{claim.note}\n{note}"
                claims[where] = Claim(span=claim.span, members=claim.members, note=joined, id=claim.id)
            else:
                where["note"] = note if not where.get("note") else f"{where['note']}\n{note}"
        elif line.kind == "*":
            refs = line.fields[1:]
            if len(refs) < 2:
                raise _LineError("an equivalence (*) needs at least two members", line.lineno)
            members = [ref_of(ref, line)["target"] for ref in refs]
            first = target(refs[0], line)[0]
            first.attrs.setdefault("equivs", []).append({"type": line.fields[0], "members": members})

    item.spans = spans
    item.claims = list(claims.values())


# --------------------------------------------------------------------------- writing


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
    with folder_export(path, format=NAME) as out:
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
