"""The words that tell a card's lines apart, per language (issue 20). Declared once here."""

from __future__ import annotations

import re

# Legal forms: a line carrying one is the company. Longest first so "Ltd. Şti." wins over "Ltd".
COMPANY_FORMS: tuple[str, ...] = (
    "San. ve Tic. A.Ş.", "Ltd. Şti.", "A.Ş.", "GmbH & Co. KG", "GmbH", "AG", "KG", "e.K.",
    "UG", "Ltd.", "Ltd", "Limited", "Inc.", "Inc", "LLC", "plc", "PLC", "Corp.", "Co.",
    "S.A.", "SAS", "B.V.", "S.r.l.", "S.p.A.", "Oy", "AB", "A/S",
    "Α.Ε.", "Ο.Ε.", "Ε.Ε.", "Ε.Π.Ε.", "Ι.Κ.Ε.", "ΑΕ",
    "شرکت", "گروه", "سهامی خاص", "مؤسسه",
)  # fmt: skip

# Words of job titles, per language (lower case; matched on word starts)
TITLE_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "manager",
        "director",
        "engineer",
        "officer",
        "head",
        "executive",
        "president",
        "founder",
        "owner",
        "partner",
        "consultant",
        "specialist",
        "lead",
        "developer",
        "designer",
        "analyst",
        "sales",
        "marketing",
        "chief",
        "ceo",
        "cto",
        "cfo",
        "coo",
        "vp",
        "vice",
        "senior",
        "account",
        "buyer",
        "procurement",
        "operations",
        "representative",
        "coordinator",
        "architect",
        "administrator",
        "assistant",
    ),
    "tr": (
        "müdür",
        "mudur",
        "uzman",
        "mühendis",
        "muhendis",
        "yönetici",
        "yonetici",
        "başkan",
        "baskan",
        "sorumlu",
        "temsilci",
        "direktör",
        "kurucu",
        "ortak",
        "danışman",
        "satış",
        "satin",
        "satın",
        "pazarlama",
        "genel",
        "geliştirme",
    ),
    "de": (
        "leiter",
        "leiterin",
        "geschäftsführer",
        "geschäftsführerin",
        "entwickler",
        "entwicklerin",
        "vertrieb",
        "einkauf",
        "ingenieur",
        "ingenieurin",
        "berater",
        "beraterin",
        "projektmanager",
        "vorstand",
        "inhaber",
        "technischer",
        "marketing",
        "referent",
        "sachbearbeiter",
        "prokurist",
        "manager",
    ),
    "el": (
        "διευθυντής",
        "διευθύντρια",
        "διευθυντ",
        "μηχανικός",
        "υπεύθυνος",
        "υπεύθυνη",
        "πωλήσεων",
        "προμηθειών",
        "γενικός",
        "σύμβουλος",
        "πρόεδρος",
        "μάρκετινγκ",
    ),
    "fa": (
        "مدیر",
        "مدیرعامل",
        "کارشناس",
        "مهندس",
        "رئیس",
        "مشاور",
        "فروش",
        "بازاریابی",
        "خرید",
        "معاون",
    ),
}

# Words of street addresses, per language (lower case, prefix match)
ADDRESS_WORDS: tuple[str, ...] = (
    "street", "st.", "road", "rd.", "avenue", "ave", "blvd", "boulevard", "lane", "suite",
    "floor", "cad.", "cadde", "sok.", "sokak", "bulvar", "mah.", "mahalle", "no:", "kat",
    "straße", "strasse", "str.", "weg", "platz", "allee", "gasse", "ring",
    "λεωφ", "οδός", "οδος", "πλατεία", "خیابان", "پلاک", "بلوار", "کوچه", "طبقه",
)  # fmt: skip

# Place names that give the card's country away when no phone prefix or domain does
CITIES: dict[str, str] = {
    "london": "GB", "manchester": "GB", "san francisco": "US", "austin": "US",
    "new york": "US", "istanbul": "TR", "İstanbul": "TR", "ankara": "TR", "izmir": "TR",
    "i̇zmir": "TR", "münchen": "DE", "berlin": "DE", "düsseldorf": "DE", "hamburg": "DE",
    "αθήνα": "GR", "θεσσαλονίκη": "GR", "athens": "GR", "تهران": "IR", "اصفهان": "IR",
    "شیراز": "IR",
}  # fmt: skip

# Country-code top-level domains that differ from ISO alpha-2
TLD_COUNTRY: dict[str, str] = {"uk": "GB"}
# Free-mail domains: an address there says nothing about the company
FREE_MAIL: frozenset[str] = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com",
    "gmx.de", "web.de", "yandex.com", "mail.ru", "live.com", "proton.me", "protonmail.com",
})  # fmt: skip

# Labels printed before a value ("T", "Tel:", "E-mail:", "W") stripped before reading it
LABEL = re.compile(
    r"^\s*(?:tel(?:efon)?|phone|mob(?:ile)?|cell|gsm|m|t|p|e-?mail|e|mail|web|w|www:|"
    r"τηλ|κιν|ιστ|تلفن|همراه|ایمیل|وب)\s*[.:]?\s+",
    re.IGNORECASE,
)
FAX = re.compile(r"^\s*(?:fax|f|φαξ|فکس)\s*[.:]", re.IGNORECASE)
