"""Pausing Python's cyclic garbage collector around work that builds many long-lived objects."""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Reading ten reviewer files, or 300,000 spans for agreement, builds hundreds of thousands of
    small objects that all live until the work ends and form no cycles: the collector walked them
    again and again for nothing (0.4-0.6 s of 3.5 s CPU for a 10 x 1,000 merge; 0.2-0.8 s of the
    10,000 x 3 agreement command). Restored afterwards; left alone if it was already off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
