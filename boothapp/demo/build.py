"""Build the demo event: staff, roster, realistic leads over the show days, a badge video.

``boothapp demo --no-gui --leads N`` calls ``build_demo`` and exits (benchmarks, screenshots,
trying the CLI); ``boothapp demo`` also plays the badge video as the camera.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from boothapp.app import AppContext
from boothapp.core.config.consent import shown_consent
from boothapp.core.config.model import EventConfig, QuestionKind, Rep, RouteMatch, RouteRule
from boothapp.core.models import Attendee, Event, LeadSource, StaffRole
from boothapp.demo.content import (
    BOOTH_MANAGER,
    DEMO_PLACES,
    demo_language,
    demo_notes,
    demo_place,
    event_names,
    named_rules,
    with_translations,
)
from boothapp.demo.early import DEMO_CHUNK
from boothapp.demo.made_in_order import MadeInOrder
from boothapp.demo.people import (
    DemoPerson,
    Draws,
    make_people,
    people_of,
    vcard_of,
    vcard_payload,
)
from boothapp.demo.results import add_results
from boothapp.services.bulk_worker import BulkWorker, bulk_worker, take_ahead
from boothapp.services.errors import NotFoundError
from boothapp.services.events import NewEvent
from boothapp.services.lead_queries import LeadQuery
from boothapp.services.leads import CapturedLead, LeadDraft

DEMO_EVENT = "Demo Expo"
DEMO_STAFF = (("Deniz Aksoy", "1111"), ("Maria Lopez", "2222"), ("Alex Chen", "3333"))
ROSTER_SIZE = 400
VIDEO_BADGES = 8
LEAD_BADGE_BASE = 500_000
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    event: Event
    staff: int
    attendees: int
    leads: int
    video: Path | None


def demo_config(base: EventConfig) -> EventConfig:
    """The default questions with three reps and regional routing, so routing shows off."""
    reps = (
        Rep("ayse", "Ayşe Demir", "Europe/Istanbul"),
        Rep("jonas", "Jonas Weber", "Europe/Berlin"),
        Rep("emily", "Emily Brown", "America/Chicago"),
        Rep("booth_manager", BOOTH_MANAGER[demo_language()]),
    )
    rules = (
        RouteRule("enterprise", ("jonas",), RouteMatch(company_sizes=("over_250",), min_score=50),
                  "Enterprise, score 50+"),
        RouteRule("emea", ("ayse", "jonas"), RouteMatch(regions=("EMEA",)), "EMEA"),
        RouteRule("americas", ("emily",), RouteMatch(regions=("AMER",)), "Americas"),
    )  # fmt: skip
    language = demo_language()
    routing = replace(
        base.routing, reps=reps, rules=named_rules(rules, language), fallback="booth_manager"
    )
    return replace(
        base,
        questions=with_translations(base.questions),  # the event's own wording (issue 21)
        language=language,
        routing=routing,
        kiosk_languages=("en", "tr", "el", "fa", "de"),
        followups={**DEMO_FOLLOWUPS, "event_name": event_names()},
    )


# Issue 16: `boothapp followups send` works out of the box against a local SMTP server, e.g.
# `python -m aiosmtpd -n -l 127.0.0.1:8025`, with the opt-out mailbox and postal address set.
DEMO_FOLLOWUPS: dict[str, object] = {
    "sender": {
        "company": "Demo Robotics",
        "address": "Demo Robotics Ltd., Hall 3 Stand B12, Istanbul Expo Center, Istanbul, Türkiye",
        "unsubscribe_mailto": "unsubscribe@demo-robotics.example",
    },
    "smtp": {
        "host": "127.0.0.1",
        "port": 8025,
        "security": "none",
        "from": "booth@demo-robotics.example",
        "from_name": "Demo Robotics at Demo Expo",
    },
    "content": {
        option: [{"title": title, "url": f"https://demo-robotics.example/docs/{option}.pdf"}]
        for option, title in (
            ("platform", "Platform overview"),
            ("analytics", "Analytics guide"),
            ("integrations", "Integration catalogue"),
            ("services", "Services brochure"),
            ("training", "Training programme"),
        )
    },
    "reps": {
        "jonas": {
            "signature": "Jonas Weber\nEnterprise sales, Demo Robotics",
            "meeting_link": "https://demo-robotics.example/meet/jonas",
        },
        "ayse": {
            "signature": "Ayşe Demir\nSales EMEA, Demo Robotics",
            "meeting_link": "https://demo-robotics.example/meet/ayse",
        },
        "emily": {
            "signature": "Emily Brown\nSales Americas, Demo Robotics",
            "meeting_link": "https://demo-robotics.example/meet/emily",
        },
    },
    "language": {"chain": ["lead", "event", "en"]},
}


# Each question as ``_random_answers`` asks it: (id, multiple choice, option ids).
_Asked = tuple[tuple[str, bool, list[str]], ...]


def _asked(cfg: EventConfig) -> _Asked:
    return tuple((q.id, q.kind is QuestionKind.MULTI, list(q.option_ids())) for q in cfg.questions)


def _random_answers(
    draw: Draws, cfg: EventConfig, asked: _Asked | None = None
) -> dict[str, object]:
    """``asked``: ``_asked(cfg)``, worked out once for a build's 50,000 visitors (#23)."""
    answers: dict[str, object] = {}
    for qid, multi, ids in asked if asked is not None else _asked(cfg):
        if draw.random() < 0.2:
            continue  # not every question gets asked at a busy booth
        if multi and ids:
            answers[qid] = sorted(draw.some(ids, 1 + draw.below(min(3, len(ids)))))
        elif ids:
            answers[qid] = draw.pick(ids)
    return answers


def find_or_create_event(ctx: AppContext) -> tuple[Event, bool]:
    # Named in the language it was built in (issue 21); found again whatever the language now.
    for place in DEMO_PLACES.values():
        try:
            return ctx.events.find_event(place.name), False
        except NotFoundError:
            continue
    today = date.today()
    place = demo_place()
    event = ctx.events.create_event(
        NewEvent(
            name=place.name, timezone="Europe/Istanbul", venue=place.venue,
            booth=place.booth, country="TR", starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=1),
        )
    )  # fmt: skip
    return event, True


def build_demo(
    ctx: AppContext, leads: int = 0, seed: int = 11, video: bool = False,
    progress: Progress | None = None,
) -> DemoSummary:  # fmt: skip
    # A big build's worker process starts first (or was started before the command's
    # imports, ``demo/early.py``): its imports run on the second core while this one sets
    # the event up and makes the visitors (issue 23).
    ahead = take_ahead() if leads > DEMO_CHUNK else None
    with closing(ahead) if ahead is not None else bulk_worker(leads > DEMO_CHUNK) as worker:
        worker.start()
        return _build(ctx, leads, seed, video, progress, worker)


def _build(
    ctx: AppContext, leads: int, seed: int, video: bool, progress: Progress | None,
    worker: BulkWorker,
) -> DemoSummary:  # fmt: skip
    event, created = find_or_create_event(ctx)
    if created:
        ctx.configs.save(event.id, demo_config(ctx.configs.get(event.id)))
        for i, (name, pin) in enumerate(DEMO_STAFF):
            role = StaffRole.MANAGER if i == 0 else StaffRole.STAFF  # Deniz lifts PIN waits
            ctx.staff.add_staff(event.id, name, pin, role=role)
        people = make_people(ROSTER_SIZE, seed)
        ctx.attendees.import_attendees(
            event.id,
            [Attendee("", event.id, p.badge_id, p.contact, "visitor") for p in people],
            source_name=demo_place().roster,
        )
    ctx.settings.current_event_id = event.id
    ctx.save_settings()
    added = 0
    if leads:
        # Chunks (and the results' saves) committed without a disk flush each; one
        # checkpoint at the end makes them durable.
        with ctx.db.bulk_writes() as bulk:

            def stored(done: int, total: int) -> None:
                # The last chunk is in (the worker process has nothing more to do): the
                # pages stored so far are copied into the file on the core it leaves while
                # the chunk commits and the results save (issue 23), not after them.
                if done >= total:
                    bulk.copy_log_behind()
                if progress is not None:
                    progress(done, total)

            added = _add_leads(ctx, event, leads, seed, stored, worker)
            worker.close()  # its memory back before the results
            bulk.copy_log_behind()  # (begun already unless it was one chunk)
            if added:
                add_results(ctx, event, seed)  # outcomes, meetings, deals: the Results page
    path = write_demo_video(ctx, event) if video else None
    return DemoSummary(
        event, len(ctx.staff.list_staff(event.id)), ctx.attendees.count(event.id), added, path
    )


def demo_video_path(ctx: AppContext) -> Path:
    return ctx.paths.data_dir / "demo" / "badges.avi"


def video_payloads(people: list[DemoPerson]) -> list[str]:
    """Mixed badge formats, as a real show has: vCards, MeCards and id-only badges."""
    payloads = []
    for i, p in enumerate(people):
        c = p.contact
        if i % 3 == 0:
            payloads.append(vcard_payload(p))
        elif i % 3 == 1:
            payloads.append(f"MECARD:N:{c.last_name},{c.first_name};EMAIL:{c.email};"
                            f"ORG:{c.company};NOTE:{p.badge_id};;")  # fmt: skip
        else:
            payloads.append(p.badge_id)  # id only: resolved through the roster offline
    return payloads


def write_demo_video(ctx: AppContext, event: Event) -> Path:
    from boothapp.demo.badge_video import write_badge_video
    from boothapp.demo.cards import demo_card_frame

    path = demo_video_path(ctx)
    if path.exists():
        return path
    people = make_people(ROSTER_SIZE, 11)[:VIDEO_BADGES]
    tmp = path.with_suffix(".part.avi")
    _, card = demo_card_frame()
    write_badge_video(tmp, people, video_payloads(people), event.name, card=card)
    tmp.replace(path)
    return path


def _free_badge_numbers(ctx: AppContext, event: Event, count: int) -> list[int]:
    """``count`` badge numbers from LEAD_BADGE_BASE up that no lead of the event carries."""
    held = ctx.queries.count(LeadQuery(event.id))
    if not held:  # a new demo event: every number is free, nothing to look up
        return list(range(LEAD_BADGE_BASE, LEAD_BADGE_BASE + count))
    free: list[int] = []
    start = LEAD_BADGE_BASE + held
    while len(free) < count:
        batch = list(range(start, start + count - len(free)))
        taken = ctx.queries.badge_keys_from(event.id, [f"id:{n}" for n in batch])
        free += [n for n in batch if f"id:{n}" not in taken]
        start += len(batch)
    return free


def _add_leads(
    ctx: AppContext,
    event: Event,
    count: int,
    seed: int,
    progress: Progress | None,
    worker: BulkWorker,
) -> int:
    """Realistic leads, saved through the lead service in chunks; many chunks: the later
    ones are evaluated and planned by ``worker`` meanwhile."""
    with _no_collections() if count > DEMO_CHUNK else nullcontext():
        captured = _captured(ctx, event, count, seed)
        # Through the lead door like real scans: routed, queued for the CRM and planned.
        # Many chunks: the later ones are evaluated on the second core meanwhile.
        return ctx.leads.add_captured(
            event.id, captured, chunk=DEMO_CHUNK, progress=progress, worker=worker
        )


def _captured(ctx: AppContext, event: Event, count: int, seed: int) -> Sequence[CapturedLead]:
    """``count`` visitors' badge scans over the show days, as the booth captured them: in
    capture order, each made when the build first asks for it (its first chunks are saved
    while the later visitors are made, issue 23)."""
    when, draw = Draws(seed), Draws(seed + 2)  # seed + 1 draws the walk-by visitors
    cfg = ctx.configs.get(event.id)
    staff = ctx.staff.list_staff(event.id)
    # Leads are roster visitors (not the ones on the demo badge video, so scanning those
    # makes new leads), then extra walk-by visitors with badge ids of their own.
    # Visitor n wears badge LEAD_BADGE_BASE + n; a second run on the same folder goes on
    # with new visitors after the ones already there (it stopped on a duplicate badge).
    numbers = _free_badge_numbers(ctx, event, count)
    roster = make_people(ROSTER_SIZE, seed)[VIDEO_BADGES:]
    wanted = (numbers[-1] - LEAD_BADGE_BASE + 1) if numbers else 0
    extra = people_of(seed + 1)

    def person(n: int) -> DemoPerson:
        if n < len(roster):
            return roster[n]
        return DemoPerson(str(200000 + n - len(roster)), next(extra).contact)

    # Made as the build asks for them, in badge order (the numbers rise), as the visitors.
    everyone = MadeInOrder(wanted, person)
    zone = ZoneInfo(event.timezone)
    first_day = event.starts_on or date.today()
    days = max(1, ((event.ends_on or first_day) - first_day).days + 1)
    # What the visitor agreed to, as the booth read it out ("{company}" filled in, issue 21).
    agreed = shown_consent(cfg.consent_text, event.name, cfg.language)
    asked = _asked(cfg)
    notes = demo_notes(cfg.language)
    # Each show day's opening, local (the capture minute is added to it as wall time).
    openings = [
        datetime.combine(first_day + timedelta(days=d), time(9, 0), zone) for d in range(days)
    ]
    minutes = [timedelta(minutes=m) for m in range(540)]
    # The moments first, in the order the booth scanned them (the leads table then lies in
    # capture order, as at a real booth: an export of a table stored out of that order
    # takes SQLite's sort of every row, issue 23); the visitors in that order after.
    moments = sorted(
        (openings[when.below(days)] + minutes[when.below(540)]).astimezone(UTC)
        for _ in range(count)
    )

    def visitor(i: int) -> CapturedLead:
        # Badge ids of their own: the roster's ids (100000 + i) are the video's badges,
        # which must open as new visitors, not as someone else's lead.
        contact, badge_id = everyone[numbers[i] - LEAD_BADGE_BASE].contact, f"{numbers[i]}"
        member = draw.pick(staff) if staff else None
        consent = draw.random() < 0.8
        draft = LeadDraft(
            event_id=event.id,
            contact=contact,
            source=LeadSource.BADGE_SCAN,
            badge_key=f"id:{badge_id}",
            badge_id=badge_id,
            raw_payload=vcard_of(contact, badge_id),
            answers=_random_answers(draw, cfg, asked),
            notes=draw.pick(notes),
            consent_given=consent,
            consent_text=agreed if consent else "",
            staff_id=member.id if member else "",
        )
        return CapturedLead(draft, moments[i], device_id="demo")

    return MadeInOrder(count, visitor)


@contextmanager
def _no_collections() -> Iterator[None]:
    """No cyclic garbage collection during a big build: each full pass walked every object
    the build kept so far, 3.5 s of a 15,000-lead build (issue 23). What the build leaves
    alive is then frozen, out of the way of later passes (as the window does after a save);
    it is still freed when nothing refers to it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()
