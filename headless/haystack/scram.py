"""Server side of Haystack HTTP auth: HELLO -> SCRAM-SHA-256 -> BEARER.

The flow (docHaystack Auth, RFC 5802/7677):

1. ``Authorization: HELLO username=<b64url>`` -> 401
   ``WWW-Authenticate: SCRAM handshakeToken=<hex>, hash=SHA-256``
2. ``SCRAM handshakeToken=.., data=<b64url client-first>`` -> 401 with the same
   token and ``data=<b64url server-first>``
3. ``SCRAM handshakeToken=.., data=<b64url client-final>`` -> 200
   ``Authentication-Info: authToken=<hex>, hash=SHA-256, data=<b64url "v=...">``,
   or 403 when the proof is wrong.
4. ``Authorization: BEARER authToken=<hex>`` -> authenticated, or 401.

Unknown users get a handshake indistinguishable from a real one (a fake salt
derived from the name and a server secret), failing only at step 3 with 403.
Results are small objects (status + headers); nothing here touches HTTP, reads
the wall clock (the clock is injected) or imports aiohttp.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Callable

from headless.haystack.auth_header import (
    AuthHeaderError, b64decode_any, b64decode_text, b64std, b64url, format_auth, parse_auth_header,
)
from headless.haystack.scram_keys import ScramKeys, client_signature, xor

__all__ = ["AuthResult", "AuthServer", "ScramKeys"]

HASH = "SHA-256"


@dataclass(frozen=True)
class AuthResult:
    """What to answer: ``status`` and ``headers``; ``user`` is set once a bearer token is valid.

    ``authenticated`` means: serve the request as ``user``. Any other result is
    the whole response (401/403/400, or the 200 ending the handshake, with an
    empty body).
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    user: str | None = None
    """The authenticated user (valid bearer token only)."""
    auth_token: str | None = None
    """The bearer token of an authenticated request (what the ``close`` op revokes)."""
    reason: str = ""
    """Why it failed, for logs; never sent as a distinguishing detail."""

    @property
    def authenticated(self) -> bool:
        return self.user is not None


@dataclass
class _Handshake:
    username: str
    keys: ScramKeys
    known: bool
    started: float
    client_first_bare: str | None = None
    server_first: str | None = None
    gs2_header: str | None = None
    nonce: str | None = None


@dataclass
class _Session:
    user: str
    last_used: float


class AuthServer:
    """Users (name -> ScramKeys), handshakes in progress and bearer sessions.

    Not thread-safe: call it from the event loop that serves requests.
    """

    def __init__(self, users: dict[str, ScramKeys] | None = None, *, secret: bytes | None = None,
                 clock: Callable[[], float] = time.monotonic, idle_timeout: float = 3600.0,
                 handshake_timeout: float = 60.0, max_handshakes: int = 10_000,
                 iterations: int = 10_000, nonce: Callable[[], str] = lambda: secrets.token_hex(16)):
        """``secret`` keys the unknown users' fake salts (random per process if None);
        ``clock`` returns seconds (monotonic); ``iterations`` is what unknown users are
        shown, so keep it equal to the real users' count; ``nonce`` makes the server
        part of the SCRAM nonce (injectable for the RFC test vector)."""
        self._users = dict(users or {})
        self._secret = secret or secrets.token_bytes(32)
        self._clock = clock
        self.idle_timeout = idle_timeout
        """Seconds a bearer token may go unused before it expires."""
        self.handshake_timeout = handshake_timeout
        """Seconds a handshake may take from HELLO to the client-final message."""
        self._max_handshakes = max_handshakes
        self._iterations = iterations
        self._nonce = nonce
        self._handshakes: dict[str, _Handshake] = {}
        """Keyed by the SHA-256 of the handshake token, oldest first."""
        self._sessions: dict[str, _Session] = {}
        """Keyed by the SHA-256 of the bearer token, least recently used first."""

    # ------------------------------------------------------------------ users, sessions

    def add_user(self, username: str, keys: ScramKeys) -> None:
        self._users[username] = keys

    def remove_user(self, username: str) -> None:
        """Forget the user and end their sessions."""
        self._users.pop(username, None)
        for token in [t for t, s in self._sessions.items() if s.user == username]:
            del self._sessions[token]

    def revoke(self, auth_token: str) -> bool:
        """End a session (the ``close`` op); False if the token was not open."""
        return self._sessions.pop(_digest(auth_token), None) is not None

    def open_sessions(self) -> int:
        self._expire()
        return len(self._sessions)

    def _expire(self) -> None:
        """Drop idle sessions and stale handshakes; both dicts are oldest first."""
        now = self._clock()
        while self._sessions and now - next(iter(self._sessions.values())).last_used > self.idle_timeout:
            del self._sessions[next(iter(self._sessions))]
        while self._handshakes and now - next(iter(self._handshakes.values())).started > self.handshake_timeout:
            del self._handshakes[next(iter(self._handshakes))]

    # ------------------------------------------------------------------ requests

    def handle(self, authorization: str | None) -> AuthResult:
        """Answer one request's ``Authorization`` header (None when absent)."""
        self._expire()
        if not authorization or not authorization.strip():
            return _challenge("missing Authorization header")
        try:
            msg = parse_auth_header(authorization)
            if msg.scheme == "bearer":
                return self._bearer(msg.params.get("authToken"))
            if msg.scheme == "hello":
                return self._hello(b64decode_text(_param(msg.params, "username")))
            if msg.scheme == "scram":
                return self._scram(_param(msg.params, "handshakeToken"), _param(msg.params, "data"))
        except AuthHeaderError as e:
            return AuthResult(400, reason=str(e))
        return AuthResult(400, reason=f"unsupported auth scheme {msg.scheme!r}")

    def _bearer(self, token: str | None) -> AuthResult:
        session = self._sessions.pop(_digest(token), None) if token else None
        if session is None:
            return _challenge("unknown or expired authToken")
        session.last_used = self._clock()
        self._sessions[_digest(token)] = session  # re-inserted: most recently used last
        return AuthResult(200, user=session.user, auth_token=token)

    def _hello(self, username: str) -> AuthResult:
        keys = self._users.get(username)
        known = keys is not None
        if keys is None:
            keys = self._fake_keys(username)
        if len(self._handshakes) >= self._max_handshakes:
            del self._handshakes[next(iter(self._handshakes))]
        token = secrets.token_hex(16)
        self._handshakes[_digest(token)] = _Handshake(username, keys, known, self._clock())
        return AuthResult(401, {"WWW-Authenticate": format_auth(
            "SCRAM", {"handshakeToken": token, "hash": HASH})})

    def _fake_keys(self, username: str) -> ScramKeys:
        """Same shape as a real user's keys, stable per name, useless for logging in."""
        def derive(label: str) -> bytes:
            return hmac.new(self._secret, f"{label}:{username}".encode(), hashlib.sha256).digest()
        return ScramKeys(derive("salt"), self._iterations, derive("stored"), derive("server"))

    def _scram(self, token: str, data: str) -> AuthResult:
        hs = self._handshakes.get(_digest(token))
        if hs is None:
            return AuthResult(403, reason="unknown or expired handshakeToken")
        text = b64decode_text(data)
        if hs.server_first is None:
            return self._client_first(token, hs, text)
        del self._handshakes[_digest(token)]  # one attempt per handshake
        return self._client_final(hs, text)

    def _client_first(self, token: str, hs: _Handshake, text: str) -> AuthResult:
        flag, sep1, rest = text.partition(",")
        authzid, sep2, bare = rest.partition(",")
        attrs = _attrs(bare)
        if not (sep1 and sep2) or flag not in ("n", "y") or list(attrs)[:2] != ["n", "r"]:
            raise AuthHeaderError("malformed client-first-message")
        username = attrs["n"].replace("=2C", ",").replace("=3D", "=")
        if username != hs.username or not attrs["r"] or authzid not in ("", f"a={attrs['n']}"):
            del self._handshakes[_digest(token)]
            return AuthResult(403, reason="client-first-message does not match the HELLO user")
        hs.gs2_header, hs.client_first_bare = f"{flag},{authzid},", bare
        hs.nonce = attrs["r"] + self._nonce()
        hs.server_first = f"r={hs.nonce},s={b64std(hs.keys.salt)},i={hs.keys.iterations}"
        return AuthResult(401, {"WWW-Authenticate": format_auth(
            "SCRAM", {"handshakeToken": token, "hash": HASH, "data": b64url(hs.server_first)})})

    def _client_final(self, hs: _Handshake, text: str) -> AuthResult:
        without_proof, sep, proof_b64 = text.rpartition(",p=")
        attrs = _attrs(without_proof)
        if not sep or list(attrs)[:2] != ["c", "r"]:
            raise AuthHeaderError("malformed client-final-message")
        assert hs.nonce and hs.gs2_header and hs.client_first_bare and hs.server_first
        auth_message = f"{hs.client_first_bare},{hs.server_first},{without_proof}"
        proof = b64decode_any(proof_b64)
        client_key = xor(proof, client_signature(hs.keys.stored_key, auth_message))
        ok = hmac.compare_digest(hashlib.sha256(client_key).digest(), hs.keys.stored_key)
        ok &= hmac.compare_digest(attrs["r"].encode(), hs.nonce.encode())
        ok &= hmac.compare_digest(b64decode_any(attrs["c"]), hs.gs2_header.encode())
        if not (ok and hs.known):
            return AuthResult(403, reason="SCRAM proof rejected")
        token = secrets.token_hex(32)
        self._sessions[_digest(token)] = _Session(hs.username, self._clock())
        signature = hmac.new(hs.keys.server_key, auth_message.encode(), hashlib.sha256).digest()
        return AuthResult(200, {"Authentication-Info": format_auth(None, {
            "authToken": token, "hash": HASH, "data": b64url("v=" + b64std(signature))})}, reason="login")


def _digest(token: str) -> str:
    """Tokens are kept hashed: a dict lookup on the digest leaks nothing about the token,
    and a memory dump holds no usable bearer token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _challenge(reason: str) -> AuthResult:
    return AuthResult(401, {"WWW-Authenticate": "HELLO"}, reason=reason)


def _param(params: dict[str, str], name: str) -> str:
    if name not in params:
        raise AuthHeaderError(f"missing auth parameter {name!r}")
    return params[name]


def _attrs(message: str) -> dict[str, str]:
    """SCRAM ``a=1,b=2`` attributes in order (values may contain ``=``)."""
    out: dict[str, str] = {}
    for part in message.split(","):
        name, eq, value = part.partition("=")
        if len(name) != 1 or not eq or name in out:
            raise AuthHeaderError("malformed SCRAM attribute")
        out[name] = value
    return out
