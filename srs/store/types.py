"""Column types of the models (:mod:`srs.store.models`): aware UTC datetimes, and 64-bit ids."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime column that only accepts aware datetimes and always returns aware UTC datetimes.

    SQLite has no time zone support, so values are stored as naive UTC there; PostgreSQL uses
    ``timestamp with time zone``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: store timezone-aware datetimes only")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def bind_processor(self, dialect: Dialect) -> Optional[Callable[[Any], Any]]:
        """On SQLite, aware datetime straight to the stored text, and the last one remembered.

        The queue's statements bind the same three or four moments at up to 17 places each (SQLite's
        positional parameters repeat a name once per use); each went through :meth:`process_bind_param` and
        then the dialect's own formatting, ~3 us a time. Same text as that path:
        ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC.
        """
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        utc = timezone.utc
        last: list[tuple[Any, Any]] = [(None, None)]

        def process(value: Any) -> Any:
            if value is None:
                return None
            seen, text = last[0]
            if value is seen:
                return text
            if value.tzinfo is utc:  # the usual case: cut the "+00:00" off (years have four digits)
                text = value.isoformat(" ", "microseconds")[:26]
            elif value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"naive datetime {value!r}: store timezone-aware datetimes only")
            else:
                text = value.astimezone(utc).replace(tzinfo=None).isoformat(" ", "microseconds")
            last[0] = (value, text)
            return text

        return process

    def process_result_value(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# 64-bit ids on PostgreSQL; on SQLite only INTEGER PRIMARY KEY is the auto-incrementing rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")
