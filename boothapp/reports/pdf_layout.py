"""Page furniture shared by the PDFs: "Page n of m" footers and striped tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen import canvas
from reportlab.platypus import LongTable, TableStyle

from boothapp.core.i18n import current
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import format_number
from boothapp.reports.pdf_text import BRAND, FONT, FONT_BOLD, GRID, MUTED, STRIPE, para, visual


def numbered_canvas(footer_left: str) -> type[canvas.Canvas]:
    """A canvas class that defers page output until the page count is known.

    The standard reportlab recipe: keep each page's state, then draw "Page n of m" on every
    page at save time.
    """

    class NumberedCanvas(canvas.Canvas):  # type: ignore[misc]  # reportlab has no stubs
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_page_states: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved_page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._saved_page_states)
            for state in self._saved_page_states:
                self.__dict__.update(state)
                self._draw_footer(count)
                super().showPage()
            super().save()

        def _draw_footer(self, count: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setFont(FONT, 8)
            self.setFillColor(MUTED)
            self.drawString(40, 24, footer_left)
            page = _("Page {page} of {pages}").format(
                page=format_number(self._pageNumber), pages=format_number(count)
            )
            self.drawRightString(width - 40, 24, visual(page))
            self.restoreState()

    return NumberedCanvas


def mirrored(cells: Sequence[Any]) -> list[Any]:
    """A table row (or its column widths) in reading order: reversed for a right-to-left
    language, so the first column stands at the right as a Persian reader expects."""
    return list(reversed(cells)) if current().rtl else list(cells)


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    col_widths: Sequence[float],
    cell_style: Any,
    numeric_cols: Sequence[int] = (),
) -> LongTable:
    """A header-repeating table; text cells wrap, numbers align right. Mirrored for a
    right-to-left language."""
    body: list[list[object]] = [[visual(h) for h in header]]
    for row in rows:
        cells: list[object] = []
        for i, value in enumerate(row):
            if i in numeric_cols:
                cells.append("" if value is None else visual(str(value)))
            else:
                cells.append(para(cell_style, str(value)))
        body.append(cells)
    if current().rtl:
        last = len(col_widths) - 1
        body = [mirrored(row) for row in body]
        col_widths = mirrored(col_widths)
        numeric_cols = [last - i for i in numeric_cols]
    table = LongTable(body, colWidths=list(col_widths), repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
        ("FONT", (0, 1), (-1, -1), FONT, 8.5),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), BRAND),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if current().rtl:  # header cells and plain strings read from the right too
        style.append(("ALIGN", (0, 0), (-1, 0), "RIGHT"))
    for i in numeric_cols:
        style.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
    for r in range(2, len(body), 2):
        style.append(("BACKGROUND", (0, r), (-1, r), STRIPE))
    table.setStyle(TableStyle(style))
    return table
