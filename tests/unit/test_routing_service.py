"""Routing applied to stored leads: owner at save, round robin kept, re-route after a change."""

from __future__ import annotations

from pathlib import Path

from boothapp.app import AppContext
from boothapp.core.config.model import RouteMatch, RouteRule
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft

CONFIG_EXTRA = """
routing:
  reps:
    - {id: ayse, name: Ayşe, timezone: Europe/Istanbul}
    - {id: bob, name: Bob, timezone: Europe/London}
    - {id: carol, name: Carol, timezone: America/New_York}
  rules:
    - {id: emea, description: "EMEA", regions: [EMEA], reps: [ayse, bob]}
  fallback: carol
"""


def _config_with_reps(ctx: AppContext, event_id: str, tmp_path: Path) -> None:
    base = ctx.configs.export_text(event_id)
    head = base.split("\nrouting:")[0] + "\n"
    tail = base.split("badge_field_map:", 1)[1]
    path = tmp_path / "cfg.yaml"
    path.write_text(head + CONFIG_EXTRA + "badge_field_map:" + tail, encoding="utf-8")
    ctx.configs.import_text(event_id, path.read_text(encoding="utf-8"), "cfg.yaml")


def test_new_leads_are_routed_round_robin_with_reasons(ctx: AppContext, tmp_path: Path) -> None:
    event = ctx.events.create_event(NewEvent(name="Route Fair", country="DE"))
    _config_with_reps(ctx, event.id, tmp_path)
    owners = []
    for i, country in enumerate(["DE", "TR", "FR", "GB", "US"]):
        lead = ctx.leads.save_lead(
            LeadDraft(event_id=event.id, contact=Contact(first_name=f"V{i}", country=country))
        )
        owners.append(lead.owner)
        assert lead.routing_reason.startswith("routed to ")
    assert owners[:4].count("ayse") == 2 and owners[:4].count("bob") == 2  # even spread
    assert owners[4] == "carol"  # an American lead: no EMEA rule, fallback
    us_lead = ctx.leads.list_leads(event.id)[-1]
    assert "fallback" in us_lead.routing_reason


def test_reroute_after_a_rule_change_moves_owners_and_keeps_answers(
    ctx: AppContext, tmp_path: Path
) -> None:
    event = ctx.events.create_event(NewEvent(name="Reroute Fair", country="DE"))
    _config_with_reps(ctx, event.id, tmp_path)
    lead = ctx.leads.save_lead(
        LeadDraft(
            event_id=event.id,
            contact=Contact(first_name="Jonas", country="DE"),
            answers={"budget": "over_250k"},
        )
    )
    assert lead.owner in {"ayse", "bob"}
    cfg = ctx.configs.get(event.id)
    # EMEA now goes to Carol only.
    new_rules = (RouteRule("emea", ("carol",), RouteMatch(regions=("EMEA",)), "EMEA"),)
    routing = type(cfg.routing)(reps=cfg.routing.reps, fallback="carol", rules=new_rules)
    ctx.configs.save(event.id, cfg.edited(routing=routing))
    preview = ctx.routing.reroute(event.id, dry_run=True)
    assert [c.new_owner for c in preview] == ["carol"]
    assert ctx.leads.get_lead(lead.id).owner == lead.owner  # dry run stored nothing
    changes = ctx.routing.reroute(event.id)
    assert [(c.lead_id, c.new_owner) for c in changes] == [(lead.id, "carol")]
    after = ctx.leads.get_lead(lead.id)
    assert after.owner == "carol" and "rule 1" in after.routing_reason
    assert after.answers == {"budget": "over_250k"}
    assert ("owner", lead.owner, "carol") in {
        (c.field, c.old_value, c.new_value) for c in ctx.leads.history(lead.id)
    }


def test_event_config_export_import_cli(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("event", "create", "--name", "Cfg Show")
    out = tmp_path / "show.yaml"
    assert cli("event", "export", "--event", "Cfg Show", "-o", str(out)).code == 0
    text = out.read_text(encoding="utf-8")
    assert "questions:" in text
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("hot: 60", "hot: sixty"), encoding="utf-8")
    run = cli("event", "import", str(broken), "--event", "Cfg Show")
    assert run.code != 0
    assert "broken.yaml: line" in run.err and "rating.hot" in run.err
    assert "was not changed" in run.err
    ok = cli("event", "import", str(out), "--event", "Cfg Show")
    assert ok.code == 0 and "revision 1 applied" in ok.out
