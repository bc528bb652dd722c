"""The same annotated seed article through every format and back yields the same spans."""

import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.edits import AddSpan, EditLog
from annotator.project import open_project

SEED = "000_15135173df733d2c"
# Token-aligned and not overlapping, so that every format (CoNLL included) can carry all of them.
TAGS = [("Hwang Joon-kook", "SPEAKER"), ("South Korea", "ENTITY"), ("40%", "FIGURE"),
        ("North Korea", "ENTITY"), ("U.N. expert report", "SPEAKER")]
CLAIM_TEXT = "state-sponsored hacking activities fund 40% of the country’s weapons of mass destruction program"
WHERE = {"jsonl": "out.jsonl", "doccano": "out.jsonl", "spacy": "out.jsonl", "label-studio": "out.json",
         "brat": "brat-out", "conll": "out.conll"}
CARRY_CLAIMS = {"jsonl", "doccano", "label-studio", "brat"}


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def annotated(tmp_path):
    db = tmp_path / "source.annotator.db"
    store = open_project(db, seed=True)
    text = store.document(SEED).text
    log = EditLog(store)
    for words, label in TAGS:
        # "North Korea" first occurs inside "North Korean"; take the first whole-word occurrence.
        start = text.index(words + ",") if words == "North Korea" else text.index(words)
        log.do(AddSpan(SEED, "alice", start, start + len(words), label))
    store.close()
    return db


def spans_of(db, annotator="alice"):
    store = open_project(db)
    out = set()
    for item in store.annotated_documents(annotator=annotator):
        if "Hwang" in item.document.text:
            out |= {(item.document.text[s.start:s.end], s.label) for s in item.spans}
    store.close()
    return out


@pytest.mark.parametrize("fmt", sorted(WHERE))
def test_every_format_round_trips_the_seed_spans(annotated, tmp_path, fmt):
    out = tmp_path / WHERE[fmt]
    run("export", "--db", annotated, "--format", fmt, "--annotator", "alice", "-o", out)
    fresh = tmp_path / "fresh.annotator.db"
    run("import", out, "--db", fresh, "--format", fmt, "--annotator", "alice")
    expected = {(w, lab) for w, lab in TAGS}
    assert spans_of(annotated) == expected
    back = spans_of(fresh)
    if fmt == "conll":
        # CoNLL keeps tokens, not the text: it comes back with one space between tokens.
        back = {("".join(w.split()), lab) for w, lab in back}
        expected = {("".join(w.split()), lab) for w, lab in expected}
    assert back == expected


@pytest.mark.parametrize("fmt", sorted(CARRY_CLAIMS))
def test_formats_that_carry_claims_bring_them_back(tmp_path, fmt):
    db = tmp_path / "source.annotator.db"
    store = open_project(db, seed=True)
    text = store.document(SEED).text
    log = EditLog(store)
    claim = log.do(AddSpan(SEED, "alice", text.index(CLAIM_TEXT), text.index(CLAIM_TEXT) + len(CLAIM_TEXT), "CLAIM", new_claim=True))
    for words, label in [("U.N. expert report", "SPEAKER"), ("40%", "FIGURE")]:
        start = text.index(words)
        log.do(AddSpan(SEED, "alice", start, start + len(words), label, join_claim=claim.created_claim))
    store.close()
    out = tmp_path / WHERE[fmt]
    run("export", "--db", db, "--format", fmt, "--annotator", "alice", "-o", out)
    fresh = tmp_path / "fresh.annotator.db"
    run("import", out, "--db", fresh, "--format", fmt, "--annotator", "alice")
    back = open_project(fresh)
    doc = next(d for d in back.document_ids() if "Hwang" in back.document(d).text)
    doc_text = back.document(doc).text
    by_id = {s.id: s for s in back.spans(doc, "alice")}
    [stored] = back.claims(doc, "alice")
    assert doc_text[by_id[stored.span_id].start:by_id[stored.span_id].end] == CLAIM_TEXT
    assert sorted(doc_text[by_id[m].start:by_id[m].end] for m in stored.members) == ["40%", "U.N. expert report"]
    back.close()
