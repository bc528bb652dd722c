"""What every format module shares: reading a text file safely (through the checks of
:mod:`annotator.formats.checks`) and the write report."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from .checks import MAX_FILE_BYTES, MAX_LINE_BYTES, open_error, open_input, read_capped, string_problem


@dataclass
class WriteReport:
    documents: int = 0
    spans: int = 0
    claims: int = 0
    # Spans the format could not express (overlaps in IOB tags, partial tokens...), described.
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def lone_surrogate(value: str) -> str | None:
    """Describe an unpaired UTF-16 surrogate or a NUL in ``value`` (JSON can spell one: "\\ud800"),
    or None. Such a string is not text: it cannot be stored or written back out."""
    return string_problem(value)


def _not_utf8(exc: UnicodeDecodeError, raw: bytes, offset: int) -> str:
    return f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at byte offset {offset + exc.start})"


_CHUNK = 1 << 20


def _raw_lines(handle, path: Path) -> Iterator[tuple[bytes, int, int]]:
    """(line without its break, its byte offset, bytes read so far), split at \\r\\n, \\r or \\n: a file with
    old-Mac (CR-only) or mixed line endings has as many lines as an editor shows. Memory stays
    bounded: a line longer than ``MAX_LINE_BYTES`` is refused before it is held whole."""
    parts: list[bytes] = []
    held = 0
    number = 0
    total = 0
    start = 0  # byte offset of the line being read
    skip_lf = False  # the last chunk ended with \\r: a \\n opening the next one is the same break
    while True:
        try:
            chunk = handle.read(_CHUNK)
        except OSError as exc:
            raise open_error(exc, path) from None
        if not chunk:
            break
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise InputError(f"the file holds more than {MAX_FILE_BYTES // 2**20} MiB; not read", path=str(path))
        if skip_lf and chunk.startswith(b"\n"):
            chunk = chunk[1:]
            start += 1
        skip_lf = chunk.endswith(b"\r")
        pieces = chunk.splitlines(keepends=True)  # bytes split at \\n, \\r\\n and \\r only
        for piece in pieces:
            if piece.endswith(b"\n") or piece.endswith(b"\r"):
                body = piece[:-2] if piece.endswith(b"\r\n") else piece[:-1]
                parts.append(body)
                number += 1
                yield b"".join(parts), start, total
                start += held + len(piece)
                parts, held = [], 0
            else:  # the start of a line the next chunk goes on with
                parts.append(piece)
                held += len(piece)
                if held > MAX_LINE_BYTES:
                    raise InputError(f"the line is longer than {MAX_LINE_BYTES // 2**20} MiB, the limit for one "
                                     "line", path=str(path), line=number + 1)
    if parts:
        yield b"".join(parts), start, total


def read_lines(path: str | Path, progress=None) -> Iterator[tuple[int, str]]:
    """Yield (line number, line without its line break) from a UTF-8 text file without reading it
    whole, with the same refusals as ``read_text`` (not a regular file, too big, binary,
    undecodable, empty). ``progress(bytes_read, bytes_total)`` is called every 2,000 lines."""
    path = Path(path)
    handle = open_input(path)
    total = os.fstat(handle.fileno()).st_size
    seen_text = False
    with handle:
        for number, (raw, offset, read) in enumerate(_raw_lines(handle, path), start=1):
            if b"\x00" in raw:
                raise InputError("this is a binary file, not text (it contains NUL bytes)", path=str(path), line=number)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(_not_utf8(exc, raw, offset), path=str(path), line=number) from None
            if number == 1 and line.startswith("\ufeff"):
                line = line[1:]
            seen_text = seen_text or bool(line.strip())
            if progress is not None and number % 2000 == 0:
                progress(min(read, total), total)
            yield number, line
    if not seen_text:
        raise InputError("the file is empty", path=str(path))


def _line_of(data: bytes, pos: int) -> int:
    """The line of byte ``pos``, counting breaks as ``read_lines`` does."""
    return data.count(b"\n", 0, pos) + data.count(b"\r", 0, pos) - data.count(b"\r\n", 0, pos) + 1


def read_text(path: str | Path, *, allow_empty: bool = False) -> str:
    """Read a whole UTF-8 text file, refusing what is not a regular file, files over the size cap,
    binary, undecodable and (by default) empty files.

    A leading byte-order mark is dropped. Line endings are kept exactly as they are in the file:
    offsets in the formats we read count ``\\r\\n`` as two characters.
    """
    path = Path(path)
    with open_input(path) as handle:
        data = read_capped(handle, path)
    if b"\x00" in data:
        line = _line_of(data, data.index(b"\x00"))
        raise InputError("this is a binary file, not text (it contains NUL bytes)", path=str(path), line=line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        raise InputError(_not_utf8(exc, data, 0), path=str(path), line=line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not allow_empty and not text.strip():
        raise InputError("the file is empty", path=str(path))
    return text
