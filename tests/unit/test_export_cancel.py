"""An export stopped from its progress callback (the dialog's Cancel) writes no file."""

from __future__ import annotations

from pathlib import Path

import pytest

from boothapp.reports.csv_export import export_csv
from boothapp.reports.demo_leads import DEMO_QUESTIONS, generate
from boothapp.reports.export_io import ExportCancelled
from boothapp.reports.xlsx_export import export_xlsx


@pytest.mark.parametrize("writer", [export_csv, export_xlsx])
def test_cancelled_export_leaves_no_file_and_keeps_the_old_one(writer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo = generate(2500)
    path = tmp_path / "leads.out"
    path.write_text("yesterday's export")
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        raise ExportCancelled

    with pytest.raises(ExportCancelled):
        writer(demo.leads, demo.event, DEMO_QUESTIONS, path, progress=progress)
    assert seen == [(1000, 2500)]  # stopped at the first step, not after writing it all
    assert path.read_text() == "yesterday's export"
    assert [p.name for p in tmp_path.iterdir()] == ["leads.out"]  # no temp file left
