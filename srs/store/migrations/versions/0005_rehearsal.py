"""Rehearsal: key points and personal cards, typed attempts, and edits that record the deck text they replace.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

- ``card.key_points`` (JSON list of the author's strings, ``[]`` for existing cards) and ``card.personal``
  (false): the deck format 2 fields, so ``srs review --type`` and ``srs card check-answer`` can grade answers.
- ``review_attempt``: what the learner typed for a review, the key points it hit (and the points as they were
  then), the suggested rating and the uncapped typing time; the rating given is the review's.
- ``local_edit``: its three text fields become nullable (NULL follows the deck: a personal card's line stores
  the response only), and ``deck_hash`` records the deck text the edit was made against. Existing edits replaced
  all three fields; they are stamped with the hash of the deck's text as it is now, so a later deck update
  (the bundled deck 2.0.0, say) marks them for the learner to compare.
- A ``bundled-recheck`` row in ``meta`` makes the next start read the bundled decks again, so their cards get
  their key points (cards imported before this revision already count them in their content hash; the import
  fills them in without counting the card as changed, and moves its time so an Anki export carries them). A deck the user added from their own file gets them
  when it is added again.

On SQLite the ``local_edit`` change rebuilds that table (``op.batch_alter_table``); the runner switches
foreign keys off around the migration and checks them before committing. Every row is kept.
"""
from __future__ import annotations

import hashlib
import json
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
FIELDS = ('situation', 'response', 'reasoning')


def deck_text_hash(fields: dict[str, str]) -> str:
    """Frozen copy of ``srs.edits.deck_text_hash`` (a test keeps them equal)."""
    payload = [[name, fields[name].strip()] for name in FIELDS if name in fields]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def upgrade() -> None:
    # A database made by ``create_all`` from today's models (srs 0.1.0 on PostgreSQL did that, then stamped 0001)
    # has the new table and columns already: add only what is missing.
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table('review_attempt'):
        op.create_table(
            'review_attempt',
            sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
            sa.Column('review_id', BIG_ID, nullable=False),
            sa.Column('learner_id', sa.Integer(), nullable=False),
            sa.Column('answer', sa.Text(), nullable=False),
            sa.Column('typed_ms', sa.BigInteger(), nullable=False),
            sa.Column('key_points', sa.JSON(), nullable=False),
            sa.Column('hits', sa.JSON(), nullable=False),
            sa.Column('suggested_rating', sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ondelete='CASCADE'),
            sa.ForeignKeyConstraint(['review_id'], ['review.id'], ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id'),
            sa.UniqueConstraint('review_id'),
        )
        op.create_index('ix_review_attempt_learner', 'review_attempt', ['learner_id'], unique=False)

    card_columns = {c['name'] for c in inspector.get_columns('card')}
    if 'key_points' not in card_columns:
        with op.batch_alter_table('card', schema=None) as batch_op:
            batch_op.add_column(sa.Column('key_points', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
            batch_op.add_column(sa.Column('personal', sa.Boolean(), server_default=sa.false(), nullable=False))

    edit_columns = {c['name']: c for c in inspector.get_columns('local_edit')}
    if 'deck_hash' not in edit_columns or not edit_columns['response']['nullable']:
        with op.batch_alter_table('local_edit', schema=None) as batch_op:
            if 'deck_hash' not in edit_columns:
                batch_op.add_column(sa.Column('deck_hash', sa.String(length=64), nullable=True))
            for name in FIELDS:
                batch_op.alter_column(name, existing_type=sa.Text(), nullable=True)

    bind = op.get_bind()
    edit = sa.table('local_edit', sa.column('id', sa.Integer()), sa.column('card_pk', BIG_ID),
                    sa.column('deck_hash', sa.String(64)))
    card = sa.table('card', sa.column('id', BIG_ID), *(sa.column(name, sa.Text()) for name in FIELDS))
    rows = bind.execute(sa.select(edit.c.id, *(card.c[name] for name in FIELDS))
                        .select_from(edit.join(card, card.c.id == edit.c.card_pk))
                        .where(edit.c.deck_hash.is_(None))).mappings().all()
    if rows:
        bind.execute(edit.update().where(edit.c.id == sa.bindparam('edit_id')).values(deck_hash=sa.bindparam('h')),
                     [{'edit_id': row['id'], 'h': deck_text_hash({name: row[name] for name in FIELDS})}
                      for row in rows])
    meta = sa.table('meta', sa.column('key', sa.String(50)), sa.column('value', sa.String(200)))
    op.execute(meta.delete().where(meta.c.key == 'bundled-recheck'))
    op.execute(meta.insert().values(key='bundled-recheck', value='bundled-recheck'))


def downgrade() -> None:
    bind = op.get_bind()
    meta = sa.table('meta', sa.column('key', sa.String(50)))
    op.execute(meta.delete().where(meta.c.key == 'bundled-recheck'))
    edit = sa.table('local_edit', sa.column('card_pk', BIG_ID), *(sa.column(name, sa.Text()) for name in FIELDS))
    card = sa.table('card', sa.column('id', BIG_ID), *(sa.column(name, sa.Text()) for name in FIELDS))
    for name in FIELDS:  # a field that followed the deck gets the deck's text, as 0004 stored every field
        deck_text = sa.select(card.c[name]).where(card.c.id == edit.c.card_pk).scalar_subquery()
        bind.execute(edit.update().where(edit.c[name].is_(None)).values({name: deck_text}))
    with op.batch_alter_table('local_edit', schema=None) as batch_op:
        for name in reversed(FIELDS):
            batch_op.alter_column(name, existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('deck_hash')

    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.drop_column('personal')
        batch_op.drop_column('key_points')

    op.drop_index('ix_review_attempt_learner', table_name='review_attempt')
    op.drop_table('review_attempt')
