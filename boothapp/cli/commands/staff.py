"""``boothapp staff list|add|map-os-user``: the event's people and roles (issue 18).

Roles: staff capture and edit their own leads; managers also export, change settings, sync,
erase and read the audit log; a kiosk account registers visitors only.
"""

from __future__ import annotations

import argparse
from typing import Any

from boothapp.cli.acting import os_user, read_pin, require_manager
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import label
from boothapp.core.models import StaffRole
from boothapp.services.audit import AuditAction
from boothapp.services.errors import ServiceError


def register(sub: Any) -> None:
    parser = sub.add_parser("staff", help="the event's staff and their roles")
    verbs = parser.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    lst = verbs.add_parser("list", help="staff of an event, with role and mapped OS users")
    lst.add_argument("--event", required=True)
    lst.set_defaults(func=run_list)
    add = verbs.add_parser("add", help="add a staff member (their PIN is asked)")
    add.add_argument("--event", required=True)
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in StaffRole], default="staff")
    add.add_argument("--email", default="")
    add.set_defaults(func=run_add)
    mp = verbs.add_parser(
        "map-os-user", help="let an OS account run the command line as a staff member"
    )
    mp.add_argument("--event", required=True)
    mp.add_argument("name", help="the staff member")
    mp.add_argument("--os-user", default="", help="the account (default: the one running this)")
    mp.set_defaults(func=run_map)


def run_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        links: dict[str, list[str]] = {}
        for user, staff in ctx.staff.os_user_links():
            links.setdefault(staff.id, []).append(user)
        for staff in ctx.staff.list_staff(event.id):
            role = label(ctx.staff.with_role(staff).role)
            users = ", ".join(links.get(staff.id, []))
            state = "" if staff.active else _(" (inactive)")
            print(f"{staff.name:<24} {role:<14}{state}  {users}".rstrip())
        return 0
    finally:
        ctx.close()


def run_add(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        actor = None
        if ctx.staff.list_staff(event.id):  # the very first member sets the event up
            actor = require_manager(ctx, args, "staff add", event.id)
        pin = read_pin(args.name)
        try:
            staff = ctx.staff.add_staff(
                event.id, args.name, pin, email=args.email, role=StaffRole(args.role)
            )
        except ServiceError as exc:
            raise CliError(str(exc)) from None
        ctx.audit.log(
            AuditAction.ROLE_CHANGED, event_id=event.id,
            staff_id=actor.staff_id if actor else staff.id,
            detail={"added": staff.name, "role": staff.role.value},
        )  # fmt: skip
        print(_("{name} added as {role}").format(name=staff.name, role=label(staff.role)))
        return 0
    finally:
        ctx.close()


def run_map(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        if not getattr(args, "acting_as", None):
            raise CliError(_("mapping an OS user needs a manager's PIN: add --as MANAGER"))
        actor = require_manager(ctx, args, "staff map-os-user", event.id)
        found = ctx.staff.find_by_name(args.name, event.id)
        if not found:
            raise CliError(
                _("no staff member called {name!r} on this event's staff").format(name=args.name)
            )
        user = args.os_user or os_user()
        try:
            ctx.staff.map_os_user(user, found[0].id, by=actor.staff_id)
        except ServiceError as exc:
            raise CliError(str(exc)) from None
        print(
            _("OS user {user} now acts as {name} ({role})").format(
                user=user, name=found[0].name, role=label(found[0].role)
            )
        )
        return 0
    finally:
        ctx.close()
