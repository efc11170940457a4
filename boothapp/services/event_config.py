"""The event configuration document: read, save (new revision), export and import."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Literal

from sqlalchemy import select

from boothapp.core.config.defaults import default_config
from boothapp.core.config.dump import dump_config, to_tree
from boothapp.core.config.errors import ConfigError, ConfigProblem
from boothapp.core.config.loader import load_config
from boothapp.core.config.model import EventConfig
from boothapp.core.config.source import parse
from boothapp.services.audit import AuditAction, record
from boothapp.services.errors import NotFoundError
from boothapp.store.db import Database
from boothapp.store.tables import EventRow
from boothapp.sync.settings import CrmSettings, CrmSettingsError


def validate_text(text: str, source_name: str) -> EventConfig:
    """The whole document checked, the ``crm`` section included (the core reads it as an opaque
    table; its rules live with the sync code). ``ConfigError`` names line and field."""
    cfg = load_config(text, source_name)
    try:
        CrmSettings.from_tree(cfg.crm)
    except CrmSettingsError as exc:
        path, _, message = str(exc).partition(": ")
        if not message:
            path, message = "crm", str(exc)
        _, lines = parse(text, source_name)
        line = lines.get(path) or lines.get(path.rsplit(".", 1)[0]) or lines.get("crm")
        raise ConfigError(source_name, [ConfigProblem(path, line, message)]) from None
    return cfg


class EventConfigService:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Parsed configs by (event, revision): scans and saves read it on every lead.
        self._cache: dict[tuple[str, int], EventConfig] = {}

    def get(self, event_id: str) -> EventConfig:
        with self._db.read() as s:
            # The revision alone first: the parsed config is almost always cached, and loading
            # the whole row (its JSON document) per saved lead cost ~10 ms.
            revision = s.scalar(select(EventRow.config_revision).where(EventRow.id == event_id))
            if revision is None:
                raise NotFoundError(f"no event {event_id}")
            cached = self._cache.get((event_id, revision))
            if cached is not None:
                return cached
            row = s.get(EventRow, event_id)
            if row is None:
                raise NotFoundError(f"no event {event_id}")
            key = (event_id, row.config_revision)
            tree = dict(row.config or {})
            name = row.name
        # Stored trees were validated when saved; parsing again keeps one code path.
        cfg = load_config(json.dumps(tree), f"event {name}") if tree else default_config()
        self._cache[key] = cfg
        return cfg

    def save(self, event_id: str, cfg: EventConfig, staff_id: str = "") -> EventConfig:
        """Store a new revision (audited: who, which sections changed). Answers already
        captured are never rewritten."""
        with self._db.session() as s:
            row = s.get(EventRow, event_id)
            if row is None:
                raise NotFoundError(f"no event {event_id}")
            revision = row.config_revision + 1
            saved = replace(cfg, revision=revision)
            before = dict(row.config or {})
            row.config = to_tree(saved)
            row.config_revision = revision
            changed = sorted(
                k for k in set(before) | set(row.config)
                if k != "revision" and before.get(k) != row.config.get(k)
            )  # fmt: skip
            record(
                s, AuditAction.SETTINGS_CHANGED, event_id=event_id, staff_id=staff_id,
                detail={"revision": revision, "sections": changed},
            )  # fmt: skip
        self._cache[(event_id, revision)] = saved
        return saved

    def export_text(self, event_id: str, fmt: Literal["yaml", "json"] = "yaml") -> str:
        return dump_config(self.get(event_id), fmt)

    def import_text(
        self, event_id: str, text: str, source_name: str, staff_id: str = ""
    ) -> EventConfig:
        """Validate first (ConfigError names line and field); nothing changes on error."""
        return self.save(event_id, validate_text(text, source_name), staff_id)
