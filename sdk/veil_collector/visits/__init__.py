"""What operators ask of stored visits: the session index kept at ingest, search, click maps,
share links and the digest.

Rules: every module here is pure (no database, no HTTP, no clock of its own): storage backends and
routes call them. They read only what the collector stored, which the visitor's browser already
masked; nothing here unmasks, guesses or completes recorded content.
"""
