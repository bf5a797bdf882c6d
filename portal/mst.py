"""Mã số thuế (MST): 10 digits, or 10 digits + "-" + a 3-digit branch number.

Check digit (Circular 105/2020/TT-BTC, as python-stdnum's ``stdnum.vn.mst`` implements it):
N10 = 10 − (Σ wᵢ·Nᵢ mod 11) with weights 31, 29, 23, 19, 17, 13, 7, 5, 3 on N1–N9; a remainder of
0 would need an eleventh digit, so such numbers are never issued and we reject them. Stored
without separators ("4001234569-001" → "4001234569001"), leading zeros kept.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_SEPARATORS = re.compile(r"[\s.\-]")


def check_digit(first_nine: str) -> int | None:
    """The tenth digit for nine digits, or None when the remainder is 0 (no valid number exists)."""
    remainder = sum(w * int(d) for w, d in zip(WEIGHTS, first_nine, strict=True)) % 11
    return None if remainder == 0 else 10 - remainder


def clean_tax_code(raw: str) -> str:
    """Validate an MST as typed and return it without separators; raise a translated error."""
    text = (raw or "").strip()
    if not re.fullmatch(r"\d{10}(-?\d{3})?", text.replace(" ", "")):
        raise ValidationError(
            _("A tax code has 10 digits, or 10 digits, a dash and a 3-digit branch number."),
            code="format",
        )
    digits = _SEPARATORS.sub("", text)
    if digits[2:9] == "0000000":
        # N1–N2 name the tax office and N3–N9 the firm's sequence number, which starts at 1.
        raise ValidationError(
            _("This tax code cannot exist: its sequence number is 0000000."), code="sequence"
        )
    expected = check_digit(digits[:9])
    if expected is None:
        raise ValidationError(
            _("This tax code cannot exist: its check digit is undefined."), code="remainder"
        )
    if int(digits[9]) != expected:
        raise ValidationError(
            _("The check digit of this tax code is wrong: please check the number."), code="check_digit"
        )
    if len(digits) == 13 and digits[10:] == "000":
        raise ValidationError(_("A branch number runs from 001 to 999."), code="branch")
    return digits


def format_tax_code(stored: str | None) -> str:
    """How people write it: "4001234569-001" for a branch."""
    if stored and len(stored) == 13:
        return f"{stored[:10]}-{stored[10:]}"
    return stored or ""
