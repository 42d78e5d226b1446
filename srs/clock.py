"""The one place that reads the wall clock.

Everything below the CLI takes ``now`` as a parameter. The CLI asks :func:`now`, which honours ``SRS_NOW``
(an ISO 8601 time with an offset) so tests and demos can run at a fixed time.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone


def now() -> datetime:
    """Current time as an aware UTC datetime (or ``SRS_NOW`` when set)."""
    fixed = os.environ.get("SRS_NOW")
    if fixed:
        value = datetime.fromisoformat(fixed)
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
    return datetime.now(timezone.utc)
