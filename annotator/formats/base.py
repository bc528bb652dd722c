"""What every format module shares: reading a text file safely and the write report."""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from pathlib import Path
from typing import Iterator

from ..errors import InputError


@dataclass
class WriteReport:
    documents: int = 0
    spans: int = 0
    claims: int = 0
    # Spans the format could not express (overlaps in IOB tags, partial tokens...), described.
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(value: str) -> str | None:
    """Describe an unpaired UTF-16 surrogate in ``value`` (JSON can spell one: "\\ud800"), or None.

    Such a string is not text: it cannot be stored as UTF-8 or written back out.
    """
    found = _SURROGATE.search(value)
    if found is None:
        return None
    return f"an unpaired UTF-16 surrogate (\\u{ord(found.group()):04x} at position {found.start()}), which is not a character"


def _open_error(exc: OSError, path: Path) -> InputError:
    if isinstance(exc, IsADirectoryError):
        return InputError("is a folder, not a file", path=str(path))
    if isinstance(exc, FileNotFoundError):
        return InputError("no such file", path=str(path))
    return InputError(f"cannot read the file ({exc.strerror or exc})", path=str(path))


def read_lines(path: str | Path, progress=None) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) from a UTF-8 text file without reading it whole, with the same
    refusals as ``read_text`` (binary, undecodable, empty). ``progress(bytes_read, bytes_total)``
    is called every 2,000 lines."""
    path = Path(path)
    try:
        handle = open(path, "rb")
        total = path.stat().st_size
    except OSError as exc:
        raise _open_error(exc, path) from None
    offset = 0
    seen_text = False
    with handle:
        for number, raw in enumerate(handle, start=1):
            if b"\x00" in raw:
                raise InputError("this is a binary file, not text (it contains NUL bytes)", path=str(path), line=number)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                where = offset + exc.start
                raise InputError(
                    f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at byte offset {where})",
                    path=str(path),
                    line=number,
                ) from None
            offset += len(raw)
            if number == 1 and line.startswith("\ufeff"):
                line = line[1:]
            seen_text = seen_text or bool(line.strip())
            if progress is not None and number % 2000 == 0:
                progress(offset, total)
            yield number, line
    if not seen_text:
        raise InputError("the file is empty", path=str(path))


def read_text(path: str | Path, *, allow_empty: bool = False) -> str:
    """Read a whole UTF-8 text file, refusing binary, undecodable and (by default) empty files.

    A leading byte-order mark is dropped. Line endings are kept exactly as they are in the file:
    offsets in the formats we read count ``\\r\\n`` as two characters.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _open_error(exc, path) from None
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError("this is a binary file, not text (it contains NUL bytes)", path=str(path), line=line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start})",
            path=str(path),
            line=line,
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not allow_empty and not text.strip():
        raise InputError("the file is empty", path=str(path))
    return text
