"""Events: create, list, find by id or name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, or_, select

from boothapp.core.i18n import _
from boothapp.core.models import Event
from boothapp.core.textfold import fold
from boothapp.services.errors import NotFoundError, ValidationError
from boothapp.store.db import Database
from boothapp.store.mappers import event_from_row
from boothapp.store.tables import EventRow


@dataclass(frozen=True, slots=True)
class NewEvent:
    name: str
    timezone: str = "UTC"
    venue: str = ""
    booth: str = ""
    country: str = ""
    starts_on: date | None = None
    ends_on: date | None = None


def validate_new_event(new: NewEvent) -> NewEvent:
    name = new.name.strip()
    if not name:
        raise ValidationError(_("the event needs a name"))
    try:
        ZoneInfo(new.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("unknown time zone {zone!r}; use an IANA name like Europe/Istanbul").format(
                zone=new.timezone
            )
        ) from None
    if new.starts_on and new.ends_on and new.ends_on < new.starts_on:
        raise ValidationError(_("the event ends before it starts"))
    country = new.country.strip().upper()
    if country and len(country) != 2:
        raise ValidationError(
            _("country must be a 2-letter ISO code, got {country!r}").format(country=new.country)
        )
    return NewEvent(
        name=name,
        timezone=new.timezone,
        venue=new.venue.strip(),
        booth=new.booth.strip(),
        country=country,
        starts_on=new.starts_on,
        ends_on=new.ends_on,
    )


class EventService:
    def __init__(self, db: Database, device_id: str = "") -> None:
        self._db = db
        self._device_id = device_id

    def create_event(self, new: NewEvent, created_by: str = "") -> Event:
        new = validate_new_event(new)
        with self._db.session() as s:
            exists = s.scalar(
                select(EventRow.id).where(func.lower(EventRow.name) == new.name.lower())
            )
            if exists:
                raise ValidationError(
                    _("an event named {name!r} already exists").format(name=new.name)
                )
            row = EventRow(
                name=new.name,
                timezone=new.timezone,
                venue=new.venue,
                booth=new.booth,
                country=new.country,
                starts_on=new.starts_on,
                ends_on=new.ends_on,
                config={},
                config_revision=0,
                device_id=self._device_id,
                created_by=created_by,
            )
            s.add(row)
            s.flush()
            return event_from_row(row)

    def list_events(self) -> list[Event]:
        with self._db.read() as s:
            rows = s.scalars(select(EventRow).order_by(EventRow.created_at)).all()
            return [event_from_row(r) for r in rows]

    def find_event(self, ref: str) -> Event:
        """An event by id, id prefix (8+ characters) or exact name (case-insensitive)."""
        ref = ref.strip()
        with self._db.read() as s:
            conds = [EventRow.id == ref, func.lower(EventRow.name) == ref.lower()]
            if len(ref) >= 8:
                conds.append(EventRow.id.startswith(ref))
            rows = s.scalars(select(EventRow).where(or_(*conds))).all()
            if not rows and fold(ref):
                # "δοκιμαστική έκθεση", "DENEME FUARI": SQLite's lower() knows ASCII only, so
                # the name is also matched folded (Turkish i, Greek tonos; issue 21). An
                # event list is a few dozen rows.
                rows = [row for row in s.scalars(select(EventRow)) if fold(row.name) == fold(ref)]
            if len(rows) == 1:
                return event_from_row(rows[0])
            if not rows:
                raise NotFoundError(
                    _("no event {ref!r}; see 'boothapp event list'").format(ref=ref)
                )
            raise NotFoundError(
                _("{ref!r} matches {count} events; use the full id").format(
                    ref=ref, count=len(rows)
                )
            )
