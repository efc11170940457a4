"""Where a lead's photographed card (or badge) is: the image kept on the scan that made it.

The card reader keeps the photo under the data folder and records it as the scan's
``image_path``; saving the lead links that scan to it (issue 20). The lead detail, the lead
sheet and CRM attachments ask here.
"""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from boothapp.store.db import Database
from boothapp.store.tables import ScanRow


def image_paths_of(db: Database, lead_id: str) -> list[Path]:
    """The lead's kept photos that still exist on disk, oldest first."""
    with db.read() as s:
        return image_paths_in(s, lead_id)


def image_paths_in(s: Session, lead_id: str) -> list[Path]:
    """``image_paths_of`` inside the caller's session (the CRM queue, in the save's own)."""
    rows = s.scalars(
        select(ScanRow.image_path)
        .where(ScanRow.lead_id == lead_id, ScanRow.image_path != "")
        .order_by(ScanRow.created_at)
    ).all()
    return [Path(p) for p in rows if Path(p).is_file()]


def card_picture(path: Path) -> io.BytesIO | Path:
    """The card flattened out of the kept still, as JPEG bytes for a page (the lead sheet);
    the still itself when no card is found in it (a badge photo) or it cannot be read."""
    # OpenCV here, not at the top: every command and the window's start import this module
    # (through the CRM sync and the deals), and loading OpenCV costs them ~0.16 s (issue 23).
    import cv2

    from boothapp.capture.ocr.card_locate import NoCardFound, locate_card

    still = cv2.imread(str(path))
    if still is None:
        return path
    try:
        card = locate_card(still).image  # type: ignore[arg-type]
    except NoCardFound:
        return path
    ok, data = cv2.imencode(".jpg", card, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return io.BytesIO(data.tobytes()) if ok else path
