import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from boothapp.core.models import Contact
from boothapp.reports.demo_leads import generate
from boothapp.reports.lead_sheet import write_lead_sheet
from boothapp.reports.pdf_text import FALLBACK_ENV, markup, visual

ETHIOPIC = Path("/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf")


def test_persian_is_shaped_and_put_in_visual_order() -> None:
    shown = visual("مریم حسینی")
    # Final yeh, medial noon, ... : joined presentation forms, rightmost letter drawn last.
    assert shown == "\ufbfd\ufee8\ufbff\ufeb4\ufea3 \ufee2\ufbfe\ufeae\ufee3"
    assert visual("Ayşe Γιώργος") == "Ayşe Γιώργος"


def test_markup_escapes_what_visitors_type() -> None:
    assert markup("A & B <b>x</b>\nnext") == "A &amp; B &lt;b&gt;x&lt;/b&gt;<br/>next"


@pytest.mark.skipif(not ETHIOPIC.is_file(), reason="fonts-noto-core not installed")
@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_missing_glyphs_come_from_a_fallback_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FALLBACK_ENV, str(ETHIOPIC))
    assert '<font name="' in markup("ሰላም Tesfaye")
    demo = generate(1)
    lead = replace(demo.leads[0], contact=Contact(first_name="ሰላም", last_name="Tesfaye"))
    path = tmp_path / "lead.pdf"
    write_lead_sheet(lead, demo.event, path)
    assert "ሰላም Tesfaye" in PdfReader(path).pages[0].extract_text()
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "NotoSansEthiopic" in fonts
