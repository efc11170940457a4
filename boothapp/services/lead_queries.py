"""The leads list: paged, filtered, sorted search that stays fast at 50,000 leads.

Text search uses the SQLite FTS5 trigram index from migration 0003 for every word of three
characters or more (any substring of name, company, e-mail or notes). Since migration 0014 the
index holds text folded by ``core.textfold.fold`` and the query is folded the same way, so the
search ignores case and accents as Turkish and Greek need it ("ilker" finds "İlker", "IŞIK"
finds "ışık", "γιωργος" finds "Γιώργος"); shorter words compare folded columns with LIKE.
PostgreSQL falls back to ILIKE. Filters combine with AND; within one filter
the chosen values combine with OR. Every sort ends on the lead id so pages never overlap.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, TextClause, and_, case, func, or_, select, text
from sqlalchemy.orm import Session

from boothapp.core.i18n import Language, current
from boothapp.core.models import Rating, Staff, Stage, SyncState
from boothapp.core.textfold import fold
from boothapp.services.errors import ValidationError
from boothapp.store.bulk import in_chunks
from boothapp.store.db import SORT_KEY_FUNCTION, Database
from boothapp.store.mappers import staff_from_row
from boothapp.store.tables import EventRow, LeadRow, StaffRow

MAX_PAGE = 1000
_SEARCH_COLUMNS = ("first_name", "last_name", "company", "email", "notes")
_TRIGRAM = 3  # FTS5 trigram finds words of at least three characters
_FTS_COLUMNS = ("name", "company", "email", "notes")  # lead_search, folded (migration 0014)
Condition = ColumnElement[bool] | TextClause


class SortColumn(enum.StrEnum):
    NAME = "name"
    COMPANY = "company"
    RATING = "rating"
    STAGE = "stage"
    STAFF = "staff"
    CREATED = "created"
    SYNC = "sync"


class SortOrder(enum.StrEnum):
    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True, slots=True)
class LeadQuery:
    """What the leads list shows. Empty tuples / None mean "any"."""

    event_id: str
    text: str = ""
    ratings: tuple[Rating, ...] = ()
    staff_ids: tuple[str, ...] = ()
    day: date | None = None  # a calendar day in the event's time zone
    stages: tuple[Stage, ...] = ()
    sync_states: tuple[SyncState, ...] = ()
    please_delete: bool | None = None
    sort: SortColumn = SortColumn.CREATED
    order: SortOrder = SortOrder.DESC
    # Whose alphabet orders names, companies and staff (issue 21); None: the current language.
    language: Language | None = None


@dataclass(frozen=True, slots=True)
class LeadRowView:
    """One row of the leads table."""

    id: str
    name: str
    company: str
    email: str
    rating: Rating
    score: int
    stage: Stage
    staff_name: str
    created_at: datetime
    sync_state: SyncState
    please_delete: bool


def search_words(raw: str) -> list[str]:
    """The words of a search box entry (whitespace-separated, quotes dropped)."""
    return [w for w in raw.replace('"', " ").split() if w]


def folded_words(raw: str) -> list[str]:
    """The search words as the folded index stores them (a word may fold into several:
    "o'brien" -> "o", "brien"; punctuation alone folds to nothing)."""
    return [part for w in search_words(raw) for part in fold(w).split()]


def folded_fts_expression(words: list[str]) -> str:
    """An FTS5 MATCH expression over the folded index: every folded word as a substring."""
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """UTC [start, end) of a calendar day in ``tz`` (23 or 25 hours on DST change days)."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time.min, zone)
    end = datetime.combine(day + timedelta(days=1), time.min, zone)
    return start.astimezone(UTC), end.astimezone(UTC)


_RATING_ORDER = case({r.value: i for i, r in enumerate(Rating)}, value=LeadRow.rating, else_=-1)
_STAGE_ORDER = case({s.value: i for i, s in enumerate(Stage)}, value=LeadRow.stage, else_=-1)


class LeadQueryService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._sqlite = db.engine.dialect.name == "sqlite"
        self._fts: bool | None = None  # probed once: does this database have the index?

    # -- public API ---------------------------------------------------------------------
    def count(self, query: LeadQuery) -> int:
        with self._db.read() as s:
            stmt = select(func.count()).select_from(LeadRow).where(*self._conditions(s, query))
            return int(s.scalar(stmt) or 0)

    def badge_keys_from(self, event_id: str, keys: list[str]) -> set[str]:
        """Which of ``keys`` (``id:500000``...) the event's leads already carry."""
        found: set[str] = set()
        with self._db.read() as s:
            for part in in_chunks(keys):
                stmt = select(LeadRow.badge_key).where(
                    LeadRow.event_id == event_id, LeadRow.badge_key.in_(part)
                )
                found.update(str(k) for k in s.scalars(stmt))
        return found

    def page(self, query: LeadQuery, offset: int, limit: int) -> list[LeadRowView]:
        if offset < 0 or not 0 < limit <= MAX_PAGE:
            raise ValidationError(f"page must have 0 <= offset and 1..{MAX_PAGE} rows")
        with self._db.read() as s:
            # Pick the page's ids with a narrow query first: deep offsets then skip over
            # index entries instead of building whole rows they throw away.
            ids = select(LeadRow.id).where(*self._conditions(s, query))
            if query.sort is SortColumn.STAFF:
                ids = ids.outerjoin(StaffRow, StaffRow.id == LeadRow.staff_id)
            ids = ids.order_by(*self._ordering(query)).offset(offset).limit(limit)
            stmt = self._rows_select().where(LeadRow.id.in_(ids.scalar_subquery()))
            stmt = stmt.order_by(*self._ordering(query))
            return [_view(row, staff) for row, staff in s.execute(stmt)]

    def row(self, lead_id: str) -> LeadRowView | None:
        """One lead as the table shows it (to refresh a row after an edit)."""
        with self._db.read() as s:
            found = s.execute(self._rows_select().where(LeadRow.id == lead_id)).first()
            return _view(found[0], found[1]) if found else None

    def staff_options(self, event_id: str) -> list[Staff]:
        with self._db.read() as s:
            rows = s.scalars(
                select(StaffRow).where(StaffRow.event_id == event_id).order_by(StaffRow.name)
            )
            return [staff_from_row(r) for r in rows]

    def lead_days(self, event_id: str) -> list[date]:
        """Calendar days (event zone) from the first to the last lead, for the day filter."""
        with self._db.read() as s:
            first, last = s.execute(
                select(func.min(LeadRow.created_at), func.max(LeadRow.created_at)).where(
                    LeadRow.event_id == event_id
                )
            ).one()
            if first is None or last is None:
                return []
            zone = ZoneInfo(self._event_tz(s, event_id))
            start, end = _aware(first).astimezone(zone).date(), _aware(last).astimezone(zone).date()
            days = min((end - start).days, 60)
            return [start + timedelta(days=n) for n in range(days + 1)]

    # -- building blocks ----------------------------------------------------------------
    def _rows_select(self) -> Any:  # Select of (LeadRow, staff name or None)
        return select(LeadRow, StaffRow.name).outerjoin(StaffRow, StaffRow.id == LeadRow.staff_id)

    def _conditions(self, s: Session, q: LeadQuery) -> list[Condition]:
        conds: list[Condition] = [LeadRow.event_id == q.event_id]
        if q.ratings:
            conds.append(LeadRow.rating.in_([r.value for r in q.ratings]))
        if q.staff_ids:
            conds.append(LeadRow.staff_id.in_(list(q.staff_ids)))
        if q.stages:
            conds.append(LeadRow.stage.in_([st.value for st in q.stages]))
        if q.sync_states:
            conds.append(LeadRow.sync_state.in_([st.value for st in q.sync_states]))
        if q.please_delete is not None:
            conds.append(LeadRow.please_delete.is_(q.please_delete))
        if q.day is not None:
            start, end = day_bounds(q.day, self._event_tz(s, q.event_id))
            conds.extend([LeadRow.created_at >= start, LeadRow.created_at < end])
        if self._sqlite:
            conds.extend(self._folded_conditions(s, q.text))
        else:
            conds.extend(self._text_conditions(search_words(q.text)))
        return conds

    def _folded_conditions(self, s: Session, raw: str) -> list[Condition]:
        """SQLite: the folded FTS index for words of 3+ characters; shorter words scan the
        index's own (folded) text with LIKE, natively: folding every row in Python per
        query cost seconds at 50,000 leads. Without the index: plain LIKE."""
        if not self._has_fts(s):
            return self._text_conditions(search_words(raw), ilike=False)
        if not search_words(raw):
            return []
        words = folded_words(raw)
        if not words:  # only punctuation: nothing can match
            return [text("0")]
        conds: list[Condition] = []
        long_words = [w for w in words if len(w) >= _TRIGRAM]
        if long_words:
            conds.append(
                text(
                    "leads.rowid IN (SELECT rowid FROM lead_search WHERE lead_search MATCH :m)"
                ).bindparams(m=folded_fts_expression(long_words))
            )
        for i, word in enumerate(w for w in words if len(w) < _TRIGRAM):
            columns = " OR ".join(f"{c} LIKE :w{i} ESCAPE '\\'" for c in _FTS_COLUMNS)
            conds.append(
                text(f"leads.rowid IN (SELECT rowid FROM lead_search WHERE {columns})").bindparams(
                    **{f"w{i}": _pattern(word)}
                )
            )
        return [and_(*conds)]

    def _text_conditions(self, words: list[str], ilike: bool = True) -> list[Condition]:
        if not words:
            return []
        conds: list[Condition] = []
        for word in words:
            conds.append(
                or_(*(_like(getattr(LeadRow, c), word, ilike=ilike) for c in _SEARCH_COLUMNS))
            )
        return [and_(*conds)]

    def _has_fts(self, s: Session) -> bool:
        if self._fts is None:
            self._fts = self._sqlite and bool(
                s.execute(
                    text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='lead_search'")
                ).first()
            )
        return self._fts

    def _ordering(self, q: LeadQuery) -> list[Any]:
        keys: dict[SortColumn, list[Any]] = {
            SortColumn.NAME: [self._ci(LeadRow.first_name, q), self._ci(LeadRow.last_name, q)],
            SortColumn.COMPANY: [self._ci(LeadRow.company, q)],
            SortColumn.RATING: [_RATING_ORDER, LeadRow.created_at],
            SortColumn.STAGE: [_STAGE_ORDER, LeadRow.created_at],
            SortColumn.STAFF: [self._ci(StaffRow.name, q), LeadRow.created_at],
            SortColumn.CREATED: [LeadRow.created_at],
            SortColumn.SYNC: [LeadRow.sync_state, LeadRow.created_at],
        }
        columns = [*keys[q.sort], LeadRow.id]
        if q.order is SortOrder.DESC:
            return [c.desc() for c in columns]
        return [c.asc() for c in columns]

    def _ci(self, column: Any, q: LeadQuery) -> Any:
        """Alphabetical in the query's language: on SQLite through the per-language sort key
        (``core.collation``: Turkish ı/İ, Greek tonos, the Persian alphabet)."""
        if self._sqlite:
            lang = (q.language or current()).value
            return getattr(func, SORT_KEY_FUNCTION)(column, lang)
        return func.lower(column)

    def _event_tz(self, s: Session, event_id: str) -> str:
        return s.scalar(select(EventRow.timezone).where(EventRow.id == event_id)) or "UTC"


def _pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _like(column: Any, word: str, ilike: bool = False) -> ColumnElement[bool]:
    pattern = _pattern(word)
    if ilike:
        return column.ilike(pattern, escape="\\")  # type: ignore[no-any-return]
    return column.like(pattern, escape="\\")  # type: ignore[no-any-return]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _view(row: LeadRow, staff_name: str | None) -> LeadRowView:
    name = " ".join(p for p in (row.first_name, row.last_name) if p)
    return LeadRowView(
        id=row.id,
        name=name or row.email or row.badge_id or "(unnamed)",
        company=row.company,
        email=row.email,
        rating=Rating(row.rating),
        score=row.score,
        stage=Stage(row.stage),
        staff_name=staff_name or "",
        created_at=_aware(row.created_at),
        sync_state=SyncState(row.sync_state),
        please_delete=row.please_delete,
    )
