"""The header deny-list: request and response header names that are never recorded.

Rules: a leaf module, so the config validator (which refuses a deny-listed name in
``networkHeaders``) and the network channel (which drops one whatever the config says) read the
same list without importing each other. The deny-list always wins: credentials, cookies and any
name containing one of ``DENIED_HEADER_PARTS``, compared in lower case.
"""

from __future__ import annotations

# Header names never recorded, whatever networkHeaders says: credentials and what carries them.
DENIED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "set-cookie2"})
DENIED_HEADER_PARTS = ("token", "secret", "session", "key", "auth", "password", "csrf", "xsrf", "signature", "credential")


def header_denied(name: str) -> bool:
    """A header name that is never recorded: a credential, or one containing token, secret, session, key..."""
    lowered = name.strip().lower()
    return lowered in DENIED_HEADERS or any(part in lowered for part in DENIED_HEADER_PARTS)
