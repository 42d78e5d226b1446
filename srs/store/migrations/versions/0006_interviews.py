"""Interviews and the day plan toward them: tables ``interview``, ``interview_plan`` and ``planned_card``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

``srs interview set`` stores a learner's interview (its time, and a deck or every deck). Once per learner-day
the queue plans toward the interviews ahead (:mod:`srs.store.day_plan`) and saves the plan: one
``interview_plan`` row per learner (when it was made, until when it holds, what it was made from), and a
``planned_card`` row for each card it moves, ranks or introduces today, so that each keypress reads the plan
instead of making it again. New tables only: no existing row changes. A table that is there already is left
as it is (a database made by ``create_all`` from today's models, as srs 0.1.0 did on PostgreSQL, has them).

(Written on a branch whose head was 0004; it follows 0005 once both are merged.)
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    there = set(sa.inspect(op.get_bind()).get_table_names())
    if 'interview' not in there:
        _interview()
    if 'interview_plan' not in there:
        _interview_plan()
    if 'planned_card' not in there:
        _planned_card()


def _interview() -> None:
    op.create_table(
        'interview',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deck_id', sa.String(length=100), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['deck_id'], ['deck.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_interview_learner_starts', 'interview', ['learner_id', 'starts_at'], unique=False)


def _interview_plan() -> None:
    op.create_table(
        'interview_plan',
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('valid_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('interview_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('other_decks', sa.JSON(), nullable=True),
        sa.Column('extra_new', sa.Integer(), nullable=False),
        sa.Column('too_little_time', sa.Boolean(), nullable=False),
        sa.Column('basis', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('learner_id'),
    )


def _planned_card() -> None:
    op.create_table(
        'planned_card',
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('card_pk', BIG_ID, nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.Integer(), nullable=False),
        sa.Column('due', sa.DateTime(timezone=True), nullable=True),
        sa.Column('review_rank', sa.Integer(), nullable=True),
        sa.Column('introduce_rank', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['card_pk'], ['card.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('learner_id', 'card_pk'),
    )
    op.create_index('ix_planned_card_learner_state_due', 'planned_card', ['learner_id', 'state', 'due'],
                    unique=False)
    op.create_index('ix_planned_card_learner_review_rank', 'planned_card', ['learner_id', 'review_rank'],
                    unique=False)
    op.create_index('ix_planned_card_learner_introduce_rank', 'planned_card', ['learner_id', 'introduce_rank'],
                    unique=False)


def downgrade() -> None:
    for index in ('ix_planned_card_learner_introduce_rank', 'ix_planned_card_learner_review_rank',
                  'ix_planned_card_learner_state_due'):
        op.drop_index(index, table_name='planned_card')
    op.drop_table('planned_card')
    op.drop_table('interview_plan')
    op.drop_index('ix_interview_learner_starts', table_name='interview')
    op.drop_table('interview')
