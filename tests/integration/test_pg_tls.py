"""TLS on the PostgreSQL listener: SSLRequest answered 'S', psql and psycopg
over TLS, and the plaintext-injection attack (bytes after SSLRequest) refused."""

import socket
import struct
import subprocess

import psycopg
import pytest

from conftest import STANDARD_RULES
from harness import gateway_process


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "gw.crt", d / "gw.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert), "-days", "2"], check=True, capture_output=True)
    return str(cert), str(key)


@pytest.fixture(scope="module")
def tls_gateway(tmp_path_factory, app, tokens, tls_files):
    cert, key = tls_files
    workdir = str(tmp_path_factory.mktemp("gwtls"))
    with gateway_process(workdir, {"app": app.connection()}, [t.entry for t in tokens.values()], STANDARD_RULES,
                         extra={"gateway": {"postgres": {"listen": None, "tls": {"cert": cert, "key": key}}}}) as gw:
        yield gw


def test_psycopg_over_tls_verifies_the_certificate(tls_gateway, tokens, tls_files):
    cert, _ = tls_files
    with psycopg.connect(tls_gateway.dsn(tokens["agent"], sslmode="verify-full", sslrootcert=cert),
                         autocommit=True) as c:
        assert c.pgconn.ssl_in_use
        assert c.execute("SELECT count(*) FROM orders").fetchone()[0] >= 3


def test_psql_over_tls(tls_gateway, tokens):
    env = tls_gateway.env(tokens["agent"])
    env["PGSSLMODE"] = "require"
    r = subprocess.run(["/usr/lib/postgresql/15/bin/psql", "-X", "-A", "-t", "-c", "SELECT 42"],
                       capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "42"


def test_plaintext_still_allowed_on_loopback(tls_gateway, tokens):
    with psycopg.connect(tls_gateway.dsn(tokens["agent"], sslmode="disable"), autocommit=True) as c:
        assert not c.pgconn.ssl_in_use


def test_bytes_after_ssl_request_end_the_connection(tls_gateway):
    # CVE-2021-23222 shape: a StartupMessage smuggled behind the SSLRequest.
    s = socket.create_connection(("127.0.0.1", tls_gateway.port))
    params = b"user\0chatgpt-agent\0database\0app\0\0"
    startup = struct.pack("!ii", 8 + len(params), 196608) + params
    s.sendall(struct.pack("!ii", 8, 80877103) + startup)
    s.settimeout(5)
    data = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    assert b"R" not in data[:1]  # never asked for a password in the clear
    assert data in (b"", b"S") or data.startswith(b"E")
    s.close()
