"""Typed settings, declared once, stored with QSettings in the platformdirs config folder.

``ANNOTATOR_CONFIG`` points them elsewhere (tests use a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from ..project import APP_NAME


def settings_path() -> Path:
    override = os.environ.get("ANNOTATOR_CONFIG")
    if override:
        return Path(override) / "settings.ini"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.ini"


class Settings:
    def __init__(self, path: Path | None = None):
        self.path = path or settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def _get(self, key: str, default, kind):
        value = self._qs.value(key, default)
        if value is None:
            return default
        try:
            return kind(value)
        except (TypeError, ValueError):
            return default

    @property
    def reviewer(self) -> str:
        return self._get("reviewer/name", "", str)

    @reviewer.setter
    def reviewer(self, name: str) -> None:
        self._qs.setValue("reviewer/name", name)
        self._qs.sync()

    @property
    def auto_accept(self) -> bool:
        """Accept items all reviewers agree on when a document is first reviewed."""
        return self._get("review/auto_accept", "true", str).lower() != "false"

    def set_auto_accept(self, value: bool) -> None:
        self._qs.setValue("review/auto_accept", "true" if value else "false")

    @property
    def show_suggestions(self) -> bool:
        """Suggestions drawn in the article view (the Suggestions menu's toggle)."""
        return self._get("suggestions/show", "true", str).lower() != "false"

    def set_show_suggestions(self, value: bool) -> None:
        self._qs.setValue("suggestions/show", "true" if value else "false")

    def last_document(self, project: Path) -> str:
        return self._get(f"documents/{_key(project)}", "", str)

    def set_last_document(self, project: Path, doc_id: str) -> None:
        self._qs.setValue(f"documents/{_key(project)}", doc_id)

    def geometry(self, name: str) -> QByteArray | None:
        value = self._qs.value(f"geometry/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, name: str, state: QByteArray) -> None:
        self._qs.setValue(f"geometry/{name}", state)

    def sync(self) -> None:
        self._qs.sync()


def _key(project: Path) -> str:
    return str(project.resolve()).replace("/", "|").replace("\\", "|")
