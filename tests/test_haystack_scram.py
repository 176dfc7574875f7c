"""Haystack auth: HELLO -> SCRAM-SHA-256 -> BEARER, driven by a client written from RFC 5802/7677."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import pytest

from headless.haystack.scram import AuthServer, ScramKeys

HEX = r"[0-9a-f]+"
B64URL = r"[A-Za-z0-9_-]+"


def b64url(data: str) -> str:
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def unb64url(text: str) -> str:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()


def params(header: str) -> dict[str, str]:
    return dict(p.strip().split("=", 1) for p in header.split(",") if "=" in p)


@dataclass
class Client:
    """The client side of the exchange, from the RFC 5802 formulas."""

    server: AuthServer
    user: str
    password: str
    client_nonce: str = ""
    token: str = ""
    first_bare: str = ""
    server_first: str = ""
    server_signature: str = ""

    def hello(self):
        res = self.server.handle(f"HELLO username={b64url(self.user)}")
        self.token = re.fullmatch(rf"SCRAM handshakeToken=({HEX}), hash=SHA-256",
                                  res.headers["WWW-Authenticate"]).group(1)
        return res

    def first(self):
        self.client_nonce = self.client_nonce or secrets.token_urlsafe(18)
        self.first_bare = f"n={self.user},r={self.client_nonce}"
        res = self.server.handle(f"SCRAM handshakeToken={self.token}, data={b64url('n,,' + self.first_bare)}")
        p = params(res.headers["WWW-Authenticate"].removeprefix("SCRAM "))
        assert p["handshakeToken"] == self.token and p["hash"] == "SHA-256"
        self.server_first = unb64url(p["data"])
        return res

    def final(self, password: str | None = None):
        attrs = dict(a.split("=", 1) for a in self.server_first.split(","))
        assert attrs["r"].startswith(self.client_nonce)
        salted = hashlib.pbkdf2_hmac("sha256", (password or self.password).encode(),
                                     base64.b64decode(attrs["s"]), int(attrs["i"]))
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = f"c=biws,r={attrs['r']}"
        auth_message = f"{self.first_bare},{self.server_first},{without_proof}"
        signature = hmac.new(stored_key, auth_message.encode(), hashlib.sha256).digest()
        proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, signature))).decode()
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        self.server_signature = base64.b64encode(
            hmac.new(server_key, auth_message.encode(), hashlib.sha256).digest()).decode()
        return self.server.handle(
            f"SCRAM handshakeToken={self.token}, data={b64url(without_proof + ',p=' + proof)}")

    def login(self) -> str:
        self.hello()
        self.first()
        res = self.final()
        assert res.status == 200, res
        info = res.headers["Authentication-Info"]
        assert re.fullmatch(rf"authToken={HEX}, hash=SHA-256, data={B64URL}", info)
        p = params(info)
        assert unb64url(p["data"]) == f"v={self.server_signature}"  # the client verifies the server
        return p["authToken"]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def server(clock):
    keys = ScramKeys.from_password("pencil", iterations=4096)
    return AuthServer({"user": keys}, clock=clock, idle_timeout=600, iterations=4096)


def test_full_handshake_then_bearer(server):
    client = Client(server, "user", "pencil")
    hello = client.hello()
    assert hello.status == 401 and not hello.authenticated
    first = client.first()
    assert first.status == 401
    assert re.fullmatch(rf"SCRAM handshakeToken={client.token}, hash=SHA-256, data={B64URL}",
                        first.headers["WWW-Authenticate"])
    assert re.fullmatch(r"r=[^,]+,s=[A-Za-z0-9+/]{43}=,i=4096", client.server_first)
    token = client.login()
    assert server.open_sessions() == 1
    res = server.handle(f"BEARER authToken={token}")
    assert res.authenticated and (res.status, res.user, res.auth_token) == (200, "user", token)


def test_rfc7677_test_vector(clock):
    """The exchange of RFC 7677 section 3, byte for byte."""
    keys = ScramKeys.from_password("pencil", salt=base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ=="), iterations=4096)
    server = AuthServer({"user": keys}, clock=clock, nonce=lambda: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")
    client = Client(server, "user", "pencil", client_nonce="rOprNGfwEbeRWgbNEkqO")
    client.hello()
    client.first()
    assert client.server_first == ("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                                   "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
    res = client.final()
    data = params(res.headers["Authentication-Info"])["data"]
    assert unb64url(data) == "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


def test_wrong_password_is_403_and_opens_nothing(server):
    client = Client(server, "user", "pencil")
    client.hello()
    client.first()
    res = client.final(password="wrong")
    assert (res.status, res.authenticated, res.headers) == (403, False, {})
    assert server.open_sessions() == 0
    again = client.final()  # the handshake is spent: no second guess on the same token
    assert again.status == 403


def test_unknown_user_gets_the_same_shape_of_answers(server):
    known, unknown = Client(server, "user", "pencil"), Client(server, "mallory", "pencil")
    for c in (known, unknown):
        assert c.hello().status == 401 and c.first().status == 401
    assert len(known.token) == len(unknown.token)
    shape = lambda c: re.sub(r"=[^,]*", "=", c.server_first)  # noqa: E731
    assert shape(known) == shape(unknown)
    salt = lambda c: params(c.server_first)["s"]  # noqa: E731
    iterations = lambda c: params(c.server_first)["i"]  # noqa: E731
    assert len(salt(known)) == len(salt(unknown)) and iterations(known) == iterations(unknown)
    assert unknown.final().status == 403
    repeat = Client(server, "mallory", "x")
    repeat.hello()
    repeat.first()
    assert salt(repeat) == salt(unknown)  # stable per name, so probing twice reveals nothing
    other_server = AuthServer(clock=server._clock, iterations=4096)
    elsewhere = Client(other_server, "mallory", "x")
    elsewhere.hello()
    elsewhere.first()
    assert salt(elsewhere) != salt(unknown)  # derived from the server's secret


@pytest.mark.parametrize("header", [None, "", "  ", "BEARER", "BEARER authToken=deadbeef", "bearer authToken=x"])
def test_missing_or_unknown_bearer_is_401(server, header):
    res = server.handle(header)
    assert (res.status, res.headers, res.authenticated) == (401, {"WWW-Authenticate": "HELLO"}, False)


def test_idle_tokens_expire_and_use_keeps_them_alive(server, clock):
    token = Client(server, "user", "pencil").login()
    clock.now += 500
    assert server.handle(f"BEARER authToken={token}").authenticated
    clock.now += 500  # 500 s since last use, within the 600 s idle timeout
    assert server.handle(f"BEARER authToken={token}").authenticated
    clock.now += 601
    assert server.handle(f"BEARER authToken={token}").status == 401
    assert server.open_sessions() == 0


def test_only_idle_sessions_expire(server, clock):
    a, b = Client(server, "user", "pencil").login(), Client(server, "user", "pencil").login()
    clock.now += 400
    assert server.handle(f"BEARER authToken={a}").authenticated  # a used, b idle
    clock.now += 300
    assert server.open_sessions() == 1
    assert server.handle(f"BEARER authToken={a}").authenticated
    assert server.handle(f"BEARER authToken={b}").status == 401


def test_handshakes_in_progress_are_capped(clock):
    server = AuthServer({"user": ScramKeys.from_password("pencil", iterations=1000)}, clock=clock,
                        max_handshakes=2)
    clients = [Client(server, "user", "pencil") for _ in range(3)]
    for c in clients:
        c.hello()
    oldest = server.handle(f"SCRAM handshakeToken={clients[0].token}, data={b64url('n,,n=user,r=abc')}")
    assert oldest.status == 403
    assert clients[2].first().status == 401


def test_revoke_closes_only_that_session(server):
    a, b = Client(server, "user", "pencil").login(), Client(server, "user", "pencil").login()
    assert a != b and server.open_sessions() == 2
    assert server.revoke(a) is True and server.revoke(a) is False
    assert server.handle(f"BEARER authToken={a}").status == 401
    assert server.handle(f"BEARER authToken={b}").authenticated
    assert server.open_sessions() == 1
    server.remove_user("user")
    assert server.open_sessions() == 0


def test_handshake_tokens_expire(server, clock):
    client = Client(server, "user", "pencil")
    client.hello()
    clock.now += server.handshake_timeout + 1
    res = server.handle(f"SCRAM handshakeToken={client.token}, data={b64url('n,,n=user,r=abc')}")
    assert res.status == 403


def test_client_first_must_name_the_hello_user(server):
    client = Client(server, "user", "pencil")
    client.hello()
    res = server.handle(f"SCRAM handshakeToken={client.token}, data={b64url('n,,n=admin,r=abc')}")
    assert res.status == 403


@pytest.mark.parametrize("header", [
    "HELLO", "HELLO username=!!!", "SCRAM data=abc", "SCRAM handshakeToken=abc", "BASIC dXNlcjpwYXNz",
    "HELLO username=dXNlcg, username=dXNlcg", "NEGOTIATE x=1", "BEARER authToken=",
])
def test_malformed_headers_are_400(server, header):
    assert server.handle(header).status == 400


def test_malformed_scram_messages_are_400(server):
    client = Client(server, "user", "pencil")
    client.hello()
    bad = server.handle(f"SCRAM handshakeToken={client.token}, data={b64url('n=user,r=abc')}")
    assert bad.status == 400
    client.first()
    res = server.handle(f"SCRAM handshakeToken={client.token}, data={b64url('c=biws,r=x')}")
    assert res.status == 400


def test_keys_keep_no_password():
    keys = ScramKeys.from_password("pencil", salt=b"salt" * 8, iterations=1000)
    assert set(vars(keys)) == {"salt", "iterations", "stored_key", "server_key"}
    assert "pencil" not in repr(keys) and len(keys.stored_key) == len(keys.server_key) == 32
    assert keys == ScramKeys.from_password("pencil", salt=b"salt" * 8, iterations=1000)
    assert ScramKeys.from_password("pencil").salt != ScramKeys.from_password("pencil").salt
    with pytest.raises(ValueError):
        ScramKeys.from_password("")


def test_phable_client_logs_in(server, monkeypatch):
    """phable's own SCRAM client, its HTTP call replaced by the server; it checks the signature."""
    scram = pytest.importorskip("phable.auth.scram")
    from email.message import Message

    def fake_get(self, url, headers, context=None):
        res = server.handle(headers["Authorization"])
        if res.status == 403:
            raise scram.AuthError("403")
        msg = Message()
        for k, v in res.headers.items():
            msg[k] = v
        return msg

    monkeypatch.setattr(scram.ScramScheme, "_ph_scram_get", fake_get)
    token = scram.ScramScheme("http://h/api/", "user", "pencil", "application/json").get_auth_token()
    assert server.handle(f"BEARER authToken={token}").user == "user"
    with pytest.raises(scram.AuthError):
        scram.ScramScheme("http://h/api/", "user", "nope", "application/json").get_auth_token()
