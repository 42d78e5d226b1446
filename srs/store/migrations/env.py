"""Alembic environment for srs. Always run through :mod:`srs.store.migrations`, which passes an open connection.

``render_as_batch`` makes autogenerate write SQLite-safe ``batch_alter_table`` blocks; the runner owns the
transaction (and on SQLite the write lock), so every migration of one upgrade commits or rolls back together.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlmodel import SQLModel

from srs.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from srs.store.models import UTCDateTime


def render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write plain SQLAlchemy types into new revisions, so old revisions never depend on today's models."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if kind == "type" and type(obj).__name__ == "AutoString":
        length = getattr(obj, "length", None)
        return f"sa.String(length={length})" if length else "sa.String()"
    return False


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("srs migrations run online only, through srs.store.migrations (e.g. `srs db upgrade`)")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
