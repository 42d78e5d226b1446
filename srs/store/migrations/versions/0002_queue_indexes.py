"""Indexes for the study queue: progress by (learner, state, due) and by (learner, buried_until).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Without them, counting a learner's learning cards or finding the first due one scanned every overdue row
(28,000 at 100k cards), and "when does a buried card come back" scanned all of a learner's progress.
``if_not_exists``: a database made by ``create_all`` from today's models already has them.
"""
from __future__ import annotations

from typing import Sequence, Union

from alembic import op

revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_progress_learner_state_due', 'progress', ['learner_id', 'state', 'due'], unique=False,
                    if_not_exists=True)
    op.create_index('ix_progress_learner_buried', 'progress', ['learner_id', 'buried_until'], unique=False,
                    if_not_exists=True)


def downgrade() -> None:
    op.drop_index('ix_progress_learner_buried', table_name='progress')
    op.drop_index('ix_progress_learner_state_due', table_name='progress')
