"""Synthetic business cards and their photos: the bench's corpus, the tests' cards, the demo.

A ``CardSpec`` is what is printed (the truth the reader must get back); ``render_card`` lays
it out flat with Pillow in one of several layouts, and ``photograph`` puts the card on a desk
as a webcam still would see it (perspective, rotation, light, blur, noise, 720p or 1080p).
Deterministic for a given ``random.Random``. Only fonts the project ships or installs
(DejaVu in boothapp/assets/fonts, fonts-dejavu-core and fonts-noto-core) are used.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import phonenumbers
from PIL import Image, ImageDraw, ImageFont, features

from boothapp.resources import asset

LANGUAGES = ("en", "tr", "de", "el", "fa")
DIFFICULTIES = ("easy", "medium", "hard")

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/noto"))
_LATIN_FONTS = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf"),
)
_ARABIC_FONTS = (
    ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
)


@dataclass(frozen=True, slots=True)
class CardSpec:
    """What one card says; ``phone`` is E.164, ``phone_printed`` how the card shows it."""

    language: str
    name: str
    title: str
    company: str
    email: str
    phone: str
    phone_printed: str
    website: str
    address: str
    country: str  # ISO alpha-2


@dataclass(frozen=True, slots=True)
class CardPhoto:
    spec: CardSpec
    image: np.ndarray  # BGR still
    difficulty: str
    layout: str


# language -> (country, phone region pattern, first names, last names, titles, companies
# (stem, form), domain suffix, street addresses)
_PEOPLE: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "country": ("GB", "US"),
        "first": (
            "Emily",
            "James",
            "Olivia",
            "Michael",
            "Sophia",
            "Oliver",
            "Amelia",
            "Harry",
            "Grace",
            "Daniel",
            "Charlotte",
            "Thomas",
        ),
        "last": (
            "Johnson",
            "Williams",
            "Brown",
            "Garcia",
            "Miller",
            "Smith",
            "Taylor",
            "Evans",
            "Walker",
            "Wright",
            "Robinson",
            "Clarke",
        ),
        "title": (
            "Sales Manager",
            "Chief Technology Officer",
            "Head of Procurement",
            "Senior Software Engineer",
            "Marketing Director",
            "Account Executive",
            "Operations Manager",
            "Business Development Manager",
            "Product Manager",
        ),
        "stem": (
            "Northwind",
            "Blue Harbor",
            "Crescent Labs",
            "Redwood Systems",
            "Brightline",
            "Oakfield Logistics",
            "Summit Data",
            "Keystone Robotics",
        ),
        "form": ("Ltd", "Inc.", "LLC", "plc", "Ltd."),
        "street": ("221 Baker Street, London NW1 6XE", "12 King's Road, Manchester M1 2AB"),
        "street_US": ("500 Market Street, San Francisco, CA", "88 Pine Avenue, Austin, TX 78701"),
    },
    "tr": {
        "country": ("TR",),
        "first": (
            "Ayşe",
            "Mehmet",
            "Zeynep",
            "Emre",
            "Elif",
            "Burak",
            "Gülşen",
            "Oğuz",
            "Çağla",
            "İbrahim",
            "Şule",
            "Tolga",
        ),
        "last": (
            "Yılmaz",
            "Kaya",
            "Demir",
            "Şahin",
            "Çelik",
            "Öztürk",
            "Aydın",
            "Koç",
            "Güneş",
            "Doğan",
            "Kılıç",
            "Arslan",
        ),
        "title": (
            "Satış Müdürü",
            "Genel Müdür",
            "Yazılım Mühendisi",
            "Pazarlama Müdürü",
            "Satın Alma Uzmanı",
            "Proje Yöneticisi",
            "İş Geliştirme Müdürü",
        ),
        "stem": (
            "Anadolu Makine",
            "Ege Tekstil",
            "Boğaziçi Yazılım",
            "Marmara Lojistik",
            "Toros Enerji",
            "Kapadokya Gıda",
            "Karadeniz Otomasyon",
        ),
        "form": ("A.Ş.", "Ltd. Şti.", "San. ve Tic. A.Ş."),
        "street": (
            "Büyükdere Cad. No: 12, Şişli, İstanbul",
            "Atatürk Bulvarı 45, Çankaya, Ankara",
            "Kordon Boyu 8, Alsancak, İzmir",
        ),
    },
    "de": {
        "country": ("DE",),
        "first": (
            "Jonas",
            "Lena",
            "Lukas",
            "Anna",
            "Felix",
            "Marie",
            "Jürgen",
            "Sönke",
            "Katrin",
            "Matthias",
            "Jörg",
            "Ulrike",
        ),
        "last": (
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Weiß",
            "Köhler",
            "Becker",
            "Hoffmann",
            "Schäfer",
            "Krüger",
            "Bäcker",
        ),
        "title": (
            "Vertriebsleiter",
            "Geschäftsführer",
            "Leiterin Einkauf",
            "Softwareentwickler",
            "Marketingleiterin",
            "Technischer Leiter",
            "Projektmanager",
        ),
        "stem": (
            "Müller Maschinenbau",
            "Rheintal Software",
            "Nordlicht Logistik",
            "Alpen Sensorik",
            "Hansa Antriebstechnik",
            "Schwarzwald Medizintechnik",
        ),
        "form": ("GmbH", "AG", "GmbH & Co. KG", "KG"),
        "street": (
            "Hauptstraße 5, 80331 München",
            "Friedrichstraße 112, 10117 Berlin",
            "Königsallee 27, 40212 Düsseldorf",
        ),
    },
    "el": {
        "country": ("GR",),
        "first": (
            "Γιώργος",
            "Μαρία",
            "Νίκος",
            "Ελένη",
            "Κώστας",
            "Δημήτρης",
            "Σοφία",
            "Γιάννης",
            "Κατερίνα",
        ),
        "last": (
            "Παπαδόπουλος",
            "Οικονόμου",
            "Γεωργίου",
            "Νικολάου",
            "Αντωνίου",
            "Καραγιάννης",
            "Δημητρίου",
            "Βασιλείου",
        ),
        "title": (
            "Διευθυντής Πωλήσεων",
            "Γενικός Διευθυντής",
            "Μηχανικός Λογισμικού",
            "Υπεύθυνος Προμηθειών",
            "Διευθύντρια Μάρκετινγκ",
        ),
        "stem": (
            "Ελληνική Τεχνική",
            "Αιγαίο Λογισμικό",
            "Όλυμπος Ενέργεια",
            "Κρήτη Τρόφιμα",
            "Αθηναϊκή Ναυτιλία",
        ),
        "form": ("Α.Ε.", "Ο.Ε.", "Ε.Π.Ε."),
        "street": (
            "Λεωφ. Κηφισίας 12, 151 25 Αθήνα",
            "Τσιμισκή 45, 546 23 Θεσσαλονίκη",
            "Οδός Ερμού 7, 105 63 Αθήνα",
        ),
    },
    "fa": {
        "country": ("IR",),
        "first": ("مریم", "علی", "سارا", "رضا", "محمد", "زهرا", "حسین", "نرگس"),
        "last": ("حسینی", "محمدی", "رضایی", "کریمی", "احمدی", "موسوی", "جعفری", "صادقی"),
        "title": ("مدیر فروش", "مدیرعامل", "مهندس نرم‌افزار", "مدیر بازاریابی", "کارشناس خرید"),
        "stem": ("پارس صنعت", "آریا فناوری", "البرز انرژی", "کاوه تجارت", "سپهر داده"),
        "form": ("شرکت", "گروه"),
        "street": (
            "تهران، خیابان ولیعصر، پلاک ۱۲",
            "اصفهان، خیابان چهارباغ، پلاک ۴۵",
            "شیراز، بلوار زند، پلاک ۸",
        ),
    },
}

# Latin spellings for e-mail addresses and domains (cards print the address in ASCII)
_TRANSLIT = str.maketrans(
    {
        "ş": "s",
        "Ş": "S",
        "ç": "c",
        "Ç": "C",
        "ğ": "g",
        "ı": "i",
        "İ": "I",
        "ö": "o",
        "Ö": "O",
        "ü": "u",
        "Ü": "U",
        "ä": "a",
        "ß": "ss",
        "â": "a",
    }
)
_GREEK_LATIN = {
    "Γιώργος": "giorgos",
    "Μαρία": "maria",
    "Νίκος": "nikos",
    "Ελένη": "eleni",
    "Κώστας": "kostas",
    "Δημήτρης": "dimitris",
    "Σοφία": "sofia",
    "Γιάννης": "giannis",
    "Κατερίνα": "katerina",
    "Παπαδόπουλος": "papadopoulos",
    "Οικονόμου": "oikonomou",
    "Γεωργίου": "georgiou",
    "Νικολάου": "nikolaou",
    "Αντωνίου": "antoniou",
    "Καραγιάννης": "karagiannis",
    "Δημητρίου": "dimitriou",
    "Βασιλείου": "vasileiou",
    "Ελληνική Τεχνική": "elltechniki",
    "Αιγαίο Λογισμικό": "aigaiosoft",
    "Όλυμπος Ενέργεια": "olymposenergy",
    "Κρήτη Τρόφιμα": "kritifoods",
    "Αθηναϊκή Ναυτιλία": "athenship",
}
_PERSIAN_LATIN = {
    "مریم": "maryam",
    "علی": "ali",
    "سارا": "sara",
    "رضا": "reza",
    "محمد": "mohammad",
    "زهرا": "zahra",
    "حسین": "hossein",
    "نرگس": "narges",
    "حسینی": "hosseini",
    "محمدی": "mohammadi",
    "رضایی": "rezaei",
    "کریمی": "karimi",
    "احمدی": "ahmadi",
    "موسوی": "mousavi",
    "جعفری": "jafari",
    "صادقی": "sadeghi",
    "پارس صنعت": "parsanat",
    "آریا فناوری": "ariatech",
    "البرز انرژی": "alborzenergy",
    "کاوه تجارت": "kavehtrade",
    "سپهر داده": "sepehrdata",
}
_TLD = {"GB": "co.uk", "US": "com", "TR": "com.tr", "DE": "de", "GR": "gr", "IR": "ir"}
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _latin(text: str) -> str:
    text = _GREEK_LATIN.get(text) or _PERSIAN_LATIN.get(text) or text
    return "".join(c for c in text.translate(_TRANSLIT).lower() if c.isascii() and c.isalnum())


def _phone(rng: random.Random, country: str) -> tuple[str, str]:
    """A valid number of ``country``: (E.164, as printed on a card in one of its styles)."""
    example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
    if rng.random() < 0.5:
        example = phonenumbers.example_number_for_type(
            country, phonenumbers.PhoneNumberType.FIXED_LINE
        )
    assert example is not None
    national = str(example.national_number)
    for _ in range(200):
        keep = max(3, len(national) - 5)
        digits = national[:keep] + "".join(rng.choice("0123456789") for _ in national[keep:])
        num = phonenumbers.parse("+" + str(example.country_code) + digits)
        if phonenumbers.is_valid_number(num):
            break
    fmt = rng.choice(
        (phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.NATIONAL)
    )
    printed = phonenumbers.format_number(num, fmt)
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164), printed


def make_spec(rng: random.Random, language: str) -> CardSpec:
    p = _PEOPLE[language]
    country = rng.choice(p["country"])
    first, last = rng.choice(p["first"]), rng.choice(p["last"])
    stem, form = rng.choice(p["stem"]), rng.choice(p["form"])
    company = f"{form} {stem}" if language == "fa" else f"{stem} {form}"
    domain = f"{_latin(stem)}.{_TLD[country]}"
    local = rng.choice((f"{_latin(first)}.{_latin(last)}", f"{_latin(first)[0]}{_latin(last)}",
                        _latin(first)))  # fmt: skip
    e164, printed = _phone(rng, country)
    if language == "fa" and rng.random() < 0.5:
        # Persian digits in the national form: the Arabic fonts carry no "+"
        national = phonenumbers.format_number(
            phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
        )
        printed = national.translate(_PERSIAN_DIGITS)
    return CardSpec(
        language=language,
        name=f"{first} {last}",
        title=rng.choice(p["title"]),
        company=company,
        email=f"{local}@{domain}",
        phone=e164,
        phone_printed=printed,
        website=rng.choice(("www.", "", "https://www.")) + domain,
        address=rng.choice(p.get(f"street_{country}", p["street"])),
        country=country,
    )


def _font_path(name: str) -> str:
    for d in (*_FONT_DIRS, asset("fonts")):
        if (d / name).exists():
            return str(d / name)
    return str(asset("fonts", "DejaVuSans-Bold.ttf" if "Bold" in name else "DejaVuSans.ttf"))


_LAYOUTS = ("left", "centered", "right_block", "band")


def render_card(
    spec: CardSpec, rng: random.Random, *, dark: bool = False, layout: str | None = None
) -> tuple[Image.Image, str]:
    """The flat card at 300 dpi (1050 x 600 px, 89 x 51 mm) and the layout used."""
    w, h = 1050, 600
    layout = layout or rng.choice(_LAYOUTS)
    rtl = spec.language == "fa"
    regular, bold = rng.choice(_ARABIC_FONTS if rtl else _LATIN_FONTS)
    latin_regular = rng.choice(_LATIN_FONTS)[0]
    hue = rng.randrange(3)
    if dark:
        paper = (rng.randrange(15, 45), rng.randrange(20, 50), rng.randrange(40, 70))
        ink, accent = (245, 245, 240), (rng.randrange(180, 255), rng.randrange(160, 220), 90)
    else:
        paper = (rng.randrange(238, 256), rng.randrange(238, 256), rng.randrange(230, 256))
        ink = (rng.randrange(0, 40),) * 3
        accent = [(20, 60, 140), (150, 30, 40), (20, 110, 70)][hue]
    img = Image.new("RGB", (w, h), paper)
    draw = ImageDraw.Draw(img)
    name_size = rng.randrange(50, 66)
    body = rng.randrange(27, 33)
    f_name = ImageFont.truetype(_font_path(bold), name_size)
    f_title = ImageFont.truetype(_font_path(regular), body + 3)
    f_company = ImageFont.truetype(_font_path(bold), body + 6)
    f_body = ImageFont.truetype(_font_path(regular), body)
    f_latin = ImageFont.truetype(_font_path(latin_regular), body)
    raqm = features.check("raqm")

    def text(xy: tuple[float, float], s: str, font: ImageFont.FreeTypeFont,
             fill: tuple[int, ...], anchor: str) -> None:  # fmt: skip
        if rtl and raqm and not s.isascii():
            draw.text(xy, s, font=font, fill=fill, anchor=anchor, direction="rtl")
        else:
            draw.text(xy, s, font=font, fill=fill, anchor=anchor)

    contact_lines: list[tuple[str, ImageFont.FreeTypeFont]] = [
        (spec.phone_printed, f_latin if spec.phone_printed.isascii() else f_body),
        (spec.email, f_latin),
        (spec.website, f_latin),
    ]
    if rng.random() < 0.85:
        contact_lines.append((spec.address, f_latin if spec.address.isascii() else f_body))
    if rng.random() < 0.4 and not rtl:  # labelled lines, as many cards print them
        labels = ("T", "E", "W") if rng.random() < 0.5 else ("Tel:", "Email:", "Web:")
        contact_lines[:3] = [(f"{lab} {s}", f) for lab, (s, f) in zip(labels, contact_lines[:3],
                                                                      strict=True)]  # fmt: skip
    rng.shuffle(contact_lines) if rng.random() < 0.3 else None
    top = [(spec.name, f_name, ink), (spec.title, f_title, ink)]
    company = (spec.company, f_company, accent)
    margin = 60
    if layout == "band":
        draw.rectangle((0, 0, w, 120), fill=accent)
        band_ink = paper if not dark else (20, 20, 30)
        text((w - margin if rtl else margin, 60), spec.company, f_company, band_ink,
             "rm" if rtl else "lm")  # fmt: skip
        y: float = 170
        for s, f, c in top:
            text((w - margin if rtl else margin, y), s, f, c, "ra" if rtl else "la")
            y += f.size + 22
        y = max(y + 10, h - 40 - len(contact_lines) * (body + 14))
        for s, f in contact_lines:
            text((w - margin if rtl else margin, y), s, f, ink, "ra" if rtl else "la")
            y += body + 14
    elif layout == "centered":
        y = 50.0
        for s, f, c in (company, *top):
            text((w / 2, y), s, f, c, "ma")
            y += f.size + 24
        y += 10
        draw.line((w / 2 - 200, y - 12, w / 2 + 200, y - 12), fill=accent, width=3)
        for s, f in contact_lines:
            text((w / 2, y), s, f, ink, "ma")
            y += body + 12
    else:
        right = layout == "right_block" or rtl
        x = w - margin if right else margin
        anchor = "ra" if right else "la"
        text((x, 50), spec.company, f_company, accent, anchor)
        y = 150.0
        for s, f, c in top:
            text((x, y), s, f, c, anchor)
            y += f.size + 20
        y = max(y + 20, h - 40 - len(contact_lines) * (body + 14))
        for s, f in contact_lines:
            text((x, y), s, f, ink, anchor)
            y += body + 14
    return img, layout


def _desk(rng: random.Random, width: int, height: int, dark_card: bool) -> np.ndarray:
    base = np.array([rng.randrange(60, 200) for _ in range(3)], dtype=np.float32)
    if dark_card:
        base = np.clip(base + 40, 0, 255)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    grad = (xx / width * rng.uniform(-40, 40) + yy / height * rng.uniform(-40, 40))[..., None]
    wood = (np.sin(xx / rng.uniform(8, 40) + yy / 300.0) * rng.uniform(0, 12))[..., None]
    desk: np.ndarray = np.clip(base + grad + wood, 0, 255).astype(np.uint8)
    return desk


def photograph(
    card: Image.Image, rng: random.Random, difficulty: str, *, hd: bool | None = None,
    upside_down: bool = False, tilt: float | None = None,
) -> np.ndarray:  # fmt: skip
    """The card lying on a desk in a webcam still (BGR): the harder, the worse the picture."""
    hd = rng.random() < 0.5 if hd is None else hd
    width, height = (1920, 1080) if hd else (1280, 720)
    card_bgr = cv2.cvtColor(np.asarray(card), cv2.COLOR_RGB2BGR)
    dark_card = float(card_bgr.mean()) < 100
    ch, cw = card_bgr.shape[:2]
    frac = {"easy": (0.55, 0.75), "medium": (0.45, 0.7), "hard": (0.35, 0.55)}[difficulty]
    scale = width * rng.uniform(*frac) / cw
    angle = tilt if tilt is not None else {
        "easy": rng.uniform(-4, 4), "medium": rng.uniform(-12, 12), "hard": rng.uniform(-25, 25)
    }[difficulty]  # fmt: skip
    if upside_down or (difficulty == "hard" and rng.random() < 0.3):
        angle += 180
    persp = {"easy": 0.02, "medium": 0.07, "hard": 0.12}[difficulty]
    corners = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], dtype=np.float32) - (cw / 2, ch / 2)
    corners *= scale
    jitter = np.array([[rng.uniform(-persp, persp) * cw * scale for _ in range(2)]
                       for _ in range(4)], dtype=np.float32)  # fmt: skip
    corners += jitter
    t = np.deg2rad(angle)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]], dtype=np.float32)
    corners = corners @ rot.T
    span = corners.max(axis=0) - corners.min(axis=0)
    fit = min(1.0, float(np.min(np.array([width, height]) * 0.95 / span)))
    corners *= fit  # the whole card in view, as staff hold it for the photo
    span = corners.max(axis=0) - corners.min(axis=0)
    room = np.maximum(np.array([width, height]) - span - 20, 0) / 2
    centre = np.array([width / 2 + rng.uniform(-room[0], room[0]) * 0.6,
                       height / 2 + rng.uniform(-room[1], room[1]) * 0.6])  # fmt: skip
    corners += centre.astype(np.float32)
    src = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    desk = _desk(rng, width, height, dark_card)
    warped = cv2.warpPerspective(card_bgr, m, (width, height), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ch, cw), 255, np.uint8), m, (width, height))
    shadow = cv2.GaussianBlur(mask, (0, 0), 12).astype(np.float32)[..., None] / 255.0
    out = desk.astype(np.float32) * (1 - 0.35 * shadow)
    alpha = mask.astype(np.float32)[..., None] / 255.0
    out = out * (1 - alpha) + warped.astype(np.float32) * alpha
    # light: a brightness gradient over the frame, darker in medium/hard
    gain = {"easy": (0.9, 1.05), "medium": (0.7, 1.0), "hard": (0.5, 0.85)}[difficulty]
    xx = np.mgrid[0:height, 0:width][1].astype(np.float32)
    light = rng.uniform(*gain) + (xx / width - 0.5) * rng.uniform(-0.25, 0.25)
    out *= light[..., None]
    blur = {"easy": 0.0, "medium": rng.uniform(0.6, 1.3), "hard": rng.uniform(1.5, 2.4)}
    if blur[difficulty] > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur[difficulty])
    noise = {"easy": 2.0, "medium": 5.0, "hard": 10.0}[difficulty]
    out += np.random.default_rng(rng.randrange(1 << 30)).normal(0, noise, out.shape)
    out = np.clip(out, 0, 255).astype(np.uint8)
    quality = {"easy": 92, "medium": 80, "hard": 65}[difficulty]
    ok, jpg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(jpg, cv2.IMREAD_COLOR) if ok else None
    return decoded if decoded is not None else out


def card_photos(seed: int, per_cell: int) -> list[CardPhoto]:
    """``per_cell`` photos for every language x difficulty, from ``seed``."""
    rng = random.Random(seed)
    out: list[CardPhoto] = []
    for language in LANGUAGES:
        for difficulty in DIFFICULTIES:
            for _ in range(per_cell):
                spec = make_spec(rng, language)
                card, layout = render_card(spec, rng, dark=rng.random() < 0.25)
                out.append(CardPhoto(spec, photograph(card, rng, difficulty), difficulty, layout))
    return out


def demo_card_frame(seed: int = 7, language: str = "en") -> tuple[CardSpec, np.ndarray]:
    """One easy 1080p still of a light card: what the demo camera shows for "Card"."""
    rng = random.Random(seed)
    spec = make_spec(rng, language)
    card, _ = render_card(spec, rng, dark=False, layout="left")
    return spec, photograph(card, rng, "easy", hd=True)


def text_only_badge(name: str, company: str, seed: int = 3) -> np.ndarray:
    """An easy 1080p still of a visitor badge with no barcode: a coloured header, the name
    large, the company below (issue 20: matched against the roster by its text)."""
    bold, regular = asset("fonts", "DejaVuSans-Bold.ttf"), asset("fonts", "DejaVuSans.ttf")
    img = Image.new("RGB", (1050, 600), (250, 250, 245))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 1050, 110), fill=(30, 70, 140))
    draw.text((60, 30), "VISITOR", font=ImageFont.truetype(str(bold), 50), fill=(255, 255, 255))
    draw.text((60, 220), name, font=ImageFont.truetype(str(bold), 76), fill=(20, 20, 20))
    draw.text((60, 360), company, font=ImageFont.truetype(str(regular), 54), fill=(40, 40, 40))
    return photograph(img, random.Random(seed), "easy", hd=True)


__all__ = [
    "CardPhoto",
    "CardSpec",
    "card_photos",
    "demo_card_frame",
    "make_spec",
    "photograph",
    "render_card",
    "text_only_badge",
]
