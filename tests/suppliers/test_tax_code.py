"""The tax code (MST) check: format, check digit, branch numbers, and agreement with python-stdnum."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.vn import mst as stdnum_mst

from portal.mst import WEIGHTS, check_digit, clean_tax_code

# Nine digits whose weighted sum is a multiple of 11 (31·1 + 3·8 = 55): no tenth digit can be right.
REMAINDER_ZERO_PREFIX = "100000008"


def error_code(raw: str) -> str:
    with pytest.raises(ValidationError) as caught:
        clean_tax_code(raw)
    return caught.value.code


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("4001234569", "4001234569"),
        ("0402468133", "0402468133"),
        ("0100987654", "0100987654"),
        ("4001234569-001", "4001234569001"),
        ("0100233488", "0100233488"),  # real
        ("0314409058", "0314409058"),  # real
        (" 0314409058 ", "0314409058"),
    ],
)
def test_it_accepts_valid_tax_codes_and_stores_them_compact(raw, stored):
    assert clean_tax_code(raw) == stored


def test_it_keeps_the_leading_zero():
    assert clean_tax_code("0100233488").startswith("0")


def test_it_rejects_a_wrong_check_digit():
    assert error_code("4001234568") == "check_digit"


def test_the_remainder_zero_prefix_really_has_remainder_zero():
    assert sum(w * int(d) for w, d in zip(WEIGHTS, REMAINDER_ZERO_PREFIX, strict=True)) % 11 == 0
    assert check_digit(REMAINDER_ZERO_PREFIX) is None


@pytest.mark.parametrize("tenth", "0123456789")
def test_it_rejects_every_number_whose_check_digit_is_undefined(tenth):
    assert error_code(REMAINDER_ZERO_PREFIX + tenth) == "remainder"


def test_it_rejects_branch_000():
    assert error_code("4001234569-000") == "branch"


@pytest.mark.parametrize(
    "raw", ["40012345", "400123456", "40012345691", "4001234569-01", "40O1234569", "", "MST"]
)
def test_it_rejects_letters_and_wrong_lengths(raw):
    assert error_code(raw) == "format"


def test_it_rejects_a_number_whose_sequence_is_all_zeros():
    # 01 + 0000000: the check digit exists (3), but no firm is numbered 0000000.
    assert not stdnum_mst.is_valid("0100000003")
    assert error_code("0100000003") == "sequence"


def clean_accepts(number: str) -> bool:
    try:
        clean_tax_code(number)
    except ValidationError:
        return False
    return True


DIGITS = "0123456789"
random_numbers = st.text(alphabet=DIGITS, min_size=10, max_size=10)
# Random strings are valid only about one time in eleven: also try each prefix with its own check digit.
likely_valid_numbers = st.text(alphabet=DIGITS, min_size=9, max_size=9).map(
    lambda prefix: prefix + str(check_digit(prefix) if check_digit(prefix) is not None else 0)
)


@given(st.one_of(random_numbers, likely_valid_numbers))
def test_it_accepts_exactly_what_stdnum_accepts(number):
    assert clean_accepts(number) == stdnum_mst.is_valid(number)


@given(st.text(alphabet=DIGITS, min_size=9, max_size=9))
def test_every_nine_digits_have_at_most_one_valid_tenth(prefix):
    accepted = [d for d in DIGITS if clean_accepts(prefix + d)]
    assert len(accepted) <= 1
