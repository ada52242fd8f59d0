"""Veil's collector: ingest of masked batches, storage (SQLite or PostgreSQL, encrypted per session),
the viewer and the operator tools. Installed with ``pip install 'veil[collector]'`` (``[postgres]``
for the PostgreSQL backend) and run as ``veil-collector`` or ``python -m veil_collector``.

Rules: every byte it stores arrived masked by the browser's Python core; it scrubs again as defence
in depth, answers bad input with a 4xx JSON error, and never imports the browser core's bridge.
"""
