"""The demo badge video prints names and companies in their own script (issue 21: Greek and
Persian companies were blank on the badges, names folded to "Visitor")."""

from __future__ import annotations

import numpy as np
import zxingcpp

from boothapp.core.i18n import Language
from boothapp.demo.badge_video import _badge_card
from boothapp.demo.people import make_people, vcard_payload

# Rows of the card: the name line and the company line (below the blue header).
NAME_ROWS, COMPANY_ROWS = slice(100, 145), slice(148, 180)


def _ink_columns(card: np.ndarray, rows: slice) -> np.ndarray:
    """The columns where the line has dark pixels on the light card."""
    return np.flatnonzero((card[rows].min(axis=2) < 150).any(axis=0))


def test_greek_and_persian_badges_carry_their_names_and_companies() -> None:
    people = {p.contact.country: p for p in make_people(8, 11, Language.EN)}
    for country in ("GR", "IR", "TR", "US"):
        person = people[country]
        card = _badge_card(person, vcard_payload(person), "نمایشگاه نمونه")
        name, company = _ink_columns(card, NAME_ROWS), _ink_columns(card, COMPANY_ROWS)
        assert len(name) > 40 and len(company) > 40, (country, person.contact.company)
        if country == "IR":  # right to left: set from the right edge, not the left
            assert name.min() > 100 and name.max() > 330 and company.max() > 330
        else:
            assert name.min() < 30 and company.min() < 30
        # The badge still scans as the visitor's card.
        read = zxingcpp.read_barcodes(card)
        assert read and read[0].text == vcard_payload(person)
