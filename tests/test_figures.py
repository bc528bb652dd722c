"""Issue 11, section 1: figure normalisation (``annotator.figures``) and ``annotator figure``."""

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.cli import cli
from annotator.figures import describe, edited, figure_attrs, find_figures, no_reading, overlap, read_figure

from . import figure_phrases as fp
from .strategies import tricky_text

FIELDS = ("value", "unit", "counted", "qualifier", "period", "upper")


def reading(phrase):
    figure = read_figure(phrase)
    if figure is None:
        return (None,) * 6
    d = figure.to_dict()
    return tuple(d[f] for f in FIELDS)


def test_the_phrase_table_is_broad():
    assert len(fp.ALL) >= 200
    assert len({row[0] for row in fp.ALL}) == len(fp.ALL), "a phrase is listed twice"


@pytest.mark.parametrize("row", fp.ALL, ids=[row[0] or "empty" for row in fp.ALL])
def test_phrase_reads_exactly_right(row):
    phrase, *expected = row
    assert reading(phrase) == tuple(expected)


def test_accuracy_on_the_phrase_table_is_at_least_95_percent(capsys):
    wrong = [row[0] for row in fp.ALL if reading(row[0]) != tuple(row[1:])]
    accuracy = 1 - len(wrong) / len(fp.ALL)
    with capsys.disabled():
        print(f"\nfigure phrases read exactly right: {len(fp.ALL) - len(wrong)}/{len(fp.ALL)} ({accuracy:.1%})")
    assert accuracy >= 0.95, wrong


@pytest.mark.parametrize("row", fp.SEEDS, ids=[row[0] for row in fp.SEEDS])
def test_seed_examples_read_right(row):
    phrase, *expected = row
    assert reading(phrase) == tuple(expected)


def test_the_issue_example_reading_whole():
    assert read_figure("around $3 billion").to_dict() == {
        "value": 3000000000, "unit": "USD", "counted": None, "qualifier": "approximately", "period": None,
        "upper": None, "interval": [2850000000, 3150000000], "source": "auto"}


# ------------------------------------------------------------------------------------ intervals

@pytest.mark.parametrize("phrase, interval", [
    ("$3.129 billion", [3_128_500_000, 3_129_500_000]),  # ± half a unit of the last digit
    ("$1.7 billion", [1_650_000_000, 1_750_000_000]),
    ("$429 million", [428_500_000, 429_500_000]),
    ("$3 billion", [2_850_000_000, 3_150_000_000]),  # a round figure: at most ± 5%
    ("58 cyberattacks", [57.5, 58.5]),
    ("approximately $6 billion", [5_700_000_000, 6_300_000_000]),
    ("more than 50 member states", [50, 100]),
    ("over a billion dollars annually", [1_000_000_000, 2_000_000_000]),
    ("less than 5%", [2.5, 5]),
    ("up to $5 million", [2_500_000, 5_000_000]),
    ("between $2 billion and $3 billion", [2_000_000_000, 3_000_000_000]),
    ("about 2 to 3 million", [1_900_000, 3_150_000]),
    ("1.0 million", [950_000, 1_050_000]),
])
def test_intervals_follow_the_documented_rule(phrase, interval):
    assert read_figure(phrase).interval == tuple(interval)


def test_intervals_make_the_comparisons_the_issue_asks_for():
    assert overlap(read_figure("more than 50 member states"), read_figure("about 53 member states"))
    assert not overlap(read_figure("around $3 billion"), read_figure("approximately $6 billion"))
    assert overlap(read_figure("approximately $750 million"), read_figure("more than $750 million"))
    assert not overlap(read_figure("$1 billion"), read_figure("₩1 trillion"))  # different units
    assert not overlap(read_figure("$1 billion a year"), read_figure("$1 billion"))  # different periods
    assert overlap(read_figure("$1.7 billion"), read_figure("between $1 billion and $2 billion"))


# -------------------------------------------------------------------------- attrs and edits

def test_figure_attrs_adds_the_reading_to_a_figure_span_only():
    attrs = figure_attrs("FIGURE", "around $3 billion", {"origin": "x"})
    assert attrs["origin"] == "x" and attrs["figure"] == read_figure("around $3 billion").to_dict()
    assert figure_attrs("ENTITY", "around $3 billion", {}) == {}
    assert figure_attrs("FIGURE", "North Korea", None)["figure"] == no_reading()


def test_automatic_readings_never_overwrite_an_edited_one():
    corrected = edited(read_figure("around $3 billion").to_dict(), value=4_000_000_000)
    assert corrected["source"] == "edited" and corrected["interval"] == [3_800_000_000, 4_200_000_000]
    attrs = {"figure": corrected}
    assert figure_attrs("FIGURE", "58 cyberattacks", attrs) == attrs
    assert figure_attrs("ENTITY", "58 cyberattacks", attrs) == attrs  # a relabel keeps the reviewer's word


def test_an_automatic_reading_follows_the_text_and_the_label():
    attrs = figure_attrs("FIGURE", "58 cyberattacks", {})
    assert figure_attrs("FIGURE", "58", attrs)["figure"]["counted"] is None  # boundary moved
    assert "figure" not in figure_attrs("SPEAKER", "58", attrs)


def test_edited_checks_its_fields():
    with pytest.raises(ValueError):
        edited(None, qualifier="roughly")
    with pytest.raises(ValueError):
        edited(None, value="3")
    with pytest.raises(ValueError):
        edited(None, colour="red")
    assert edited(None, value=None)["interval"] is None


def test_describe():
    assert describe(read_figure("around $3 billion")) == "≈ 3,000,000,000 USD"
    assert describe(read_figure("more than 50 member states")) == "> 50 × member states"
    assert describe(read_figure("58 cyberattacks")) == "58 × cyberattacks"
    assert describe(read_figure("over a billion dollars annually")) == "> 1,000,000,000 USD a year"
    assert describe(read_figure("40%")) == "40%"
    assert describe(read_figure("$2–3 billion")) == "2,000,000,000–3,000,000,000 USD"
    assert describe(None) == "not a figure"


# ------------------------------------------------------------------------------- properties

@given(st.integers(0, 10**15))
def test_any_integer_with_thousands_separators_reads_back(n):
    assert read_figure(f"{n:,}").value == n
    assert read_figure(f"${n:,}").to_dict()["unit"] == "USD"


@given(st.integers(1000, 10**15))
def test_any_integer_in_euro_style_reads_back(n):
    text = f"{n:,}".replace(",", ".")
    assert read_figure(f"€{text}").value == n  # no currency is quoted to a thousandth
    expected = n if text.count(".") >= 2 else Decimal(text)  # without a currency "1.200" is one point two
    assert Decimal(str(read_figure(text).value)) == expected


SCALE_WORDS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "bn": 10**9,
               "mn": 10**6, "k": 10**3}


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal(999), places=3), st.sampled_from(sorted(SCALE_WORDS)),
       st.sampled_from(["", "$", "€", "£"]))
def test_scaled_amounts_read_fully_scaled(number, scale, sign):
    text = f"{sign}{number.normalize():f} {scale}"
    figure = read_figure(text)
    assert Decimal(str(figure.value)) == number * SCALE_WORDS[scale]
    low, high = figure.interval
    assert low <= figure.value <= high


_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def spelled(n: int) -> str:
    """English words for 0 <= n < 10**9, written independently of the module under test."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10 - 2] + ("-" + _UNITS[n % 10] if n % 10 else "")
    if n < 1000:
        return _UNITS[n // 100] + " hundred" + (" and " + spelled(n % 100) if n % 100 else "")
    for size, name in ((10**6, "million"), (10**3, "thousand")):
        if n >= size:
            return spelled(n // size) + " " + name + (" " + spelled(n % size) if n % size else "")
    raise AssertionError(n)


@given(st.integers(0, 10**9 - 1))
def test_numbers_in_words_read_back(n):
    assert read_figure(spelled(n)).value == n


@given(st.integers(1, 9999), st.integers(0, 9999), st.sampled_from(["", " 원", "원"]))
def test_korean_compounds_read_back(eok, man, won):
    text = f"{eok}억" + (f"{man}만" if man else "") + won
    figure = read_figure(text)
    assert figure.value == eok * 10**8 + man * 10**4 and figure.unit == "KRW"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), tricky_text,
                 st.lists(st.sampled_from(["$", "3", ",", "000", " billion", "about ", "조", "억", "2", ".",
                                           "%", " people", " 2023", "-", "–", " to ", "만", " 원", " a year",
                                           "between ", " and ", "one ", "twenty", "March ", "\n"]),
                          max_size=20).map("".join)))
def test_detector_never_raises_and_its_offsets_read_back(text):
    read_figure(text)
    last = 0
    for start, end, figure in find_figures(text):
        assert last <= start < end <= len(text)
        last = end
        assert text[start:end] == text[start:end].strip()
        again = read_figure(text[start:end])
        assert again is not None and again.to_dict() == figure.to_dict(), text[start:end]


# --------------------------------------------------------------------------------- the seeds

def test_find_figures_on_the_seeds_matches_the_hand_made_list():
    from .conftest import SEEDS

    for name, expected in _gold().items():
        text = (SEEDS / name).read_text(encoding="utf-8")
        found = [(text[s:e], f.value, f.unit, f.qualifier) for s, e, f in find_figures(text)]
        assert found == [tuple(x) for x in expected], name


def _gold():
    from pathlib import Path

    return json.loads((Path(__file__).parent / "fixtures" / "figures" / "seed_figures.json").read_text(encoding="utf-8"))


def test_no_years_or_dates_are_found():
    text = ("On April 4, 2024 (Apr. 05, 2024 8:05 PM GMT+9) the report covered 2017 to 2023; in 2022 and "
            "since 2019, on 2024-03-03 and 12/05/2023, in the 1990s, the 4th of this month, 2024년 3월 5일.")
    assert find_figures(text) == []


def test_number_words_after_quotes_and_signs_are_found():
    text = "“Twelve people”, ₩two hundred, «three billion dollars», café one"
    found = [text[s:e] for s, e, _ in find_figures(text)]
    assert found == ["Twelve people", "₩two hundred", "three billion dollars"]


def test_the_detector_skips_bare_numbers_and_durations():
    text = "Part 2. Comments0 300 the UN 1718 Committee, over the past six years, 3년간, one of the KF-21 jets."
    assert find_figures(text) == []


# --------------------------------------------------------------------------------------- CLI

def test_cli_prints_one_line_per_phrase():
    result = CliRunner().invoke(cli, ["figure", "around $3 billion", "no figure here"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "around $3 billion: ≈ 3,000,000,000 USD  [2,850,000,000 – 3,150,000,000]", "no figure here: not a figure"]


def test_cli_json_through_a_subprocess():
    proc = subprocess.run([sys.executable, "-m", "annotator", "figure", "--json", "4.3조", "more than 50 member states",
                           "hello"], capture_output=True, text=True, timeout=120, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [x["text"] for x in lines] == ["4.3조", "more than 50 member states", "hello"]
    assert lines[0]["value"] == 4_300_000_000_000 and lines[0]["unit"] == "KRW"
    assert lines[1]["counted"] == "member states" and lines[1]["qualifier"] == "more_than"
    assert lines[2]["value"] is None and lines[2]["source"] == "auto"
    assert set(lines[0]) == {"text", "value", "unit", "counted", "qualifier", "period", "upper", "interval", "source"}


def test_other_commands_do_not_pay_for_the_patterns():
    code = "import sys, annotator.cli; print('annotator.figures' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "False", proc.stderr


def test_cli_reads_phrases_from_stdin_and_has_help():
    result = CliRunner().invoke(cli, ["figure", "--json", "-"], input="40%\n\n58 cyberattacks\n")
    assert result.exit_code == 0
    assert [json.loads(x)["value"] for x in result.stdout.splitlines()] == [40, 58]
    assert "PHRASE" in CliRunner().invoke(cli, ["figure", "-h"]).stdout
    assert CliRunner().invoke(cli, ["figure"]).exit_code == 2
    assert CliRunner().invoke(cli, ["figure", "--", "-5%"]).stdout.startswith("-5%: -5%")
