"""Type guards for numbers that arrive as JSON (from the page, the shim or storage).

Rules: a bool is never a number (``True`` is an ``int`` in Python, but not in JSON), and a number
is finite (Python's json reads NaN and Infinity, which are not JSON). Every check of a number that
crossed a boundary goes through here.
"""

from __future__ import annotations

import math
from typing import TypeGuard


def is_int(value: object) -> TypeGuard[int]:
    """An integer, not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[int | float]:
    """A finite integer or float, not a bool."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True  # always finite (and math.isfinite would overflow on a huge one)
    return isinstance(value, float) and math.isfinite(value)
