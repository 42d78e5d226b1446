"""The storage layer: the only place with SQL.

The SQLModel models (:mod:`srs.store.models`) are the one schema; the engine and the migrations bring a database
to it (:mod:`srs.store.engine`, :mod:`srs.store.migrations`); then one module per concern runs its statements
through SQLAlchemy's public API. Importing this package itself loads nothing.
"""
