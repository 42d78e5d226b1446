"""The answer matcher's internals: reading text (:mod:`.words`), negation scope (:mod:`.negation`) and finding a
phrase (:mod:`.phrases`).

The public API is :mod:`srs.matcher`; nothing here imports SQLAlchemy or reads the clock.
"""
