"""Outbox items per lead, note and task (issue 17), and who holds each lease.

``item_key`` is ``SyncRecord.key`` (the lead UUID for the lead itself, ``<uuid>:note`` /
``<uuid>:task`` for its note and task), unique per CRM instead of (crm, lead). ``leased_by`` is
the device whose run claimed the item, so a restarted app reclaims its own leases at once.
Existing rows are lead items: their key is their lead id.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"  # the file 0006_routing_index.py has revision id "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("item_key", sa.String(80), nullable=False, server_default=""))
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False, server_default="lead"))
        batch.add_column(sa.Column("leased_by", sa.String(64), nullable=False, server_default=""))
    op.execute("UPDATE outbox SET item_key = lead_id")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("uq_outbox_crm_lead", type_="unique")
        batch.create_unique_constraint("uq_outbox_crm_key", ["crm", "item_key"])


def downgrade() -> None:
    op.execute("DELETE FROM outbox_attempts WHERE item_id IN "
               "(SELECT id FROM outbox WHERE kind != 'lead')")  # fmt: skip
    op.execute("DELETE FROM outbox WHERE kind != 'lead'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("uq_outbox_crm_key", type_="unique")
        batch.create_unique_constraint("uq_outbox_crm_lead", ["crm", "lead_id"])
        batch.drop_column("leased_by")
        batch.drop_column("kind")
        batch.drop_column("item_key")
