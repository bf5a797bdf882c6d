"""The shared text normaliser: diacritics, đ, Unicode forms, legal-form words."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.text import accent_key, fold, legal_form_of, name_key, spelling_keys, strip_legal_form


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cơ khí", "co khi"),
        ("ĐÚC NHÔM", "duc nhom"),
        ("đ", "d"),
        ("Thành phố Đà Nẵng", "thanh pho da nang"),
        ("  Dập   liên-hoàn!! ", "dap lien hoan"),
        ("Hưng Yên", "hung yen"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_strips_diacritics_and_punctuation(text, expected):
    assert fold(text) == expected


def test_fold_treats_composed_and_decomposed_forms_alike():
    composed = unicodedata.normalize("NFC", "Nhiệt luyện")
    decomposed = unicodedata.normalize("NFD", "Nhiệt luyện")
    assert composed != decomposed
    assert fold(composed) == fold(decomposed) == "nhiet luyen"


def test_accent_key_keeps_diacritics_so_duc_and_đúc_differ():
    assert accent_key("Đúc nhôm") != accent_key("Đức")
    assert fold("Đúc") == fold("Đức")
    assert accent_key(unicodedata.normalize("NFD", "Đúc Nhôm")) == "đúc nhôm"


@pytest.mark.parametrize(
    ("name", "key", "form"),
    [
        ("Công ty TNHH Cơ khí Đông Á", "co khi dong a", "tnhh"),
        ("CÔNG TY CỔ PHẦN ĐÚC NHÔM MIỀN TRUNG", "duc nhom mien trung", "cp"),
        ("Công ty TNHH MTV Cơ khí Chu Lai", "co khi chu lai", "tnhh-1tv"),
        ("Công ty Trách nhiệm hữu hạn Một thành viên Nhựa Việt", "nhua viet", "tnhh-1tv"),
        ("Dong A Mechanical Co., Ltd", "dong a mechanical", "tnhh"),
        ("Viet Plastic JSC", "viet plastic", "cp"),
        ("Doanh nghiệp tư nhân Hàn Thép", "han thep", "dntn"),
        ("Cơ khí Quang Trung", "co khi quang trung", ""),
    ],
)
def test_name_key_drops_legal_form_words(name, key, form):
    assert name_key(name) == key
    assert legal_form_of(name) == form


def test_co_is_only_a_legal_form_at_the_end():
    # "Cơ" (as in cơ khí) folds to "co"; only a trailing "Co" is the English "Company".
    assert strip_legal_form("co khi dong a co") == "co khi dong a"
    assert strip_legal_form("co khi") == "co khi"


def test_spelling_keys_are_distinct_and_sorted():
    assert spelling_keys("Dập", "dap", "Stamping", "") == ["dap", "stamping"]


@given(st.text())
def test_fold_is_idempotent_and_plain_ascii(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert all(ch.isascii() for ch in folded)
    assert folded == folded.strip()
    assert "  " not in folded


VIETNAMESE_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)


@given(st.text(alphabet=VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + " ", min_size=1))
def test_fold_ignores_unicode_form_and_case(text):
    assert fold(unicodedata.normalize("NFD", text)) == fold(text.upper()) == fold(text.lower())
