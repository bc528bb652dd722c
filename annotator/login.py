"""The reviewer name used when none is given: the login name (a module of its own so that the
window can ask for it without importing the command line)."""

from __future__ import annotations

import getpass


def default_reviewer() -> str:
    try:
        return getpass.getuser() or "reviewer"
    except Exception:  # getuser raises when no login name can be found (containers)
        return "reviewer"
