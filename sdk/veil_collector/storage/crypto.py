"""Encryption at rest: one random AES-256-GCM key per session, wrapped by the collector's master key.

Rules: the master key (32 bytes) is only ever held in memory; the database stores a session's key
wrapped by it, bound to the session id (AAD), and each batch's events sealed by the session key,
bound to the batch identity (AAD), so a sealed blob moved to another row or session fails to open.
Events are compressed before sealing (zlib level 1: fast, and the database stays near the size
received), unless they are stored as the gzip body they arrived in. Destroying the wrapped key destroys every batch of the session (crypto-shredding).
A blob that fails to open raises ``SealError``; callers drop that batch, never serve it raw.
"""

from __future__ import annotations

import os
import zlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE = 12
KEY_BYTES = 32


class SealError(ValueError):
    """A wrapped key or sealed blob did not authenticate (wrong master key, tampering, moved row)."""


def check_master_key(master_key: bytes) -> AESGCM:
    if not isinstance(master_key, (bytes, bytearray)) or len(master_key) != KEY_BYTES:
        raise ValueError("the master key must be exactly 32 bytes")
    return AESGCM(bytes(master_key))


def new_wrapped_key(master: AESGCM, session: str) -> bytes:
    """A fresh random session key, wrapped: nonce || ciphertext+tag."""
    nonce = os.urandom(NONCE)
    return nonce + master.encrypt(nonce, AESGCM.generate_key(bit_length=256), session.encode())


def unwrap(master: AESGCM, session: str, wrapped: bytes) -> AESGCM:
    try:
        return AESGCM(master.decrypt(bytes(wrapped[:NONCE]), bytes(wrapped[NONCE:]), session.encode()))
    except (InvalidTag, ValueError) as err:
        raise SealError(f"session key of {session} does not open with this master key") from err


def _aad(session: str, view: str, seq: int) -> bytes:
    return f"{session}/{view}/{seq}".encode()


def seal(key: AESGCM, session: str, view: str, seq: int, plaintext: bytes, compress: bool = True) -> bytes:
    """``compress=False`` for what is compressed already (a gzip body as received)."""
    nonce = os.urandom(NONCE)
    return nonce + key.encrypt(nonce, zlib.compress(plaintext, 1) if compress else plaintext, _aad(session, view, seq))


def open_sealed(key: AESGCM, session: str, view: str, seq: int, blob: bytes, compressed: bool = True) -> bytes:
    try:
        packed = key.decrypt(bytes(blob[:NONCE]), bytes(blob[NONCE:]), _aad(session, view, seq))
    except (InvalidTag, ValueError) as err:
        raise SealError(f"batch {session}/{view}/{seq} does not open") from err
    return zlib.decompress(packed) if compressed else packed
