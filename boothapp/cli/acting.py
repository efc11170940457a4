"""Who runs a command-line verb, and whether they may (issue 18: roles staff, manager, kiosk).

A manager verb (export, report, event import and settings, CRM settings, sync, person
export/erase/retain, audit list, staff changes) asks who is acting:

* ``--as NAME``: a staff member by name, with their PIN read by ``getpass`` (or one line of
  stdin when stdin is not a terminal, for scripts: ``echo 1234 | boothapp --as Deniz ...``);
* otherwise the operating-system user, when the manager tied it to a staff member with
  ``boothapp staff map-os-user`` (a cron job runs as its account, without a PIN).

Once the manager has mapped any OS user, nobody else runs a manager verb without ``--as``.
Before that (a single-user laptop, a fresh set-up) the verbs run as the OS user, as they did
before roles existed; ``--as`` is still checked when given. A refusal is one line and audited.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass

from boothapp.app import AppContext
from boothapp.cli.errors import CliError
from boothapp.core.i18n import N_
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import format_number
from boothapp.core.models import Staff, StaffRole
from boothapp.services.audit import AuditAction


@dataclass(frozen=True, slots=True)
class Actor:
    staff: Staff | None  # None: an unmapped OS user before roles are enforced
    os_user: str

    @property
    def staff_id(self) -> str:
        return self.staff.id if self.staff is not None else ""

    @property
    def label(self) -> str:
        return self.staff.name if self.staff is not None else f"OS user {self.os_user}"


# The role in a refusal, as the verbs' own words name it ("Ali is staff").
ROLE_WORDS = {
    StaffRole.STAFF: N_("staff"),
    StaffRole.MANAGER: N_("manager"),
    StaffRole.KIOSK: N_("kiosk"),
}


def add_acting_option(parser: argparse.ArgumentParser, default: object = None) -> None:
    parser.add_argument(
        "--as",
        dest="acting_as",
        metavar="NAME",
        default=default,
        help="act as this staff member (their PIN is asked); manager verbs need a manager",
    )


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container): still someone
        return "unknown"


def read_pin(name: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(_("PIN for {name}: ").format(name=name))
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.strip()


def _named(ctx: AppContext, name: str, event_id: str | None) -> Staff:
    found = ctx.staff.find_by_name(name, event_id)
    if not found:
        if event_id:
            raise CliError(_("no staff member called {name!r} on this event's staff").format(
                name=name))  # fmt: skip
        raise CliError(_("no staff member called {name!r}").format(name=name))
    if len(found) > 1:
        raise CliError(_("{name!r} is on the staff of several events: add --event").format(
            name=name))  # fmt: skip
    staff = found[0]
    check = ctx.staff.sign_in(staff.id, read_pin(staff.name))
    if not check.accepted or check.staff is None:
        if check.locked_for_s > 0:
            raise CliError(_("too many wrong PINs for {name}: wait {seconds} s").format(
                name=staff.name, seconds=format_number(round(check.locked_for_s))))  # fmt: skip
        raise CliError(_("wrong PIN for {name}").format(name=staff.name))
    return check.staff


def acting(ctx: AppContext, args: argparse.Namespace, event_id: str | None = None) -> Actor:
    """Who runs this verb: ``--as`` (PIN checked) or the mapped OS user, else nobody known."""
    user = os_user()
    name = getattr(args, "acting_as", None)
    if name:
        return Actor(_named(ctx, name, event_id), user)
    return Actor(ctx.staff.os_user_staff(user), user)


def require_manager(
    ctx: AppContext, args: argparse.Namespace, action: str, event_id: str | None = None
) -> Actor:
    """The actor, when they may run a manager verb; otherwise a one-line ``CliError``."""
    actor = acting(ctx, args, event_id)
    staff = actor.staff
    if staff is None:
        if not ctx.staff.cli_roles_enforced():
            return actor
        _refuse(ctx, actor, action, event_id)
        raise CliError(
            _("{action} is a manager action: run it with --as MANAGER (PIN asked), or have "
              "a manager map this OS user ({user}) with `boothapp staff map-os-user`").format(
                action=action, user=actor.os_user)
        )  # fmt: skip
    if not staff.is_manager:
        _refuse(ctx, actor, action, event_id)
        raise CliError(_("{action} is a manager action; {name} is {role}").format(
            action=action, name=staff.name, role=_(ROLE_WORDS[staff.role])))  # fmt: skip
    if event_id and staff.event_id != event_id:
        _refuse(ctx, actor, action, event_id)
        raise CliError(_("{action}: {name} manages another event, not this one").format(
            action=action, name=staff.name))  # fmt: skip
    return actor


def _refuse(ctx: AppContext, actor: Actor, action: str, event_id: str | None) -> None:
    ctx.audit.log(
        AuditAction.REFUSED,
        event_id=event_id,
        staff_id=actor.staff_id,
        detail={"action": action, "os_user": actor.os_user},
    )
