"""`boothapp scan-image` on a real badge image file into a real SQLite file, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import segno

pytestmark = pytest.mark.integration

VCARD = (
    "BEGIN:VCARD\nVERSION:3.0\nN:Παπαδόπουλος;Γιώργος;;;\nFN:Γιώργος Παπαδόπουλος\n"
    "ORG:Hellas Robotics\nTITLE:CTO\nEMAIL:giorgos@hellas-robotics.gr\nEND:VCARD"
)


def test_scan_image_stores_scan_and_lead_and_finds_it_again(
    cli, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    badge = tmp_path / "badge.png"
    segno.make(VCARD, error="m").save(str(badge), scale=6, border=4)
    assert cli("event", "create", "--name", "Athens Expo", "--timezone", "Europe/Athens").code == 0
    first = cli("scan-image", str(badge), "--event", "Athens Expo")
    assert first.code == 0, first.err
    lead = json.loads(first.lines[0])
    assert lead["name"] == "Γιώργος Παπαδόπουλος"
    assert lead["company"] == "Hellas Robotics"
    assert lead["raw_payload"].replace("\r\n", "\n") == VCARD
    assert (data_dir / "boothapp.db").exists()
    again = cli("scan-image", str(badge), "--event", "Athens Expo")
    assert again.code == 0
    assert json.loads(again.lines[0])["id"] == lead["id"]  # the same badge: the same lead
    assert "scanned before" in again.out
    listed = cli("leads", "list", "--event", "Athens Expo", "--format", "json")
    assert [json.loads(line)["id"] for line in listed.lines] == [lead["id"]]


def test_scan_image_errors_are_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("event", "create", "--name", "Err Expo")
    missing = cli("scan-image", str(tmp_path / "nope.png"), "--event", "Err Expo")
    assert missing.code != 0 and "nope.png" in missing.err and "Traceback" not in missing.err
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image at all")
    unreadable = cli("scan-image", str(junk), "--event", "Err Expo")
    assert unreadable.code != 0 and unreadable.err.count("\n") == 1
    blank = tmp_path / "blank.png"
    segno.make("x").save(str(blank), scale=1, border=0, dark="#eeeeee")  # nothing readable
    nothing = cli("scan-image", str(blank), "--event", "Err Expo")
    assert nothing.code != 0 and "no barcode found" in nothing.err
    badge = tmp_path / "ok.png"
    segno.make("12345").save(str(badge), scale=8)
    unknown = cli("scan-image", str(badge), "--event", "No Such Expo")
    assert unknown.code != 0 and "no event 'No Such Expo'" in unknown.err
