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


@given(
    st.text(alphabet=st.sampled_from("_x0aF9Zg&<>\x00\x1f\r\n\t ş'"), max_size=24)
    | st.text(max_size=24)
)
def test_xlsx_writer_skips_escaping_only_text_that_needs_none(value: str) -> None:
    # The writer's one search decides whether a cell goes through both escapes (issue 23).
    from xml.sax.saxutils import escape

    from boothapp.reports.safety import xlsx_text
    from boothapp.reports.xlsx_writer import _NEEDS_ESCAPE

    if _NEEDS_ESCAPE.search(value) is None:
        assert escape(xlsx_text(value)) == value


@given(
    st.text(alphabet=st.sampled_from("_x0aF9Zg\x00\x08\x0b\x1f\r\n\t ş"), max_size=24)
    | st.text(max_size=24)
)
def test_xlsx_text_is_the_one_pass_ooxml_escape(value: str) -> None:
    # ECMA-376 ST_Xstring: every C0 control but tab and LF, and the underscore of a literal
    # _xHHHH_, as _xHHHH_ in one left-to-right pass (the two-step version must agree).
    import re

    from boothapp.reports.safety import xlsx_text

    one_pass = re.sub(
        r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)",
        lambda m: f"_x{ord(m.group(0)):04X}_",
        value,
    )
    assert xlsx_text(value) == one_pass
