"""Label Studio reading helpers: a top-level JSON array decoded element by element (each checked
as one record), and regions turned into code-point offsets (old UTF-16 exports converted)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..model import check_span
from . import checks
from .shared import warn


def json_array(content: str, path: str | Path) -> list[tuple[int, Any]]:
    """Decode a top-level JSON array into (line where the element starts, element), each element
    checked as one record (depth, numbers, strings: :mod:`annotator.formats.checks`)."""
    return list(iter_json_array(content, path))


def iter_json_array(content: str, path: str | Path) -> Iterator[tuple[int, Any]]:
    """``json_array`` one element at a time: only the element being read is decoded (a fault after
    it is raised when the reader gets there). Line numbers are counted from the previous element,
    never from the top of the file, so a file of many tasks is read in linear time."""
    decoder = checks.DECODER
    line_at = checks.LineCounter(content)
    pos = 0
    n = len(content)

    def skip() -> None:
        nonlocal pos
        while pos < n and content[pos].isspace():
            pos += 1

    def fail(message: str, at: int) -> InputError:
        return InputError(message, path=str(path), line=line_at(at))

    def decode(at: int) -> tuple[Any, int]:
        try:
            return decoder.raw_decode(content, at)
        except json.JSONDecodeError as exc:
            raise fail(checks.decode_error(exc), exc.pos) from None
        except (RecursionError, ValueError) as exc:
            raise fail(checks.decode_error(exc), at) from None

    skip()
    if pos >= n or content[pos] != "[":
        decode(pos)
        raise fail("a Label Studio export is a JSON list of tasks ([...])", pos)
    pos += 1
    skip()
    if pos < n and content[pos] == "]":
        pos += 1
    else:
        while True:
            skip()
            start = pos
            value, pos = decode(pos)
            try:
                checks.check_record(value, content[start:pos])
            except ValueError as exc:
                raise fail(str(exc), start) from None
            yield line_at(start), value
            skip()
            if pos < n and content[pos] == ",":
                pos += 1
                continue
            if pos < n and content[pos] == "]":
                pos += 1
                break
            raise fail("not valid JSON (expected ',' or ']' after a task; is the file cut short?)", pos)
    skip()
    if pos < n:
        raise fail("not valid JSON (extra data after the list of tasks)", pos)


def _utf16_to_cp(text: str) -> list[int | None]:
    """Map UTF-16 offsets to code-point offsets (None inside a surrogate pair)."""
    out: list[int | None] = []
    for index, ch in enumerate(text):
        out.append(index)
        if ord(ch) > 0xFFFF:
            out.append(None)
    out.append(len(text))
    return out


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


class Regions:
    """Turns Label Studio regions into spans for one text, converting UTF-16 offsets if needed."""

    def __init__(self, text: str, where: str):
        self.text = text
        self.where = where
        self._utf16: list[int | None] | None = None
        self.converted = 0

    def offsets(self, start: Any, end: Any, label: Any, region_text: Any, name: str) -> tuple[int, int]:
        text = self.text
        problem = check_span(len(text), start, end, label)
        if problem is None and (region_text is None or self._same(text[start:end], region_text)):
            return start, end
        if checks.is_int(start) and checks.is_int(end) and isinstance(region_text, str):
            if self._utf16 is None:
                self._utf16 = _utf16_to_cp(text)
            table = self._utf16
            if 0 <= start < end < len(table) and table[start] is not None and table[end] is not None:
                cp_start, cp_end = table[start], table[end]
                fits = check_span(len(text), cp_start, cp_end, label) is None
                if fits and self._same(text[cp_start:cp_end], region_text):
                    self.converted += 1
                    return cp_start, cp_end
        if problem:
            raise ValueError(f"{name}: {problem}")
        raise ValueError(
            f"{name}: its text {region_text!r} differs from the task's text at [{start}, {end}), {text[start:end]!r}"
        )

    @staticmethod
    def _same(actual: str, given: Any) -> bool:
        return isinstance(given, str) and (actual == given or _squash(actual) == _squash(given))

    def finish(self) -> None:
        if self.converted:
            warn(
                f"{self.where}: {self.converted} region(s) counted UTF-16 units (Label Studio before #1008 "
                "was fixed); converted to code points"
            )
