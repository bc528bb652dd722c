"""What every reader checks before it trusts a file from someone else (issue 8: nothing escapes).

Files given for import are hostile until checked. The limits here are the same for every format:

- only regular files are read: a FIFO, a device, a socket is refused before it is opened (and the file
  is opened non-blocking and checked again, so one swapped in meanwhile cannot block the import);
- a file may hold at most ``MAX_FILE_BYTES`` (512 MiB), one line of a line-based format (JSONL,
  CoNLL) at most ``MAX_LINE_BYTES`` (64 MiB): what is read is bounded, whatever the file claims;
- JSON may nest lists and objects at most ``MAX_DEPTH`` (64) levels deep per record (orjson, which
  the exports use, refuses more than 255; the standard library's decoder overflows the stack near
  1,000), and may not hold NaN, Infinity or a number too large for a float;
- no string anywhere (ids, titles, labels, reviewer names, meta and attrs keys and values, file
  names) may hold a lone UTF-16 surrogate or a NUL: neither can be stored as text in the project;
- a folder (brat) may hold at most ``MAX_FOLDER_ENTRIES`` entries, and nothing in it may lead
  (by a symbolic link) outside the folder that was chosen.

Readers raise ``ValueError(reason)`` from their parsing helpers and turn it into ``InputError``
with the file and line; the checks here raise ``InputError`` themselves when they know the file.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_LINE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_FOLDER_ENTRIES = 100_000

_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")
# In JSON text, a NUL or a lone surrogate can only arrive as an escape: this finds the files that
# may hold one (a literal "\\u0000" too, harmlessly), so the rest skip the per-string search.
_ESCAPED_BAD_CHAR = re.compile(r"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|0000)")


# --------------------------------------------------------------------------- strings


def string_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a NUL, an unpaired surrogate), or None."""
    found = _BAD_CHAR.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return f"a NUL character (at position {found.start()})"
    return (f"an unpaired UTF-16 surrogate (\\u{ord(found.group()):04x} at position {found.start()}), "
            "which is not a character")


def json_problem(value: Any, *, root: str = "the record", strings: bool = True,
                 max_depth: int = MAX_DEPTH) -> str | None:
    """Why ``value`` (decoded JSON, or meta/attrs a reader built) cannot be stored and exported as
    JSON -- too deep, a non-finite number, a bad string or key, a non-JSON type -- as a sentence
    naming where (``root`` is what ``value`` is called); None if it is fine.

    Iterative, so a value of any depth is judged without exhausting the stack.
    """
    stack: list[tuple[Any, int, tuple]] = [(value, 0, ())]
    while stack:
        item, depth, where = stack.pop()
        if isinstance(item, dict):
            entries = item.items()
        elif isinstance(item, (list, tuple)):
            entries = enumerate(item)
        else:
            problem = _scalar_problem(item, strings)
            if problem:
                return f"{_name(root, where)} {problem}"
            continue
        if depth + 1 > max_depth:
            return f"{_name(root, where)} nests lists and objects more than {max_depth} levels deep"
        for key, child in entries:
            if isinstance(item, dict):
                if not isinstance(key, str):
                    return f"{_name(root, where)} has a key {key!r} that is not a string"
                if strings and _BAD_CHAR.search(key):
                    return f"{_name(root, where)} has a key {key!r} holding {string_problem(key)}"
            kind = type(child)
            if kind is dict or kind is list or kind is tuple:
                stack.append((child, depth + 1, where + (key,)))
            elif kind is str and not strings or kind in _PLAIN:
                continue  # the common cases, decided without a call
            else:
                problem = _scalar_problem(child, strings)
                if problem:
                    return f"{_name(root, where + (key,))} {problem}"
    return None


_PLAIN = (int, bool, type(None))


def _scalar_problem(value: Any, strings: bool) -> str | None:
    if value is None or isinstance(value, (bool, int)):
        return None
    if isinstance(value, str):
        bad = string_problem(value) if strings else None
        return f"holds {bad}" if bad else None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"is the number {value!r}, which JSON cannot hold"
    return f"is a {type(value).__name__}, which is not a JSON value"


_FRIENDLY = {("text",): "the document text"}


def _name(root: str, where: tuple) -> str:
    if root == "the record" and where in _FRIENDLY:
        return _FRIENDLY[where]
    if not where:
        return root
    path = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in where).lstrip(".")
    if len(path) > 80:
        path = path[:77] + "..."
    return f"{path!r}" if root == "the record" else f"{root} at {path!r}"


# --------------------------------------------------------------------------- JSON


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):  # 1e999: JSON can spell it, no JSON writer can write it back
        raise ValueError(f"the number {literal[:40]} is too large (it reads as infinity)")
    return value


DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def decode_error(exc: Exception) -> str:
    """The reason for a failed ``json.loads``/``raw_decode`` (any of the ways it can fail)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg} at column {exc.colno})"
    if isinstance(exc, RecursionError):
        return f"not usable JSON (lists and objects nested more than {MAX_DEPTH} levels deep)"
    if "integer string conversion" in str(exc):
        return "not usable JSON (a number with more than 4,300 digits)"
    return f"not usable JSON ({exc})"  # NaN, Infinity


def loads(text: str) -> Any:
    """Decode one JSON record and check it (depth, numbers, strings); ``ValueError`` says why not.

    ``json.JSONDecodeError`` (a ``ValueError``) passes through with its position for the caller.
    """
    try:
        value = DECODER.decode(text)
    except json.JSONDecodeError:
        raise
    except (RecursionError, ValueError) as exc:
        raise ValueError(decode_error(exc)) from None
    check_record(value, text)
    return value


def check_record(value: Any, text: str) -> None:
    """Refuse a decoded record that nests too deeply or holds what cannot be stored.

    Most records need no walk at all: one with fewer brackets than ``MAX_DEPTH`` cannot nest
    deeper, and strings need looking at only when the text could hold a bad one (numbers that
    read as infinity are refused by the decoder itself).
    """
    strings = _ESCAPED_BAD_CHAR.search(text) is not None
    if not strings and (text.count("[") + text.count("{") <= MAX_DEPTH or not _deeper_than(value, MAX_DEPTH)):
        return  # a large record (a Label Studio task of 100 regions): only its depth needed a look
    problem = json_problem(value, strings=strings)
    if problem:
        raise ValueError(problem)


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether decoded JSON nests lists and objects more than ``limit`` levels deep: a walk over
    its containers alone, many times cheaper than ``json_problem``'s look at every value."""
    stack = [(value, 1)] if type(value) is dict or type(value) is list else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        for child in item.values() if type(item) is dict else item:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, depth + 1))
    return False


# --------------------------------------------------------------------------- field types


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def id_value(value: Any, what: str) -> str | None:
    """An id as a string (files use strings or integers); None when absent."""
    if value is None:
        return None
    if isinstance(value, str) or is_int(value):
        return str(value)
    raise ValueError(f"{what} must be a string or an integer, not {_shown(value)}")


def optional_str(value: Any, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{what} must be a string, not {_shown(value)}")


def optional_dict(value: Any, what: str) -> dict:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise ValueError(f"{what} must be an object, not {_shown(value)}")


def optional_list(value: Any, what: str) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise ValueError(f"{what} must be a list, not {_shown(value)}")


def flag(value: Any, what: str, default: bool = False) -> bool:
    """A yes/no field: JSON true/false (or 0/1). A string such as "false" is refused, not taken as
    true the way ``bool("false")`` would."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if is_int(value) and value in (0, 1):
        return bool(value)
    raise ValueError(f"{what} must be true or false, not {_shown(value)}")


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------- files


def check_name(path: Path) -> None:
    """Refuse a file name that is not text (bytes that are not UTF-8 arrive as lone surrogates)."""
    name = str(path)
    undecodable = re.search("[\udc80-\udcff]", name)
    if undecodable:  # how Python holds a name's bytes that are not UTF-8 (surrogateescape)
        byte = ord(undecodable.group()) - 0xDC00
        raise InputError(f"the file name is not valid UTF-8 (byte 0x{byte:02x}); rename the file", path=name)
    bad = string_problem(name)
    if bad:
        raise InputError(f"the file name holds {bad}; rename the file", path=name)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def check_file(path: Path, st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a folder, not a file", path=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"is {_kind(st.st_mode)}, not a regular file; only files are read", path=str(path))
    if st.st_size > MAX_FILE_BYTES:
        raise InputError(f"the file is {st.st_size:,} bytes; files over {MAX_FILE_BYTES // 2**20} MiB are "
                         "not read", path=str(path))


def open_error(exc: OSError, path: Path) -> InputError:
    if isinstance(exc, IsADirectoryError):
        return InputError("is a folder, not a file", path=str(path))
    if isinstance(exc, FileNotFoundError):
        return InputError("no such file", path=str(path))
    return InputError(f"cannot read the file ({exc.strerror or exc})", path=str(path))


def check_input(path: Path) -> None:
    """What ``read_files`` checks of every path given, before it guesses a format: a folder or a
    regular file under the size cap, with a name that is text."""
    check_name(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise open_error(exc, path) from None
    if not stat.S_ISDIR(st.st_mode):
        check_file(path, st)


def open_input(path: str | Path) -> BinaryIO:
    """Open a file for reading after the checks above. ``stat`` first, so a FIFO is never opened;
    then non-blocking, and checked again on the open descriptor (the name may have been swapped)."""
    path = Path(path)
    check_name(path)
    try:
        check_file(path, os.stat(path))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise open_error(exc, path) from None
    try:
        check_file(path, os.fstat(fd))
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_capped(handle: BinaryIO, path: Path) -> bytes:
    """The whole file, refusing one that holds more than the cap (it grew, or lied about its size)."""
    try:
        data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise open_error(exc, path) from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"the file holds more than {MAX_FILE_BYTES // 2**20} MiB; not read", path=str(path))
    return data


def folder_entries(folder: Path, root: Path) -> list[Path]:
    """The entries of ``folder`` (sorted), refusing more than the cap and any entry that leads
    outside ``root`` through a symbolic link."""
    check_name(folder)
    out = []
    real_root = os.path.realpath(root)
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if len(out) >= MAX_FOLDER_ENTRIES:
                    raise InputError(f"the folder holds more than {MAX_FOLDER_ENTRIES:,} entries; not read",
                                     path=str(folder))
                path = Path(entry.path)
                check_name(path)
                if entry.is_symlink():
                    real = os.path.realpath(path)
                    if os.path.commonpath([real_root, real]) != real_root:
                        raise InputError("is a symbolic link to outside the folder being imported; not followed",
                                         path=str(path))
                out.append(path)
    except OSError as exc:
        raise open_error(exc, folder) from None
    return sorted(out)


# --------------------------------------------------------------------------- line breaks


def line_at(content: str, pos: int) -> int:
    """The line number of position ``pos``, counting ``\\n``, ``\\r\\n`` and a lone ``\\r`` as one
    break each (universal newlines, as the line readers split)."""
    return content.count("\n", 0, pos) + content.count("\r", 0, pos) - content.count("\r\n", 0, pos) + 1


class LineCounter:
    """``line_at`` for positions met in increasing order (a file of many records), counting only
    the stretch since the last position asked about."""

    def __init__(self, content: str):
        self.content = content
        self.pos = 0
        self.lines = 1

    def __call__(self, pos: int) -> int:
        if pos < self.pos:
            return line_at(self.content, pos)
        c, last = self.content, self.pos
        self.lines += c.count("\n", last, pos) + c.count("\r", last, pos) - c.count("\r\n", last, pos)
        if 0 < last < pos and c[last - 1] == "\r" and c[last] == "\n":
            self.lines -= 1  # the \r before ``last`` was already counted as this break
        self.pos = pos
        return self.lines


_BREAKS = re.compile(r"\r\n|\r|\n")


def split_lines(content: str) -> list[str]:
    """Lines split at ``\\r\\n``, ``\\r`` or ``\\n`` (mixed endings too), without their breaks."""
    return _BREAKS.split(content)
