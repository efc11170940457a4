"""Drop each batch as a CSV file into a folder another tool watches.

A file appears whole or not at all: written to a hidden ``.tmp`` name in the same folder,
fsynced, then renamed. The name carries a hash of the batch's lead UUIDs, so re-sending the same
batch after a crash rewrites the same file instead of adding a second copy; rows carry
``lead_id`` so the reader can deduplicate across files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from boothapp.sync.crm.base import BatchOutcome, CrmUnavailable, PushResult, SyncRecord


@dataclass(frozen=True, slots=True)
class CsvDropConfig:
    folder: Path
    prefix: str = "boothapp-leads"
    batch_size: int = 500


class CsvDropAdapter:
    name = "csvdrop"

    def __init__(self, config: CsvDropConfig) -> None:
        self.config = config
        self.batch_size = config.batch_size

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        keys = sorted({k for r in records for k in r.fields})
        header = ["lead_id", "email", "event", *keys, "notes"]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(header)
        for r in records:
            writer.writerow(
                [
                    r.lead_id,
                    r.email,
                    r.event_name,
                    *(r.fields.get(k, "") for k in keys),
                    "\n".join(r.notes),
                ]
            )
        digest = hashlib.sha256("\n".join(r.lead_id for r in records).encode()).hexdigest()[:16]
        target = self.config.folder / f"{self.config.prefix}-{digest}.csv"
        tmp = self.config.folder / f".{target.name}.tmp"
        try:
            self.config.folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                fh.write(buf.getvalue())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise CrmUnavailable(f"cannot write {target}: {exc.strerror or exc}") from exc
        return BatchOutcome(
            tuple(PushResult(r.lead_id, ok=True, remote_id=target.name) for r in records)
        )
