"""Talking to the hub over psycopg: connect (TLS verified off loopback), init, register and
revoke devices, push and pull change-log entries, run locks.

Secrets never reach a log line: connection strings are shown with ``redact``.
"""

from __future__ import annotations

import contextlib
import enum
import secrets
import time
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from boothapp.core.i18n import _
from boothapp.core.lazy_modules import lazy_module
from boothapp.sync.hub import schema
from boothapp.sync.hub.schema import DEVICE_GROUP, NOTIFY_CHANNEL

if TYPE_CHECKING:
    import psycopg as psycopg  # the services' too (``from ...client import psycopg``)
    import psycopg.conninfo
    import psycopg.sql
    import psycopg.types.json
else:  # imported when the hub is first talked to: every command imports this module
    psycopg = lazy_module("psycopg")

_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost", ""})
# Pushes are serialised by this transaction lock, so global_seq order is commit order and a
# device reading "after my cursor" can never skip a change that commits later with a lower one.
_PUSH_LOCK = 0x626F6F7468  # "booth"
CONNECT_TIMEOUT_S = 5
_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,  # ms (libpq 12+, Linux; ignored elsewhere)
}


class HubProblem(enum.StrEnum):
    """Why a device is not working with its hub: each asks something else of the user."""

    OFFLINE = "offline"  # not reachable (network, hub down): it comes back by itself
    REFUSED = "refused"  # the login or the device was refused: revoked, left, wrong password
    TLS = "tls"  # the server's certificate or TLS set-up was not accepted
    SCHEMA = "schema"  # the hub's schema is older than this app: ``boothapp hub init URL``
    ERROR = "error"  # the hub answered with another error (its words are shown)


class HubError(Exception):
    """A hub problem a user can act on; the message says what to do."""

    problem = HubProblem.OFFLINE


class HubRefused(HubError):
    """This device may not use the hub (revoked, left, or never joined)."""

    problem = HubProblem.REFUSED


class HubTlsError(HubError):
    """The hub's certificate (or TLS) was not accepted."""

    problem = HubProblem.TLS


class HubSchemaError(HubError):
    """The hub has no schema, or one older than this app: ``boothapp hub init`` upgrades it."""

    problem = HubProblem.SCHEMA


class HubFailed(HubError):
    """The hub answered with an error that is none of the above (its words say which)."""

    problem = HubProblem.ERROR


# SQLSTATEs (PostgreSQL appendix A) of a hub that lacks what this app asks of it: no
# ``hub`` schema, or an older one without a table, column or function.
_SCHEMA_STATES = frozenset({"3F000", "42P01", "42703", "42883"})
_AUTH_STATES = frozenset({"28000", "28P01"})  # invalid authorization, invalid password
# What libpq and the server say when a login is refused or TLS fails (a connection error
# often carries no SQLSTATE: the server may speak before the client knows its encoding).
_AUTH_WORDS = (
    "password authentication failed",
    "not permitted to log in",
    "no pg_hba.conf entry",
    'role "',
    "permission denied for database",
    "authentication failed",
)
_TLS_WORDS = ("ssl", "certificate", "tls")
# ... but a connection lost in the middle of TLS is a lost connection.
_LOST_WORDS = ("ssl syscall error", "eof detected", "closed unexpectedly", "connection reset")


def problem_of(exc: BaseException) -> HubProblem:
    """What kind of hub problem an error of the replicator is (for the strip and status)."""
    if isinstance(exc, HubError):
        return exc.problem
    if not isinstance(exc, psycopg.Error):
        return HubProblem.ERROR
    state = getattr(exc, "sqlstate", None) or ""
    text = str(exc).lower()
    if state in _SCHEMA_STATES:
        return HubProblem.SCHEMA
    if state == "53300" or "too many c" in text:
        # A full hub ("too many clients already", "too many connections for role"): it will
        # take the device back once a connection ends; no one need act, so not "refused"
        return HubProblem.OFFLINE
    if state in _AUTH_STATES or any(w in text for w in _AUTH_WORDS):
        return HubProblem.REFUSED
    if isinstance(exc, psycopg.OperationalError) or state.startswith(("08", "57")):
        # A lost connection, a server shutting down or ending the session (a revoke ends
        # the device's sessions: the next login says "refused").
        tls = any(w in text for w in _TLS_WORDS) and not any(w in text for w in _LOST_WORDS)
        return HubProblem.TLS if tls else HubProblem.OFFLINE
    return HubProblem.ERROR


def as_hub_error(exc: BaseException) -> HubError:
    """A replicator's error as the hub problem it is, in words a user can act on."""
    if isinstance(exc, HubError):
        return exc
    reason = first_line(exc)
    problem = problem_of(exc)
    if problem is HubProblem.SCHEMA:
        return HubSchemaError(schema_message(exc))
    if problem is HubProblem.REFUSED:
        return HubRefused(refused_message(reason))
    if problem is HubProblem.TLS:
        text = _("the hub's certificate was not accepted (TLS): {reason}")
        return HubTlsError(text.format(reason=reason))
    if problem is HubProblem.OFFLINE:
        return HubError(_("the connection to the hub was lost: {reason}").format(reason=reason))
    return HubFailed(_("the hub answered with an error: {reason}").format(reason=reason))


def first_line(exc: BaseException) -> str:
    """The error's words as one line (libpq puts the reason last on a failed connect)."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    return lines[-1] if isinstance(exc, psycopg.OperationalError) else lines[0]


@dataclass(frozen=True, slots=True)
class HubChange:
    """One change-log entry as the hub holds it."""

    device_id: str
    device_seq: int
    event_id: str
    lead_id: str
    field: str
    value: Any
    old_value: Any
    hlc: str
    staff_id: str
    staff_name: str
    change_id: str | None
    at: datetime
    global_seq: int = 0
    device_name: str = ""
    push_only: bool = False  # made by a device that never pulls (a kiosk): see ``claim``


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    device_id: str
    name: str
    push_only: bool
    joined_at: datetime
    last_seen: datetime | None
    last_pushed_seq: int
    pull_cursor: int
    revoked: bool
    behind: int  # hub changes of its events it has not pulled yet


@dataclass(frozen=True, slots=True)
class Registration:
    role: str
    password: str
    hub_event_id: str
    conninfo: str  # the device's own connection string, without the password


def conninfo(url: str) -> str:
    """A libpq connection string from a URL (SQLAlchemy's ``+psycopg`` form accepted);
    TLS with the server's name verified unless the host is this machine."""
    url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        params = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise HubError(_("not a PostgreSQL URL: {url}").format(url=redact(url))) from exc
    host = str(params.get("host") or "")
    if host.startswith("/"):
        host = ""  # a Unix socket is as local as loopback
    if host not in _LOOPBACK and params.get("sslmode") not in ("verify-full", "verify-ca"):
        params["sslmode"] = "verify-full"
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    # Venue Wi-Fi drops without a word: no reset reaches the device, and an idle LISTEN
    # connection would wait on a dead socket for as long as the OS keeps it (hours). TCP
    # keepalives find a dead idle connection in about 11 s, and a statement whose data goes
    # unacknowledged fails after 10 s instead of the kernel's ~15 minutes of retransmits.
    for name, value in _KEEPALIVES.items():
        params.setdefault(name, value)
    params.setdefault("application_name", "boothapp")
    return psycopg.conninfo.make_conninfo("", **params)


def redact(text: str) -> str:
    """The connection string without its password, for messages and logs."""
    try:
        params = psycopg.conninfo.conninfo_to_dict(
            text.replace("postgresql+psycopg://", "postgresql://", 1)
        )
    except psycopg.ProgrammingError:
        return "<unreadable connection string>"
    params.pop("password", None)
    return psycopg.conninfo.make_conninfo("", **params)


def connect(info: str, password: str | None = None, autocommit: bool = False) -> psycopg.Connection:
    try:
        kwargs: dict[str, Any] = {"autocommit": autocommit}
        if password:
            kwargs["password"] = password
        return psycopg.connect(info, **kwargs)
    except psycopg.OperationalError as exc:
        if problem_of(exc) in (HubProblem.REFUSED, HubProblem.TLS):
            raise as_hub_error(exc) from None  # the same words as a refusal mid-session
        raise HubError(
            _("hub {url} unreachable: {reason}").format(url=redact(info), reason=first_line(exc))
        ) from None


def init_schema(conn: psycopg.Connection) -> str:
    """Create the hub schema or upgrade it (Alembic, its own branch); returns its revision."""
    return schema.upgrade(conn)


def schema_version(conn: psycopg.Connection) -> str | None:
    """The hub schema's revision (None: no hub here, or one from before revisions)."""
    with conn.transaction():
        row = conn.execute(
            f"SELECT to_regclass('{schema.VERSION_SCHEMA}.{schema.VERSION_TABLE}') IS NOT NULL"
        ).fetchone()
        if not (row and row[0]):
            return None
        row = conn.execute(
            f"SELECT version_num FROM {schema.VERSION_SCHEMA}.{schema.VERSION_TABLE}"
        ).fetchone()
    return str(row[0]) if row else None


def role_of(device_id: str) -> str:
    if not device_id.replace("-", "").isalnum():
        raise HubError(f"device id {device_id!r} cannot name a role")
    return f"boothapp_dev_{device_id.replace('-', '_').lower()}"


def register_device(
    admin: psycopg.Connection,
    device_id: str,
    name: str,
    event_id: str,
    event_name: str,
    push_only: bool,
    admin_info: str,
) -> Registration:
    """Register a device (its own login role, a fresh random password) for one event; the
    hub's event of that name is used when there is one."""
    role = role_of(device_id)
    password = secrets.token_urlsafe(24)
    with admin.transaction():
        if schema_version(admin) is None:
            # No revision: no hub, or one from before revisions (``init`` upgrades it).
            raise HubError(_("this database has no hub yet: run boothapp hub init URL first"))
    with admin.transaction():
        row = admin.execute(
            "SELECT revoked_at FROM hub.devices WHERE device_id = %s", (device_id,)
        ).fetchone()
        if row is not None and row[0] is not None:
            raise HubRefused(f"device {device_id} was revoked on this hub; a manager must")
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        admin.execute(
            psycopg.sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(
                psycopg.sql.Identifier(role), psycopg.sql.Literal(password)
            )
        )
        admin.execute(
            psycopg.sql.SQL("GRANT {} TO {}").format(
                psycopg.sql.Identifier(DEVICE_GROUP), psycopg.sql.Identifier(role)
            )
        )
        admin.execute(
            """INSERT INTO hub.devices (device_id, name, role_name, push_only)
               VALUES (%s, %s, %s, %s)
               ON CONFLICT (device_id) DO UPDATE
               SET name = excluded.name, push_only = excluded.push_only""",
            (device_id, name, role, push_only),
        )
        hub_event = admin.execute(
            "SELECT event_id FROM hub.events WHERE name = %s", (event_name,)
        ).fetchone()
        hub_event_id = hub_event[0] if hub_event else event_id
        if hub_event is None:
            admin.execute(
                "INSERT INTO hub.events (event_id, name) VALUES (%s, %s)", (event_id, event_name)
            )
        admin.execute(
            "INSERT INTO hub.device_events VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (device_id, hub_event_id),
        )
    params = psycopg.conninfo.conninfo_to_dict(admin_info)
    params.pop("password", None)
    params["user"] = role
    return Registration(role, password, hub_event_id, psycopg.conninfo.make_conninfo("", **params))


def revoke_device(admin: psycopg.Connection, ref: str) -> str:
    """Revoke a device by id or name: it can no longer log in, and its sessions end now."""
    with admin.transaction():
        row = admin.execute(
            "SELECT device_id, role_name, name FROM hub.devices WHERE device_id = %s OR name = %s",
            (ref, ref),
        ).fetchone()
        if row is None:
            raise HubError(_("no device {device} on this hub").format(device=repr(ref)))
        device_id, role, name = row
        admin.execute(
            "UPDATE hub.devices SET revoked_at = now() WHERE device_id = %s", (device_id,)
        )
        admin.execute(psycopg.sql.SQL("ALTER ROLE {} NOLOGIN").format(psycopg.sql.Identifier(role)))
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,)
        )
    return str(name)


def _one_statement(conn: psycopg.Connection) -> AbstractContextManager[Any]:
    """A statement on its own: in autocommit (the replicator's connection) it needs no BEGIN
    and COMMIT, each a round trip over a network that may add milliseconds to every one."""
    return nullcontext() if conn.autocommit else conn.transaction()


def check_device(conn: psycopg.Connection, listen: bool = False) -> None:
    """Raise unless this device is joined (``HubRefused``) on a hub of this app's schema.

    ``listen``: LISTEN for pushes in the same message (``conn`` in autocommit): a device back
    from a cut checks and LISTENs before its first round, and as two statements that was two
    round trips through the network, each a wait for a CPU on a loaded machine (#19)."""
    try:
        if listen:
            # One simple query, three statements: the check's row, the LISTEN, and plans kept
            # for the connection: the loop runs the same few statements on it all day, and
            # PostgreSQL planned the pull afresh on every call (a custom plan of the prepared
            # statement, 0.22 ms of its 0.47 ms, #19 session 17; the generic plan is the same
            # index scan of ``global_seq``).
            text = psycopg.sql.SQL(
                "SELECT hub.my_device(); LISTEN {}; SET plan_cache_mode = force_generic_plan"
            ).format(psycopg.sql.Identifier(NOTIFY_CHANNEL))
            with psycopg.ClientCursor(conn) as cur:
                cur.execute(text)
                row = cur.fetchone()
        else:
            with _one_statement(conn):
                row = conn.execute("SELECT hub.my_device()").fetchone()
    except psycopg.Error as exc:
        if problem_of(exc) is HubProblem.SCHEMA:
            raise HubSchemaError(schema_message(exc)) from None
        raise
    if row is None or row[0] is None:
        raise HubRefused(refused_message(_("this device is not (or no longer) joined to the hub")))


def refused_message(reason: str) -> str:
    """One line for a device the hub will not take (revoked, left, a wrong password): its own
    captures are not lost, and who can bring them to the others (#19)."""
    text = _(
        "the hub refused this device ({reason}); what it captured stays on it: ask the event's "
        "manager to merge this device's file (boothapp merge) or to join it again"
    )
    return text.format(reason=reason)


def schema_message(exc: BaseException) -> str:
    text = _("the hub's schema is older than this app: run boothapp hub init URL ({reason})")
    return text.format(reason=first_line(exc))


_CHANGE_ROW = "(" + ", ".join(["%s"] * 12) + ")"


def push(conn: psycopg.Connection, device_id: str, changes: Sequence[HubChange]) -> int:
    """Insert this device's changes; a change the hub has already is skipped. Returns how many
    were new."""
    if not changes:
        return 0
    # One message, one flight: the lock, the rows and the device's mark as one simple query,
    # which PostgreSQL runs as one transaction (the lock held to its end; an error undoes all
    # of it) and answers in one go. As a pipeline of extended-protocol statements it went out
    # and came back in several chunks, each a network delay (41 ms against 9 ms for a pull
    # through the bench's proxy): lag for every change, with the push lock held across it.
    # The values are bound by psycopg on this side (``ClientCursor``), as literals.
    query = (
        "SELECT pg_advisory_xact_lock(%s);"
        " INSERT INTO hub.changes (device_id, device_seq, event_id, lead_id, field, value,"
        " old_value, hlc, staff_id, staff_name, change_id, at) VALUES "
        + ", ".join([_CHANGE_ROW] * len(changes))
        + " ON CONFLICT (device_id, device_seq) DO NOTHING;"
        " UPDATE hub.devices SET last_seen = now(),"
        " last_pushed_seq = GREATEST(last_pushed_seq, %s) WHERE device_id = %s"
    )
    params: list[Any] = [_PUSH_LOCK]
    jsonb = psycopg.types.json.Jsonb
    for c in changes:
        params += [
            c.device_id, c.device_seq, c.event_id, c.lead_id, c.field, jsonb(c.value),
            jsonb(c.old_value), c.hlc, c.staff_id, c.staff_name, c.change_id, c.at,
        ]  # fmt: skip
    params += [changes[-1].device_seq, device_id]
    # Outside autocommit the caller's transaction holds the three (and the lock) instead.
    held = conn.transaction() if not conn.autocommit else contextlib.nullcontext()
    with held, psycopg.ClientCursor(conn) as cur:
        cur.execute(query, params)
        cur.nextset()  # the INSERT's result: how many rows it added
        return max(cur.rowcount, 0)


class DeviceNames:
    """The hub's devices as a pulling device names them: id -> (name, kiosk flag), read from
    ``hub.devices`` once per connection and again when a pulled change says it is stale.

    The pull reads ``hub.changes`` alone (#19, session 17): its join with ``hub.devices``
    expanded that table's nested row-level policies on every pull, a third of the hub's
    execution of the statement most of its CPU goes to. Stale means: the pull's page carries
    a higher ``hub.device_names_gen`` than the one read with the names (a device joined, or
    joined again under a new name or as a kiosk: raised in the same transaction, so a change
    pushed after a rename always comes with the new number), or it names a device the cache
    does not know (one that joined this event after another: visible from then on)."""

    __slots__ = ("_conn", "_gen", "_names", "reads")

    def __init__(self) -> None:
        self._conn: weakref.ref[psycopg.Connection] | None = None
        self._gen = -1
        self._names: dict[str, tuple[str, bool]] = {}
        self.reads = 0  # how many times the names were read (a test counts them)

    def fresh_for(self, conn: psycopg.Connection, gen: int, device_ids: Iterable[str]) -> None:
        """Read the names again unless they were read on ``conn`` at ``gen`` and know every
        one of ``device_ids``."""
        known = self._conn is not None and self._conn() is conn and self._gen >= gen
        if known and all(d in self._names for d in device_ids):
            return
        with _one_statement(conn):
            rows = conn.execute(
                """SELECT g.gen, d.device_id, d.name, d.push_only
                   FROM hub.device_names_gen g LEFT JOIN hub.devices d ON true"""
            ).fetchall()
        self._names = {r[1]: (r[2] or "", bool(r[3])) for r in rows if r[1] is not None}
        self._gen = int(rows[0][0]) if rows else gen
        self._conn = weakref.ref(conn)
        self.reads += 1

    def of(self, device_id: str) -> tuple[str, bool]:
        return self._names.get(device_id, ("", False))


def pull(
    conn: psycopg.Connection,
    device_id: str,
    cursor: int,
    limit: int,
    names: DeviceNames | None = None,
) -> list[HubChange]:
    """Other devices' changes of this device's events after ``cursor``, in hub order, with
    their pushers' names and kiosk flags from ``names`` (read when stale, see ``DeviceNames``;
    a cache of the caller's keeps them between pulls)."""
    with _one_statement(conn):
        rows = conn.execute(
            """SELECT c.device_id, c.device_seq, c.event_id, c.lead_id, c.field, c.value,
                      c.old_value, c.hlc, c.staff_id, c.staff_name, c.change_id, c.at,
                      c.global_seq, (SELECT gen FROM hub.device_names_gen)
               FROM hub.changes c
               WHERE c.global_seq > %s AND c.device_id <> %s
               ORDER BY c.global_seq LIMIT %s""",
            (cursor, device_id, limit),
        ).fetchall()
    if not rows:
        return []
    names = names or DeviceNames()
    names.fresh_for(conn, int(rows[0][13]), {row[0] for row in rows})
    out = []
    for row in rows:
        name, kiosk = names.of(row[0])
        out.append(HubChange(*(*row[:13], name, kiosk)))
    return out


def claim(conn: psycopg.Connection, device_id: str, leads: Sequence[tuple[str, str]]) -> set[str]:
    """Claim (hub event id, lead id) pairs of leads a push-only device captured: this device
    plans and queues them from now on unless another one claimed them first. Returns the
    leads that are this device's (claimed now or before: a pull applied again after a crash
    finds its own claim). One statement: the claims taken by others are skipped."""
    if not leads:
        return set()
    with _one_statement(conn):
        rows = conn.execute(
            """WITH wanted AS (
                   SELECT * FROM unnest(%s::text[], %s::text[]) AS w(event_id, lead_id)),
               taken AS (
                   INSERT INTO hub.lead_claims (event_id, lead_id, device_id)
                   SELECT event_id, lead_id, %s FROM wanted
                   ON CONFLICT (event_id, lead_id) DO NOTHING RETURNING lead_id)
               SELECT lead_id FROM taken
               UNION SELECT c.lead_id FROM hub.lead_claims c JOIN wanted USING (event_id, lead_id)
               WHERE c.device_id = %s""",
            ([e for e, _ in leads], [lead for _, lead in leads], device_id, device_id),
        ).fetchall()
    return {str(row[0]) for row in rows}


def sweep_claims(conn: psycopg.Connection, device_id: str, cursor: int) -> set[str]:
    """Claim the kiosk leads this device holds (pulled up to ``cursor``) that nobody plans:
    claimed by nobody (pulled before the hub had ``hub_0004``) or by a device revoked since
    (its claims are handed over: the first device to sweep takes them). Returns every such
    lead that is this device's now, claimed before included (a sweep cut short finds its
    own). One statement: a claim another device took first is skipped."""
    with _one_statement(conn):
        rows = conn.execute(
            """WITH held AS (
                   SELECT DISTINCT c.event_id, c.lead_id
                   FROM hub.changes c JOIN hub.devices d USING (device_id)
                   WHERE c.field = '*' AND d.push_only AND c.global_seq <= %(cursor)s),
               handed AS (
                   UPDATE hub.lead_claims l SET device_id = %(me)s, claimed_at = now()
                   FROM held h
                   WHERE l.event_id = h.event_id AND l.lead_id = h.lead_id
                     AND l.device_id IN (SELECT device_id FROM hub.devices
                                         WHERE revoked_at IS NOT NULL)
                   RETURNING l.lead_id),
               fresh AS (
                   INSERT INTO hub.lead_claims (event_id, lead_id, device_id)
                   SELECT event_id, lead_id, %(me)s FROM held
                   ON CONFLICT (event_id, lead_id) DO NOTHING RETURNING lead_id)
               SELECT lead_id FROM handed UNION SELECT lead_id FROM fresh
               UNION SELECT l.lead_id FROM hub.lead_claims l JOIN held USING (event_id, lead_id)
               WHERE l.device_id = %(me)s""",
            {"me": device_id, "cursor": cursor},
        ).fetchall()
    return {str(row[0]) for row in rows}


def newest_seq(conn: psycopg.Connection) -> int:
    with conn.transaction():
        row = conn.execute("SELECT coalesce(max(global_seq), 0) FROM hub.changes").fetchone()
    return int(row[0]) if row else 0


def touch(conn: psycopg.Connection, device_id: str, pull_cursor: int) -> None:
    with _one_statement(conn):
        conn.execute(
            """UPDATE hub.devices SET last_seen = now(),
                   pull_cursor = GREATEST(pull_cursor, %s) WHERE device_id = %s""",
            (pull_cursor, device_id),
        )


def leave(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("SELECT hub.leave()")


def devices(conn: psycopg.Connection) -> list[DeviceStatus]:
    with conn.transaction():
        rows = conn.execute(
            """SELECT d.device_id, d.name, d.push_only, d.joined_at, d.last_seen,
                      d.last_pushed_seq, d.pull_cursor, d.revoked_at IS NOT NULL,
                      (SELECT count(*) FROM hub.changes c
                        WHERE c.global_seq > d.pull_cursor AND c.device_id <> d.device_id
                          AND c.event_id IN (SELECT event_id FROM hub.device_events de
                                             WHERE de.device_id = d.device_id))
               FROM hub.devices d ORDER BY d.name"""
        ).fetchall()
    return [DeviceStatus(*row) for row in rows]


def listen(conn: psycopg.Connection) -> None:
    """Ask for a wake-up on every push (``conn`` must be in autocommit)."""
    conn.execute(psycopg.sql.SQL("LISTEN {}").format(psycopg.sql.Identifier(NOTIFY_CHANNEL)))


def wait_for_push(conn: psycopg.Connection, timeout_s: float, device_id: str = "") -> bool:
    """Block up to ``timeout_s`` for another device's push; True when one came. Every
    notification already received is taken (one pull covers them all). A push of
    ``device_id``'s own (the payload names the pushers) wakes nobody: it has nothing to pull."""
    if timeout_s <= 0:
        return any([_from_another(n.payload, device_id) for n in conn.notifies(timeout=0.0)])
    deadline = time.monotonic() + timeout_s
    while (left := deadline - time.monotonic()) > 0:
        for n in conn.notifies(timeout=left, stop_after=1):
            if _from_another(n.payload, device_id):
                return True
    return False


def _from_another(payload: str, device_id: str) -> bool:
    # An empty payload: a hub from before the payload, or a push by someone else.
    return not payload or any(d != device_id for d in payload.split(","))


@dataclass(frozen=True, slots=True)
class RunHolder:
    device_id: str
    device_name: str
    since: datetime


@contextmanager
def run_lock(
    info: str, password: str | None, event_id: str, kind: str, device_id: str, device_name: str
) -> Iterator[RunHolder | None]:
    """Hold the event's ``kind`` run (CRM sync, mail) for as long as the block runs, on a
    connection of its own: yields None when this device holds it, else who does. The lock is
    PostgreSQL's: it ends with the holder's session, so a crashed device never blocks the rest.
    """
    conn = connect(info, password, autocommit=True)
    try:
        key = f"boothapp-run:{event_id}:{kind}"
        row = conn.execute(
            "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (key,)
        ).fetchone()
        if not (row and row[0]):
            holder = conn.execute(
                """SELECT device_id, device_name, since FROM hub.run_locks
                   WHERE event_id = %s AND kind = %s""",
                (event_id, kind),
            ).fetchone()
            yield RunHolder(*holder) if holder else RunHolder("", "another device", datetime.now())
            return
        conn.execute(
            """INSERT INTO hub.run_locks VALUES (%s, %s, %s, %s, now())
               ON CONFLICT (event_id, kind) DO UPDATE SET device_id = excluded.device_id,
                   device_name = excluded.device_name, since = excluded.since""",
            (event_id, kind, device_id, device_name),
        )
        try:
            yield None
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
    finally:
        conn.close()
