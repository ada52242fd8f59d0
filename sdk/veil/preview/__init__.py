"""veil.preview: the privacy team's sign-off on a page (``python -m veil.preview URL``).

Rules: a command-line tool, never part of what the browser loads (build.py leaves this package
out of the browser wheel). It records the page with Veil in Chromium against a collector in this
process (``record``), reads what that collector stored, lists every string in clear
(``strings``) with the rule behind it (Veil.preview's verdicts, decided by the core in the
page), writes a report (``report``) and, with ``--expect-clear``, fails on any string the file
does not list (``cli``). Needs the ``preview`` extra (Playwright, the collector) and a built
``dist/``.
"""

from .cli import run

__all__ = ["run"]
