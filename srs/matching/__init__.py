"""The answer matcher's internals: reading text into words (:mod:`.words`) and finding a phrase (:mod:`.phrases`).

The public API is :mod:`srs.matcher`; nothing here imports SQLAlchemy or reads the clock.
"""
