"""Issue 11, section 2 (the engine and the CLI): suggestions from figures, speakers and strings
tagged elsewhere, measured against hand-made golds of the seeds; rejections; bulk accept."""

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.cli import cli
from annotator.errors import EditError
from annotator.project import open_project
from annotator.store import SCHEMA_VERSION, Store
from annotator.suggest import (FIGURES, SPEAKERS, STRINGS, StringMatcher, Suggester, Suggestion, accept_all,
                               choose_labels, find_speakers, suggest_text)
from annotator.suggest import strings as strings_module

from .conftest import FIXTURES_DIR, SEEDS
from .strategies import TRICKY_PIECES

SPEAKER_GOLD = json.loads((FIXTURES_DIR / "suggest" / "seed_speakers.json").read_text(encoding="utf-8"))
FIGURE_LIST = json.loads((FIXTURES_DIR / "figures" / "seed_figures.json").read_text(encoding="utf-8"))
SEED_000 = "000_15135173df733d2c"
SEED_001 = "001_86bcf4922bea323b"


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def body(name: str) -> tuple[int, int]:
    text = seed_text(name)
    first, last = SPEAKER_GOLD["bodies"][name]
    return text.index(first), text.index(last)


def figure_gold(name: str) -> set[tuple[int, int]]:
    """The seeds' figures (tests/fixtures/figures/seed_figures.json lists them in text order),
    located in the text, those inside the article body."""
    text, pos, found = seed_text(name), 0, set()
    for phrase, *_ in FIGURE_LIST[name]:
        start = text.index(phrase, pos)
        found.add((start, start + len(phrase)))
        pos = start + len(phrase)
    lo, hi = body(name)
    return {(s, e) for s, e in found if lo <= s and e <= hi}


def precision_recall(found: set, gold: set) -> tuple[float, float]:
    hits = len(found & gold)
    return (hits / len(found) if found else 1.0), (hits / len(gold) if gold else 1.0)


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def seeded(project_path):
    with open_project(project_path, seed=True) as store:
        yield store


# --------------------------------------------------------------------------- targets on the seeds


@pytest.mark.parametrize("name", sorted(FIGURE_LIST))
def test_figure_suggestions_on_the_seed_bodies(seeded, name):
    doc_id = name.removesuffix(".txt")
    lo, hi = body(name)
    found = {(s.start, s.end) for s in Suggester(seeded, "alice", labels=["FIGURE"]).suggest(doc_id)
             if lo <= s.start and s.end <= hi}
    gold = figure_gold(name)
    assert len(gold) >= 7
    precision, recall = precision_recall(found, gold)
    assert recall >= 0.95 and precision >= 0.9, (precision, recall, sorted(found ^ gold))


def test_figure_suggestions_carry_their_reading(seeded):
    [s] = [s for s in Suggester(seeded, "alice", labels=["FIGURE"]).suggest(SEED_000) if s.text == "around $3 billion"]
    assert s.source == FIGURES and s.figure["value"] == 3_000_000_000 and s.figure["unit"] == "USD"
    assert s.figure["qualifier"] == "approximately" and s.attrs() == {"origin": "suggest/figures", "figure": s.figure}


@pytest.mark.parametrize("name", sorted(SPEAKER_GOLD["speakers"]))
def test_speaker_precision_on_the_seeds(seeded, name):
    text = seed_text(name)
    gold = {(s, e) for s, e, phrase in SPEAKER_GOLD["speakers"][name]}
    for s, e, phrase in SPEAKER_GOLD["speakers"][name]:
        assert text[s:e] == phrase  # the fixture still points into the seed
    found = {(s.start, s.end) for s in Suggester(seeded, "alice", labels=["SPEAKER"]).suggest(name.removesuffix(".txt"))}
    precision, recall = precision_recall(found, gold)
    assert precision >= 0.9, sorted((s, e, text[s:e]) for s, e in found - gold)
    assert recall >= 0.8, sorted((s, e, text[s:e]) for s, e in gold - found)


@pytest.mark.parametrize("text, expected", [
    ("“We will not yield,” said Kim Yo-jong on Tuesday.", ["Kim Yo-jong"]),
    ("“We will not yield,” the foreign minister told reporters.", ["the foreign minister"]),
    ("“It is over.” (Antonio Guterres, UN Secretary-General)", ["Antonio Guterres"]),
    ("According to the Ministry of Unification, 40 people left.", ["the Ministry of Unification"]),
    ("Prices rose, according to analysts and the central bank.", ["analysts"]),
    ("Meanwhile Park Jin said the talks would resume.", ["Park Jin"]),
    ("Choi, a spokesperson for the ministry, added that nothing had changed.", ["Choi"]),
    ("He said the talks would resume. They told reporters nothing.", []),  # pronouns are never offered
    ("The bridge said nothing; the river ran.", []),  # not a name nor a role
    ("North Korea launched a missile on Tuesday.", []),  # no speech verb
    ("Annotation notes\n\nCNN reports that talks resumed.", ["CNN"]),  # a heading's noun is no verb
    # A title is not part of the name; a role with its determiner keeps it.
    ("“This is clear,” Japanese Prime Minister Fumio Kishida told reporters.", ["Fumio Kishida"]),
    ("U.S. Secretary of State Antony Blinken said. The Prime Minister said so.", ["Antony Blinken", "The Prime Minister"]),
    ("Unification Minister Kim Yung-ho said. The State Department said.", ["Kim Yung-ho", "The State Department"]),
    # A role phrase never runs across a sentence end.
    ("Critics claimed the drills were provocative. The report, released by the ministry, noted a rise.",
     ["Critics", "The report"]),
    ("A senior U.S. official, speaking on condition of anonymity, said talks resumed.", ["A senior U.S. official"]),
    ("North Korea fired a missile, South Korea’s military said on Wednesday.", ["South Korea’s military"]),
])
def test_speaker_attribution_patterns(text, expected):
    assert [text[s:e] for s, e in find_speakers(text)] == expected


# --------------------------------------------------------------------------- string matching


def occurrences(text: str, phrase: str) -> list[int]:
    return [m.start() for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)]


def test_string_matching_after_tagging_one_occurrence(seeded):
    text = seeded.document(SEED_000).text
    first = text.index("North Korea’s")
    seeded.add_span(SEED_000, "alice", first, first + len("North Korea"), "ENTITY")
    found = [s for s in Suggester(seeded, "alice").suggest(SEED_000) if s.source == STRINGS]
    starts = [s.start for s in found if s.text == "North Korea"]
    assert starts == [i for i in occurrences(text, "North Korea") if i != first] and len(starts) >= 6
    assert all(s.label == "ENTITY" and s.text == text[s.start:s.end] for s in found)
    assert "North Korean" in text  # present, and never offered inside it: whole words only
    assert all(text[s.end].isalnum() is False for s in found if s.end < len(text))
    # Across documents: seed 001 gets them too, from the project's tags.
    other = [s for s in Suggester(seeded, "alice").suggest(SEED_001) if s.source == STRINGS]
    assert len(other) == len(occurrences(seeded.document(SEED_001).text, "North Korea"))


def test_the_label_given_most_the_reviewers_own_first():
    tagged = [("bob", "SPEAKER", "Hwang"), ("carol", "SPEAKER", "Hwang"), ("dave", "ENTITY", "Hwang"),
              ("bob", "ENTITY", "UN"), ("bob", "ENTITY", " padded "), ("bob", "ENTITY", "$")]
    assert choose_labels(tagged, "alice") == {"Hwang": "SPEAKER", "UN": "ENTITY"}
    assert choose_labels(tagged + [("alice", "ENTITY", "Hwang")], "alice")["Hwang"] == "ENTITY"
    assert choose_labels([("b", "SPEAKER", "X1"), ("c", "ENTITY", "X1")], "a") == {"X1": "ENTITY"}  # tie: by name


@pytest.mark.parametrize("automaton", [True, False])
def test_whole_words_case_and_sentence_starts(automaton):
    if automaton:
        import ahocorasick  # noqa: F401 -- a dependency: missing is a failure, not a skip
    matcher = StringMatcher({"Korea": "ENTITY", "Kim": "SPEAKER", "the ambassador": "SPEAKER", "$1 billion": "FIGURE"},
                            use_automaton=automaton)
    text = "Korean Korea. kim Kim Kimchi. The ambassador met the ambassadors; $1 billion, $1 billions; Korea_x"
    found = [(text[s:e], label) for s, e, label, _ in matcher.find(text)]
    assert found == [("Korea", "ENTITY"), ("Kim", "SPEAKER"), ("The ambassador", "SPEAKER"),
                     ("$1 billion", "FIGURE")]


def test_leftmost_longest_and_a_shorter_whole_word_match():
    import ahocorasick  # noqa: F401 -- a dependency: missing is a failure, not a skip
    labels = {"North Korea": "ENTITY", "North Korean Mission": "ENTITY", "North": "ENTITY", "Korea Herald": "ENTITY"}
    text = "The North Korean Mission and North Koreans read the Korea Heralds and North Korea Herald."
    for automaton in (True, False):
        found = [text[s:e] for s, e, *_ in StringMatcher(labels, use_automaton=automaton).find(text)]
        assert found == ["North Korean Mission", "North", "North Korea"], automaton


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TRICKY_PIECES + ["Korea", "Korean", " said ", "“", "”", ",", "Kim", "the "]),
                min_size=1, max_size=60).map("".join), st.data())
def test_automaton_and_fallback_agree(text, data):
    import ahocorasick  # noqa: F401 -- a dependency: missing is a failure, not a skip
    pieces = data.draw(st.lists(st.sampled_from(["Korea", "Kim", "Hwang", "$1 billion", "40%", "한국", "a", "the ",
                                                 "😀", "Korean", "e\u0301"]), max_size=6))
    labels = {p: "ENTITY" for p in pieces}
    assert StringMatcher(labels, use_automaton=True).find(text) == StringMatcher(labels, use_automaton=False).find(text)


# --------------------------------------------------------------------------- what is left out


def test_existing_overlapping_and_rejected_spans_are_left_out(seeded):
    text = seeded.document(SEED_000).text
    labels = ["FIGURE", "SPEAKER"]  # alice's ENTITY span below would seed string matches of its own
    every = Suggester(seeded, "alice", labels=labels).suggest(SEED_000)
    three = next(s for s in every if s.text == "around $3 billion")
    forty = next(s for s in every if s.text == "40%")
    hwang = next(s for s in every if s.text == "Hwang")
    seeded.add_span(SEED_000, "alice", three.start, three.end, "FIGURE")  # the same span
    seeded.add_span(SEED_000, "alice", forty.start, forty.end + 5, "FIGURE")  # an overlapping one
    seeded.add_span(SEED_000, "alice", hwang.start, hwang.end, "ENTITY")  # same offsets, other label
    left = Suggester(seeded, "alice", labels=labels).suggest(SEED_000)
    assert three not in left and forty not in left and hwang in left
    assert len(left) == len(every) - 2
    # Another reviewer's work does not hide suggestions from alice.
    assert Suggester(seeded, "bob", labels=labels).suggest(SEED_000) == every
    assert all(s.text == text[s.start:s.end] for s in left)


def test_a_long_span_over_short_ones_still_blocks_what_it_covers():
    text = "He paid $5 million and $7 million in 2020, then $9 million."
    existing = [(0, 40, "FIGURE"), (8, 18, "FIGURE")]  # nested, as a reviewer may leave them
    left = suggest_text("d", text, existing=existing, sources=[FIGURES])
    assert [s.text for s in left] == ["$9 million"]


def test_rejections_persist_across_reopen(project_path):
    with open_project(project_path, seed=True) as store:
        [first, *rest] = Suggester(store, "alice", labels=["SPEAKER"]).suggest(SEED_000)
        store.reject_suggestion(SEED_000, "alice", first.start, first.end, first.label)
        store.reject_suggestion(SEED_000, "alice", first.start, first.end, first.label)  # again: no error
        with pytest.raises(EditError):
            store.reject_suggestion("no-such-doc", "alice", 0, 1, "SPEAKER")
    with Store(project_path) as store:
        assert store.rejections(SEED_000, "alice") == {first.key()}
        assert store.rejections(SEED_000, "bob") == set()
        assert Suggester(store, "alice", labels=["SPEAKER"]).suggest(SEED_000) == rest
        assert first in Suggester(store, "bob", labels=["SPEAKER"]).suggest(SEED_000)  # rejections are per reviewer
        store.forget_rejection(SEED_000, "alice", first.start, first.end, first.label)
        assert Suggester(store, "alice", labels=["SPEAKER"]).suggest(SEED_000)[0] == first


def test_a_project_from_before_rejections_opens_and_gets_the_table(project_path):
    open_project(project_path, seed=True).close()
    conn = sqlite3.connect(project_path)  # as the previous version left it
    conn.execute("DROP TABLE suggest_rejections")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'suggest_rejections'")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with Store(project_path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        store.reject_suggestion(SEED_000, "alice", 0, 5, "SPEAKER")
        assert store.rejections(SEED_000, "alice") == {(0, 5, "SPEAKER")}
        assert len(store.document_ids()) == 2


# --------------------------------------------------------------------------- accepting


def test_accept_all_is_one_transaction(seeded):
    found = Suggester(seeded, "alice").suggest(SEED_000)
    statements = []
    seeded.db.conn.set_trace_callback(statements.append)
    try:
        assert accept_all(seeded, "alice", found) == len(found)
    finally:
        seeded.db.conn.set_trace_callback(None)
    assert [s for s in statements if s.split()[0] in ("BEGIN", "COMMIT", "ROLLBACK")] == ["BEGIN IMMEDIATE", "COMMIT"]
    assert accept_all(seeded, "alice", found + found[:3]) == 0  # what the reviewer has is not added again
    assert len(seeded.spans(SEED_000, "alice")) == len(found)
    # One bad suggestion: nothing at all is stored.
    bad = Suggestion(SEED_001, 0, 10**7, "ENTITY", "x", STRINGS)
    good = Suggester(seeded, "alice").suggest(SEED_001)
    with pytest.raises(EditError):
        accept_all(seeded, "alice", [*good, bad])
    assert seeded.spans(SEED_001, "alice") == []


def test_cli_accept_stores_spans_with_their_origin_and_twice_adds_nothing(project_path):
    with open_project(project_path, seed=True) as store:
        text = store.document(SEED_000).text
        i = text.index("North Korea")
        store.add_span(SEED_000, "bob", i, i + len("North Korea"), "ENTITY")
    first = run("suggest", "--db", project_path, "--annotator", "alice", "--accept")
    assert first.exit_code == 0, first.stderr
    added = int(re.match(r"(\d+) span\(s\) added for alice in 2 document\(s\)", first.stdout).group(1))
    with Store(project_path) as store:
        spans = store.spans(SEED_000, "alice") + store.spans(SEED_001, "alice")
        assert len(spans) == added > 40
        assert {s.attrs["origin"] for s in spans} == {"suggest/figures", "suggest/speakers", "suggest/strings"}
        assert all(("figure" in s.attrs) == (s.label == "FIGURE") for s in spans)
        before = sorted((s.start, s.end, s.label) for s in spans)
    again = run("suggest", "--db", project_path, "--annotator", "alice", "--accept")
    assert again.exit_code == 0 and again.stdout.startswith("0 span(s) added"), again.stdout
    with Store(project_path) as store:
        after = sorted((s.start, s.end, s.label) for s in store.spans(SEED_000, "alice") + store.spans(SEED_001, "alice"))
    assert after == before
    assert run("suggest", "--db", project_path, "--annotator", "alice", "--json").stdout == ""


def test_cli_json_shape(project_path):
    with open_project(project_path, seed=True) as store:
        texts = {d: store.document(d).text for d in store.document_ids()}
    result = run("suggest", "--db", project_path, "--annotator", "alice", "--json", "--docs", SEED_001)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and {r["doc"] for r in rows} == {SEED_001}
    for r in rows:
        keys = {"doc", "start", "end", "label", "text", "source"}
        assert set(r) == (keys | {"figure"} if r["source"] == "figures" else keys)
        assert r["text"] == texts[r["doc"]][r["start"]:r["end"]]
    assert {r["source"] for r in rows} == {"figures", "speakers"}
    only = run("suggest", "--db", project_path, "--annotator", "alice", "--json", "--labels", "SPEAKER")
    assert {json.loads(line)["label"] for line in only.stdout.splitlines()} == {"SPEAKER"}
    plain = run("suggest", "--db", project_path, "--annotator", "alice")
    assert plain.exit_code == 0 and len(plain.stdout.splitlines()) > len(rows)
    assert re.fullmatch(r"\d+ suggestion\(s\) for alice in 2 document\(s\) \(FIGURE \d+, SPEAKER \d+\)\n", plain.stderr)


def test_cli_quiet_prints_nothing_and_still_accepts(project_path):
    open_project(project_path, seed=True).close()
    result = run("suggest", "--db", project_path, "--annotator", "alice", "--accept", "--quiet")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    with Store(project_path) as store:
        assert len(store.spans(SEED_000, "alice")) > 10


def test_cli_refuses_unknown_documents_and_labels_without_writing(project_path):
    open_project(project_path, seed=True).close()
    for args, message in ((["--docs", "nope"], "no document with id 'nope'"), (["--labels", "FOO"], "no label named 'FOO'")):
        result = run("suggest", "--db", project_path, "--accept", *args)
        assert result.exit_code == 1 and result.stderr.startswith("error: ") and message in result.stderr
        assert len(result.stderr.splitlines()) == 1
    with Store(project_path) as store:
        assert store.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 0
    missing = project_path.parent / "typo.annotator.db"
    assert run("suggest", "--db", missing).exit_code == 1 and not missing.exists()


# --------------------------------------------------------------------------- any text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TRICKY_PIECES + ["“Yes,” said Kim.", " according to the ministry", "$3 billion",
                                                 "about 40% of", "Korea", "4.3조", "(Kim, envoy)"]),
                min_size=1, max_size=50).map("".join), st.data())
def test_suggestion_offsets_are_valid_on_any_text(text, data):
    tagged = data.draw(st.lists(st.sampled_from(["Korea", "Kim", "Hwang", "$1 billion", "😀", "한국", "e\u0301", "aa"]),
                                max_size=4))
    matcher = StringMatcher({t: "ENTITY" for t in tagged})
    found = suggest_text("d", text, matcher=matcher)
    for s in found:
        assert 0 <= s.start < s.end <= len(text) and s.text == text[s.start:s.end]
    for label in {s.label for s in found}:
        mine = sorted((s.start, s.end) for s in found if s.label == label)
        assert all(a[1] <= b[0] for a, b in zip(mine, mine[1:]))  # one label's offers never overlap


def test_the_fallback_is_used_without_the_package(monkeypatch):
    monkeypatch.setattr(strings_module, "ahocorasick", None)
    matcher = StringMatcher({"Korea": "ENTITY"})
    assert matcher._automaton is None and [m[:2] for m in matcher.find("Korea, Korean, Korea")] == [(0, 5), (15, 20)]


# --------------------------------------------------------------------------- articles beyond the seeds

ARTICLES = Path(__file__).parent / "fixtures" / "suggest" / "articles"
ARTICLE_GOLD = json.loads((ARTICLES.parent / "articles_gold.json").read_text(encoding="utf-8"))["articles"]


@pytest.mark.parametrize("name", sorted(ARTICLE_GOLD))
@pytest.mark.parametrize("label, min_precision, min_recall", [("FIGURE", 0.9, 0.95), ("SPEAKER", 0.9, 0.8)])
def test_suggestions_on_articles_beyond_the_seeds(name, label, min_precision, min_recall):
    text = (ARTICLES / name).read_text(encoding="utf-8")
    gold = ARTICLE_GOLD[name]
    for start, end, phrase in gold[label] + gold["optional"]:
        assert text[start:end] == phrase  # the fixture still points into its article
    optional = {(s, e) for s, e, _ in gold["optional"]}
    found = {(s.start, s.end) for s in suggest_text(name, text, labels=[label])} - optional
    precision, recall = precision_recall(found, {(s, e) for s, e, _ in gold[label]})
    assert precision >= min_precision and recall >= min_recall, (
        precision, recall, sorted((s, e, text[s:e]) for s, e in found ^ {(s, e) for s, e, _ in gold[label]}))
