"""Leads with the values that break exports in the field, shared by the export tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from boothapp.core.models import Contact, Event, Lead, LeadSource, Rating, Stage, SyncState
from boothapp.reports.columns import QuestionColumn

EVENT = Event(
    id="ev-1",
    name="Expo: Istanbul/2026",
    timezone="Europe/Istanbul",
    venue="Hall 4",
    booth="B12",
    starts_on=date(2026, 3, 10),
    ends_on=date(2026, 3, 12),
)
QUESTIONS = (
    QuestionColumn("interests", "Interests", {"cloud": "Cloud hosting", "ai": "AI assistant"}),
    QuestionColumn("size", "Company size", {"s": "< 10", "l": "> 50"}),
    QuestionColumn("budget", "Budget (EUR)"),
    QuestionColumn("when", "Timeframe"),
)
NAMES = [
    ("Ayşe", "Yılmaz"),
    ("Γιώργος", "Παπαδόπουλος"),
    ("مریم", "حسینی"),
    ("小明", "王"),
    ('=HYPERLINK("http://evil.example","click")', "-2+3"),
    ("@SUM(A1:A9)", "\tTabbed"),
    ("\rCarriage", "'=quoted"),
]
PHONES = ["+44 20 7946 0958", "+1 555", "-12", "0212 555 0100", "", "+90 (212) 555", "@x"]


def tricky_leads() -> list[Lead]:
    leads = []
    for i, (first, last) in enumerate(NAMES):
        leads.append(
            Lead(
                id=f"lead-{i}",
                event_id=EVENT.id,
                contact=Contact(
                    first_name=first,
                    last_name=last,
                    email=f"v{i}@example.com",
                    phone=PHONES[i],
                    company='Acme; "Quoted", Inc.' if i % 2 else "Öztürk A.Ş.",
                    title="+Head of IT" if i == 1 else "CTO",
                    country="TR",
                ),
                source=LeadSource.KIOSK if i % 2 else LeadSource.BADGE_SCAN,
                badge_id=f"B{i:04d}",
                raw_payload=f"^ID{i}\x1dNAME {first}\x1eEND\r\nline2",
                answers={
                    "interests": ["cloud", "ai"] if i % 2 else ["ai"],
                    "size": "l" if i % 3 else "s",
                    "budget": 25000 * (i + 1),
                    "when": "+6 months" if i == 2 else "Q3",
                },
                rating=(Rating.HOT, Rating.WARM, Rating.COLD)[i % 3],
                score=10 * i,
                qualified=i % 2 == 0,
                notes='multi\nline, "quoted"; semi' if i == 0 else "=cmd|' /C calc'!A0",
                consent_text="I agree",
                consent_given_at=datetime(2026, 3, 10, 7, 30, tzinfo=UTC),
                owner="Elif" if i % 2 else "",
                stage=list(Stage)[i % 7],
                please_delete=i == 3,
                staff_name="Νίκος",
                device_id="laptop-1",
                sync_state=SyncState.PENDING,
                # 21:30 UTC on the 10th is 00:30 on the 11th in Istanbul (UTC+3).
                created_at=datetime(2026, 3, 10, 21, 30 + i, 5, tzinfo=UTC),
            )
        )
    return leads


def expected_row(lead: Lead) -> dict[str, object]:
    """What each default column must hold, written out from the lead, not from the catalogue.

    Times are the wall clock in Istanbul (UTC+3, no DST in 2026) as naive datetimes.
    """
    from datetime import timedelta

    def local(moment: datetime | None) -> datetime | None:
        return None if moment is None else (moment + timedelta(hours=3)).replace(tzinfo=None)

    labels = {"cloud": "Cloud hosting", "ai": "AI assistant", "s": "< 10", "l": "> 50"}
    c = lead.contact
    return {
        "Lead ID": lead.id,
        "Captured (Europe/Istanbul)": local(lead.created_at),
        "First name": c.first_name,
        "Last name": c.last_name,
        "Email": c.email,
        "Phone": c.phone,
        "Company": c.company,
        "Job title": c.title,
        "Country": c.country,
        "City": c.city,
        "Lead time zone": c.timezone,
        "Website": c.website,
        "Source": lead.source.value,
        "Badge ID": lead.badge_id,
        "Raw badge payload": lead.raw_payload,
        "Captured by": lead.staff_name,
        "Device": lead.device_id,
        "Interests": "; ".join(labels[a] for a in lead.answers["interests"]),
        "Company size": labels[lead.answers["size"]],
        "Budget (EUR)": lead.answers["budget"],
        "Timeframe": lead.answers["when"],
        "Rating": lead.rating.value,
        "Score": lead.score,
        "Qualified": lead.qualified,
        "Owner": lead.owner,
        "Consent text": lead.consent_text,
        "Consent given (Europe/Istanbul)": local(lead.consent_given_at),
        "Notes": lead.notes,
        "Stage": lead.stage.value,
        "Referred by": lead.referred_by,
        "Sync state": lead.sync_state.value,
        "CRM IDs": "",
        "Please delete": lead.please_delete,
        # Codes for machines (issue 15), after everything a person reads.
        "Interests (code)": "; ".join(lead.answers["interests"]),
        "Company size (code)": lead.answers["size"],
        "Budget (EUR) (code)": lead.answers["budget"],
        "Timeframe (code)": lead.answers["when"],
    }
