"""``boothapp hub ...``: the event hub, the team's PostgreSQL that every booth device syncs
through (issue 19, docs/HUB.md).

* ``boothapp hub init URL``: create the hub schema (a role that may create schemas and roles).
* ``boothapp hub join URL --event E --device-name NAME [--kiosk]``: register this device; its
  own role's password goes to the keyring, the URL without password to the settings.
* ``boothapp hub status``: devices, last contact, how far behind each is; this device's queue.
* ``boothapp hub sync [--watch SECONDS]``: push and pull now (``--watch``: keep going, woken by
  the hub's notifications, polling every SECONDS as the fallback; Ctrl+C stops).
* ``boothapp hub leave``; ``boothapp hub revoke URL DEVICE`` (a manager, by device id or name).

The URL may carry a password for init, join and revoke; it is never stored or printed.
"""

from __future__ import annotations

import argparse
import threading
from typing import Any

from boothapp.cli.acting import require_manager
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import list_separator, ngettext
from boothapp.core.i18n_format import format_number
from boothapp.services.errors import ServiceError
from boothapp.services.hub import HubService, Ownership
from boothapp.services.hub_worker import HubLoop
from boothapp.sync.hub.client import HubError, HubProblem


def left_line(ownership: Ownership) -> str | None:
    """One line for ``followups plan`` and ``sync`` on a hub device: the leads another device
    plans and queues (it captured them, or claimed a kiosk's), and which devices."""
    if not ownership.left:
        return None
    unknown = _("the laptop that claims them")
    devices = list_separator().join(
        f"{name or unknown} ({format_number(count)})"
        for name, count in sorted(ownership.others.items(), key=lambda item: (-item[1], item[0]))
    )
    return ngettext(
        "{count} lead left to the device that plans and sends it: {devices}",
        "{count} leads left to the devices that plan and send them: {devices}",
        ownership.left,
    ).format(count=format_number(ownership.left), devices=devices)


def register(sub: Any) -> None:
    parser = sub.add_parser("hub", help="sync this device with the team's event hub")
    verbs = parser.add_subparsers(dest="hub_action", required=True)
    init = verbs.add_parser("init", help="create the hub schema in a PostgreSQL database")
    init.add_argument("url")
    join = verbs.add_parser("join", help="register this device with a hub")
    join.add_argument("url")
    join.add_argument("--event", required=True, help="event id or name on this device")
    join.add_argument("--device-name", required=True, help="e.g. 'laptop 2' or 'kiosk A'")
    join.add_argument("--kiosk", action="store_true", help="push only; never pull leads")
    verbs.add_parser("status", help="devices, last contact and lag")
    sync = verbs.add_parser("sync", help="push and pull now")
    sync.add_argument("--watch", type=float, default=0, help="keep syncing (poll seconds)")
    verbs.add_parser("leave", help="stop syncing this device")
    revoke = verbs.add_parser("revoke", help="a manager: refuse a device from now on")
    revoke.add_argument("url")
    revoke.add_argument("device", help="device id or name")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    action = args.hub_action
    try:
        if action == "init":
            HubService.init(args.url)
            print(_("hub schema ready"))
            return 0
        if action == "revoke":
            print(_("revoked {device}").format(device=HubService.revoke(args.url, args.device)))
            return 0
        ctx = open_context(args)
        try:
            if action == "join":
                event = find_event(ctx, args.event)
                require_manager(ctx, args, "hub join", event.id)  # every lead leaves the laptop
                ctx.hub.join(args.url, event.id, args.device_name, push_only=args.kiosk)
                print(
                    _("joined the hub as {device} for {event}").format(
                        device=repr(args.device_name), event=event.name
                    )
                )
                return 0
            if action == "leave":
                require_manager(ctx, args, "hub leave")
                ctx.hub.leave()
                print(_("left the hub; this device keeps its leads"))
                return 0
            if action == "status":
                return _status(ctx.hub)
            if args.watch > 0:
                return _watch(ctx.hub, args.watch)
            done = ctx.hub.replicate_once()
            print(
                _("pushed {pushed}, pulled {pulled} ({applied} applied), {waiting} waiting").format(
                    pushed=done.pushed,
                    pulled=done.pulled,
                    applied=done.applied,
                    waiting=done.waiting,
                )
            )
            return 0
        finally:
            ctx.close()
    except (HubError, ServiceError) as exc:
        raise CliError(str(exc)) from None


def _problem_line(problem: HubProblem | None, error: str) -> str:
    """One line that says what kind of trouble it is, then the hub's (or libpq's) words."""
    if problem is HubProblem.REFUSED:
        return _("refused (revoked, left or wrong password): {error}").format(error=error)
    if problem is HubProblem.TLS:
        return _("TLS problem (the hub's certificate): {error}").format(error=error)
    if problem is HubProblem.SCHEMA:
        return _("hub schema too old: {error}").format(error=error)
    if problem is HubProblem.ERROR:
        return _("hub error: {error}").format(error=error)
    return _("offline: {error}").format(error=error)


def _status(hub: HubService) -> int:
    status = hub.status()
    if not status.joined:
        print(
            _("not joined to a hub; {count} change(s) logged on this device").format(
                count=status.waiting
            )
        )
        return 0
    kind = " " + _("(kiosk: push only)") if status.push_only else ""
    print(
        _("hub {url}{kind}; {count} change(s) waiting to push").format(
            url=status.url, kind=kind, count=status.waiting
        )
    )
    if status.error:
        print(_problem_line(status.problem, status.error))
        return 1
    for d in status.devices:
        seen = f"{d.last_seen:%Y-%m-%d %H:%M:%S} UTC" if d.last_seen else _("never")
        state = _("revoked") if d.revoked else _("{count} behind").format(count=d.behind)
        role = " " + _("kiosk") if d.push_only else ""
        print(
            "  "
            + _("{device}{role} ({id}): last contact {seen}, {state}").format(
                device=d.name, role=role, id=d.device_id, seen=seen, state=state
            )
        )
    return 0


def _watch(hub: HubService, poll_s: float) -> int:
    stop = threading.Event()
    loop = HubLoop(hub, poll_s=poll_s, on_state=lambda s: print(s.text, flush=True))
    try:
        loop.run(stop)
    except KeyboardInterrupt:
        stop.set()
    return 0
