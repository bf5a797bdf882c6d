"""The one text normaliser used wherever text is searched or matched.

Vietnamese is written with stacked diacritics that arrive in either Unicode form (NFC from most
keyboards, NFD from macOS and some PDFs), and people search without them ("co khi" for "Cơ khí").
``fold`` turns any of these into one comparable key: lower case, no diacritics, đ → d, every run of
punctuation or spaces collapsed to one space. ``name_key`` additionally drops the legal-form words
of Vietnamese and English firm names, so "Công ty TNHH Cơ khí Đông Á" and "Dong A Mechanical Co.,
Ltd" compare by what distinguishes them.
"""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Legal-form phrases, already folded, longest first so "cong ty co phan" wins over "co phan".
# Each maps to the code stored as the firm's legal form.
LEGAL_FORMS: dict[str, str] = {
    "cong ty trach nhiem huu han mot thanh vien": "tnhh-1tv",
    "cong ty trach nhiem huu han hai thanh vien tro len": "tnhh-2tv",
    "cong ty trach nhiem huu han": "tnhh",
    "trach nhiem huu han mot thanh vien": "tnhh-1tv",
    "trach nhiem huu han": "tnhh",
    "cong ty tnhh mot thanh vien": "tnhh-1tv",
    "cong ty tnhh mtv": "tnhh-1tv",
    "cong ty tnhh": "tnhh",
    "tnhh mot thanh vien": "tnhh-1tv",
    "tnhh mtv": "tnhh-1tv",
    "tnhh": "tnhh",
    "cong ty co phan": "cp",
    "co phan": "cp",
    "ctcp": "cp",
    "cty cp": "cp",
    "joint stock company": "cp",
    "jsc": "cp",
    "doanh nghiep tu nhan": "dntn",
    "dntn": "dntn",
    "hop tac xa": "htx",
    "htx": "htx",
    "cong ty hop danh": "hop-danh",
    "company limited": "tnhh",
    "co ltd": "tnhh",
    "limited": "tnhh",
    "ltd": "tnhh",
    "llc": "tnhh",
    "corporation": "",
    "corp": "",
    "cong ty": "",
    "cty": "",
    "company": "",
    "co": "",
    "mtv": "tnhh-1tv",
}
# "co" alone is only a legal-form word at the very end ("Dong A Co"); elsewhere it is "cơ" (cơ khí).
_END_ONLY = {"co"}

_LEGAL_PATTERN = re.compile(
    r"\b(?:"
    + "|".join(re.escape(p) for p in sorted(LEGAL_FORMS, key=len, reverse=True) if p not in _END_ONLY)
    + r")\b"
)


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics (đ → d included), collapse non-alphanumerics to single spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", bare).strip()


def nfc(text: str | None) -> str:
    """Canonical composed form, for storing what people typed (keeps the diacritics)."""
    return unicodedata.normalize("NFC", text or "").strip()


def accent_key(text: str | None) -> str:
    """Lower-case with diacritics kept (NFC): ranks exact-diacritic matches above folded ones."""
    return " ".join(re.findall(r"\w+", nfc(text).lower()))


def strip_legal_form(folded: str) -> str:
    """Remove legal-form words from an already folded name."""
    words = _LEGAL_PATTERN.sub(" ", folded).split()
    while words and words[-1] in _END_ONLY:
        words.pop()
    return " ".join(words)


def name_key(text: str | None) -> str:
    """Key for comparing firm names: folded, legal-form words removed."""
    return strip_legal_form(fold(text))


def legal_form_of(text: str | None) -> str:
    """The legal-form code a firm name declares ("tnhh", "cp", …), or "" when it names none."""
    match = _LEGAL_PATTERN.search(fold(text))
    return LEGAL_FORMS[match.group(0)] if match else ""


def tokens(text: str | None) -> list[str]:
    """Folded words, for token-level matching."""
    return fold(text).split()


def spelling_keys(*spellings: str) -> list[str]:
    """The distinct folded keys of several spellings of one thing, sorted (empty ones dropped)."""
    return sorted({fold(s) for s in spellings if fold(s)})
