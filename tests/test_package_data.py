"""Where the label scheme and seeds come from, and that a failed start leaves no project file."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import annotator.labels
import annotator.package_data
import annotator.project
from annotator.cli import cli
from annotator.errors import AnnotatorError
from annotator.labels import load_scheme
from annotator.package_data import MissingData, data_root, scheme_file, seed_files
from annotator.project import open_project
from annotator.store import Store

from .conftest import ROOT

GOOD_LABEL = {"name": "SPEAKER", "color": "#3b82f6", "shortcut": "1"}


def leftovers(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.glob(path.name + "*"))


def test_a_checkout_reads_the_repository_folders():
    assert Path(str(data_root())) == ROOT
    assert Path(str(scheme_file())) == ROOT / "resources" / "labels.json"
    assert [f.name for f in seed_files()] == ["000_15135173df733d2c.txt", "001_86bcf4922bea323b.txt"]


def test_a_site_packages_resources_folder_is_not_taken_for_ours(tmp_path, monkeypatch):
    """The bug of issue 9: an installed package without its data looked beside itself."""
    site = tmp_path / "site-packages"
    (site / "annotator").mkdir(parents=True)
    (site / "resources").mkdir()
    (site / "resources" / "labels.json").write_text(json.dumps({"labels": [GOOD_LABEL]}))
    (site / "seeds").mkdir()
    monkeypatch.setattr(annotator.package_data, "files", lambda _name: site / "annotator")
    with pytest.raises(MissingData, match="lacks its label scheme"):
        scheme_file()


def test_the_packaged_copy_is_preferred(tmp_path, monkeypatch):
    package = tmp_path / "annotator"
    (package / "_data" / "resources").mkdir(parents=True)
    (package / "_data" / "resources" / "labels.json").write_text(json.dumps({"labels": [GOOD_LABEL]}))
    (package / "_data" / "seeds").mkdir()
    (package / "_data" / "seeds" / "b.txt").write_text("Second.")
    (package / "_data" / "seeds" / "a.txt").write_text("First.")
    (package / "_data" / "seeds" / "README.md").write_text("not a seed")
    monkeypatch.setattr(annotator.package_data, "files", lambda _name: package)
    assert load_scheme().names() == ["SPEAKER"]
    assert [f.name for f in seed_files()] == ["a.txt", "b.txt"]


@pytest.mark.parametrize("content, problem", [
    ("{", "cannot read the label scheme"),
    ("[]", 'no "labels" list'),
    ('{"labels": []}', 'no "labels" list'),
    ('{"labels": [{"color": "#112233"}]}', "has no name"),
    ('{"labels": [{"name": "A", "color": "red"}]}', "colour is not #rrggbb"),
    ('{"labels": [{"name": "A", "color": "#112233"}, {"name": "A", "color": "#445566"}]}', "appears twice"),
    ('{"labels": [{"name": "A", "color": "#112233", "style": "blink"}]}', "style is neither"),
    ('{"labels": [{"name": "A", "color": "#112233", "shortcut": 1}]}', "shortcut is not a string"),
])
def test_a_broken_scheme_is_refused_whole(tmp_path, content, problem):
    bad = tmp_path / "labels.json"
    bad.write_text(content)
    with pytest.raises(MissingData, match=problem):
        load_scheme(bad)


def test_a_broken_scheme_refuses_before_any_file_exists(tmp_path, monkeypatch):
    bad = tmp_path / "labels.json"
    bad.write_text('{"labels": "none"}')
    monkeypatch.setattr(annotator.labels, "scheme_file", lambda: bad)
    db = tmp_path / "p.annotator.db"
    with pytest.raises(AnnotatorError):
        open_project(db, seed=True)
    assert leftovers(db) == []


def test_the_cli_says_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(annotator.labels, "scheme_file", lambda: tmp_path / "missing" / "labels.json")
    text = tmp_path / "a.txt"
    text.write_text("Hwang said so.")
    db = tmp_path / "p.annotator.db"
    result = CliRunner().invoke(cli, ["import", str(text), "--db", str(db)])
    assert result.exit_code != 0
    assert result.output.startswith("error: ") and result.output.count("\n") == 1, result.output
    assert leftovers(db) == []


def test_missing_seeds_remove_the_file_just_created(tmp_path, monkeypatch):
    def no_seeds():
        raise MissingData("this installation of Annotator lacks its seed articles")

    monkeypatch.setattr(annotator.project, "seed_files", no_seeds)
    db = tmp_path / "p.annotator.db"
    with pytest.raises(MissingData):
        open_project(db, seed=True)
    assert leftovers(db) == []
    # The next start, with the seeds back, makes the project whole.
    monkeypatch.undo()
    store = open_project(db, seed=True)
    try:
        assert store.document_count() == 2 and len(store.label_scheme()) == 4
    finally:
        store.close()


def test_a_file_that_was_there_is_never_removed(tmp_path, monkeypatch):
    db = tmp_path / "p.annotator.db"
    Store(db).close()  # a schema-only file someone left: not ours to delete
    before = db.read_bytes()

    def no_seeds():
        raise MissingData("this installation of Annotator lacks its seed articles")

    monkeypatch.setattr(annotator.project, "seed_files", no_seeds)
    with pytest.raises(MissingData):
        open_project(db, seed=True)
    assert db.read_bytes() == before


def test_an_interrupted_set_up_removes_the_new_file(tmp_path, monkeypatch):
    def interrupted(self, items, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "import_items", interrupted)
    db = tmp_path / "p.annotator.db"
    with pytest.raises(KeyboardInterrupt):
        open_project(db, seed=True)
    assert leftovers(db) == []
