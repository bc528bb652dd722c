"""Figure readings through files (issue 11): filled in on import, checked when a file carries one,
and carried by brat (an AnnotatorNotes line) and Label Studio (the region's meta)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.figures import describe, edited, read_figure
from annotator.figures.stored import reading_problem
from annotator.formats.figure_notes import figure_note, parse_figure_note
from tests.hostile import run

TEXT = "Losses of around $3 billion in 58 cyberattacks, 40% of them in 2023, said the panel."
AROUND = (TEXT.index("around"), TEXT.index(" in 58"))
ATTACKS = (TEXT.index("58"), TEXT.index(", 40%"))
SHARE = (TEXT.index("40%"), TEXT.index("40%") + 3)
SAID = (TEXT.index("the panel"), TEXT.index("the panel") + 9)
EDITED = edited(read_figure("58 cyberattacks").to_dict(), value=60)


def native(path: Path, spans: list[dict]) -> Path:
    path.write_text(json.dumps({"id": "a", "text": TEXT, "annotator": "ann", "spans": spans}) + "\n", encoding="utf-8")
    return path


def stored(db: Path) -> dict[str, dict]:
    """The spans of a project as text -> attrs, read by a second connection (as the user's next command would)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT d.text, s.start, s.\"end\", s.attrs FROM spans s JOIN documents d ON d.id = s.doc_id")
        return {text[start:end]: json.loads(attrs) for text, start, end, attrs in rows}
    finally:
        conn.close()


def base_spans() -> list[dict]:
    return [
        {"start": AROUND[0], "end": AROUND[1], "label": "FIGURE"},
        {"start": ATTACKS[0], "end": ATTACKS[1], "label": "FIGURE", "attrs": {"figure": EDITED}},
        {"start": SHARE[0], "end": SHARE[1], "label": "FIGURE", "attrs": {"note": "share of the losses"}},
        {"start": SAID[0], "end": SAID[1], "label": "SPEAKER"},
    ]


@pytest.fixture
def project(tmp_path):
    db = tmp_path / "p.annotator.db"
    result = run("import", "--db", db, native(tmp_path / "in.jsonl", base_spans()))
    assert result.exit_code == 0, result.output
    return db


def test_imported_figure_spans_get_their_reading_and_a_given_one_is_kept(project):
    spans = stored(project)
    assert spans["around $3 billion"]["figure"] == read_figure("around $3 billion").to_dict()
    assert spans["around $3 billion"]["figure"]["source"] == "auto"
    assert spans["58 cyberattacks"]["figure"] == EDITED  # an edited reading is never read again
    assert spans["40%"] == {"note": "share of the losses", "figure": read_figure("40%").to_dict()}
    assert "figure" not in spans["the panel"]


def test_a_reading_missing_its_null_fields_is_completed(tmp_path):
    db = tmp_path / "p.annotator.db"
    short = {"value": 60, "interval": [60, 60], "source": "edited"}
    spans = [{"start": ATTACKS[0], "end": ATTACKS[1], "label": "FIGURE", "attrs": {"figure": short}}]
    assert run("import", "--db", db, native(tmp_path / "in.jsonl", spans)).exit_code == 0
    assert stored(db)["58 cyberattacks"]["figure"] == {"value": 60, "unit": None, "counted": None, "qualifier": None,
                                                       "period": None, "upper": None, "interval": [60, 60],
                                                       "source": "edited"}


BAD_READINGS = [
    ({"value": "3e9", "interval": [1, 2]}, "value must be a number"),
    ({"value": True, "interval": [1, 2]}, "value must be a number"),
    ({"value": 1e300, "interval": [1, 2]}, "out of range"),
    ({"value": 5, "interval": [6, 4]}, "upside down"),
    ({"value": 5, "interval": [4]}, "two numbers"),
    ({"value": 5}, "no interval"),
    ({"value": None, "interval": [1, 2]}, "no value"),
    ({"value": 5, "interval": [4, 6], "unit": "x" * 500}, "unit must be a short line"),
    ({"value": 5, "interval": [4, 6], "counted": "a\nb"}, "counted must be a short line"),
    ({"value": 5, "interval": [4, 6], "qualifier": "roughly"}, "qualifier must be one of"),
    ({"value": 5, "interval": [4, 6], "period": "decade"}, "period must be one of"),
    ({"value": 5, "interval": [4, 6], "source": "trusted"}, "source must be"),
    ({"value": 5, "interval": [4, 6], "script": "rm -rf"}, "not a field of a reading"),
    ([5, 6], "must be an object"),
]


@pytest.mark.parametrize("reading, reason", BAD_READINGS)
def test_a_malformed_reading_in_an_import_is_refused_in_one_line_and_changes_nothing(project, tmp_path, reading, reason):
    before = stored(project)
    spans = [{"start": ATTACKS[0], "end": ATTACKS[1], "label": "FIGURE", "attrs": {"figure": reading}}]
    other = dict(base_spans()[0], label="ENTITY")  # a new span that must not land either
    result = run("import", "--db", project, native(tmp_path / "bad.jsonl", [other, *spans]))
    assert result.exit_code == 1
    line = result.output.strip()
    assert "\n" not in line and line.startswith("error: ") and "bad.jsonl" in line and reason in line, line
    assert "Traceback" not in result.output
    assert stored(project) == before


@pytest.mark.parametrize("reading, reason", BAD_READINGS)
def test_reading_problem_names_the_fault(reading, reason):
    assert reason in reading_problem(reading)


def test_every_reading_of_the_phrase_set_passes_the_check():
    from tests.figure_phrases import ALL

    for phrase, *_ in ALL:
        figure = read_figure(phrase)
        if figure is not None:
            assert reading_problem(figure.to_dict()) is None, phrase


# -- brat ---------------------------------------------------------------------------------------


def brat_export(project: Path, out: Path) -> str:
    result = run("export", "--db", project, "--format", "brat", "-o", out)
    assert result.exit_code == 0, result.output
    return "".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.ann")))


def test_brat_carries_each_reading_as_a_note_people_can_read(project, tmp_path):
    ann = brat_export(project, tmp_path / "brat")
    notes = [line.split("\t") for line in ann.splitlines() if line.startswith("#")]
    shown = [note[2] for note in notes]
    assert any(s.startswith("figure: ≈ 3,000,000,000 USD {") for s in shown), shown
    assert any(s.startswith("figure: 60 × cyberattacks (edited) {") for s in shown), shown
    assert "share of the losses" in shown  # the reviewer's own note is still a note of its own
    assert len(notes) == 4  # three readings and one note; SPEAKER has none


def test_brat_round_trip_brings_readings_and_notes_back(project, tmp_path):
    brat_export(project, tmp_path / "brat")
    again = tmp_path / "again.annotator.db"
    result = run("import", "--db", again, tmp_path / "brat")
    assert result.exit_code == 0, result.output
    assert stored(again) == stored(project)


def test_a_brat_note_that_only_looks_like_a_reading_stays_a_note(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    fake = 'figure: about three {"value": "lots", "interval": [1, 2]}'
    (folder / "a.ann").write_text(
        f"T1\tFIGURE {AROUND[0]} {AROUND[1]}\taround $3 billion\n#1\tAnnotatorNotes T1\t{fake}\n"
        f"T2\tFIGURE {ATTACKS[0]} {ATTACKS[1]}\t58 cyberattacks\n#2\tAnnotatorNotes T2\tfigure: check this one\n",
        encoding="utf-8")
    db = tmp_path / "p.annotator.db"
    result = run("import", "--db", db, folder)
    assert result.exit_code == 0, result.output
    spans = stored(db)
    assert spans["around $3 billion"] == {"note": fake, "figure": read_figure("around $3 billion").to_dict()}
    assert spans["58 cyberattacks"]["note"] == "figure: check this one"
    assert spans["58 cyberattacks"]["figure"]["source"] == "auto"


# -- Label Studio --------------------------------------------------------------------------------


def test_label_studio_carries_readings_in_the_region_meta_and_back(project, tmp_path):
    out = tmp_path / "ls.json"
    assert run("export", "--db", project, "--format", "label-studio", "-o", out).exit_code == 0
    regions = {r["value"]["text"]: r for task in json.loads(out.read_text()) for a in task["annotations"]
               for r in a["result"] if r.get("type") == "labels"}
    assert regions["around $3 billion"]["meta"] == {"text": ["figure: ≈ 3,000,000,000 USD"],
                                                    "figure": read_figure("around $3 billion").to_dict()}
    assert regions["58 cyberattacks"]["meta"]["figure"] == EDITED
    assert regions["40%"]["meta"]["text"] == ["share of the losses", "figure: 40%"]
    assert "meta" not in regions["the panel"]
    again = tmp_path / "again.annotator.db"
    result = run("import", "--db", again, out)
    assert result.exit_code == 0, result.output
    assert stored(again) == stored(project)


def test_a_malformed_reading_in_label_studio_meta_is_refused_naming_the_line(project, tmp_path):
    out = tmp_path / "ls.json"
    assert run("export", "--db", project, "--format", "label-studio", "-o", out).exit_code == 0
    tasks = json.loads(out.read_text())
    region = next(r for r in tasks[0]["annotations"][0]["result"] if r.get("meta", {}).get("figure"))
    region["meta"]["figure"]["interval"] = [9, 1]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(tasks), encoding="utf-8")
    fresh = tmp_path / "fresh.annotator.db"
    result = run("import", "--db", fresh, bad)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {bad}, line 1: ") and "upside down" in result.output, result.output
    assert not fresh.exists() or stored(fresh) == {}


# -- the note's own round trip -------------------------------------------------------------------

readings = st.builds(
    lambda value, unit, counted, qualifier, period: edited(None, value=value, unit=unit, counted=counted,
                                                           qualifier=qualifier, period=period),
    st.one_of(st.integers(-10**15, 10**15), st.floats(-1e12, 1e12, allow_nan=False).filter(lambda v: v != 0)),
    st.sampled_from([None, "USD", "KRW", "EUR", "percent"]),
    st.one_of(st.none(), st.text(st.characters(min_codepoint=32, blacklist_categories=("Cs",)), min_size=1,
                                 max_size=30).filter(str.strip)),
    st.sampled_from([None, "approximately", "more_than", "at_most"]),
    st.sampled_from([None, "year", "day"]),
)


@settings(max_examples=200, deadline=None)
@given(readings)
def test_any_reading_survives_a_brat_note(reading):
    assert reading_problem(reading) is None
    note = figure_note(reading)
    assert "\n" not in note and "\t" not in note
    assert note.startswith("figure: " + describe(reading))
    assert parse_figure_note(note) == json.loads(json.dumps(reading))
