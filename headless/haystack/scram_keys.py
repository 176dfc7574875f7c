"""SCRAM-SHA-256 credentials (RFC 5802 section 3, RFC 7677).

Only what the server must keep: salt, iteration count, StoredKey and ServerKey.
The password and SaltedPassword are dropped once the keys are derived. Like
Haxall and phable, the password is hashed as its UTF-8 bytes (no SASLprep).
Pure: no aiohttp, no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ScramKeys:
    salt: bytes
    """Random per-user salt."""
    iterations: int
    """PBKDF2 iteration count (``i=`` in the server-first-message)."""
    stored_key: bytes
    """H(HMAC(SaltedPassword, "Client Key")): verifies the client's proof."""
    server_key: bytes
    """HMAC(SaltedPassword, "Server Key"): signs the server-final-message."""

    @classmethod
    def from_password(cls, password: str, salt: bytes | None = None, iterations: int = 10_000) -> ScramKeys:
        if not password:
            raise ValueError("a SCRAM password cannot be empty")
        if iterations < 1:
            raise ValueError("iterations must be positive")
        salt = os.urandom(32) if salt is None else salt
        salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        return cls(salt, iterations, hashlib.sha256(client_key).digest(),
                   hmac.new(salted, b"Server Key", hashlib.sha256).digest())

    def __repr__(self) -> str:
        return f"ScramKeys(iterations={self.iterations}, <secret>)"


def client_signature(stored_key: bytes, auth_message: str) -> bytes:
    return hmac.new(stored_key, auth_message.encode("utf-8"), hashlib.sha256).digest()


def xor(a: bytes, b: bytes) -> bytes:
    if len(a) != len(b):
        return bytes(len(b))  # a wrong-length proof can never verify
    return bytes(x ^ y for x, y in zip(a, b))
