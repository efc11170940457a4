"""The card's copies of its domain and the printed name settle the e-mail (issue 20)."""

from __future__ import annotations

import pytest

from boothapp.capture.ocr.card_evidence import (
    settle_domain,
    settle_email,
    settle_local_part,
    squeeze_host,
)


@pytest.mark.parametrize(
    ("read", "host"),
    [
        ("karadenizotomasyon cop, tr", "karadenizotomasyon.com.tr"),
        ("karadenizotomasyon com tr", "karadenizotomasyon.com.tr"),
        ("crescentlabs ‚com", "crescentlabs.com"),
        ("parsanat ir", "parsanat.ir"),
        ("rheintalsoftware.de", "rheintalsoftware.de"),
        ("torosenerji.comtr", "torosenerji.com.tr"),  # the dot inside the ending lost
        ("hansa.couk", "hansa.co.uk"),
        ("www marmaralojistik.com tr", "www.marmaralojistik.com.tr"),  # www's dot a space
    ],
)
def test_a_host_read_with_spaces_and_bent_endings_is_put_back(read: str, host: str) -> None:
    assert squeeze_host(read) == host


def test_the_copy_the_company_name_spells_wins() -> None:
    copies = [("srescentlabs.com", 0.87), ("crescentlabs.com", 0.87)]
    assert settle_domain(copies, "Crescent Labs plc") == "crescentlabs.com"
    assert settle_domain(list(reversed(copies)), "Crescent Labs plc") == "crescentlabs.com"


@pytest.mark.parametrize(
    ("local", "name", "settled"),
    [
        ("staylor", "Grace Taylor", "gtaylor"),  # the initial misread
        ("rahim", "İbrahim Çelik", "ibrahim"),  # the first letters lost
        ("Ibecker", "Lukas Becker", "lbecker"),  # l read as I
        ("jonas.weiss", "Jonas Weiß", "jonas.weiss"),  # right already
        ("wright", "James Wright", "wright"),  # the surname alone is a real address
        ("sales", "James Wright", "sales"),  # nothing like the name: kept as read
        ("j.mueller", "Jürgen Müller", "j.mueller"),
        ("dimitris.georgou", "Δημήτρης Γεωργίου", "dimitris.georgiou"),  # a letter lost inside
        ("ali.jjafari", "Ali Jafari", "ali.jafari"),  # a letter doubled
        ("akarimi", "Ali Karim", "akarimi"),  # short, no dot: one letter is not evidence
        ("ali.jafar", "Ali Jafari", "ali.jafari"),
    ],
)
def test_the_local_part_is_checked_against_the_printed_name(
    local: str, name: str, settled: str
) -> None:
    assert settle_local_part(local, name) == settled


def test_a_free_mail_address_keeps_its_own_domain() -> None:
    assert settle_email("ayse@gmail.com", "gmall.com", "") == "ayse@gmail.com"
    assert settle_email("x@srescentlabs.com", "crescentlabs.com", "") == "x@crescentlabs.com"


def test_a_greek_name_checks_its_transliterated_address() -> None:
    # "o" read as "c"; the name printed in Greek (with the micro sign OCR gives for mu)
    assert settle_local_part("sofia.cikonomou", "Σοφία Οικονόµου") == "sofia.oikonomou"


def test_copies_bent_alike_are_put_right_by_the_company_line() -> None:
    copies = [("oakfieldiogistics.com", 0.9), ("oakfieldiogistics.com", 0.9)]
    assert settle_domain(copies, "Oakfield Logistics Ltd") == "oakfieldlogistics.com"


def test_the_copy_the_company_spells_in_full_beats_one_it_only_starts() -> None:
    # seed 6161: the e-mail read "olomasyon" (surer), the web line "otomasyon"
    copies = [("karadenizolomasyon.com.tr", 0.915), ("karadenizotomasyon.com.tr", 0.91)]
    company = "Karadeniz Otomasyon Ltd. Şti."
    assert settle_domain(copies, company) == "karadenizotomasyon.com.tr"


def test_a_long_name_bent_one_letter_in_every_copy_is_spelled_by_the_company() -> None:
    copies = [("karadenizolomasyon.com.tr", 0.9), ("karadenizolomasyon.com.tr", 0.9)]
    assert settle_domain(copies, "Karadeniz Otomasyon A.Ş.") == "karadenizotomasyon.com.tr"
    # a short name is not: one letter apart is too easily another word
    assert settle_domain([("ege.com.tr", 0.9)], "Ece Tekstil") == "ege.com.tr"
