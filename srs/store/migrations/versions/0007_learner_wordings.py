"""Learners' own wordings of key points: table ``learner_wording``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

``srs review --type`` (key ``w``) and ``srs card wording add`` keep a learner's wording of a card's key point,
which then counts as one more alternative of that point for them (:mod:`srs.wordings`). One row per learner,
card, point and wording: the point as the deck wrote it (``point``, as ``review_attempt.key_points`` stores it)
and its sha256 (``point_hash``, which the unique key uses: a point may be longer than an index allows), the
wording and when it was added. Deleted with the learner and with the card. A new table only: no existing row
changes, and its name tells a database at 0007 from one at 0006 when ``alembic_version`` is lost. A table that
is there already is left as it is (a database made by ``create_all`` from today's models has it).
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table('learner_wording'):
        return
    op.create_table(
        'learner_wording',
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('card_pk', BIG_ID, nullable=False),
        sa.Column('point', sa.Text(), nullable=False),
        sa.Column('point_hash', sa.String(length=64), nullable=False),
        sa.Column('wording', sa.Text(), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['card_pk'], ['card.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('learner_id', 'card_pk', 'point_hash', 'wording', name='uq_learner_wording'),
    )


def downgrade() -> None:
    op.drop_table('learner_wording')
