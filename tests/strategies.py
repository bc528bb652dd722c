"""Hypothesis strategies for text that has broken other annotation tools' offsets."""

from hypothesis import strategies as st

TRICKY_PIECES = [
    "a", "Z", " ", "  ", ".", ",", "\n", "\r\n", "\u00a0", "\t",
    "😀", "👩‍👩‍👧", "🇰🇷", "👍🏽",  # astral, ZWJ sequence, flag, skin tone
    "北", "한국", "𠜎",  # CJK, Hangul, CJK extension B (astral)
    "مرحبا", "שלום",  # right-to-left
    "e\u0301", "n\u0303", "\u0301",  # combining marks
    "Hwang", "$1 billion", "40%",
]

tricky_text = st.lists(st.sampled_from(TRICKY_PIECES), min_size=1, max_size=40).map("".join)


@st.composite
def text_and_range(draw, min_len: int = 1):
    text = draw(tricky_text.filter(lambda t: len(t) >= min_len))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


# Pasted web text: long runs with no line break at all (now and then a line break), for display blocks.
LINE_PIECES = [p for p in TRICKY_PIECES if p not in ("\n", "\r\n")] + ["Hwang said. ", "北京。", "“Yes.” "]
long_line_text = st.lists(st.sampled_from(LINE_PIECES * 8 + ["\r\n", "\n"]), min_size=1, max_size=120).map("".join)
