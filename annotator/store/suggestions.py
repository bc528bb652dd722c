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
        for _doc, annotator, label, text in self.tagged_strings_by_doc(exclude_labels):
            yield annotator, label, text

    def tagged_strings_by_doc(self, exclude_labels: Iterable[str] = (), doc_id: str | None = None,
                              annotator: str | None = None, text: str | None = None,
                              ) -> Iterator[tuple[str, str, str, str]]:
        """(doc_id, annotator, label, text) of what ``tagged_strings`` yields, in document order;
        ``doc_id`` and ``annotator`` narrow it to one layer (the window learns from the open
        document's layer as it changes, without reading the project again), ``text`` is then that
        document's text, which the caller holds (not read again: an article may be 20 MB)."""
        excluded = sorted(set(exclude_labels))
        marks = ", ".join("?" * len(excluded))
        where = f" AND label NOT IN ({marks})" if excluded else ""
        params: list = [MAX_TAGGED_STRING, *excluded]
        if doc_id is not None:
            where += " AND doc_id = ?"
            params.append(doc_id)
        if annotator is not None:
            where += " AND annotator = ?"
            params.append(annotator)
        rows = self.db.execute(
            f'SELECT doc_id, annotator, label, start, "end" FROM spans WHERE "end" - start <= ?{where}'
            # attrs is checked JSON (every writer checks it); json_valid keeps a bad row from failing the read.
            """ AND NOT (attrs != '{}' AND json_valid(attrs)
                         AND coalesce(json_extract(attrs, '$.origin'), '') LIKE 'suggest/%')
                ORDER BY doc_id""",
            params,
        ).fetchall()
        # Each text read once and sliced here: SQLite's substr per span re-read the whole text and
        # counted characters from its start (20,000 spans over 200 texts of 76 kB: 1.4-2.2 s).
        doc = doc_id if text is not None else None
        text = text or ""
        for row_doc, who, label, start, end in rows:
            if row_doc != doc:
                doc = row_doc
                found = self.db.execute("SELECT text FROM documents WHERE id = ?", (row_doc,)).fetchone()
                text = found[0] if found else ""
            yield row_doc, who, label, text[start:end]
