"""``boothapp followups plan|list|send|preview|outcome|review|ics|letters|metrics|password
--event E``."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from boothapp.app import AppContext
from boothapp.cli.commands.hub import left_line
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.cli.progress import ProgressBar
from boothapp.core.config.rep_names import rep_names
from boothapp.core.followups.attempts import Outcome
from boothapp.core.followups.plan import PlanError
from boothapp.core.followups.reasons import shown
from boothapp.core.i18n import N_, current, label, list_separator, ngettext
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import (
    format_number,
    format_percent,
    format_zone,
    locale_of,
    native_digits,
)
from boothapp.core.models import Stage
from boothapp.services.errors import ServiceError
from boothapp.services.followup_mail import (
    IMAP_PASSWORD_ENV,
    IMAP_SECRET_SCOPE,
    PASSWORD_ENV,
    SECRET_SCOPE,
    mail_login,
    read_replies,
    sent_folder_access,
    smtp_password,
    store_mail_password,
)
from boothapp.services.followup_types import TouchState, smtp_settings_from
from boothapp.sync.credentials import SecretStore

# A touch's state as a person reads it in ``followups list`` (JSON keeps the value).
TOUCH_STATES = {
    TouchState.PLANNED: N_("planned"),
    TouchState.APPROVED: N_("approved"),
    TouchState.SENDING: N_("sending"),
    TouchState.SENT: N_("sent"),
    TouchState.DONE: N_("done"),
    TouchState.FAILED: N_("failed"),
    TouchState.REVIEW: N_("to check"),
    TouchState.CANCELLED: N_("cancelled"),
}


def _stage(value: str) -> str:
    try:
        return label(Stage(value))
    except ValueError:
        return value


def _within(text: str) -> str:
    """A target window as the metrics name it ("5 min", "48 h", "5 days"), in the reader's
    words; any other wording as it is."""
    m = re.fullmatch(r"(\d+) (min|h|days?)", text)
    if m is None:
        return text
    n = int(m[1])
    if m[2] == "min":
        return _("{minutes} min").format(minutes=n)
    if m[2] == "h":
        return _("{hours} h").format(hours=n)
    return ngettext("{count} day", "{count} days", n).format(count=n)


def _when(moment: datetime) -> str:
    """ "Wed 2026-12-02 09:00" with the reader's weekday name and digits."""
    day = locale_of().days["format"]["abbreviated"][moment.weekday()]
    return native_digits(f"{day} {moment:%Y-%m-%d %H:%M}")


def register(sub: Any) -> None:
    parser = sub.add_parser("followups", help="plan, list and send lead follow-ups")
    verbs = parser.add_subparsers(dest="followups_verb", required=True)

    def verb(name: str, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = verbs.add_parser(name, help=help_text)
        p.add_argument("--event", required=True, help="event id or name")
        p.add_argument("--now", help=argparse.SUPPRESS)  # ISO time, for rehearsals and tests
        return p

    plan = verb("plan", "plan touches for every lead without a plan")
    plan.add_argument("--replan", action="store_true", help="re-plan open touches too")
    plan.set_defaults(func=run_plan)

    lst = verb("list", "list planned touches")
    lst.add_argument("--format", choices=("text", "json"), default="text")
    lst.add_argument("--owner", help="only this sales rep's touches (id or name)")
    lst.add_argument("--due", action="store_true", help="only touches due today or overdue")
    lst.set_defaults(func=run_list)

    send = verb("send", "send the email touches that are due")
    send.add_argument("--dry-run", action="store_true", help="show what would be sent")
    send.add_argument("--require-approval", action="store_true", help="send approved only")
    send.add_argument("--smtp-host")
    send.add_argument("--smtp-port", type=int)
    send.add_argument("--smtp-security", choices=("none", "starttls", "ssl"))
    send.add_argument("--smtp-user")
    send.add_argument("--from", dest="from_addr")
    send.add_argument("--from-name")
    send.add_argument("--per-minute", type=int, help="at most this many emails a minute")
    send.add_argument("--per-domain", type=int, help="at most this many a minute per domain")
    send.set_defaults(func=run_send)

    preview = verb("preview", "show the exact mail a touch sends, footer and headers included")
    preview.add_argument("touch", help="touch id (see `followups list --format json`)")
    preview.set_defaults(func=run_preview)

    outcome = verb("outcome", "record what happened on a call (or a manual mail)")
    outcome.add_argument("touch", help="touch id")
    outcome.add_argument("--result", required=True, choices=tuple(RESULTS))
    outcome.add_argument("--note", default="", help="kept in the touch's reason")
    outcome.add_argument("--staff", default="", help="who made the call (id or name)")
    outcome.set_defaults(func=run_outcome)

    review = verbs.add_parser("review", help="interrupted sends waiting for a person")
    review_verbs = review.add_subparsers(dest="review_verb", required=True)
    r_list = review_verbs.add_parser("list", help="list them")
    r_list.add_argument("--event", required=True, help="event id or name")
    r_list.set_defaults(func=run_review_list)
    r_res = review_verbs.add_parser("resolve", help="say whether the server got it")
    r_res.add_argument("--event", required=True, help="event id or name")
    r_res.add_argument("touch", help="touch id")
    r_res.add_argument("--sent", choices=("yes", "no"), required=True,
                       help="yes: it is in the Sent folder; no: let it go out again")  # fmt: skip
    r_res.add_argument("--staff", default="", help="who checked (id or name)")
    r_res.set_defaults(func=run_review_resolve)

    ics = verb("ics", "write one staff member's follow-up calendar (.ics)")
    ics.add_argument("--staff", required=True, help="staff member or rep, by id or name")
    ics.add_argument("-o", "--output", required=True)
    ics.set_defaults(func=run_ics)

    letters = verb("letters", "print the letters due by today into one PDF")
    letters.add_argument("-o", "--output", required=True)
    letters.set_defaults(func=run_letters)

    metrics = verb("metrics", "response time: capture to first contact")
    metrics.add_argument("--format", choices=("text", "json"), default="text")
    metrics.set_defaults(func=run_metrics)

    password = verb("password", "store the SMTP (or --imap) password in the keyring")
    password.add_argument("--imap", action="store_true", help="the Sent-folder account's")
    password.set_defaults(func=run_password)


# What a rep types -> the outcome recorded (issue 16: the CLI could not record a call).
RESULTS = {
    "reached": Outcome.REACHED,
    "no-answer": Outcome.NO_ANSWER,
    "voicemail": Outcome.VOICEMAIL,
    "meeting": Outcome.MEETING_BOOKED,
    "not-interested": Outcome.NOT_INTERESTED,
    "wrong-number": Outcome.WRONG_NUMBER,
}


def _now(args: argparse.Namespace) -> datetime:
    if not getattr(args, "now", None):
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(args.now)
    except ValueError:
        raise CliError(
            _("--now: {value!r} is not an ISO 8601 time").format(value=args.now)
        ) from None
    if value.tzinfo is None:
        raise CliError(_("--now needs a UTC offset, e.g. 2026-11-19T14:00+01:00"))
    return value.astimezone(UTC)


def _with_context(args: argparse.Namespace, body: Any) -> int:
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        try:
            result: int = body(ctx, event.id)
            return result
        except BrokenPipeError:
            raise  # the reader went away (`| head`): main() ends quietly
        except (ServiceError, PlanError, ValueError, OSError) as exc:
            raise CliError(str(exc)) from None
    finally:
        ctx.close()


def run_plan(args: argparse.Namespace) -> int:
    def body(ctx: AppContext, event_id: str) -> int:
        # On an event hub: the leads this device captured (or claimed of a kiosk) only.
        ownership = ctx.hub.ownership(event_id)
        summary = ctx.followups.plan(
            event_id, _now(args), replan=args.replan, lead_ids=ownership.mine
        )
        for line in summary.problems:
            print(_("not planned: {reason}").format(reason=line), file=sys.stderr)
        print(
            _("{touches} touches planned for {leads} leads ({skipped} skipped)").format(
                touches=format_number(summary.touches_planned),  # "۱۲" in Persian
                leads=format_number(summary.leads_planned),
                skipped=format_number(summary.leads_skipped),
            )
        )
        left = left_line(ownership)
        if left:
            print(left)
        return 1 if summary.problems else 0

    return _with_context(args, body)


def run_list(args: argparse.Namespace) -> int:
    def body(ctx: AppContext, event_id: str) -> int:
        owner = ctx.followups.resolve_owner(event_id, args.owner) if args.owner else None
        if args.due:
            event_zone = ZoneInfo(ctx.events.find_event(event_id).timezone or "UTC")
            items = ctx.followups.queue(event_id, owner, _now(args).astimezone(event_zone).date())
            touches = [i.touch for i in items]
        else:
            touches = ctx.followups.touches(event_id)
            if owner is not None:
                touches = [t for t in touches if t.owner == owner]
        subjects = (
            {} if args.format == "json" else ctx.followups.rep_subjects(touches, current().value)
        )
        names = rep_names(ctx.configs.get(event_id).routing.reps)  # people read reps' names
        for t in touches:
            local = t.due_utc.astimezone(ZoneInfo(t.tz))
            if args.format == "json":
                record = {
                    "lead_id": t.lead_id,
                    "touch_id": t.id,
                    "touch": t.touch_number,
                    "channel": t.channel.value,
                    "due": local.isoformat(),
                    "timezone": t.tz,
                    "state": t.state.value,
                    "owner": t.owner,
                    "template": t.template_id,
                    "language": t.language,
                    "reason": t.reason,
                }
                print(json.dumps(record, ensure_ascii=False))
            else:
                state = _(TOUCH_STATES.get(t.state, t.state.value))
                print(
                    f"{_when(local)} {format_zone(t.tz):<20} #{native_digits(str(t.touch_number))} "
                    f"{label(t.channel):<8} {state:<10} {names.get(t.owner, t.owner) or '-':<12} "
                    f"{t.language or '-':<3} {t.lead_id[-8:]} {subjects.get(t.id, t.subject)}"
                )
        return 0

    return _with_context(args, body)


def _password(ctx: AppContext, username: str) -> str | None:
    return smtp_password(ctx.paths.data_dir, username)


def run_send(args: argparse.Namespace) -> int:
    def body(ctx: AppContext, event_id: str) -> int:
        cfg = ctx.followups.settings(event_id)
        overrides = {
            "host": args.smtp_host,
            "port": args.smtp_port,
            "security": args.smtp_security,
            "username": args.smtp_user,
            "from": args.from_addr,
            "from_name": args.from_name,
            "per_minute_limit": args.per_minute,
            "per_domain_per_minute": args.per_domain,
        }
        smtp = smtp_settings_from(cfg.smtp, overrides)
        missing = cfg.sender.missing()
        if missing and not args.dry_run:
            # Issue 16: mail went out with no opt-out and no postal address, without a word.
            for line in missing:
                print(_("not sending: {reason}").format(reason=line), file=sys.stderr)
            return 2
        password = None if args.dry_run else _password(ctx, smtp.username)
        if smtp.username and password is None and not args.dry_run:
            raise CliError(
                f"no SMTP password for {smtp.username!r}: store it in the keyring "
                f"(service boothapp, user {SECRET_SCOPE}:{smtp.username}) or set {PASSWORD_ENV}"
            )
        # Touches interrupted by a crash are looked up in the Sent folder when IMAP is set up.
        access = (
            None
            if args.dry_run
            else sent_folder_access(ctx.followups, ctx.paths.data_dir, event_id, smtp.username)
        )
        replies = None if args.dry_run else read_replies(ctx.followups, event_id, access)
        if isinstance(replies, str):
            print(_("mailbox not read: {reason}").format(reason=replies), file=sys.stderr)
        elif replies is not None and (replies.unsubscribed or replies.bounced):
            print(
                f"from the mailbox: {replies.unsubscribed} unsubscribed, "
                f"{replies.bounced} bounced after delivery"
            )
        lookup = access.open() if access is not None else None
        bar = ProgressBar(_("Sending follow-ups"))
        try:
            report = ctx.followups.send_due(
                event_id,
                smtp,
                password,
                dry_run=args.dry_run,
                progress=bar,
                now=_now(args),
                require_approval=args.require_approval,
                lookup=lookup,
            )
        finally:
            bar.done()
            if lookup is not None:
                lookup.close()
        if args.dry_run:
            for touch_id in report.would_send:
                t = ctx.followups.get_touch(touch_id)
                print(
                    _("would send {touch} to lead {lead}: {subject}").format(
                        touch=t.id, lead=t.lead_id, subject=t.subject
                    )
                )
            print(
                _(
                    "dry run: {count} emails would be sent, {waiting} wait for the lead's "
                    "sending window, {blocked} blocked (no consent or address)"
                ).format(
                    count=len(report.would_send),
                    waiting=report.replanned,
                    blocked=report.skipped_no_consent,
                )
            )
            for line in report.refused:
                print(_("warning: {message}").format(message=line), file=sys.stderr)
            return 0
        for line in report.problems:
            print(_("problem: {message}").format(message=line), file=sys.stderr)
        print(
            _(
                "{sent} sent, {failed} bounced or invalid, {deferred} deferred, "
                "{replanned} moved to the lead's next sending slot, "
                "{no_consent} not sent without consent, "
                "{reconciled} confirmed after an interruption, "
                "{review} need review ({seconds} s)"
            ).format(
                sent=report.sent,
                failed=report.failed,
                deferred=report.deferred,
                replanned=report.replanned,
                no_consent=report.skipped_no_consent,
                reconciled=report.reconciled_sent,
                review=report.flagged_review,
                seconds=f"{report.seconds:.0f}",
            )
        )
        if report.stopped:
            print(
                f"stopped: the mail server answered {report.stopped}; {report.not_tried} "
                "touch(es) not tried, left due and unchanged",
                file=sys.stderr,
            )
        interrupted = report.reconciled_sent + report.reconciled_replanned
        if interrupted + report.reconciled_review:
            where = f" (IMAP folder {lookup.folder!r})" if lookup and lookup.folder else ""
            print(
                f"interrupted sends{where}: {report.reconciled_sent} confirmed sent, "
                f"{report.reconciled_replanned} re-planned to send again, "
                f"{report.reconciled_review} left for review"
            )
        for line in report.review_reasons:
            print(_("review: {reason}").format(reason=line))
        if report.reconciled_review and access and access.settings.username and not access.password:
            user = access.settings.username
            print(
                f"hint: store the IMAP password in the keyring (service boothapp, user "
                f"{IMAP_SECRET_SCOPE}:{user}) or set {IMAP_PASSWORD_ENV}",
                file=sys.stderr,
            )
        return 0 if report.ok else 1

    return _with_context(args, body)


def run_preview(args: argparse.Namespace) -> int:
    def body(ctx: AppContext, event_id: str) -> int:
        p = ctx.followups.preview(args.touch)
        for name, value in p.headers:
            print(f"{name}: {value}")
        print(f"Content-Language: {p.language}\n")
        print(p.text, end="")
        for line in p.problems:
            print(_("warning: {message}").format(message=line), file=sys.stderr)
        return 0

    return _with_context(args, body)


def _staff_id(ctx: AppContext, event_id: str, text: str) -> str:
    return ctx.followups.resolve_owner(event_id, text) if text else ""


def run_outcome(args: argparse.Namespace) -> int:
    def body(ctx: AppContext, event_id: str) -> int:
        staff = _staff_id(ctx, event_id, args.staff)
        result = ctx.followups.record_outcome(
            args.touch, RESULTS[args.result], staff_id=staff, now=_now(args), note=args.note
        )
        print(
            _("{outcome} recorded for touch {id}: {reason}").format(
                outcome=label(RESULTS[args.result]), id=result.touch.id, reason=shown(result.reason)
            )
        )
        if result.new_stage:
            print(_("lead stage: {stage}").format(stage=_stage(result.new_stage)))
        if result.next_touch is not None:
            t = result.next_touch
            local = t.due_utc.astimezone(ZoneInfo(t.tz))
            print(
                _("next: {channel} {when} {zone} ({id})").format(
                    channel=label(t.channel), when=_when(local), zone=format_zone(t.tz), id=t.id
                )
            )
        return 0

    return _with_context(args, body)


def run_review_list(args: argparse.Namespace) -> int:
    def body(ctx: AppContext, event_id: str) -> int:
        items = ctx.followups.review_list(event_id)
        for item in items:
            t = item.touch
            print(f"{t.id} {item.lead_name} <{item.email}> {t.message_id}: {t.subject}")
        print(
            ngettext(
                "{count} interrupted send waiting for review",
                "{count} interrupted sends waiting for review",
                len(items),
            ).format(count=native_digits(str(len(items))))
        )
        return 0

    return _with_context(args, body)


def run_review_resolve(args: argparse.Namespace) -> int:
    def body(ctx: AppContext, event_id: str) -> int:
        staff = _staff_id(ctx, event_id, args.staff)
        t = ctx.followups.resolve_review(args.touch, args.sent == "yes", staff)
        if t.state is TouchState.SENT:
            print(_("touch {id} marked sent").format(id=t.id))
        else:
            print(_("touch {id} will go out on the next run").format(id=t.id))
        return 0

    return _with_context(args, body)


def run_ics(args: argparse.Namespace) -> int:
    def body(ctx: AppContext, event_id: str) -> int:
        path = Path(args.output)
        if not path.parent.exists():
            raise CliError(_("folder {folder} does not exist").format(folder=path.parent))
        owner = ctx.followups.resolve_owner(event_id, args.staff)
        text = ctx.followups.calendar(event_id, owner, _now(args))
        path.write_text(text, encoding="utf-8", newline="")
        print(
            _("{count} follow-ups for {staff} written to {path}").format(
                count=format_number(text.count("BEGIN:VEVENT")), staff=args.staff, path=path
            )
        )
        return 0

    return _with_context(args, body)


def run_letters(args: argparse.Namespace) -> int:
    def body(ctx: AppContext, event_id: str) -> int:
        path = Path(args.output)
        if not path.parent.exists():
            raise CliError(_("folder {folder} does not exist").format(folder=path.parent))
        count = ctx.followups.letters_pdf(event_id, path, _now(args))
        print(
            ngettext(
                "{count} letter written to {path}", "{count} letters written to {path}", count
            ).format(count=format_number(count), path=path)
        )
        return 0

    return _with_context(args, body)


def run_password(args: argparse.Namespace) -> int:
    def body(ctx: AppContext, event_id: str) -> int:
        env = IMAP_PASSWORD_ENV if args.imap else PASSWORD_ENV
        user = mail_login(ctx.followups, event_id, args.imap)
        value = os.environ.get(env, "")
        if not value and sys.stdin.isatty():
            value = getpass.getpass(f"{'IMAP' if args.imap else 'SMTP'} password for {user}: ")
        if not value:
            raise CliError(_("no password: type it at the prompt or set {env}").format(env=env))
        store_mail_password(ctx.followups, ctx.paths.data_dir, event_id, value, args.imap)
        where = SecretStore(ctx.paths.data_dir / "secrets.json").where()
        print(
            _("{kind} password for {user} kept in {where}").format(
                kind="IMAP" if args.imap else "SMTP", user=user, where=where
            )
        )
        return 0

    return _with_context(args, body)


def _fmt(delta: timedelta | None) -> str:
    if delta is None:
        return "-"
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 60:
        return native_digits(_("{hours} h {minutes:02d} min").format(
            hours=minutes // 60, minutes=minutes % 60))  # fmt: skip
    return native_digits(_("{minutes} min").format(minutes=minutes))


def run_metrics(args: argparse.Namespace) -> int:
    def body(ctx: AppContext, event_id: str) -> int:
        m = ctx.followups.metrics(event_id)
        if args.format == "json":
            groups = {**{f"staff:{k}": v for k, v in m.per_staff.items()}, **m.per_event}
            for key, g in groups.items():
                print(
                    json.dumps(
                        {
                            "group": key if key.startswith("staff:") else "event",
                            "name": key.removeprefix("staff:"),
                            "leads": g.leads,
                            "contacted": g.contacted,
                            "median_seconds": g.median.total_seconds() if g.median else None,
                            "within": dict(g.within),
                        },
                        ensure_ascii=False,
                    )
                )
            return 0
        reps = rep_names(ctx.configs.get(event_id).routing.reps)  # owners are rep ids
        for title, groups in ((_("Event"), m.per_event), (_("Staff"), m.per_staff)):
            for key, g in groups.items():
                name = _("all leads") if groups is m.per_event else reps.get(key, key)
                shares = list_separator().join(
                    f"{_within(within)} {format_percent(share)}" for within, share in g.within
                )
                line = _("{contacted}/{leads} contacted, median {median}; within {shares}")
                figures = line.format(
                    contacted=g.contacted, leads=g.leads, median=_fmt(g.median), shares=shares
                )
                print(f"{title:<8} {name:<20} {native_digits(figures)}")
        print(
            ngettext(
                "{count} lead not contacted yet",
                "{count} leads not contacted yet",
                len(m.not_contacted),
            ).format(count=format_number(len(m.not_contacted)))
        )
        return 0

    return _with_context(args, body)
