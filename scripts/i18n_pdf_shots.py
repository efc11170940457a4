"""The post-show report, the lead sheet and the command line in each language (issue 21).

Run: python scripts/i18n_pdf_shots.py [OUT_DIR]   (default docs/screenshots/i18n)
BOOTHAPP_SHOTS_LANGS=el,fa limits the languages (default en,tr,el,fa,de).

Builds the demo event in each language (its ``language:``, notes and routing names are that
team's) and runs the real command line on it as a user does (``boothapp report``,
``lead-sheet``, ``roi``, ``followups list``, ``audit list``, ``person crm-deletes``, a broken
event file, a wrong PIN, ``--help`` and a mistyped command), in the same language:
report-<lang>.png (the report's first four pages, two a row, pdftoppm),
lead-sheet-<lang>.png and cli-<lang>.txt (what the terminal showed).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGS = tuple(
    lang for lang in ("en", "tr", "el", "fa", "de")
    if lang in (os.environ.get("BOOTHAPP_SHOTS_LANGS") or "en,tr,el,fa,de").split(",")
)  # fmt: skip


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import keyring
    from keyring.backends.fail import Keyring
    from PIL import Image

    from boothapp.app import build_context
    from boothapp.core.i18n import using
    from boothapp.demo.build import build_demo

    keyring.set_keyring(Keyring())
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "i18n")
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="i18n-pdf-"))
    env = {k: v for k, v in os.environ.items() if k not in ("BOOTHAPP_LANG", "LC_ALL", "LANG")}
    env["PYTHONPATH"] = str(ROOT)
    broken = work / "event-config.yaml"  # a manager's typo: what the loader says about it
    broken.write_text("version: 1\nrevision: -2\ncolour: blue\n", encoding="utf-8")

    def boothapp(lang: str, *args: str, pin: str = "") -> str:
        run = subprocess.run(
            [sys.executable, "-m", "boothapp", *args], capture_output=True, text=True,
            env={**env, "LANG": f"{lang}_{lang.upper()}.UTF-8"}, timeout=600,
            input=f"{pin}\n" if pin else None,
        )  # fmt: skip
        return f"$ boothapp {' '.join(args)}\n{run.stdout}{run.stderr}[exit {run.returncode}]\n"

    for lang in LANGS:
        # The demo built in this language, as a team trying it would: its event language
        # (the report's and the lead sheet's), notes and routing names are the team's.
        data = work / lang / "data"
        ctx = build_context(str(data))
        try:
            with using(lang):
                event = build_demo(ctx, leads=60, seed=3).event
            lead = max(ctx.leads.list_leads(event.id), key=lambda lead: len(lead.notes or ""))
        finally:
            ctx.close()
        common = ("--data-dir", str(data))
        manager = (*common, "--as", "Deniz Aksoy")
        report, sheet = work / f"report-{lang}.pdf", work / f"sheet-{lang}.pdf"
        log = [
            boothapp(lang, "--help"),
            boothapp(lang, "event", "create"),  # forgot --name
            boothapp(lang, *common, "report", "--event", event.id, "-o", str(report)),
            boothapp(lang, *common, "lead-sheet", lead.id, "-o", str(sheet)),
            boothapp(lang, *common, "roi", "--event", event.id),
            boothapp(lang, *common, "followups", "list", "--event", event.id, "--due"),
            boothapp(lang, *manager, "audit", "list", "--limit", "3", pin="1111"),
            boothapp(lang, *manager, "person", "crm-deletes", pin="1111"),
            boothapp(
                lang, *manager, "event", "import", "--event", event.id, str(broken), pin="1111"
            ),
            boothapp(lang, *manager, "person", "export", "nobody@example.com", pin="0000"),
            boothapp(lang, "decode", str(work / "missing.png")),  # JSON: stays English
        ]
        text = "\n".join(log).replace(str(work), "/tmp/demo")
        (out / f"cli-{lang}.txt").write_text(text, encoding="utf-8")
        for pdf, name, pages in ((report, "report", 4), (sheet, "lead-sheet", 1)):
            prefix = work / f"{name}-{lang}-page"
            subprocess.run(["pdftoppm", "-r", "60", "-png", "-l", str(pages), str(pdf),
                            str(prefix)], check=True, timeout=120)  # fmt: skip
            images = [Image.open(p) for p in sorted(work.glob(f"{prefix.name}-*.png"))]
            width, height = images[0].size
            columns = min(2, len(images))  # two pages a row: readable at the image's size
            rows = (len(images) + columns - 1) // columns
            strip = Image.new("RGB", (columns * (width + 16) - 16, rows * (height + 16) - 16),
                              "#d0d7de")  # fmt: skip
            for i, image in enumerate(images):
                strip.paste(image, (i % columns * (width + 16), i // columns * (height + 16)))
            path = out / f"{name}-{lang}.png"
            strip.quantize(128).save(path, optimize=True)
            print(path, path.stat().st_size // 1024, "KB")
        print(out / f"cli-{lang}.txt")


if __name__ == "__main__":
    main()
