from hypothesis import given
from hypothesis import strategies as st

from boothapp.reports.safety import (
    neutralise_csv_text,
    restore_csv_text,
    restore_xlsx_text,
    xlsx_text,
)


def test_formula_starts_get_one_apostrophe() -> None:
    assert neutralise_csv_text('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert neutralise_csv_text("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_csv_text("-2+3") == "'-2+3"
    assert neutralise_csv_text("\tx") == "'\tx"
    assert neutralise_csv_text("\rx") == "'\rx"


def test_phone_numbers_keep_every_digit_behind_the_apostrophe() -> None:
    assert neutralise_csv_text("+44 20 7946 0958") == "'+44 20 7946 0958"
    assert restore_csv_text("'+44 20 7946 0958") == "+44 20 7946 0958"
    assert neutralise_csv_text("0212 555 0100") == "0212 555 0100"


def test_plain_text_and_ordinary_apostrophes_are_untouched() -> None:
    for value in ("Ayşe", "O'Neill", "'quoted'", "a=b", "", "'"):
        assert neutralise_csv_text(value) == value
        assert restore_csv_text(value) == value


@given(st.text())
def test_csv_rule_is_reversible_and_never_leaves_a_formula_start(value: str) -> None:
    safe = neutralise_csv_text(value)
    assert restore_csv_text(safe) == value
    assert not safe or safe[0] not in "=+-@\t\r"


@given(st.text())
def test_xlsx_escaping_is_reversible(value: str) -> None:
    escaped = xlsx_text(value)
    assert restore_xlsx_text(escaped) == value
    assert not any(ord(ch) < 32 and ch not in "\t\n" for ch in escaped)
