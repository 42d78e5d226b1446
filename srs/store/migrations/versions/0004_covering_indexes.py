"""Covering indexes for the daily counts: ``srs status`` and ``srs stats`` read index entries, not table rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

At 100,000 cards and 1,000,000 reviews (28,000 of them overdue), ``srs status`` spent ~160 ms of SQL counting
due reviews per deck, each overdue progress row being read from the progress table after its index entry, and
~35 ms on the 30-day retention, each review row likewise. The two indexes those counts walk now hold the
columns they filter and add up:

- ``ix_progress_learner_state_due`` also holds ``card_pk``, ``suspended`` and ``buried_until``, ``card_pk``
  right after ``due`` so that "the first due card by (due, card_pk)" stays one walk in index order;
- ``ix_review_learner_time`` also holds ``kind``, ``rating``, ``prev_interval_days`` and ``duration_ms``: the
  day counts, retention and answer times of ``srs status`` and ``srs stats``.

Same number of indexes as before, so an answer updates as many.
"""
from __future__ import annotations

from typing import Sequence, Union

from alembic import op

revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PROGRESS_STATE_DUE = ['learner_id', 'state', 'due', 'card_pk', 'suspended', 'buried_until']
REVIEW_TIME = ['learner_id', 'reviewed_at', 'kind', 'rating', 'prev_interval_days', 'duration_ms']


def upgrade() -> None:
    op.drop_index('ix_progress_learner_state_due', table_name='progress', if_exists=True)
    op.create_index('ix_progress_learner_state_due', 'progress', PROGRESS_STATE_DUE, unique=False)
    op.drop_index('ix_review_learner_time', table_name='review', if_exists=True)
    op.create_index('ix_review_learner_time', 'review', REVIEW_TIME, unique=False)


def downgrade() -> None:
    op.drop_index('ix_review_learner_time', table_name='review')
    op.create_index('ix_review_learner_time', 'review', ['learner_id', 'reviewed_at'], unique=False)
    op.drop_index('ix_progress_learner_state_due', table_name='progress')
    op.create_index('ix_progress_learner_state_due', 'progress', ['learner_id', 'state', 'due'], unique=False)
