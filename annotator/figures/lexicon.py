"""The words a figure is written with: currencies, scales, qualifiers, periods, number words.

Plain tables, so a missing spelling is one line to add. Phrases are written with single spaces;
``alternation`` turns a table into a regular expression where any run of horizontal white space
may stand for a space and longer phrases are tried first ("more than" before "more").
"""

from __future__ import annotations

import re
from decimal import Decimal

# Horizontal white space only: a figure never runs across a line break (a list number on one line
# and a capitalised word on the next are not "1 Amazon").
SPACE = "[^\\S\n\r\u2028\u2029]"  # literal characters: the class recurs hundreds of times in the patterns


def alternation(phrases, *, word: bool = True) -> str:
    """A regular expression matching any of ``phrases``, longest first, as a trie (one branch per
    first character: an alternation of a hundred words tried at every word start is the detector's
    main cost otherwise); ``word`` adds a word boundary after phrases that end in a letter or digit
    (so "over" does not match "overall")."""
    root: dict = {}
    for phrase in set(phrases):
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = True
    return "(?:" + _emit(root, "", word) + ")"


def _emit(node: dict, last: str, word: bool) -> str:
    branches = []
    for ch in sorted((k for k in node if k), key=lambda k: (-_depth(node[k]), k)):
        piece = SPACE + "+" if ch == " " else re.escape(ch)
        branches.append(piece + _emit(node[ch], ch, word))
    if "" in node:
        branches.append(r"(?![^\W_])" if word and last.isalnum() else "")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _depth(node: dict) -> int:
    return 1 + max((_depth(child) for key, child in node.items() if key), default=0)


# ----------------------------------------------------------------------------------- currencies

# Written before the amount ("US$3 billion", "€5m", "USD 3bn"). Codes are case-sensitive.
CURRENCY_SIGNS = {
    "US$": "USD", "U.S.$": "USD", "U.S. $": "USD", "$": "USD", "A$": "AUD", "AU$": "AUD", "C$": "CAD",
    "CA$": "CAD", "CAN$": "CAD", "HK$": "HKD", "S$": "SGD", "NZ$": "NZD", "NT$": "TWD", "R$": "BRL",
    "MX$": "MXN", "€": "EUR", "£": "GBP", "¥": "JPY", "JP¥": "JPY", "CN¥": "CNY", "₩": "KRW",
    "₹": "INR", "Rs": "INR", "Rs.": "INR", "₽": "RUB", "₺": "TRY", "₪": "ILS", "₴": "UAH", "₫": "VND",
    "฿": "THB", "₱": "PHP", "₦": "NGN", "￥": "JPY", "＄": "USD", "￦": "KRW",
}
CURRENCY_CODES = (
    "USD EUR GBP JPY CNY KRW KPW INR RUB CHF CAD AUD HKD SGD NZD TWD BRL MXN ZAR TRY ILS UAH VND THB "
    "PHP NGN IDR MYR PLN SEK NOK DKK SAR AED EGP PKR BDT CZK HUF RON ARS CLP COP PEN QAR KWD"
).split()
RMB = {"RMB": "CNY"}  # the renminbi's common abbreviation, not its ISO code

# Written after the amount ("3 billion dollars", "5,000 won"); case-insensitive.
CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "us dollars": "USD", "u.s. dollars": "USD", "american dollars": "USD",
    "australian dollars": "AUD", "canadian dollars": "CAD", "hong kong dollars": "HKD",
    "singapore dollars": "SGD", "new zealand dollars": "NZD", "taiwan dollars": "TWD",
    "new taiwan dollars": "TWD", "won": "KRW", "korean won": "KRW", "south korean won": "KRW",
    "north korean won": "KPW", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "pounds sterling": "GBP", "sterling": "GBP", "british pounds": "GBP", "yen": "JPY",
    "japanese yen": "JPY", "yuan": "CNY", "chinese yuan": "CNY", "renminbi": "CNY", "rupee": "INR",
    "rupees": "INR", "indian rupees": "INR", "pakistani rupees": "PKR", "rouble": "RUB", "roubles": "RUB",
    "ruble": "RUB", "rubles": "RUB", "swiss francs": "CHF", "francs": "CHF", "reais": "BRL",
    "brazilian reais": "BRL", "rand": "ZAR", "lira": "TRY", "liras": "TRY", "turkish lira": "TRY",
    "shekel": "ILS", "shekels": "ILS", "dirhams": "AED", "riyals": "SAR", "hryvnias": "UAH",
    "hryvnia": "UAH", "dong": "VND", "baht": "THB", "ringgit": "MYR", "rupiah": "IDR", "naira": "NGN",
    "zloty": "PLN", "zlotys": "PLN", "pesos": "MXN", "mexican pesos": "MXN", "philippine pesos": "PHP",
    "swedish kronor": "SEK", "norwegian kroner": "NOK", "danish kroner": "DKK",
}
# Korean, Chinese and Japanese currency words, written after the amount ("30억 달러", "3亿元").
CJK_CURRENCIES = {
    "원": "KRW", "달러": "USD", "불": "USD", "엔": "JPY", "위안": "CNY", "유로": "EUR", "파운드": "GBP",
    "루블": "RUB", "元": "CNY", "圆": "CNY", "人民币": "CNY", "円": "JPY", "美元": "USD", "ドル": "USD",
    "欧元": "EUR", "ユーロ": "EUR", "韩元": "KRW", "ウォン": "KRW", "日元": "JPY", "英镑": "GBP",
}

PERCENT_WORDS = ["%", "％", "per cent", "percent", "per-cent", "pct", "pct.", "pc"]
CJK_PERCENT = ["%", "％", "퍼센트", "프로"]

# ---------------------------------------------------------------------------------------- scales

SCALES = {
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "k": 10**3, "mn": 10**6,
    "mln": 10**6, "bn": 10**9, "bln": 10**9, "tn": 10**12, "trn": 10**12, "lakh": 10**5, "crore": 10**7,
}
# Only after a currency: "$5m", "£3b"; "5 m" is five metres and "3b" a grade.
CURRENCY_SCALES = {"m": 10**6, "mm": 10**6, "b": 10**9}

CJK_SMALL = {"십": 10, "백": 100, "천": 1000, "十": 10, "百": 100, "千": 1000}
CJK_BIG = {"만": 10**4, "억": 10**8, "조": 10**12, "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8,
           "兆": 10**12}
# A bare Korean amount in 억 or 조 with no unit ("4.3조" in a headline) is money in won: counts that
# large take a counter (1억 명), and Korean news drops 원 after these scales.
KOREAN_MONEY_SCALES = {"억", "조"}

# ------------------------------------------------------------------------------------ qualifiers

QUALIFIERS = {
    "approximately": [
        "about", "around", "approximately", "approx.", "approx", "roughly", "some", "an estimated",
        "estimated", "estimated at", "nearly", "almost", "close to", "circa", "ca.", "just about",
        "more or less", "in the region of", "in the neighbourhood of", "in the neighborhood of",
        "on the order of", "an approximate", "approximate", "~", "≈", "some estimated",
        "nearly reaching", "close on",
    ],
    "more_than": [
        "more than", "over", "above", "in excess of", "upwards of", "upward of", "exceeding", "greater than",
        "higher than", "larger than", "well over", "just over", "well above", "just above",
        "slightly more than", "slightly over", "a little over", "a little more than", "far more than",
        "much more than", "a bit more than", "well in excess of", "north of", ">",
    ],
    "less_than": [
        "less than", "under", "below", "fewer than", "just under", "just below", "lower than", "shy of",
        "just shy of", "slightly less than", "slightly under", "a little under", "a little less than",
        "well under", "well below", "far less than", "much less than", "not quite", "<",
    ],
    "at_least": [
        "at least", "no less than", "no fewer than", "not less than", "not fewer than", "a minimum of",
        "minimum of", "at a minimum", "as few as", "≥", ">=",
    ],
    "at_most": [
        "up to", "no more than", "not more than", "at most", "a maximum of", "maximum of", "as many as",
        "as much as", "as high as", "≤", "<=", "a high of",
    ],
}
# After the amount: "50 or more", "50-odd", "50+".
POST_QUALIFIERS = {
    "at_least": ["or more", "or above", "or higher", "or over", "and up", "and above", "and over", "+",
                 "-plus", " plus"],
    "approximately": ["or so", "-odd", " odd", "or thereabouts"],
    "at_most": ["or less", "or fewer", "or below", "or under"],
}
CJK_PRE_QUALIFIERS = {
    "approximately": ["약", "대략", "거의", "어림잡아", "约", "約", "大约", "近", "およそ"],
    "at_most": ["최대", "最多", "最大"], "at_least": ["최소", "적어도", "至少", "最低"],
    "more_than": ["超过", "逾"],
}
CJK_POST_QUALIFIERS = {
    "at_least": ["이상", "以上"], "at_most": ["이하", "以下"], "less_than": ["미만", "未満", "不到", "弱"],
    "more_than": ["초과", "여", "남짓", "넘게", "넘는", "넘어", "넘은", "을 넘는", "를 넘는", "을 넘어",
                  "를 넘어", "을 넘게", "를 넘게", "을 웃도는", "를 웃도는", "余", "多", "超"],
    "approximately": ["가량", "정도", "쯤", "안팎", "내외", "左右", "前后", "上下", "程度", "에 육박하는",
                      "대"],  # "3조 원대": in the 3-trillion range
}

# --------------------------------------------------------------------------------------- periods

PERIODS = {
    "year": ["annually", "yearly", "a year", "per year", "each year", "every year", "per annum", "a-year",
             "/year", "/yr", "p.a.", "an year", "in a year", "a yr"],
    "month": ["monthly", "a month", "per month", "each month", "every month", "a-month", "/month", "/mo"],
    "week": ["weekly", "a week", "per week", "each week", "every week", "a-week", "/week", "/wk"],
    "day": ["daily", "a day", "per day", "each day", "every day", "a-day", "/day", "per diem"],
}
# "$5 billion a year ago" is last year's figure, not a yearly one.
NOT_PERIOD_AFTER = ["ago", "earlier", "later", "before", "after", "on", "from", "since", "or two", "and a half"]
CJK_PERIODS = {
    "year": ["연간", "매년", "해마다", "한 해", "연평균", "연", "每年", "年均", "毎年", "年間"],
    "month": ["월간", "매월", "매달", "월평균", "월", "每月", "毎月"],
    "week": ["매주", "주간", "每周", "毎週"],
    "day": ["매일", "하루", "일평균", "일일", "每天", "每日", "毎日"],
}

# ---------------------------------------------------------------------------------- number words

UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
TENS["fourty"] = 40  # a common misspelling, still a number
WORD_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
DOZEN = {"dozen": 12}
# "two-thirds", "a quarter": shares, read as percentages.
FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
             "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8, "tenth": 10, "tenths": 10}
HALF = Decimal("0.5")

# ----------------------------------------------------------------------------- counted nouns

# Words that end a counted noun phrase ("58 cyberattacks against firms", "17 cases of theft").
STOP_WORDS = set("""
a an the of in on at to from for by with without against and or but nor than as that which who whom
whose this these those is are was were be been being has have had do does did will would can could
may might shall should must not no so if into onto over under above below about around per each
every annually yearly monthly weekly daily since until till during between among across through
after before last next ago earlier later more less fewer most least percent pct plus their its his
her our my your them they it we he she you i me us him there here when while where why how all both
some any such only just also even still then than up down out off via amid including worth
respectively alone together total overall apiece each approximately roughly nearly almost
""".split()) | set(UNITS) | set(TENS) | set(WORD_SCALES) | set(SCALES) | set(CURRENCY_WORDS)
# Plural nouns that do not end in -s.
IRREGULAR_PLURALS = set("""
people children men women police staff personnel troops cattle sheep fish deer aircraft data media
crew livestock offspring youth infantry clergy swine poultry militia mice geese feet teeth
""".split())
# A count of these is a duration ("the past three years"), which the detector leaves alone.
TIME_UNITS = set("""
second seconds minute minutes hour hours day days week weeks month months year years decade decades
century centuries quarter quarters night nights weekend weekends term terms season seasons
""".split())

MONTHS = ("January February March April May June July August September October November December "
          "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec").split()
