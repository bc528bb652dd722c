"""File menu work of the main window: import, merge and export, each run off the UI thread with a
cancellable progress dialog. The formats, the export dialog and the merge are imported when first
used: the window's start does not need them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from .. import project
from ..model import GOLD
from ..store import Store
from .background import BackgroundTask


class FileActionsMixin:
    """Import, merge and export for ``MainWindow``."""

    # -- import and export -------------------------------------------------------------------

    def _import_dialog(self) -> None:
        from .. import formats

        filters = ["All supported files (*.txt *.jsonl *.ndjson *.json *.ann *.conll *.conll03 *.iob *.iob2 *.bio *.tsv)"]
        names = ["auto"]
        for name, module in formats.FORMATS.items():
            filters.append(f"{module.DESCRIPTION} ({' '.join('*' + e for e in module.EXTENSIONS)})")
            names.append(name)
        paths, chosen = QFileDialog.getOpenFileNames(self, "Import documents", "", ";;".join(filters))
        if paths:
            self.import_paths(paths, format=names[filters.index(chosen)] if chosen in filters else "auto")

    def _import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a brat folder (reviewer sub-folders become layers)")
        if folder:
            self.import_paths([folder], format="brat")

    def _start(self, task: BackgroundTask) -> BackgroundTask:
        self._tasks.append(task)
        forget = lambda *_args: self._tasks.remove(task) if task in self._tasks else None  # noqa: E731
        task.done.connect(forget)
        task.error.connect(forget)
        task.start()
        return task

    def import_paths(self, paths: list[str], *, format: str = "auto") -> BackgroundTask:
        reviewer = self.session.reviewer
        db_path = self.store.path

        def work(progress):
            with Store(db_path) as store:
                return project.import_files(store, paths, format=format, annotator=reviewer, progress=progress)

        task = BackgroundTask(self, "Importing…", work)
        task.done.connect(self._imported)
        task.error.connect(lambda message: self.show_error(f"Import refused: {message}"))
        return self._start(task)

    def _imported(self, result) -> None:
        self._labels_changed()
        self._reload_current()  # the import may have added spans to the open document
        self.show_status(f"Imported: {result.summary()}")
        if result.warnings:
            shown = "\n".join(result.warnings[:15])
            more = f"\n… and {len(result.warnings) - 15} more" if len(result.warnings) > 15 else ""
            self.show_info(f"Imported: {result.summary()}\n\nNotes from the reader:\n{shown}{more}")

    def _export_dialog(self) -> None:
        from .. import formats
        from ..output import folder_for_export
        from .export_dialog import FOLDER_FORMATS, ExportDialog

        reviewers = [n for n in self.store.annotators() if n != GOLD]
        has_gold = GOLD in self.store.annotators()
        dialog = ExportDialog(reviewers, self.session.reviewer, has_gold, self)
        if dialog.exec() != ExportDialog.DialogCode.Accepted:
            return
        fmt, layer = dialog.format(), dialog.layer()
        if fmt in FOLDER_FORMATS:
            path = QFileDialog.getExistingDirectory(self, "Export into folder")
            if path:
                # An export never mixes with, or deletes, files it did not write: a folder that
                # holds other things gets the export in a new sub-folder of its own.
                path = str(folder_for_export(Path(path), f"annotator-{fmt}"))
        else:
            module = formats.get(fmt)
            suffix = module.EXTENSIONS[0]
            path, _filter = QFileDialog.getSaveFileName(
                self, "Export", f"dataset{suffix}", f"{module.DESCRIPTION} (*{suffix})"
            )
        if path:
            self.export_to(path, format=fmt, annotator=layer)

    def merge_paths(self, paths: list[str]) -> BackgroundTask:
        db_path = self.store.path

        def work(progress):
            from ..merge import merge_files

            with Store(db_path) as store:
                result = merge_files(store, paths)
            progress(1, 1)
            return result

        task = BackgroundTask(self, "Merging reviewer files…", work)
        task.done.connect(self._merged)
        task.error.connect(lambda message: self.show_error(f"Merge refused, nothing changed: {message}"))
        return self._start(task)

    def _merged(self, result) -> None:
        # A replaced layer is not what its undo history was recorded against: replaying it would
        # bring back rows of the old layer beside the merged ones.
        for doc_id, reviewer in result.replaced:
            self.session.forget_history(doc_id, reviewer)
        self._labels_changed()
        self._reload_current()
        self.show_info(f"Merged: {result.summary()}")

    def _merge_dialog(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Merge reviewer files", "", "Annotator projects (*.annotator.db *.db *.sqlite);;All files (*)"
        )
        if paths:
            self.merge_paths(paths)

    def export_to(self, path: str, *, format: str = "jsonl", annotator: str | None = None) -> BackgroundTask:
        db_path = self.store.path

        def work(progress):
            with Store(db_path) as store:
                report = project.export(store, path, format=format, annotator=annotator)
            progress(1, 1)
            return report

        def done(report) -> None:
            text = (f"Exported {report.documents} document layer(s), {report.spans} spans, "
                    f"{report.claims} claims to {Path(path).name}")
            left_out = report.warnings + report.skipped
            if left_out:
                self.show_info(text + f"\n\n{len(left_out)} note(s) from the {format} writer:\n" + "\n".join(left_out[:15]))
            self.show_status(text)

        task = BackgroundTask(self, "Exporting…", work)
        task.done.connect(done)
        task.error.connect(lambda message: self.show_error(f"Export failed: {message}"))
        return self._start(task)
