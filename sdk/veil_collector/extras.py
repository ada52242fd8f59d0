"""The one clear error for a command whose optional dependencies (its extra) are not installed.

Rules: a command parses its arguments first (``--help`` needs nothing beyond the standard
library), then imports what its extra provides inside ``needs_extra``; a missing third-party module
is a one-line error naming the extra to install, never a traceback. A missing module of Veil's own
is a broken install, not a missing extra: it is raised as it is. Standard library only, since this
module runs exactly when the extra is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def needs_extra(command: str, extra: str) -> Iterator[None]:
    """Turn a third-party ``ModuleNotFoundError`` inside the block into ``SystemExit`` naming ``extra``."""
    try:
        yield
    except ModuleNotFoundError as err:
        top = (err.name or "").partition(".")[0]
        if not top or top == "veil" or top.startswith("veil_"):
            raise
        raise SystemExit(f"{command} needs the Python package {top!r}, which is not installed: "
                         f"pip install 'veil[{extra}]'") from None
