"""Column guessing from roster headers in the languages organisers export in."""

from __future__ import annotations

import pytest

from boothapp.capture.roster import ColumnMapping, guess_mapping


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Registration ID", "First name", "Surname", "E-mail", "Organisation", "Job title",
             "Mobile", "Country", "City"],
            {"badge_id": "Registration ID", "first_name": "First name", "last_name": "Surname",
             "email": "E-mail", "company": "Organisation", "title": "Job title",
             "phone": "Mobile", "country": "Country", "city": "City"},
        ),
        (
            ["Barcode", "Vorname", "Nachname", "E-Mail-Adresse", "Firma", "Position", "Telefon"],
            {"badge_id": "Barcode", "first_name": "Vorname", "last_name": "Nachname",
             "email": "E-Mail-Adresse", "company": "Firma", "title": "Position",
             "phone": "Telefon"},
        ),
        (
            ["N° de badge", "Prénom", "Nom", "Courriel", "Société", "Fonction", "Pays", "Ville"],
            {"badge_id": "N° de badge", "first_name": "Prénom", "last_name": "Nom",
             "email": "Courriel", "company": "Société", "title": "Fonction", "country": "Pays",
             "city": "Ville"},
        ),
        (
            ["Kayıt No", "Ad", "Soyad", "E-posta", "Şirket", "Unvan", "Ülke", "Şehir"],
            {"badge_id": "Kayıt No", "first_name": "Ad", "last_name": "Soyad",
             "email": "E-posta", "company": "Şirket", "title": "Unvan", "country": "Ülke",
             "city": "Şehir"},
        ),
        (
            ["Badge", "Όνομα", "Επώνυμο", "Email", "Εταιρεία"],
            {"badge_id": "Badge", "first_name": "Όνομα", "last_name": "Επώνυμο",
             "email": "Email", "company": "Εταιρεία"},
        ),
        (
            ["ID", "Badge ID", "Full Name", "Work Email", "Company", "QR Token"],
            {"badge_id": "Badge ID", "full_name": "Full Name", "email": "Work Email",
             "company": "Company", "token": "QR Token"},
        ),
    ],
)  # fmt: skip
def test_guess_mapping(headers: list[str], expected: dict[str, str]) -> None:
    assert guess_mapping(headers).mapped() == expected


def test_each_column_is_used_once_and_unknown_headers_stay_unmapped() -> None:
    mapping = guess_mapping(["Email", "Email 2", "Shoe size"])
    assert mapping.email == "Email"
    assert "Shoe size" not in mapping.mapped().values()
    assert list(mapping.mapped().values()).count("Email") == 1


def test_mapping_is_editable_and_round_trips_through_a_dict() -> None:
    mapping = guess_mapping(["Code", "Name"])
    mapping.badge_id = "Code"
    saved = mapping.to_dict()
    assert saved["badge_id"] == "Code"
    assert ColumnMapping.from_dict(saved) == mapping
    with pytest.raises(ValueError, match="shoe_size"):
        ColumnMapping.from_dict({"shoe_size": "Shoe"})
