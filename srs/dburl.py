"""Check a database URL before an engine is made for it: a scheme srs supports, with its driver installed.

SQLAlchemy would otherwise fail deep inside ``create_engine`` with a traceback ending ``No module named
'MySQLdb'`` or ``'psycopg'``. The message never repeats the URL, which may hold a password.
"""

from __future__ import annotations

import importlib

from srs.errors import SRSError

SQLITE_SCHEMES = ("sqlite", "sqlite+pysqlite")
POSTGRESQL_SCHEME = "postgresql+psycopg"
SUPPORTED = "sqlite:///PATH and postgresql+psycopg://USER@HOST/DATABASE"
INSTALL_POSTGRES = "pip install 'srs-interview[postgres]'"


class DatabaseURLError(SRSError):
    """The database URL names a database srs does not support, or one whose driver is not installed."""


def check_url(url: str) -> str:
    """Return ``url`` unchanged if srs can open it; otherwise say what to do instead.

    Raises:
        DatabaseURLError: the scheme is not ``sqlite`` or ``postgresql+psycopg``, or psycopg cannot be imported.
    """
    scheme = url.split("://", 1)[0].lower()
    if scheme in SQLITE_SCHEMES:
        return url
    if scheme != POSTGRESQL_SCHEME:
        raise DatabaseURLError(f"database URL scheme {scheme!r} is not supported; supported: {SUPPORTED}")
    try:
        importlib.import_module("psycopg")  # SQLAlchemy imports it next anyway
    except ModuleNotFoundError:
        raise DatabaseURLError(f"the PostgreSQL driver psycopg is not installed; install it with: "
                               f"{INSTALL_POSTGRES}") from None
    except ImportError as exc:  # installed without a libpq it can load
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DatabaseURLError(f"the PostgreSQL driver psycopg cannot be loaded ({reason}); install it with its "
                               f"own libpq: {INSTALL_POSTGRES}") from None
    return url
