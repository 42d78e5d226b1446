"""Format adapters (Anki .apkg, CSV). They depend on ``srs``; ``srs`` never imports them at module level."""
