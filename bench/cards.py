"""Business-card reading: field accuracy per field, language and difficulty, and time per card.

Synthetic card photos (boothapp/demo/cards.py: five layouts, DejaVu and Noto fonts, en/tr/de/
el/fa, light and dark cards, perspective, rotation, blur, noise, JPEG, 720p and 1080p stills)
from a seed the rules were never tuned on (tuning used seeds 1, 3 and 7; report 2024 and a
fresh seed such as 3031). In the same run:

- app/tesseract: the app's reader (card finding, contrast, Tesseract via tesserocr, field rules)
- app/rapidocr:  the same path with RapidOCR (PP-OCRv4 on onnxruntime) as the engine
- peer:          plain Tesseract (eng) on the whole still, simple regexes, largest line = name

    python bench/cards.py [--seed 2024] [--per-cell 6] [--engines tesseract,rapidocr,peer]

First pass (2026-12-03, 2 cores shared, load 3-8), easy+medium, seed 2024 / 3031:

    engine          e-mail   phone    web  name  company  title  fa phone  median ms
    app/tesseract   97/100   95/90  98/100 93/90    93/95  98/98     75/50    909/495
    app/rapidocr     90/90   93/92 100/100 23/28    42/38  27/23     67/58   2142/479
    peer             43/58   43/40   35/40 18/22      0/0    0/0     33/17     204/83

Picked: Tesseract. RapidOCR's shipped model is Chinese+English: no Turkish/German accents,
no Greek, no Persian, so names, companies and titles on tr/el/fa cards fail; it is no faster.

Second pass (Persian-digit model, e-mail/phone fixes), easy+medium, seed 2024 / 3031 / 4049
(4049 fresh), app/tesseract: e-mail 96.7/100/98.3, phone 96.7/95/96.7 (fa phone 83/75/83),
other fields unchanged. Third pass (merged lines, bold Persian names, name marks), seeds
2024/3031/4049/5050/6060 (5050, 6060 fresh): e-mail 100/100/100/95/98.3, phone 96.7/95/96.7/
96.7/98.3, name 98.3/95/100/96.7/98.3. Details, hard photos: docs/CARDS.md.
Fourth pass (print block when no outline, Persian zero's dot, surer line of two passes,
Persian numbers read as nonsense, e-mail @ as ©/G/space), easy+medium, e-mail / phone / web /
name / company / title: fresh 1212 96.7/98.3/96.7/96.7/96.7/95, fresh 2323 96.7/95/96.7/98.3/
96.7/100; 5050 100/100/100/100/96.7/96.7, 7070 100/95/100/100/96.7/96.7, 8080 98.3/95/98.3/
96.7/91.7/93.3, 9090 98.3/98.3/100/98.3/93.3/98.3 (7070-9090 first seen this pass).
Fifth pass (deskew keeps level cards level, missed Latin rows, @ as g/a, ß), same order:
1212 98.3/98.3/98.3/100/95/98.3, 2323 100/100/100/98.3/96.7/98.3, 5050 100/98.3/100/95/
96.7/90, 1313 100/96.7/100/96.7/91.7/96.7 (tuning); measured once, never opened: 7171
98.3/96.7/100/98.3/95/98.3, 8383 100/96.7/100/100/93.3/100.
Sixth pass (e-mail lines read on their own rows and at other sizes for a lost dot, @ as a
bracket, domain copies against the company, company specks): 9191 100/95/100/98.3/95/95
(before 96.7 e-mail); run once at the end: 7373 98.3/98.3/98.3/98.3/91.7/98.3, 8484 98.3/
96.7/100/96.7/95/96.7.
Seventh pass (Persian phone digits: touching glyphs cut, compared at darker ink): 6262 (first
full run on it, before/after) 100/93.3->95/100/93.3/95/96.7, median 770/664 ms (main 619 ms
re-run in the next lock window); fresh 7474 main -> branch 100/93.3->100/100/100/91.7/98.3
(fa phone 8 -> 12 of 12).

Ends with one JSON line: {"bench": "cards", "figures": {...}}. Times are wall-clock on this
machine, shared with other work (noisy); all engines are measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import phonenumbers  # noqa: E402

from boothapp.capture.ocr.card_fields import ADDRESS  # noqa: E402
from boothapp.capture.ocr.card_locate import NoCardFound  # noqa: E402
from boothapp.capture.ocr.card_reader import read_card  # noqa: E402
from boothapp.capture.ocr.engines import make_reader  # noqa: E402
from boothapp.capture.ocr.types import OcrUnavailable, Script, TextReader  # noqa: E402
from boothapp.demo.cards import CardPhoto, CardSpec, card_photos  # noqa: E402

FIELDS = ("email", "phone", "website", "name", "company", "title", "address", "country")
TARGETS = {"email": 0.97, "phone": 0.95, "website": 0.95, "name": 0.90, "company": 0.85,
           "title": 0.80}  # fmt: skip
Got = dict[str, str]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _letters(text: str) -> str:
    return "".join(c for c in _norm(text) if c.isalnum())


def _host(url: str) -> str:
    return re.sub(r"(?i)^https?://", "", url.strip()).split("/")[0].lower().removeprefix("www.")


def correct(spec: CardSpec, got: Got) -> dict[str, bool]:
    return {
        "email": got["email"].lower() == spec.email.lower(),
        "phone": got["phone"] == spec.phone,
        "website": bool(got["website"]) and _host(got["website"]) == _host(spec.website),
        "name": _norm(got["name"]) == _norm(spec.name),
        "company": _letters(got["company"]) == _letters(spec.company),
        "title": _norm(got["title"]) == _norm(spec.title),
        "address": bool(got["address"]) and _letters(got["address"]) == _letters(spec.address),
        "country": got["country"] == spec.country,
    }


def app_reader(reader: TextReader) -> Callable[[CardPhoto], Got]:
    def run(photo: CardPhoto) -> Got:
        try:
            r = read_card(photo.image, reader, regions=())
        except NoCardFound:
            return dict.fromkeys(FIELDS, "")
        c = r.fields.contact
        return {"email": c.email, "phone": c.phone, "website": c.website, "name": c.full_name,
                "company": c.company, "title": c.title, "address": r.fields.address,
                "country": c.country}  # fmt: skip

    return run


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WEB = re.compile(r"(?i)(?:https?://)?www\.[\w.-]+|https?://[\w.-]+")


def peer_reader(reader: TextReader) -> Callable[[CardPhoto], Got]:
    """What a quick script does: OCR the whole photo, regexes, the largest line is the name."""

    def run(photo: CardPhoto) -> Got:
        grey = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY)
        lines = reader.read(grey, Script.LATIN).lines
        text = "\n".join(ln.text for ln in lines)
        email = _EMAIL.search(text)
        web = _WEB.search(text)
        phone = ""
        for m in phonenumbers.PhoneNumberMatcher(text, "ZZ"):
            phone = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            break
        named = [ln for ln in lines if ln.text.strip() and "@" not in ln.text]
        name = max(named, key=lambda ln: ln.box.h).text if named else ""
        return {"email": email.group(0) if email else "", "phone": phone,
                "website": web.group(0) if web else "", "name": name, "company": "",
                "title": "", "address": "", "country": ""}  # fmt: skip

    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2024, help="photos never used for tuning")
    ap.add_argument("--per-cell", type=int, default=6, help="photos per language x difficulty")
    ap.add_argument("--engines", default="tesseract,rapidocr,peer")
    args = ap.parse_args()
    photos = card_photos(args.seed, args.per_cell)
    engines: dict[str, Callable[[CardPhoto], Got]] = {}
    skipped: list[str] = []
    tess = make_reader("tesseract")
    for name in args.engines.split(","):
        if name == "tesseract":
            engines["app/tesseract"] = app_reader(tess)
        elif name == "rapidocr":
            # RapidOCR is the optional fallback engine (not in the default install): a box
            # without it still measures the engine the app uses, and says what it skipped.
            try:
                engines["app/rapidocr"] = app_reader(make_reader("rapidocr"))
            except OcrUnavailable as exc:
                skipped.append(f"rapidocr: {exc}")
                print(f"skipped {skipped[-1]}")
        elif name == "peer":
            peer_tess = type(tess)({s: "eng" for s in Script})
            engines["peer"] = peer_reader(peer_tess)
    # warm-up: models load once per process, as in the app
    for run in engines.values():
        run(photos[0])
        run(photos[len(photos) // 2 + 1])

    figures: dict[str, object] = {"photos": len(photos), "seed": args.seed, "skipped": skipped}
    print(f"{len(photos)} card photos (seed {args.seed}), "
          f"{args.per_cell} per language x difficulty; 2 cores shared with other work")  # fmt: skip
    for label, run in engines.items():
        # [group][field] -> list of bool
        hits: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
        times: list[float] = []
        for photo in photos:
            t0 = time.perf_counter()
            got = run(photo)
            times.append((time.perf_counter() - t0) * 1000)
            ok = correct(photo.spec, got)
            easy_med = "easy+medium" if photo.difficulty != "hard" else "hard"
            for f, v in ok.items():
                for group in (easy_med, photo.difficulty, f"lang:{photo.spec.language}"
                              + ("" if photo.difficulty != "hard" else ":hard")):  # fmt: skip
                    hits[group][f].append(v)
        table = {g: {f: round(sum(v) / len(v), 3) for f, v in fs.items()}
                 for g, fs in hits.items()}  # fmt: skip
        med = statistics.median(times)
        p90 = sorted(times)[int(0.9 * (len(times) - 1))]
        em = table.get("easy+medium", {})
        met = {f: em.get(f, 0.0) >= t for f, t in TARGETS.items()}
        figures[label] = {"fields": table, "median_ms": round(med), "p90_ms": round(p90),
                          "targets_met": met}  # fmt: skip
        print(f"\n== {label}: median {med:.0f} ms per card, p90 {p90:.0f} ms")
        langs = sorted(g for g in table if g.startswith("lang:"))
        groups = ["easy+medium", "easy", "medium", "hard", *langs]
        print(f"{'':16}" + "".join(f"{f:>9}" for f in FIELDS))
        for g in groups:
            if g in table:
                print(f"{g:16}" + "".join(f"{table[g].get(f, 0) * 100:8.0f}%" for f in FIELDS))
        verdicts = [
            f"{f} {'met' if ok else 'MISSED'} ({em.get(f, 0):.0%} vs {TARGETS[f]:.0%})"
            for f, ok in met.items()
        ]
        print("targets (easy+medium): " + ", ".join(verdicts))
    print(json.dumps({"bench": "cards", "figures": figures}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["ADDRESS", "correct"]
