"""The tokenizer the token-based formats (spaCy, CoNLL) share."""

from hypothesis import given
from hypothesis import strategies as st

from annotator.formats.spacy import spacy_tokens
from annotator.formats.tokenize import Aligner, tokenize


def texts(text):
    return [token.text for token in tokenize(text)]


def test_splits_punctuation_and_keeps_numbers():
    assert texts('He said: "3.5 million, 1,000 at 10:30." OK?') == [
        "He", "said", ":", '"', "3.5", "million", ",", "1,000", "at", "10:30", ".", '"', "OK", "?",
    ]


def test_keeps_emoji_sequences_flags_and_combining_marks_whole():
    family = "\U0001F469\u200d\U0001F469\u200d\U0001F467"
    thumbs = "\U0001F44D\U0001F3FD"
    flags = "\U0001F1F0\U0001F1F7\U0001F1EF\U0001F1F5"
    decomposed = "e\u0301te\u0301"
    keycap = "1\ufe0f\u20e3"
    assert texts(f"{family} {thumbs}! {flags} {decomposed} {keycap}") == [
        family, thumbs, "!", flags[:2], flags[2:], decomposed, keycap,
    ]


def test_cjk_is_one_token_per_character():
    assert texts("习近平说：好。") == ["习", "近", "平", "说", "：", "好", "。"]


def test_crlf_is_whitespace():
    assert texts("a\r\nb") == ["a", "b"]


def test_aligner():
    tokens = tokenize("Hello, big world")
    aligner = Aligner(tokens)
    assert aligner.align(0, 5) == (0, 0)
    assert aligner.align(7, 16) == (2, 3)
    assert aligner.align(1, 5) is None  # starts inside a token
    assert aligner.align(5, 7) is None  # ends on whitespace


ALPHABET = st.sampled_from(
    ["a", "Z", "é", "e\u0301", " ", "  ", "\n", "\r\n", "\t", ".", ",", "'", "-", "3", "习", "平",
     "\U0001F469\u200d\U0001F467", "\U0001F1F0\U0001F1F7", "\U0001F44D\U0001F3FD", "\u200b", "\ufe0f"]
)


@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_tokens_are_ordered_non_empty_and_never_hold_whitespace(text):
    previous_end = 0
    for token in tokenize(text):
        assert previous_end <= token.start < token.end
        assert token.text == text[token.start : token.end]
        assert not any(ch.isspace() for ch in token.text)
        previous_end = token.end
    # everything that is not a token is whitespace
    covered = set()
    for token in tokenize(text):
        covered.update(range(token.start, token.end))
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_spacy_tokens_and_ws_rebuild_the_text(text):
    rebuilt = "".join(t["text"] + (" " if t["ws"] else "") for t in spacy_tokens(text))
    assert rebuilt == text
