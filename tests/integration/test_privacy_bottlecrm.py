"""``person erase`` end to end (issue 18): a visitor scanned from the roster, synced to a real
BottleCRM (loopback, ``tests/integration/bottlecrm``), with planned follow-ups and a second,
unfinished scan, is erased: a scan of every text column of every table finds nothing of them,
BottleCRM no longer has the lead, and a re-import of the roster does not bring them back.
"""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from boothapp.app import build_context
from boothapp.core.models import Attendee, Contact
from boothapp.services.events import NewEvent
from boothapp.services.privacy import ErasureState
from boothapp.sync.settings import CrmSettings
from tests.helpers.residue import find_traces, text_columns
from tests.integration.bottlecrm.harness import BottleCrm

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(autouse=True)
def file_secret_store():  # type: ignore[no-untyped-def]
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def _roster() -> list[Attendee]:
    def one(badge: str, first: str, last: str, email: str, company: str) -> Attendee:
        contact = Contact(first_name=first, last_name=last, email=email, company=company,
                          phone="+90 532 987 65 43" if first == "Zeynep" else "")  # fmt: skip
        return Attendee(id="", event_id="", badge_id=badge, contact=contact)

    return [
        one("TRX-55120", "Zeynep", "Karaçalı", "Zeynep.Karacali@Kuzey-Tekstil.com.tr",
            "Kuzey Tekstil"),
        one("TRX-55121", "Jonas", "Weber", "jonas@weber-gmbh.de", "Weber GmbH"),
    ]  # fmt: skip


def test_erase_after_scan_sync_and_followups_leaves_nothing(
    bottlecrm: BottleCrm, tmp_path: Path
) -> None:
    ctx = build_context(str(tmp_path / "data"))
    try:
        event_id = ctx.events.create_event(NewEvent(name="Erase Show", timezone="Europe/Istanbul",
                                                    country="TR")).id  # fmt: skip
        settings = CrmSettings("bottlecrm", bottlecrm.base_url, intake_id=bottlecrm.intake_id)
        ctx.sync.configure(
            event_id, settings, {"intake_key": bottlecrm.intake_key, "api_token": bottlecrm.pat}
        )
        ctx.attendees.import_attendees(event_id, _roster())
        zeynep, _ = ctx.leads.capture_scan(event_id, "TRX-55120", symbology="QRCode")
        draft = ctx.leads.draft_of(ctx.leads.get_lead(zeynep.id))
        ctx.leads.save_lead(draft)
        jonas, _ = ctx.leads.capture_scan(event_id, "TRX-55121", symbology="QRCode")
        ctx.leads.record_scan(event_id, "TRX-55120")  # scanned again, never saved
        assert ctx.followups.lead_touches(zeynep.id), "follow-ups planned"
        summary = ctx.sync.run(event_id, max_seconds=120)
        assert summary is not None
        remote = ctx.leads.get_lead(zeynep.id).crm_ids["bottlecrm"]
        assert str(zeynep.id) in bottlecrm.lead_external_ids()

        done = ctx.privacy.erase_person("zeynep.karacali@KUZEY-TEKSTIL.com.tr", staff_id="m1")
        assert done.leads == 1 and done.attendees == 1 and done.crm_requests == ("bottlecrm",)
        sent = ctx.privacy.send_crm_erasures()
        assert [(e.crm, e.remote_id, e.state) for e in sent] == [
            ("bottlecrm", remote, ErasureState.DONE)
        ], sent
        assert str(zeynep.id) not in bottlecrm.lead_external_ids()  # the CRM got the delete
        assert str(jonas.id) in bottlecrm.lead_external_ids()

        db_file = Path(ctx.paths.db_url.removeprefix("sqlite:///"))
        needles = ["Zeynep", "Karaçalı", "Karacali", "Kuzey", "TRX-55120", "987 65 43"]
        assert text_columns(db_file) > 100  # it looked at the whole schema
        traces = find_traces(db_file, needles)
        assert not traces, "\n".join(map(str, traces))
        raw = db_file.read_bytes()
        assert b"Zeynep" not in raw and "Karaçalı".encode() not in raw  # not even free pages
        assert ctx.leads.get_lead(jonas.id).contact.last_name == "Weber"

        again = ctx.attendees.import_attendees(event_id, _roster())
        assert again.erased_skipped == 1
        assert ctx.attendees.find(event_id, "TRX-55120") is None
        assert not find_traces(db_file, ["Zeynep"])
    finally:
        ctx.close()
