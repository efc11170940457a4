"""`boothapp scan-image` on a business-card photo (no barcode): read as a card, lead stored,
the photo kept with it (issue 20). Real SQLite file, real reader."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from boothapp.app import build_context
from boothapp.demo.cards import demo_card_frame, text_only_badge
from boothapp.services.card_images import image_paths_of

pytestmark = pytest.mark.integration

pytest.importorskip("tesserocr")


def test_a_card_photo_without_barcode_becomes_a_lead_with_its_photo(
    cli, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    spec, still = demo_card_frame(seed=7, language="de")
    photo = tmp_path / "card.png"
    cv2.imwrite(str(photo), still)
    assert cli("event", "create", "--name", "Messe", "--country", "DE").code == 0
    run = cli("scan-image", str(photo), "--event", "Messe")
    assert run.code == 0, run.err
    lead = json.loads(run.lines[0])
    assert lead["name"] == spec.name
    assert lead["company"] == spec.company
    assert lead["email"] == spec.email
    assert "read as a business card" in run.out
    ctx = build_context(str(data_dir))
    try:
        (kept,) = image_paths_of(ctx.db, lead["id"])
    finally:
        ctx.close()
    # kept as a copy under the data folder (the scan page keeps its photos there too), so
    # the lead keeps its photo when the file given is moved or deleted
    assert kept.is_relative_to(data_dir) and kept.read_bytes() == photo.read_bytes()
    assert f"photo kept as {kept}" in run.out


def _badge_at_event_with_roster(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, event: str, country: str, rows: tuple[str, ...], badge: np.ndarray
) -> Path:
    """An event with its roster imported (CSV rows of badge id, names, e-mail, company) and
    the badge photo saved as a file."""
    assert cli("event", "create", "--name", event, "--country", country).code == 0
    roster = tmp_path / "roster.csv"
    header = "Badge ID,First Name,Last Name,Email,Company\n"
    roster.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    assert cli("import", str(roster), "--event", event).code == 0
    photo = tmp_path / "badge.jpg"
    cv2.imwrite(str(photo), badge)
    return photo


def test_a_text_only_badge_is_matched_to_the_roster_across_scripts(
    cli, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # The roster spells the visitor in Latin letters; the badge prints the name in Greek
    # (Tesseract also drops the final ς): the roster's record is offered and its badge id
    # identifies the lead, so the visitor's barcode scanned later opens the same lead
    photo = _badge_at_event_with_roster(cli, tmp_path, "Expo", "GR", (
        "G-1001,Giorgos,Papadopoulos,g.papadopoulos@hellasrobotics.gr,Hellas Robotics",
        "G-1002,Giorgos,Papadakis,gpapadakis@example.gr,Aegean Foods",
        "G-1003,Maria,Oikonomou,maria@aegeansoft.gr,Aegean Soft",
    ), text_only_badge("Γιώργος Παπαδόπουλος", "Hellas Robotics"))  # fmt: skip

    run = cli("scan-image", str(photo), "--event", "Expo")
    assert run.code == 0, run.err
    lead = json.loads(run.lines[0])
    assert lead["email"] == "g.papadopoulos@hellasrobotics.gr"  # from the roster
    assert lead["company"] == "Hellas Robotics"
    assert "found in the roster: Giorgos Papadopoulos" in run.out
    ctx = build_context(str(data_dir))
    try:
        (kept,) = image_paths_of(ctx.db, lead["id"])
        event = ctx.events.find_event("Expo")
        scanned, created = ctx.leads.capture_scan(event.id, "G-1001")
    finally:
        ctx.close()
    assert kept.is_relative_to(data_dir)  # a copy: the lead keeps it when the file goes
    assert (scanned.id, created) == (lead["id"], False)

    # the same badge photographed again: the lead it already is
    again = cli("scan-image", str(photo), "--event", "Expo")
    assert again.code == 0, again.err
    assert json.loads(again.lines[0])["id"] == lead["id"]
    assert "scanned before" in again.out


def test_a_badge_of_someone_not_on_the_roster_is_a_new_lead_from_its_text(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    photo = _badge_at_event_with_roster(cli, tmp_path, "Fuar", "TR", (
        "T-1,Ayşe,Yılmaz,ayse@anadolu.com.tr,Anadolu A.Ş.",
    ), text_only_badge("Ayşe Çelik", "Anadolu Makine A.Ş."))  # fmt: skip
    run = cli("scan-image", str(photo), "--event", "Fuar")
    assert run.code == 0, run.err
    lead = json.loads(run.lines[0])
    assert (lead["name"], lead["company"], lead["email"]) == (
        "Ayşe Çelik", "Anadolu Makine A.Ş.", ""
    )  # fmt: skip
    assert "roster" not in run.out
