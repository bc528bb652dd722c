"""Checks for single values read from someone else's file, and the caps that bound them.

Each check returns the value when it is what we expect and otherwise raises ``StoreError`` with
one readable line that starts with ``where`` (the file and the row). The caps keep a small hostile
file from costing gigabytes of memory or a ``RecursionError``: it is refused with a clear line.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .errors import StoreError

MiB = 1024**2
# The largest single value SQLite may hand us (``SQLITE_LIMIT_LENGTH`` on the connection), so a
# generated or stored giant blob fails inside SQLite before it is allocated. The largest article
# the app is benchmarked on is 5 MB; 64 MiB is far above any real one.
VALUE_CAP = 64 * MiB
JSON_CAP = 1 * MiB  # a span's attrs or a document's meta: a few hundred bytes in practice
JSON_DEPTH_CAP = 64  # nesting of objects/arrays in one meta/attrs value
NAME_CAP = 200  # reviewer names and labels
ID_CAP = 1000  # document ids (file names, usually)
SHORT_TEXT_CAP = 10_000  # titles, sources
NOTE_CAP = 1 * MiB  # a claim's free-text note
ROW_CAP = 2_000_000  # rows per table: 20 times the 100,000 spans of the import benchmark
TEXT_TOTAL_CAP = 512 * MiB  # characters of all texts, notes, meta and attrs of one file together

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def show(value: Any) -> str:
    """A short description of a bad value, never the whole of a possibly huge one."""
    if value is None:
        return "NULL"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"a blob of {len(value)} bytes"
    if isinstance(value, float):
        return f"the number {value!r}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _encodable(value: str, where: str, what: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(f"{where}: {what} is not valid Unicode (it holds a lone surrogate)") from None
    return value


def text(value: Any, where: str, what: str, cap: int) -> str:
    if not isinstance(value, str):
        raise StoreError(f"{where}: {what} must be text, not {show(value)}")
    if len(value) > cap:
        raise StoreError(f"{where}: {what} is longer than {cap:,} characters; refused")
    return _encodable(value, where, what)


def name(value: Any, where: str, what: str, cap: int = NAME_CAP) -> str:
    """A reviewer name, label or id: non-empty, short, one line (it ends up in messages)."""
    value = text(value, where, what, cap)
    if not value.strip():
        raise StoreError(f"{where}: {what} is empty")
    if _CONTROL.search(value):
        raise StoreError(f"{where}: {what} {show(value)} contains a control character")
    return value


def name_like(value: str) -> str:
    """``value`` made fit for a name: control characters replaced, cut to the cap."""
    value = _CONTROL.sub("?", value.encode("utf-8", "replace").decode("utf-8"))
    return value[:NAME_CAP]


def integer(value: Any, where: str, what: str) -> int:
    if type(value) is not int:
        raise StoreError(f"{where}: {what} must be an integer, not {show(value)}")
    return value


def done_flag(value: Any, where: str) -> bool:
    # Only the 0 and 1 the app writes: 'false', 'no' or 2 would otherwise read as done.
    if type(value) is not int or value not in (0, 1):
        raise StoreError(f"{where}: done must be 0 or 1, not {show(value)}")
    return bool(value)


def _no_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def json_object(value: Any, where: str, what: str) -> dict[str, Any]:
    """Parse stored JSON text into a dict: size, depth, numbers and strings all checked."""
    value = text(value, where, what, JSON_CAP)
    if value in ("", "{}"):
        return {}
    try:
        parsed = json.loads(value, parse_constant=_no_constant)
    except RecursionError:
        raise StoreError(f"{where}: {what} is nested deeper than {JSON_DEPTH_CAP} levels; refused") from None
    except ValueError as exc:
        raise StoreError(f"{where}: {what} is not valid JSON ({str(exc)[:100]})") from None
    if not isinstance(parsed, dict):
        raise StoreError(f"{where}: {what} must be a JSON object, not {type(parsed).__name__}")
    _walk(parsed, where, what)
    return parsed


def _walk(root: Any, where: str, what: str) -> None:
    # Iterative: a recursive walk would itself be the RecursionError this guards against.
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > JSON_DEPTH_CAP:
                raise StoreError(f"{where}: {what} is nested deeper than {JSON_DEPTH_CAP} levels; refused")
            if isinstance(node, dict):
                for key, child in node.items():
                    _encodable(key, where, what)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in node)
        elif isinstance(node, str):
            _encodable(node, where, what)
        elif isinstance(node, float) and not math.isfinite(node):
            raise StoreError(f"{where}: {what} holds a number too large for JSON")
