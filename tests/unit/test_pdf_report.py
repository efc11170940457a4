import shutil
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from boothapp.reports.demo_leads import DEMO_QUESTIONS, generate
from boothapp.reports.pdf_report import write_report_pdf
from boothapp.reports.stats import build_report_data


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], int]:
    demo = generate(300)
    data = build_report_data(
        demo.event, demo.leads, demo.staff, demo.first_touch, questions=DEMO_QUESTIONS
    )
    folder = tmp_path_factory.mktemp("pdf")
    logo = folder / "logo.png"
    Image.new("RGB", (400, 120), (200, 30, 30)).save(logo)
    path = folder / "report.pdf"
    steps: list[tuple[int, int]] = []
    write_report_pdf(data, path, logo=logo, progress=lambda d, t: steps.append((d, t)))
    assert steps[-1] == (5, 5)
    pages = [p.extract_text() for p in PdfReader(path).pages]
    return path, pages, data.total


def test_report_has_cover_charts_tables_and_top_leads(report: tuple[Path, list[str], int]) -> None:
    _path, pages, total = report
    assert len(pages) == 5
    cover = pages[0]
    assert "Post-show report" in cover and "Istanbul Tech Expo 2026" in cover
    assert "Total leads" in cover and str(total) in cover
    assert "Qualified (hand to sales)" in cover and "Contacted within 48 hours" in cover
    assert "Leads per day" in pages[1] and "Leads per hour of day" in pages[1]
    assert "Rating mix" in pages[2] and "Funnel by stage" in pages[2]
    assert "Per staff member" in pages[3] and "Ayşe Demir" in pages[3] and "Νίκος Κ." in pages[3]
    assert "Cloud hosting" in pages[3] and "Per routing owner" in pages[3]
    assert "Top 25 leads" in pages[4]
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of 5" in text


def test_turkish_greek_and_persian_names_are_real_text(report: tuple[Path, list[str], int]) -> None:
    _path, pages, _total = report
    top = pages[4]
    assert "Ayşe Yılmaz" in top and "Γιώργος Παπαδόπουλος" in top
    # Persian is drawn as joined presentation forms (initial meem U+FEE3), which normalise
    # back to the plain letters of the name.
    assert "\ufee3" in top
    assert "مریم حسینی" in unicodedata.normalize("NFKC", top)


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_text_fonts_are_embedded_subsets(report: tuple[Path, list[str], int]) -> None:
    path, _pages, _total = report
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    embedded = {
        line.split()[0].split("+")[-1]
        for line in fonts.splitlines()[2:]
        if line.split()[-5:-2] == ["yes", "yes", "yes"]
    }
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= embedded


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_rendered_pages_show_logo_and_bars(
    report: tuple[Path, list[str], int], tmp_path: Path
) -> None:
    path, _pages, _total = report
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(path), str(tmp_path / "p")],
        check=True,
    )
    cover = Image.open(tmp_path / "p-1.png").convert("RGB")
    charts = Image.open(tmp_path / "p-2.png").convert("RGB")
    # The red logo sits top-left of the cover.
    r, g, b = cover.getpixel((int(cover.width * 0.15), int(cover.height * 0.08)))
    assert r > 180 and g < 50 and b < 50
    # Bars are drawn in the brand blue (#1f4e79) and cover a real share of the chart page.
    px = np.asarray(charts, dtype=np.int16)
    blue = np.count_nonzero((abs(px[..., 0] - 31) < 12) & (abs(px[..., 2] - 121) < 12))
    assert blue > charts.width * charts.height * 0.03


def test_missing_or_broken_logo_is_refused(tmp_path: Path) -> None:
    demo = generate(10)
    data = build_report_data(demo.event, demo.leads, demo.staff)
    with pytest.raises(ValueError, match="does not exist"):
        write_report_pdf(data, tmp_path / "r.pdf", logo=tmp_path / "nope.png")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    with pytest.raises(ValueError, match="not a readable image"):
        write_report_pdf(data, tmp_path / "r.pdf", logo=bad)
    assert not (tmp_path / "r.pdf").exists()


def test_empty_event_still_gives_a_report(tmp_path: Path) -> None:
    demo = generate(0)
    data = build_report_data(replace(demo.event, venue=""), [], demo.staff)
    write_report_pdf(data, tmp_path / "r.pdf")
    text = PdfReader(tmp_path / "r.pdf").pages[0].extract_text()
    assert "Total leads" in text and "Page 1 of" in text


def test_owners_are_named_not_shown_by_id(tmp_path: Path) -> None:
    """The routing owner is a rep id ("booth_manager"); the report names the rep (issue 21)."""
    demo = generate(60)
    leads = [replace(lead, owner="booth_manager") for lead in demo.leads]
    data = build_report_data(
        demo.event, leads, demo.staff, demo.first_touch,
        owner_names={"booth_manager": "Deniz Aksoy"},
    )  # fmt: skip
    assert [row.label for row in data.per_owner] == ["Deniz Aksoy"]
    path = tmp_path / "report.pdf"
    write_report_pdf(data, path)
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Deniz Aksoy" in text.split("Per routing owner", 1)[1]
    assert "booth_manager" not in text
