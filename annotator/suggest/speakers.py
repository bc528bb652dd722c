"""Speakers from quote attribution in English news: who said, stated, told or is quoted.

Kept narrow on purpose (precision over recall: a wrong offer costs a key press to reject, a
missed one only the key press it would have saved). A speaker is offered where:

- a quote ends and a speech verb and a subject follow, either way round:
  ``“…,” said Kim``, ``“…,” stated the U.S. ambassador``, ``“…,” the ambassador emphasized``;
- a quote is followed by its source in parentheses: ``“…” (Linda Thomas-Greenfield, U.S. Ambassador)``;
- ``according to X`` (and ``X and Y``);
- a subject is followed by a speech verb (``Hwang said``, ``The ambassador reported``,
  ``X, South Korea’s ambassador to the United Nations, highlighted``, ``X told reporters``).

A subject is a name (capitalised words, with "of", "for", ... between them and "the" before an
organisation: "the U.S. Department of Treasury") or a role phrase (a determiner, up to four
words and a role noun: "the U.S. ambassador", "a U.N. expert report", "An official from the South
Korean Mission to the United Nations"). The span is the name as written (no title) or the whole
role phrase with its determiner. Pronouns are never offered.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

VERBS = (
    "said", "says", "say", "told", "tells", "stated", "states", "added", "adds", "noted", "notes",
    "emphasized", "emphasised", "emphasizes", "emphasises", "stressed", "stresses", "warned", "warns",
    "reported", "reports", "claimed", "argued", "argues", "explained", "explains", "disclosed",
    "discloses", "announced", "announces", "highlighted", "highlights", "pointed out", "points out",
    "insisted", "insists", "confirmed", "confirms", "denied", "denies", "wrote", "writes", "described",
    "describes", "expressed", "expresses", "asserted", "asserts", "revealed", "reveals", "acknowledged",
    "admitted", "estimated", "estimates", "concluded", "urged", "urges", "called on", "called for",
    "calls on", "calls for", "cautioned", "remarked", "declared", "declares", "testified", "replied",
    "responded", "commented", "alleged", "alleges", "accused", "predicted", "believes", "believed",
)
ROLES = (
    "ambassador", "ambassadors", "minister", "ministers", "president", "spokesperson", "spokesman",
    "spokeswoman", "official", "officials", "secretary", "chairman", "chairwoman", "chair", "director",
    "chief", "head", "envoy", "diplomat", "diplomats", "analyst", "analysts", "expert", "experts",
    "researcher", "researchers", "report", "study", "survey", "statement", "ministry", "department",
    "committee", "council", "agency", "government", "mission", "panel", "investigation", "source",
    "sources", "police", "prosecutors", "prosecutor", "commission", "office", "board", "lawmaker",
    "lawmakers", "senator", "governor", "mayor", "leader", "leaders", "representative", "delegate",
    "delegation", "authorities", "watchdog", "regulator", "company", "firm", "professor", "scientist",
    "scientists", "documents", "document", "filing", "data",
    "military", "army", "navy", "embassy", "court", "newspaper", "broadcaster", "bureau", "institute",
    "association", "organization", "organisation", "union", "economist", "economists", "critics",
    "observers", "activists", "investigators", "witnesses",
)
# Capitalised words that start sentences or clauses, never a speaker's name.
NOT_NAMES = frozenset("""
As While But However Meanwhile In On At When After Before This These That Those It He She They We I
You Then Also And So Yet Furthermore Moreover Still Instead Thus Here There Now Today Yesterday Last
Earlier Later If Although Though Because Since Why What How Who Where Which Such Its His Her Their Our
My Your Many Some Most All Both Each Every No Not Nor Or For Of By From With Without Under Over
According Asked Speaking Mr Mrs Ms Dr
""".split())
# Titles before a name are not part of it ("Prime Minister Fumio Kishida" → "Fumio Kishida").
TITLES = frozenset("""
President Vice Prime Minister Ambassador Secretary Secretary-General General Chairman Chairwoman Chair
Senator Sen. Rep. Representative Governor Gov. Mayor Director Chief Dr. Mr. Mrs. Ms. Prof. Professor
King Queen Prince Princess Pope Judge Justice Commissioner Spokesperson Spokesman Spokeswoman Envoy
Leader Lt. Col. Gen. Adm. Sgt. Capt. Deputy Premier Chancellor CEO Chief-Executive Officer
""".split())
PRONOUNS = frozenset("he she they we i you it this that these those who which".split())

_CAP = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'-]*\w|[A-Z])"  # "U.S.", "Joon-kook", "Council’s", "X"
_NAME = rf"{_CAP}(?: (?:(?:of|for|de|del|al|bin|van|von) (?:the )?)?(?:{_CAP}|\d+(?= [A-Z])))*"
_DET = r"(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er)"
_ROLE_NOUN = "(?:" + "|".join(sorted(ROLES, key=len, reverse=True)) + r")\b"
_PP = rf"(?: (?:from|of|at|for|to|with|in) (?:the )?{_NAME})"
# Plural roles need no determiner ("according to analysts").
# The first letter either case: "Analysts at Mirae Asset estimated", "while critics argued".
_BARE = ("(?:[Aa]nalysts|[Ee]xperts|[Oo]fficials|[Ss]ources|[Rr]esearchers|[Pp]rosecutors|[Pp]olice|[Aa]uthorities"
         "|[Dd]iplomats|[Ll]awmakers|[Ss]cientists|[Ee]conomists|[Cc]ritics|[Oo]bservers|[Aa]ctivists"
         "|[Ii]nvestigators|[Ww]itnesses)")
# Words between a determiner and its role noun; a clause word ends the phrase ("a process that
# officials said" is "officials").
_FILLER = r"(?:(?!(?:that|which|who|whom|whose|where|when|while|and|or|but|if|as)\b)(?:(?:[A-Z]\.){2,}|[\w’'-]+) )"
_ROLE = rf"(?:{_BARE}\b{_PP}{{0,2}}|(?:{_DET}|{_CAP}(?: {_CAP})*[’']s) {_FILLER}{{0,4}}{_ROLE_NOUN}{_PP}{{0,2}})"
_SUBJECT = rf"(?:{_ROLE}|(?:[Tt]he )?{_NAME})"
_VERB = "(?:" + "|".join(sorted(VERBS, key=len, reverse=True)) + r")\b"
_ADVERBS = r"(?:(?:also|further|later|then|has|have|had|again|publicly|previously|repeatedly|once) )*"
_QUOTE = r"[”\"]"
_APPOSITION = r"(?:, [^,;“”\"()\n]{2,80},)"
WINDOW = 200  # how far before a speech verb its subject may start (subject, apposition, adverbs)


def _spaced(pattern: str) -> str:
    """``pattern`` with each space also matching a no-break space (news sites put them after
    "a" or before a name: "a\u00a0U.N. expert report")."""
    return pattern.replace("[ \\t]", "\x00").replace(" ", "[ \u00a0]").replace("\x00", "[ \t\u00a0]")


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(_spaced(pattern))


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[re.Pattern[str]], re.Pattern[str], re.Pattern[str]]:
    """(patterns run over the text, the speech verbs, the subject that must end right before one).

    Each pattern's group "s" is the subject (and "t", when present, a second one). The patterns
    start at a quote mark or "according to", which few positions hold; a subject before a verb is
    looked for only in the stretch before each verb (a pattern tried at every word start of a 1 MB
    article took 0.6 s, the verbs alone are found in 0.03 s)."""
    anywhere = [
        _compile(rf"{_QUOTE}[ \t]+{_ADVERBS}{_VERB} (?P<s>{_SUBJECT})"),
        _compile(rf"{_QUOTE}[ \t]+(?P<s>{_SUBJECT}),? {_ADVERBS}{_VERB}"),
        _compile(rf"{_QUOTE}[ \t]*\((?P<s>{_NAME}), [^()\n]{{2,160}}\)"),
        _compile(rf"[Aa]ccording to (?P<s>{_SUBJECT})(?:,? and (?P<t>{_SUBJECT}))?"),
    ]
    # A literal space first: Python's re then skips to each space (0.03 s a MB, not 0.07).
    verbs = re.compile(" " + _spaced(_VERB))
    before_verb = _compile(rf"(?<![\w’'-])(?P<s>{_SUBJECT}){_APPOSITION}? {_ADVERBS}\Z")
    return anywhere, verbs, before_verb


def find_speakers(text: str) -> list[tuple[int, int]]:
    """(start, end) of each speaker offered in ``text``, in text order, not overlapping."""
    anywhere, verbs, before_verb = _patterns()
    found: dict[int, int] = {}

    def offer(start: int, end: int) -> None:
        span = _trimmed(text, start, end)
        if span is not None and span[0] not in found:
            found[span[0]] = span[1]

    for pattern in anywhere:
        for m in pattern.finditer(text):
            offer(m.start("s"), m.end("s"))
            if "t" in pattern.groupindex and m.group("t"):
                offer(m.start("t"), m.end("t"))
    for v in verbs.finditer(text):
        # A verb that ends its line is a heading's noun ("Annotation notes"), not an attribution.
        if v.end() == len(text) or text[v.end()] in "\r\n" or not _may_end_a_subject(text, v.start()):
            continue
        # endpos cuts the text just after the space before the verb: \Z is there.
        m = before_verb.search(text, max(0, v.start() - WINDOW), v.start() + 1)
        if m is not None:
            offer(m.start("s"), m.end("s"))
    out: list[tuple[int, int]] = []
    reached = 0
    for start in sorted(found):
        if start >= reached:
            out.append((start, found[start]))
            reached = found[start]
    return out


_ADVERB_WORDS = frozenset("also further later then has have had again publicly previously repeatedly once".split())
_LAST_WORDS = frozenset(ROLES) | _ADVERB_WORDS


def _may_end_a_subject(text: str, verb_space: int) -> bool:
    """Whether the word before a speech verb can end a subject (a capitalised word, a role noun,
    an adverb, an apposition's comma): "it said", "which disclosed" need no search before them."""
    word = text[max(0, verb_space - 40):verb_space].rsplit(None, 1)[-1:] or [""]
    last = word[0]
    if not last or last.endswith(","):
        return bool(last)
    return last[0].isupper() or last[0].isdigit() or last.rstrip(".’'").lower() in _LAST_WORDS


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The subject without leading clause words ("As Hwang" → "Hwang"); None for a pronoun."""
    words = list(_words(text, start, end))
    while words and words[0][2] in NOT_NAMES:
        words.pop(0)
    if not words or words[0][2].lower() in PRONOUNS:
        return None
    if words[0][2][:1].isupper() and words[0][2] != "The":  # a person's name: its title goes
        titled = [i for i, w in enumerate(words[:-1]) if w[2] in TITLES]
        if titled:
            rest = words[titled[-1] + 1:]
            if len(rest) > 2 and rest[0][2] in ("of", "for"):  # "Secretary of State Antony Blinken"
                rest = rest[2:]
            if rest and all(w[2] not in TITLES for w in rest) and rest[0][2][:1].isupper():
                words = rest
    return words[0][0], end


def _words(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    for m in re.finditer(r"\S+", text[start:end]):
        yield start + m.start(), start + m.end(), m.group()
