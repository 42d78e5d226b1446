"""``python -m srs.store.migrations "what changed"``: write a new revision from the models (for developers)."""

import sys

from srs.store.migrations import new_revision

if len(sys.argv) != 2:
    sys.exit('usage: python -m srs.store.migrations "what changed"')
new_revision(sys.argv[1])
