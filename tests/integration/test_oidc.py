"""Agents authenticate with OIDC access tokens from a real OpenID provider.

Two providers (npm oidc-provider, tests/integration/oidc_provider.js) run on
loopback, each with its own RSA and P-256 keys: "idp", which the gateway
trusts, and "other", which it does not. Agents get tokens by client
credentials over HTTP, as they would in production, and connect with psql or
psycopg with the token as the password.

Forged and stale tokens are made here with python3-cryptography: signed with
the trusted provider's own keys (expired, not yet valid: a real provider
only issues fresh tokens), with a key of our own (unknown kid), or not
signed at all. Each is refused with 28P01, and neither the client's error
nor the gateway's log holds the token.
"""

import base64
import contextlib
import json
import os
import select
import socket
import struct
import subprocess
import time
import urllib.parse
import urllib.request

import psycopg
import pytest
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from harness import free_port, gateway_process, new_token

HERE = os.path.dirname(os.path.abspath(__file__))
PSQL = "/usr/lib/postgresql/15/bin/psql"
AUDIENCE = "urn:gatehouse"

CLIENTS = [
    # Reads only through its group: proves the token's groups reach the rules.
    {"id": "reporting-agent", "secret": "rs-" + "x" * 20, "alg": "RS256", "groups": ["analysts"]},
    {"id": "es-agent", "secret": "es-" + "y" * 20, "alg": "ES256"},
]
RULES = [
    {"name": "analysts-read", "principals": ["group:analysts"], "connections": ["app"], "allow": ["read"]},
    {"name": "es-read", "principals": ["es-agent"], "connections": ["app"], "allow": ["read"]},
]


# ---- a provider, tokens, forgeries --------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(value):
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class provider:
    def __init__(self, proc, issuer, keys, clients):
        self.proc = proc
        self.issuer = issuer
        self.keys = {k["alg"]: k for k in keys}  # alg -> {kid, pem}
        self.clients = {c["id"]: c for c in clients}

    def token(self, client_id, resource=AUDIENCE):
        """A fresh access token by client credentials (RFC 6749 §4.4)."""
        c = self.clients[client_id]
        body = urllib.parse.urlencode({"grant_type": "client_credentials", "resource": resource}).encode()
        req = urllib.request.Request(self.issuer + "/token", data=body, method="POST")
        basic = base64.b64encode(f"{c['id']}:{c['secret']}".encode()).decode()
        req.add_header("Authorization", "Basic " + basic)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)["access_token"]

    def jwks(self):
        with urllib.request.urlopen(self.issuer + "/jwks", timeout=10) as r:
            return json.load(r)

    def sign(self, claims, alg="RS256", header=None):
        """A token signed with this provider's own key for `alg`."""
        key = self.keys[alg]
        private = serialization.load_pem_private_key(key["pem"].encode(), password=None)
        return sign_token(private, alg, {"alg": alg, "typ": "at+jwt", "kid": key["kid"], **(header or {})}, claims)

    def claims(self, subject, **override):
        now = int(time.time())
        c = {"iss": self.issuer, "sub": subject, "aud": AUDIENCE, "iat": now, "exp": now + 300,
             "client_id": subject, "jti": b64url(os.urandom(9))}
        c.update(override)
        return c


def sign_token(private_key, alg, header, claims):
    signing_input = (b64url_json(header) + "." + b64url_json(claims)).encode()
    if alg == "RS256":
        sig = private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    elif alg == "ES256":
        r, s = decode_dss_signature(private_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        raise ValueError(alg)
    return signing_input.decode() + "." + b64url(sig)


@contextlib.contextmanager
def oidc_provider(workdir, name, clients, port=0):
    os.makedirs(workdir, exist_ok=True)
    settings = os.path.join(workdir, f"{name}.json")
    keys_out = os.path.join(workdir, f"{name}-keys.json")
    with open(settings, "w") as f:
        json.dump({"clients": clients, "keys_out": keys_out, "port": port}, f)
    log = open(os.path.join(workdir, f"{name}.log"), "wb")
    proc = subprocess.Popen(["node", os.path.join(HERE, "oidc_provider.js"), settings],
                            stdout=subprocess.PIPE, stderr=log, cwd=HERE)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline() if ready else b""
        if not line:
            proc.kill()
            raise RuntimeError(f"oidc provider {name} did not start: see {log.name}")
        started = json.loads(line)
        with open(keys_out) as f:
            keys = json.load(f)
        yield provider(proc, started["issuer"], keys, clients)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def oidc_config(*issuers):
    # This module throws dozens of forged tokens from one address on purpose:
    # the failed-login throttle (tested in test_pg_limits.py) is raised here.
    return {"identity": {"oidc": [{"issuer": i, "audience": AUDIENCE} for i in issuers]},
            "limits": {"failed_logins_per_address": 1000, "failed_logins_per_principal": 1000}}


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with oidc_provider(str(tmp_path_factory.mktemp("idp")), "idp", CLIENTS) as p:
        yield p


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    # Same client names, its own keys: an issuer the gateway was not told to trust.
    with oidc_provider(str(tmp_path_factory.mktemp("other")), "other", CLIENTS) as p:
        yield p


@pytest.fixture(scope="module")
def gw(tmp_path_factory, app, idp):
    workdir = str(tmp_path_factory.mktemp("gw"))
    with gateway_process(workdir, {"app": app.connection()}, [], RULES, extra=oidc_config(idp.issuer)) as g:
        wait_for_log(g, f"identity provider {idp.issuer}: 2 signing keys loaded")
        yield g


def wait_for_log(gw, text, timeout=20, after=0):
    """Waits for `text` in the log past its first `after` characters."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in gw.log()[after:]:
            return
        time.sleep(0.05)
    raise AssertionError(f"not in the gateway log: {text!r}\n{gw.log()}")


# ---- connecting ---------------------------------------------------------------------

def dsn(gw, user, password):
    def q(v):
        return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"
    return " ".join(f"{k}={q(v)}" for k, v in {"host": gw.host, "port": gw.port, "user": user,
                                                "password": password, "dbname": "app",
                                                "sslmode": "disable"}.items())


def psql(gw, user, password, sql):
    env = dict(os.environ, PGHOST=gw.host, PGPORT=str(gw.port), PGUSER=user, PGPASSWORD=password,
               PGDATABASE="app", PGSSLMODE="disable")
    return subprocess.run([PSQL, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, env=env, timeout=60)


def startup_error(gw, user, password):
    """The ErrorResponse fields the gateway answers a startup with `password`
    ({"C": sqlstate, "M": message, ...}): libpq does not expose the SQLSTATE
    of a failed connection, so this speaks the protocol itself."""
    params = f"user\0{user}\0database\0app\0\0".encode()
    with socket.create_connection((gw.host, gw.port), timeout=30) as s:
        s.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
        kind, body = read_message(s)
        assert (kind, body[:4]) == (b"R", struct.pack("!i", 3)), "expected a cleartext password request"
        pw = password.encode() + b"\0"
        s.sendall(b"p" + struct.pack("!i", 4 + len(pw)) + pw)
        kind, body = read_message(s)
    assert kind == b"E", (kind, body)
    return {f[:1].decode(): f[1:].decode() for f in body.split(b"\0") if f}


def read_message(s):
    head = recv_exactly(s, 5)
    return head[:1], recv_exactly(s, struct.unpack("!i", head[1:])[0] - 4)


def recv_exactly(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        assert chunk, "connection closed"
        out += chunk
    return out


def refused(gw, user, token, log_reason, sqlstate="28P01"):
    """`token` is refused with `sqlstate` on the wire, and psycopg sees the
    failure; the log line of the attempt says why; the token (nor its payload
    or signature) is in neither the client's error nor the log."""
    seen = len(gw.log())
    fields = startup_error(gw, user, token)
    assert fields["C"] == sqlstate, fields
    assert fields["S"] == "FATAL"
    wait_for_log(gw, log_reason, after=seen)
    with pytest.raises(psycopg.OperationalError) as e:
        psycopg.connect(dsn(gw, user, token), connect_timeout=20)
    message = str(e.value)
    assert fields["M"] in message
    log = gw.log()
    for secret in [token] + [part for part in token.split(".")[1:] if len(part) > 8]:
        assert secret not in message
        assert secret not in log
    return message


def audit_lines(gw, *args):
    r = gw.cli("audit", "search", "--config", gw.config_path, "--json", *args)
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


# ---- accepted -----------------------------------------------------------------------

def test_rs256_token_from_the_provider_reads_with_psql_and_the_audit_names_its_subject(gw, idp):
    token = idp.token("reporting-agent")
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header["alg"] == "RS256"
    marker = "oidc-audit-marker-5b1c"
    r = psql(gw, "reporting-agent", token, f"SELECT '{marker}', count(*) FROM orders")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"{marker}|3"
    deadline = time.monotonic() + 10
    hits = []
    while time.monotonic() < deadline and not hits:
        hits = [l for l in audit_lines(gw, "--principal", "reporting-agent") if marker in l["statement"]]
        time.sleep(0.1)
    assert hits and hits[0]["principal"] == "reporting-agent"
    assert token not in gw.log()


def test_es256_token_from_the_provider_reads_with_psycopg(gw, idp):
    token = idp.token("es-agent")
    assert json.loads(b64url_decode(token.split(".")[0]))["alg"] == "ES256"
    with psycopg.connect(dsn(gw, "es-agent", token), autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM customers").fetchone()[0] == 2
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("DELETE FROM customers")
    assert token not in gw.log()


def test_the_tokens_groups_feed_group_rules(gw, idp):
    # reporting-agent has no rule of its own: only group:analysts lets it in.
    token = idp.token("reporting-agent")
    with psycopg.connect(dsn(gw, "reporting-agent", token), autocommit=True) as c:
        assert c.execute("SELECT 1").fetchone()[0] == 1
    # The same token with its groups removed (re-signed by the provider's
    # key, so only the groups differ) names nobody a rule lets in.
    claims = json.loads(b64url_decode(token.split(".")[1]))
    del claims["groups"]
    bare = idp.sign(claims)
    fields = startup_error(gw, "reporting-agent", bare)
    assert fields["C"] == "28000"
    assert fields["M"] == 'no rule lets principal "reporting-agent" use connection "app"'


# ---- refused ------------------------------------------------------------------------

def test_alg_none_is_refused(gw, idp):
    claims = idp.claims("reporting-agent", groups=["analysts"])
    token = b64url_json({"alg": "none", "typ": "JWT"}) + "." + b64url_json(claims) + "."
    refused(gw, "reporting-agent", token, "algorithm not allowed")


def test_tampered_payload_is_refused(gw, idp):
    real = idp.token("es-agent")
    header, payload, signature = real.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["groups"] = ["analysts", "dba"]
    token = header + "." + b64url_json(claims) + "." + signature
    refused(gw, "es-agent", token, "bad signature")


def test_hs256_signed_with_the_providers_public_key_is_refused(gw, idp):
    # The key-confusion attack: the published RSA key, as PEM, used as an HMAC secret.
    jwk = next(k for k in idp.jwks()["keys"] if k["kty"] == "RSA")
    public = rsa.RSAPublicNumbers(int.from_bytes(b64url_decode(jwk["e"]), "big"),
                                  int.from_bytes(b64url_decode(jwk["n"]), "big")).public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = (b64url_json({"alg": "HS256", "typ": "JWT", "kid": jwk["kid"]}) + "." +
                     b64url_json(idp.claims("reporting-agent", groups=["analysts"]))).encode()
    mac = hmac.HMAC(pem, hashes.SHA256())
    mac.update(signing_input)
    token = signing_input.decode() + "." + b64url(mac.finalize())
    refused(gw, "reporting-agent", token, "algorithm not allowed")


def test_token_from_an_untrusted_provider_is_refused(gw, other):
    token = other.token("reporting-agent")  # a real token, from a provider not in identity.oidc
    refused(gw, "reporting-agent", token, "its issuer (iss) is not a configured provider")


def test_token_from_an_untrusted_provider_naming_the_trusted_issuer_is_refused(gw, idp, other):
    # Routed to idp by its claimed iss; signed by other's key: idp's keys do not know it.
    key = other.keys["RS256"]
    private = serialization.load_pem_private_key(key["pem"].encode(), password=None)
    token = sign_token(private, "RS256", {"alg": "RS256", "kid": key["kid"]},
                       idp.claims("reporting-agent", groups=["analysts"]))
    refused(gw, "reporting-agent", token, "signing key unknown")


def test_token_for_another_audience_is_refused(gw, idp):
    token = idp.token("reporting-agent", resource="urn:other-service")
    assert json.loads(b64url_decode(token.split(".")[1]))["aud"] == "urn:other-service"
    refused(gw, "reporting-agent", token, "audience (aud) does not include")


def test_expired_token_is_refused(gw, idp):
    now = int(time.time())
    token = idp.sign(idp.claims("reporting-agent", iat=now - 7200, exp=now - 3600, groups=["analysts"]))
    refused(gw, "reporting-agent", token, "token refused: expired")


def test_not_yet_valid_token_is_refused(gw, idp):
    now = int(time.time())
    token = idp.sign(idp.claims("reporting-agent", nbf=now + 3600, exp=now + 7200, groups=["analysts"]))
    refused(gw, "reporting-agent", token, "token refused: not yet valid")


def test_unknown_kid_is_refused(gw, idp):
    forged_key = ec.generate_private_key(ec.SECP256R1())
    token = sign_token(forged_key, "ES256", {"alg": "ES256", "kid": "forged-" + b64url(os.urandom(6))},
                       idp.claims("es-agent"))
    refused(gw, "es-agent", token, "signing key unknown")


def test_user_that_is_not_the_tokens_subject_is_refused(gw, idp):
    token = idp.token("es-agent")
    message = refused(gw, "reporting-agent", token, 'is not the token\'s principal "es-agent"',
                      sqlstate="28000")
    assert "not the principal the token names" in message


def test_flood_of_unknown_kids_fetches_the_key_set_once(gw, idp):
    # A fresh kid per token: the first may refresh the key set, the rest are
    # within the rate limit and refused without a fetch.
    before = gw.log().count("signing keys loaded")
    for i in range(8):
        forged = ec.generate_private_key(ec.SECP256R1())
        token = sign_token(forged, "ES256", {"alg": "ES256", "kid": f"made-up-{i}"}, idp.claims("es-agent"))
        assert startup_error(gw, "es-agent", token)["C"] == "28P01"
    assert gw.log().count("signing keys loaded") - before <= 1


# ---- the provider down at start -----------------------------------------------------

def test_gateway_starts_while_its_provider_is_down_and_loads_keys_when_it_comes_up(tmp_path, app):
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    service = new_token("es-agent")
    (tmp_path / "gw").mkdir()
    with gateway_process(str(tmp_path / "gw"), {"app": app.connection()}, [service.entry], RULES,
                         extra=oidc_config(issuer)) as g:
        wait_for_log(g, f"identity provider {issuer}: unreachable")
        # Service tokens work meanwhile.
        with psycopg.connect(dsn(g, "es-agent", service.value), autocommit=True) as c:
            assert c.execute("SELECT 1").fetchone()[0] == 1
        # A token for the provider is refused, and the log says the provider is the reason.
        forged = sign_token(ec.generate_private_key(ec.SECP256R1()), "ES256", {"alg": "ES256", "kid": "k"},
                            {"iss": issuer, "sub": "es-agent", "aud": AUDIENCE, "exp": int(time.time()) + 300})
        refused(g, "es-agent", forged, "the provider's keys are not loaded")
        with oidc_provider(str(tmp_path / "late"), "late", CLIENTS, port=port) as late:
            assert late.issuer == issuer
            token = late.token("es-agent")
            deadline = time.monotonic() + 30
            while True:
                try:
                    with psycopg.connect(dsn(g, "es-agent", token), autocommit=True) as c:
                        assert c.execute("SELECT 1").fetchone()[0] == 1
                    break
                except psycopg.OperationalError as e:
                    assert "password authentication failed" in str(e)
                    assert time.monotonic() < deadline, g.log()
                    time.sleep(0.5)
        assert token not in g.log()
