"""Seeded generator of news-like articles with nested SPEAKER/FIGURE/ENTITY/CLAIM spans and claims.

Used by ``bench/run.py``. Offsets are code points (Python ``str`` indices), end-exclusive, as in
the project file. The text has paragraphs of ~400-800 characters separated by a blank line, curly
quotes and apostrophes, and now and then an emoji (an astral character: two Qt positions).
``one_line=True`` gives pasted web text instead: the same paragraphs run together on one line
(joined by a space), with now and then a sentence in Chinese (no spaces, full-width stops).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST = ("Hwang", "Maria", "Kuksung", "Olena", "James", "Aiko", "Pedro", "Fatima", "Lars", "Chen",
         "Amara", "Dmitri", "Sofia", "Rahul", "Ingrid", "Kwame", "Yuki", "Elena", "Omar", "Nadia")
LAST = ("Joon-kook", "Fernández", "Nam", "Kovalenko", "Whitfield", "Tanaka", "Almeida", "Haddad",
        "Lindqvist", "Wei", "Okafor", "Volkov", "Rossi", "Mehta", "Berg", "Mensah", "Sato", "Petrova")
ROLES = ("the ambassador", "a spokesperson", "the minister", "a senior analyst", "the director",
         "the chief economist", "a researcher", "the mayor", "an official", "the commissioner")
ENTITIES = ("the United Nations", "North Korea", "the European Commission", "the IMF", "Lazarus Group",
            "the Ministry of Finance", "Interpol", "the World Bank", "South Korea’s NIS", "OPEC",
            "the Federal Reserve", "Médecins Sans Frontières", "the African Union", "NATO")
FIGURES = ("$3 billion", "58 cyberattacks", "12.5%", "1,200 people", "€4.7 million", "about 40 percent",
           "more than 300 firms", "17 countries", "2.3 million users", "nine out of ten", "¥80 billion")
NOUNS = ("attacks", "funds", "shipments", "accounts", "projects", "complaints", "arrests", "transfers")
VERBS = ("recorded", "detected", "reported", "stolen", "approved", "blocked", "traced", "seized")
PLACES = ("Seoul", "Geneva", "Brussels", "Nairobi", "São Paulo", "Kyiv", "Jakarta", "Reykjavík")
FILLER = ("The meeting was held behind closed doors and lasted most of the afternoon.",
          "Officials declined to give further details on the timeline.",
          "Reporters were not allowed into the room during the session.",
          "The statement came after weeks of negotiations between the delegations.",
          "Several observers described the tone of the discussion as unusually frank.",
          "A follow-up report is expected before the end of the year.")
CJK = ("北京的官员表示，这些数字仍在核实之中。", "首尔的分析人士认为，这一趋势将持续到明年。",
       "报告指出，相关资金已被冻结。", "记者未能获得进一步的细节。")
EMOJI = ("📈", "🚨", "🌍", "💰", "🔒", "😊", "🇺🇳")
LABELS = ("SPEAKER", "FIGURE", "ENTITY", "CLAIM")


@dataclass
class GenSpan:
    start: int
    end: int
    label: str


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[GenSpan] = []

    def add(self, text: str, label: str | None = None) -> tuple[int, int]:
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        if label:
            self.spans.append(GenSpan(start, self.pos, label))
        return start, self.pos

    def trim_trailing_space(self) -> None:
        last = self.parts[-1]
        trimmed = last.rstrip(" ")
        self.parts[-1] = trimmed
        self.pos -= len(last) - len(trimmed)


def _sentence(rng: random.Random, b: _Builder) -> None:
    kind = rng.random()
    speaker = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    if kind < 0.45:  # “quoted claim,” said SPEAKER, ROLE at ENTITY.
        b.add("“")
        c0 = b.pos
        entity = rng.choice(ENTITIES)
        b.add(entity[0].upper() + entity[1:], "ENTITY")
        b.add(f" {rng.choice(VERBS)} ")
        b.add(rng.choice(FIGURES), "FIGURE")
        b.add(f" in {rng.choice(NOUNS)} last year")
        if rng.random() < 0.08:
            b.add(" " + rng.choice(EMOJI))
        c1 = b.pos
        b.spans.append(GenSpan(c0, c1, "CLAIM"))
        b.add(",” said ")
        b.add(speaker, "SPEAKER")
        b.add(f", {rng.choice(ROLES)} at ")
        b.add(rng.choice(ENTITIES), "ENTITY")
        b.add(". ")
    elif kind < 0.8:  # SPEAKER said that <claim about ENTITY and FIGURE>.
        c0 = b.pos
        b.add(speaker, "SPEAKER")
        b.add(f" told reporters in {rng.choice(PLACES)} that ")
        b.add(rng.choice(ENTITIES), "ENTITY")
        b.add(f" had {rng.choice(VERBS)} ")
        b.add(rng.choice(FIGURES), "FIGURE")
        b.add(f" since the country’s last review")
        c1 = b.pos
        b.spans.append(GenSpan(c0, c1, "CLAIM"))
        b.add(". ")
    else:
        b.add(rng.choice(FILLER) + " ")


def generate_text(rng: random.Random, target_chars: int, one_line: bool = False) -> tuple[str, list[GenSpan]]:
    """A text of about ``target_chars`` code points and every candidate span in it."""
    b = _Builder()
    while b.pos < target_chars:
        if b.pos:
            b.add(" " if one_line else "\n\n")
        para_len = rng.randint(400, 800)
        para_start = b.pos
        while b.pos - para_start < para_len:
            _sentence(rng, b)
        if one_line and rng.random() < 0.1:
            b.add(rng.choice(CJK))
        b.trim_trailing_space()  # a paragraph ends at its full stop
    text = "".join(b.parts)
    spans = [s for s in b.spans if s.end <= len(text)]
    return text, spans


def generate_document(
    seed: int, target_chars: int, n_spans: int, one_line: bool = False
) -> tuple[str, list[GenSpan], list[tuple[int, list[int]]]]:
    """Text, exactly ``n_spans`` spans (sorted), and claims as (statement index, member indices)."""
    rng = random.Random(seed)
    text, candidates = generate_text(rng, target_chars, one_line)
    while len(candidates) < n_spans:  # too few: grow the text
        target_chars = int(target_chars * 1.3)
        text, candidates = generate_text(random.Random(seed), target_chars, one_line)
    chosen = sorted(rng.sample(range(len(candidates)), n_spans))
    spans = sorted((candidates[i] for i in chosen), key=lambda s: (s.start, -s.end, s.label))
    claims: list[tuple[int, list[int]]] = []
    for i, span in enumerate(spans):
        if span.label != "CLAIM":
            continue
        members = []
        j = i + 1
        while j < len(spans) and spans[j].start < span.end:
            if spans[j].end <= span.end and spans[j].label != "CLAIM":
                members.append(j)
            j += 1
        # the speaker often follows a quoted claim: take the next SPEAKER within 60 chars
        k = j
        while k < len(spans) and spans[k].start < span.end + 60:
            if spans[k].label == "SPEAKER":
                members.append(k)
                break
            k += 1
        claims.append((i, members))
    return text, spans, claims
