"""``boothapp sync [run|configure|status] --event E``: push the event's leads to its CRM.

* ``boothapp sync --event E [--crm NAME] [--dry-run] [--retry-failed]``: queue the leads not yet
  synced, send them with a progress bar, print a summary; exit 1 when leads failed.
* ``boothapp sync configure --event E --crm bottlecrm --url URL --intake ID`` (or ``--crm webhook
  --url URL``, ``--crm csvdrop --folder DIR``): the secret (intake key / token / signing
  secret) comes from ``BOOTHAPP_CRM_TOKEN`` or a hidden prompt, never from the command line
  (it would stay in the shell history). BottleCRM's optional REST token: ``BOOTHAPP_CRM_API_TOKEN``.
* ``boothapp sync connect --event E``: Salesforce sign-in in the browser (OAuth 2.0 + PKCE,
  configured with ``--client-id`` [``--login-url``]); the tokens go to the keyring.
* ``boothapp sync status --event E``.
* ``boothapp sync pull --event E``: take owner/stage changes made in the CRM (BottleCRM, HubSpot,
  Salesforce), field by field, unless the booth edited that field later; then the deals of the
  synced leads (HubSpot, Salesforce: ``boothapp roi``); exit 1 on problems.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import webbrowser
from datetime import timedelta
from pathlib import Path
from typing import Any

from boothapp.cli.acting import require_manager
from boothapp.cli.commands.hub import left_line
from boothapp.cli.commands.roi import pull_deals
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.cli.progress import ProgressBar
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import ngettext
from boothapp.core.i18n_format import format_number
from boothapp.services.errors import ServiceError
from boothapp.sync.credentials import SecretStore
from boothapp.sync.engine import EngineConfig, SyncProgress
from boothapp.sync.settings import KNOWN_CRMS, CrmSettings, CrmSettingsError


def register(sub: Any) -> None:
    parser = sub.add_parser("sync", help="send the event's leads to its CRM")
    parser.add_argument(
        "action",
        nargs="?",
        default="run",
        choices=["run", "configure", "connect", "status", "pull"],
        # The verbs alone told a manager nothing, in any language (issue 21 walk).
        help="run (default): send the leads; configure: save the CRM settings; connect: sign "
        "in to Salesforce; status: what was sent and what waits; pull: fetch the CRM's changes",
    )
    parser.add_argument("--event", required=True, help="event id or name")
    parser.add_argument("--crm", choices=KNOWN_CRMS, help="which CRM (configure; run checks it)")
    parser.add_argument("--dry-run", action="store_true", help="say what would be sent, send none")
    parser.add_argument("--retry-failed", action="store_true", help="send failed leads again")
    parser.add_argument("--url", default="", help="CRM base URL (configure)")
    parser.add_argument("--intake", default="", help="BottleCRM lead-intake id (configure)")
    parser.add_argument("--portal", default="", help="HubSpot portal id (configure)")
    parser.add_argument("--campaign", default="", help="Salesforce campaign id (configure)")
    parser.add_argument("--folder", default="", help="csvdrop: the folder to drop CSV files in")
    parser.add_argument(
        "--client-id", default="", help="Salesforce connected app's consumer key (configure)"
    )
    parser.add_argument(
        "--login-url", default="", help="Salesforce sign-in (default https://login.salesforce.com)"
    )
    parser.add_argument(
        "--no-auto-sync", action="store_true", help="do not queue leads as they are saved"
    )
    parser.add_argument(
        "--lease-seconds", type=float, default=300.0, help=argparse.SUPPRESS
    )  # how long a killed run holds its batch; tests shorten it
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        if args.action != "status":  # reading the queue is anyone's; sending is a manager's
            require_manager(ctx, args, f"sync {args.action}", event.id)
        try:
            if args.action == "configure":
                return _configure(ctx, event.id, args)
            if args.action == "connect":
                return _connect(ctx, event.id)
            if args.action == "status":
                return _status(ctx, event.id)
            if args.action == "pull":
                return max(_pull(ctx, event.id), pull_deals(ctx, event.id, event.name))
            return _run(ctx, event.id, event.name, args)
        except (ServiceError, CrmSettingsError) as exc:
            raise CliError(str(exc)) from None
    finally:
        ctx.close()


def _configure(ctx: Any, event_id: str, args: argparse.Namespace) -> int:
    if not args.crm:
        raise CliError(_("configure needs --crm ({crms})").format(crms=", ".join(KNOWN_CRMS)))
    settings = CrmSettings(
        name=args.crm,
        base_url=args.url or ("https://api.hubapi.com" if args.crm == "hubspot" else ""),
        auto_sync=not args.no_auto_sync,
        intake_id=args.intake,
        portal=args.portal,
        campaign_id=args.campaign,
        folder=str(Path(args.folder).expanduser().resolve()) if args.folder else "",
        client_id=args.client_id,
        login_url=args.login_url,
    )
    if not settings.secret_names:  # the CSV folder needs no secret
        ctx.sync.configure(event_id, settings, {})
        print(
            _("{crm} configured for this event: files go to {folder}").format(
                crm=args.crm, folder=settings.folder
            )
        )
        return 0
    first = settings.secret_names[0]
    secret = os.environ.get("BOOTHAPP_CRM_TOKEN", "")
    if args.crm == "salesforce" and settings.client_id and not secret:
        # OAuth: the tokens come from signing in, not from the command line.
        ctx.sync.configure(event_id, settings, {})
        print(_("salesforce configured; now sign in: boothapp sync connect --event ..."))
        return 0
    if not secret and sys.stdin.isatty():
        secret = getpass.getpass(f"{args.crm} {first.replace('_', ' ')}: ")
    secrets = {first: secret}
    if args.crm == "bottlecrm" and os.environ.get("BOOTHAPP_CRM_API_TOKEN"):
        secrets["api_token"] = os.environ["BOOTHAPP_CRM_API_TOKEN"]
    if not secret and first not in ctx.sync.status(event_id).secrets_set:
        raise CliError(
            _("no {secret}: set BOOTHAPP_CRM_TOKEN or type it").format(
                secret=first.replace("_", " ")
            )
        )
    ctx.sync.configure(event_id, settings, secrets)
    print(
        _("{crm} configured for this event (secret kept in {place})").format(
            crm=args.crm, place=_secret_place(ctx)
        )
    )
    prepared = ctx.sync.prepare_crm(event_id)  # HubSpot: the boothapp_* properties exist
    if prepared.message:
        print(prepared.message, file=sys.stdout if prepared.ok else sys.stderr)
    return 0 if prepared.ok else 1


def _secret_place(ctx: Any) -> str:
    """Where secrets actually went: the keyring backend by name, or the fallback file."""
    return SecretStore(ctx.paths.secrets_file).where()


def _connect(ctx: Any, event_id: str) -> int:
    def open_browser(url: str) -> None:
        print(_("Sign in to Salesforce in your browser; if it does not open, visit:"))
        print(f"  {url}", flush=True)
        webbrowser.open(url)

    check = ctx.sync.connect_salesforce(event_id, open_browser)
    print(check.message + " " + _("(tokens kept in {place})").format(place=_secret_place(ctx)))
    return 0


def _pull(ctx: Any, event_id: str) -> int:
    bar = ProgressBar(_("Reading back from the CRM"))
    p = ctx.sync.pull_back(event_id, progress=bar)
    bar.done()
    print(p.message.split("; ")[0])
    for e in p.errors:
        print(f"  {e}")
    return 1 if p.errors else 0


def _status(ctx: Any, event_id: str) -> int:
    st = ctx.sync.status(event_id)
    if not st.configured:
        print(_("no CRM configured for this event"))
        return 0
    last = st.last_sync.isoformat(timespec="seconds") if st.last_sync else _("never")
    auto = _("auto sync on") if st.auto_sync else _("auto sync off")
    print(_("CRM: {crm} ({auto})").format(crm=st.crm, auto=auto))
    print(
        _(
            "synced {synced}, waiting {waiting}, failed {failed}, not queued {not_queued}; "
            "last sync {last}"
        ).format(
            synced=st.done,
            waiting=st.pending + st.in_flight,
            failed=st.failed,
            not_queued=st.not_queued,
            last=last,
        )
    )
    for f in ctx.sync.failures(event_id):
        print("  " + _failed_line(f))
    return 0


def _failed_line(f: Any) -> str:
    return _("FAILED {lead} ({company}): {error}").format(
        lead=f.name or f.lead_id, company=f.company, error=f.error
    )


def _run(ctx: Any, event_id: str, name: str, args: argparse.Namespace) -> int:
    if args.dry_run:
        # Issue 16: a dry run changes nothing, so it queues nothing either; it says what a
        # real run would queue on top of what already waits.
        st = ctx.sync.status(event_id)
        summary = ctx.sync.run(event_id, crm=args.crm, dry_run=True)
        waiting = summary.remaining
        extra = st.failed if args.retry_failed else 0
        retry = (
            _(", {count} failed to retry").format(count=format_number(extra))
            if args.retry_failed
            else ""
        )
        total = waiting + st.not_queued + extra
        print(
            ngettext(
                "dry run: {count} lead would be sent ({waiting} already waiting, "
                "{not_queued} not queued yet{retry}); nothing was changed",
                "dry run: {count} leads would be sent ({waiting} already waiting, "
                "{not_queued} not queued yet{retry}); nothing was changed",
                total,
            ).format(
                count=format_number(total),
                waiting=format_number(waiting),
                not_queued=format_number(st.not_queued),
                retry=retry,
            )
        )
        return 0
    if args.retry_failed:
        again = ctx.sync.retry_failed(event_id)
        print(
            ngettext(
                "{count} failed lead queued again", "{count} failed leads queued again", again
            ).format(count=format_number(again))
        )
    queued = ctx.sync.enqueue_event(event_id)  # on a hub: this device's leads only
    left = left_line(ctx.hub.ownership(event_id))
    if left:
        print(left)
    bar = ProgressBar(_("Syncing {event}").format(event=name))

    def progress(p: SyncProgress) -> None:
        rate = _("{rate} leads/min").format(rate=format_number(p.leads_per_min))
        bar(p.done, p.total, f"{rate} {p.waiting}".strip())

    try:
        summary = ctx.sync.run(
            event_id,
            crm=args.crm,
            dry_run=args.dry_run,
            progress=progress,
            engine_config=EngineConfig(lease=timedelta(seconds=args.lease_seconds)),
        )
    finally:
        bar.done()
    if summary.dry_run:
        print(summary.message)
        return 0
    print(
        _(
            "{crm}: {synced} synced, {failed} failed, {waiting} waiting "
            "({queued} queued now; stopped: {stopped})"
        ).format(
            crm=summary.crm,
            synced=summary.synced,
            failed=len(summary.failures),
            waiting=summary.remaining,
            queued=queued,
            stopped=summary.stopped,
        )
    )
    if summary.message:
        print(summary.message)
    if summary.unmatched_owners:
        print(summary.owners_text)
    for f in summary.failures:
        print("  " + _failed_line(f))
    return 0 if summary.ok else 1
