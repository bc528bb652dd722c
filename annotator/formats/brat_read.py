"""Reading brat standoff (see :mod:`annotator.formats.brat` for the format and the conventions)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import CLAIM, AnnotatedDocument, Claim, Document, Span, check_span
from .base import read_text
from .checks import folder_entries, split_lines
from .shared import span_ref, warn
from .figure_notes import parse_figure_note
from .jsonl import default_title

# Characters that end a line for brat (Python's str.splitlines); a .ann text column cannot hold them.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def read(path: str | Path, *, default_annotator: str) -> list[AnnotatedDocument]:
    path = Path(path)
    if path.is_dir():
        # Listed through folder_entries: a capped number of entries, no link out of the folder.
        entries = folder_entries(path, path)
        layers: list[tuple[str, list[Path]]] = []
        own = [p for p in entries if _is_ann(p)]
        if own:
            layers.append((default_annotator, own))
        for sub in (p for p in entries if p.is_dir() and not p.name.startswith(".")):
            files = [p for p in folder_entries(sub, path) if _is_ann(p)]
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


def _is_ann(path: Path) -> bool:
    # Not only regular files: a FIFO or a folder named x.ann is refused when read, not skipped.
    return path.name.endswith(".ann") and not path.name.startswith(".")


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
    for lineno, line in enumerate(split_lines(content), start=1):  # \n, \r\n or a lone \r (old Macs)
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
        # ASCII digits only (int() would take "٣" too), and few enough for any offset.
        if len(bits) != 2 or not all(re.fullmatch(r"-?[0-9]{1,18}", b) for b in bits):
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
    if line.tail == expected:  # exactly, as the native reader compares a span's text
        return None
    shown = " ".join(f"[{s}, {e})" for s, e in fragments)
    return f"{line.id}: its text {line.tail!r} differs from the .txt at {shown}, {expected!r}"


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
            elif line.fields[1] in head and (reading := parse_figure_note(note)) is not None:
                where["figure"] = reading  # written by brat_write for a FIGURE span
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
