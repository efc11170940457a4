"""Which roster column holds which attendee field, guessed from headers in several languages."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, fields

# Field -> header spellings, compared after _normalise (accents and punctuation dropped,
# dotless i folded). Exact matches are tried for every field before any partial match.
_EXACT: dict[str, tuple[str, ...]] = {
    "badge_id": (
        "badgeid",
        "badge",
        "badgenumber",
        "badgeno",
        "badgecode",
        "registrationid",
        "registrationnumber",
        "registrationno",
        "regid",
        "regno",
        "barcode",
        "scanid",
        "attendeeid",
        "referenceid",
        "refid",
        "confirmationnumber",
        "personid",
        "ticketid",
        "ticketnumber",
        "id",
        "uid",
        "katilimcino",
        "kayitno",
        "teilnehmernummer",
        "ausweisnummer",
        "numerobadge",
        "numerodebadge",
        "codigo",
        "شماره",
        "شمارهثبتنام",
        "شمارهکارت",
    ),
    "token": ("token", "scantoken", "tickettoken", "qrtoken", "qrcode", "publictoken"),
    "first_name": (
        "firstname",
        "first",
        "givenname",
        "forename",
        "vorname",
        "prenom",
        "ad",
        "adi",
        "nombre",
        "voornaam",
        "imie",
        "onoma",
        "nome",
        "نام",
    ),
    "last_name": (
        "lastname",
        "last",
        "surname",
        "familyname",
        "nachname",
        "familienname",
        "nom",
        "nomdefamille",
        "soyad",
        "soyadi",
        "apellido",
        "apellidos",
        "achternaam",
        "cognome",
        "nazwisko",
        "eponymo",
        "sobrenome",
        "نامخانوادگی",
    ),
    "full_name": (
        "name",
        "fullname",
        "attendeename",
        "displayname",
        "adsoyad",
        "adisoyadi",
        "nomcomplet",
        "نامونامخانوادگی",
    ),
    "email": (
        "email",
        "emailaddress",
        "mail",
        "courriel",
        "eposta",
        "correo",
        "correoelectronico",
        "emailadresse",
        "workemail",
        "ایمیل",
        "پستالکترونیک",
    ),
    "company": (
        "company",
        "companyname",
        "organisation",
        "organization",
        "org",
        "firma",
        "firmenname",
        "unternehmen",
        "societe",
        "entreprise",
        "sirket",
        "sirketadi",
        "kurum",
        "empresa",
        "azienda",
        "bedrijf",
        "etaireia",
        "employer",
        "account",
        "شرکت",
    ),
    "title": (
        "title",
        "jobtitle",
        "position",
        "role",
        "function",
        "fonction",
        "poste",
        "titre",
        "unvan",
        "gorev",
        "cargo",
        "ruolo",
        "funktion",
        "berufsbezeichnung",
        "designation",
        "سمت",
    ),
    "phone": (
        "phone",
        "phonenumber",
        "telephone",
        "tel",
        "mobile",
        "mobilephone",
        "cell",
        "cellphone",
        "telefon",
        "telefono",
        "telefonnummer",
        "mobil",
        "handy",
        "portable",
        "gsm",
        "cep",
        "ceptelefonu",
        "tilefono",
        "thlefono",
        "تلفن",
        "موبایل",
    ),
    "country": ("country", "land", "pays", "ulke", "pais", "paese", "countrycode", "xwra", "کشور"),
    "city": (
        "city",
        "town",
        "stadt",
        "ort",
        "ville",
        "sehir",
        "il",
        "ciudad",
        "citta",
        "poli",
        "شهر",
    ),
    "website": (
        "linkedin",
        "linkedinurl",
        "linkedinprofile",
        "website",
        "url",
        "homepage",
        "webseite",
    ),
    "registration_type": (
        "registrationtype",
        "attendeetype",
        "tickettype",
        "type",
        "category",
        "kategorie",
    ),
}
# Partial matches (header contains the word), tried in this order.
_CONTAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("email", ("email", "mail", "eposta")),
    ("badge_id", ("badge", "barcode", "registrationid", "regid", "attendeeid", "scan")),
    ("token", ("token",)),
    ("first_name", ("firstname", "givenname", "vorname", "prenom")),
    ("last_name", ("lastname", "surname", "familyname", "nachname", "soyad")),
    ("company", ("company", "organi", "firma", "sirket", "societe", "employer")),
    ("title", ("jobtitle", "title", "position")),
    ("phone", ("phone", "mobile", "telefon", "tel")),
    ("country", ("country",)),
    ("city", ("city",)),
    ("full_name", ("name",)),
)
_GREEK = str.maketrans("αβγδεζηθικλμνξοπρστυφχψωάέήίόύώς", "abgdezh8iklmnxoprstyfxpoaehioyos")


def _normalise(header: str) -> str:
    text = unicodedata.normalize("NFKD", header.strip().replace("ı", "i").replace("İ", "I"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.translate(_GREEK)
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(slots=True)
class ColumnMapping:
    """Attendee field -> the header of the column holding it ("" = not in the file).

    Plain and editable: the import dialog lets the manager fix a wrong guess, and
    ``to_dict``/``from_dict`` save it with the event configuration.
    """

    badge_id: str = ""
    token: str = ""
    first_name: str = ""
    last_name: str = ""
    full_name: str = ""
    email: str = ""
    company: str = ""
    title: str = ""
    phone: str = ""
    country: str = ""
    city: str = ""
    website: str = ""  # LinkedIn profile or homepage: LinkedIn badges resolve through it
    registration_type: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> ColumnMapping:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown roster field(s) in the mapping: {', '.join(unknown)}")
        return cls(**{k: str(v or "") for k, v in data.items()})

    def mapped(self) -> dict[str, str]:
        """Only the fields that have a column."""
        return {k: v for k, v in self.to_dict().items() if v}


def guess_mapping(headers: list[str]) -> ColumnMapping:
    """Best guess for each field; each column is used at most once."""
    normalised = [(_normalise(h), h) for h in headers]
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for field_name, spellings in _EXACT.items():
        # Spellings are in preference order: "Badge ID" beats a plain database "ID".
        match = next(
            (h for s in spellings for n, h in normalised if n == s and h not in used), None
        )
        if match is not None:
            chosen[field_name] = match
            used.add(match)
    for field_name, words in _CONTAINS:
        if field_name in chosen:
            continue
        for norm, header in normalised:
            if header not in used and norm and any(w in norm for w in words):
                chosen[field_name] = header
                used.add(header)
                break
    if "first_name" in chosen and "last_name" in chosen:
        # A "Name" column beside first/last is usually a display name; do not double-map.
        chosen.pop("full_name", None)
    return ColumnMapping(**chosen)
