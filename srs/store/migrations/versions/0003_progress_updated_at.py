"""Progress.updated_at: when a progress row last changed, so an Anki import can tell which side is newer.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

``srs import anki`` gives a card's suspended/buried flags to whichever side changed the card last: Anki's card
``mod`` against this column. Every write to a progress row sets it from now on (answer, undo, suspend, bury,
import). Existing rows are backfilled with their last answer, or the epoch when they have none (a card only
suspended or buried): exactly what the merge assumed before this column existed, so an upgrade changes no
import's outcome. The column stays nullable: rows written by older code or raw SQL are treated like the epoch.

On SQLite the column is added through ``op.batch_alter_table`` (the runner switches foreign keys off around the
migration and checks them before committing, so a table rebuild never cascades deletes into history).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def upgrade() -> None:
    # A database made by ``create_all`` from today's models (srs 0.1.0 on PostgreSQL did that) has it already.
    if 'updated_at' not in {c['name'] for c in sa.inspect(op.get_bind()).get_columns('progress')}:
        with op.batch_alter_table('progress', schema=None) as batch_op:
            batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    progress = sa.table('progress', sa.column('updated_at', sa.DateTime(timezone=True)),
                        sa.column('last_review', sa.DateTime(timezone=True)))
    op.execute(progress.update().where(progress.c.updated_at.is_(None)).values(
        updated_at=sa.func.coalesce(progress.c.last_review, sa.literal(EPOCH, sa.DateTime(timezone=True)))))


def downgrade() -> None:
    with op.batch_alter_table('progress', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
