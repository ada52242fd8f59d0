"""The console channel: what a console call of an opted-in level may tell the replay (``veil:console``).

Rules: nothing is recorded unless the call's level is listed in ``console`` (default: none). The
message (the shim's bounded serialization of the call's arguments) is cut to the contract's length
and masked like page text at the default level, by the one text masker (``masking.text_for_level``):
at ``mask`` every non-whitespace character becomes ``*``; otherwise it is PII-scrubbed (unless
``scrubPatterns: false``). Messages quote user data ("Invalid date provided: ..."), so they are
never recorded more clearly than the page's own text. A malformed payload raises ``ValueError``
(the event is dropped and counted).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .contract import CONSOLE_LEVELS, CONSOLE_MESSAGE_MAX
from .echo import Echoes
from .masking import text_for_level

if TYPE_CHECKING:
    from .config import Config


def mask_console(payload: Mapping[str, Any], config: Config, echoes: Echoes | None = None) -> dict[str, Any] | None:
    """The masked payload of a raw veil:console event; None when its level is not opted in."""
    level = payload.get("level")
    if level not in CONSOLE_LEVELS:
        raise ValueError("unknown console level")
    if level not in config.console:
        return None
    message = payload.get("message")
    if not isinstance(message, str):
        raise ValueError("a console event without a message")
    # A message may quote what the visitor typed (a date picker's warning): its echoes are masked too.
    masked = text_for_level(message[:CONSOLE_MESSAGE_MAX], config.default_privacy, None, config.scrub_patterns, echoes=echoes)
    return {"level": level, "message": masked}
