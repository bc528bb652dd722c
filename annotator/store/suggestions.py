"""What the suggesters read from a project: strings tagged anywhere, and rejected suggestions."""

from __future__ import annotations

from typing import Iterable, Iterator

from ..errors import EditError
from .results import now

MAX_TAGGED_STRING = 200  # longer spans are statements or passages, not names to look for elsewhere


class SuggestionsMixin:
    """Rejections (per reviewer, by offsets and label) and the tagged strings of every layer."""

    def reject_suggestion(self, doc_id: str, annotator: str, start: int, end: int, label: str) -> None:
        """Remember that ``annotator`` rejected this suggestion; rejecting it again changes nothing."""
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            raise EditError(f"a rejected suggestion needs 0 <= start < end (got {start}, {end})")
        with self.atomic():
            if self.db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
                raise EditError(f"no document with id {doc_id!r} in the project")
            self.db.execute(
                'INSERT OR IGNORE INTO suggest_rejections (doc_id, annotator, start, "end", label, rejected_at)'
                " VALUES (?, ?, ?, ?, ?, ?)",
                (doc_id, annotator, start, end, label, now()),
            )

    def forget_rejection(self, doc_id: str, annotator: str, start: int, end: int, label: str) -> None:
        """Undo of ``reject_suggestion``: the suggestion may be offered again."""
        with self.atomic():
            self.db.execute(
                'DELETE FROM suggest_rejections WHERE doc_id = ? AND annotator = ? AND start = ? AND "end" = ?'
                " AND label = ?",
                (doc_id, annotator, start, end, label),
            )

    def rejections(self, doc_id: str, annotator: str) -> set[tuple[int, int, str]]:
        """(start, end, label) of every suggestion ``annotator`` rejected in ``doc_id``."""
        return {(s, e, lab) for s, e, lab in self.db.execute(
            'SELECT start, "end", label FROM suggest_rejections WHERE doc_id = ? AND annotator = ?',
            (doc_id, annotator),
        )}

    def tagged_strings(self, exclude_labels: Iterable[str] = ()) -> Iterator[tuple[str, str, str]]:
        """(annotator, label, text) of every span in the project up to ``MAX_TAGGED_STRING`` code
        points, labels in ``exclude_labels`` left out, and spans that accepted suggestions made
        (``attrs.origin`` "suggest/..."), so that the string matcher learns from people only: a
        bulk accept would otherwise feed on itself, each run adding more."""
        excluded = sorted(set(exclude_labels))
        marks = ", ".join("?" * len(excluded))
        where = f" AND label NOT IN ({marks})" if excluded else ""
        rows = self.db.execute(
            f'SELECT doc_id, annotator, label, start, "end" FROM spans WHERE "end" - start <= ?{where}'
            # attrs is checked JSON (every writer checks it); json_valid keeps a bad row from failing the read.
            """ AND NOT (attrs != '{}' AND json_valid(attrs)
                         AND coalesce(json_extract(attrs, '$.origin'), '') LIKE 'suggest/%')
                ORDER BY doc_id""",
            [MAX_TAGGED_STRING, *excluded],
        ).fetchall()
        # Each text read once and sliced here: SQLite's substr per span re-read the whole text and
        # counted characters from its start (20,000 spans over 200 texts of 76 kB: 1.4-2.2 s).
        doc, text = None, ""
        for doc_id, annotator, label, start, end in rows:
            if doc_id != doc:
                doc = doc_id
                row = self.db.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
                text = row[0] if row else ""
            yield annotator, label, text[start:end]
