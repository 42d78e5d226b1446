"""srs: spaced repetition in the terminal for rehearsing how to close a job interview.

Importing this package is cheap on purpose: heavy libraries (sqlmodel, genanki, fsrs_rs_python) are imported
by the modules that use them, so ``srs --help`` and shell completion stay fast.
"""

__version__ = "0.1.0"
