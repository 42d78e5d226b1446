"""The tables as plain SQLAlchemy Core clauses, for the statements that run on every start-up and keypress.

:mod:`srs.store.models` (SQLModel classes) defines the schema and is what migrations and the ORM use; importing it
loads SQLModel and pydantic, about half of ``srs status``'s start-up. The study queue, the status, the stats, the
exports, ``srs config``/``srs optimize`` and ``srs deck add`` only need table and column names with their types,
so they build their statements on these lightweight ``table()`` clauses instead. Only the columns those statements
use are listed; a test checks that each one exists in :mod:`srs.store.models` with the same type.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Float, Integer, String, column, table

from srs.store.types import BigId, UTCDateTime

learner = table(
    "learner",
    column("id", Integer()),
    column("name", String()),
    column("created_at", UTCDateTime()),
)

deck = table(
    "deck",
    column("id", String()),
    column("name", String()),
    column("description", String()),
    column("version", String()),
    column("license", String()),
    column("credits", String()),
    column("sources", JSON()),
    column("content_hash", String()),
    column("bundled_hash", String()),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
)

card = table(
    "card",
    column("id", BigId),
    column("deck_id", String()),
    column("card_id", String()),
    column("position", Integer()),
    column("situation", String()),
    column("response", String()),
    column("reasoning", String()),
    column("sources", JSON()),
    column("tags", JSON()),
    column("counterpoints", JSON()),
    column("content_hash", String()),
    column("anki_guid", String()),
    column("retired", Boolean()),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
)

progress = table(
    "progress",
    column("id", BigId),
    column("learner_id", Integer()),
    column("card_pk", BigId),
    column("state", Integer()),
    column("step", Integer()),
    column("stability", Float()),
    column("difficulty", Float()),
    column("due", UTCDateTime()),
    column("last_review", UTCDateTime()),
    column("scheduled_days", Integer()),
    column("reps", Integer()),
    column("lapses", Integer()),
    column("suspended", Boolean()),
    column("buried_until", UTCDateTime()),
    column("leech", Boolean()),
    column("version", Integer()),
    column("updated_at", UTCDateTime()),
)

review = table(
    "review",
    column("id", BigId),
    column("learner_id", Integer()),
    column("card_pk", BigId),
    column("rating", Integer()),
    column("reviewed_at", UTCDateTime()),
    column("duration_ms", Integer()),
    column("kind", Integer()),
    column("interval_days", Integer()),
    column("prev_interval_days", Integer()),
)

setting = table(
    "setting",
    column("learner_id", Integer()),
    column("key", String()),
    column("value", JSON()),
)

local_edit = table(
    "local_edit",
    column("learner_id", Integer()),
    column("card_pk", BigId),
    column("situation", String()),
    column("response", String()),
    column("reasoning", String()),
    column("updated_at", UTCDateTime()),
)

meta = table(
    "meta",
    column("key", String()),
    column("value", String()),
)

ALL = (learner, deck, card, progress, review, setting, local_edit, meta)
