"""Reading the shim's raw events: every field is checked as it is read.

Rules: the shim's events are untrusted input (a page can reach the observer's hand-overs). A field
of the wrong type raises ``Rejected``: the event it belongs to is dropped and counted by the
recorder, never forwarded. Numbers are finite and not booleans; an id is an integer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .values import is_int, is_number


class Rejected(ValueError):
    """This event cannot be recorded safely and is dropped."""


def as_number(value: Any) -> float | int:
    if not is_number(value):
        raise Rejected("expected a number")
    return value


def as_int(value: Any) -> int:
    if not is_int(value):
        raise Rejected("expected an integer id")
    return value


def as_map(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Rejected("expected an object")
    return value


def as_list(value: Any) -> list[Any]:
    """A list, or [] for a field left out (null)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Rejected("expected a list")
    return value
