"""Limits an attacker meets (issue 10): connections per address and in all,
failed-login throttles per address and per user name, the unauthenticated
socket's lifetime, the startup packet's size, the statement size and nesting
the classifier accepts. Each refusal is in PostgreSQL's own form, and the
sessions already open carry on."""

import socket
import struct
import time

import psycopg
import pytest

from rawpg import error_fields, raw_session

from conftest import STANDARD_RULES
from harness import fake_database, gateway_process


@pytest.fixture(scope="module")
def limited(tmp_path_factory, app, tokens):
    workdir = str(tmp_path_factory.mktemp("gwlim"))
    with gateway_process(workdir, {"app": app.connection()}, [t.entry for t in tokens.values()], STANDARD_RULES,
                         extra={"limits": {"max_connections_per_address": 3, "failed_logins_per_address": 4,
                                           "failed_logins_per_principal": 3}}) as gw:
        yield gw


def test_connections_per_address(limited, tokens):
    conns = [psycopg.connect(limited.dsn(tokens["agent"]), autocommit=True) for _ in range(3)]
    try:
        with pytest.raises(psycopg.OperationalError) as e:
            psycopg.connect(limited.dsn(tokens["agent"]))
        assert "too many connections from your address" in str(e.value)
        assert conns[0].execute("SELECT 1").fetchone()[0] == 1
    finally:
        for c in conns:
            c.close()
    with connect_once_a_slot_is_free(limited.dsn(tokens["agent"])) as c:  # a slot is free again
        assert c.execute("SELECT 1").fetchone()[0] == 1


def test_failed_logins_per_user_then_even_the_right_token_waits(limited, tokens):
    wrong = tokens["writer"].__class__("etl-bot", "gh_" + "C" * 43, "")
    for _ in range(3):
        with pytest.raises(psycopg.OperationalError) as e:
            psycopg.connect(limited.dsn(wrong))
        assert "password authentication failed" in str(e.value)
    with pytest.raises(psycopg.OperationalError) as e:
        psycopg.connect(limited.dsn(tokens["writer"]))
    assert "too many failed logins" in str(e.value)
    # another user from the same address is not yet blocked (address limit 4)
    with psycopg.connect(limited.dsn(tokens["other"]), autocommit=True) as c:
        assert c.execute("SELECT 1").fetchone()[0] == 1


def limited_gateway(tmp_path, app, tokens, limits):
    return gateway_process(str(tmp_path), {"app": app.connection()}, [t.entry for t in tokens.values()],
                           STANDARD_RULES, extra={"limits": limits})


def test_connections_in_all(tmp_path, app, tokens):
    with limited_gateway(tmp_path, app, tokens, {"max_connections": 2}) as gw:
        conns = [psycopg.connect(gw.dsn(tokens["agent"]), autocommit=True) for _ in range(2)]
        try:
            with pytest.raises(psycopg.OperationalError) as e:
                psycopg.connect(gw.dsn(tokens["writer"]))
            assert "too many clients already" in str(e.value)
            assert conns[1].execute("SELECT 1").fetchone()[0] == 1
        finally:
            for c in conns:
                c.close()
        with connect_once_a_slot_is_free(gw.dsn(tokens["writer"])) as c:
            assert c.execute("SELECT 1").fetchone()[0] == 1


def connect_once_a_slot_is_free(dsn, within=5.0):
    # A client's close reaches the gateway a moment after close() returns, as
    # with PostgreSQL itself; the slot must be free again within that moment.
    deadline = time.monotonic() + within
    while True:
        try:
            return psycopg.connect(dsn, autocommit=True)
        except psycopg.OperationalError as e:
            if "too many" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_failed_logins_per_address_whatever_the_user_name(tmp_path, app, tokens):
    # Guessing across many user names still counts against the address.
    with limited_gateway(tmp_path, app, tokens,
                         {"failed_logins_per_address": 3, "failed_logins_per_principal": 100}) as gw:
        for user in ("chatgpt-agent", "etl-bot", "nobody-at-all"):
            wrong = tokens["agent"].__class__(user, "gh_" + "D" * 43, "")
            with pytest.raises(psycopg.OperationalError) as e:
                psycopg.connect(gw.dsn(wrong))
            assert "password authentication failed" in str(e.value)
        with pytest.raises(psycopg.OperationalError) as e:
            psycopg.connect(gw.dsn(tokens["other"]))
        assert "too many failed logins" in str(e.value)
        assert tokens["other"].value not in open(gw.log_path, errors="replace").read()


def test_a_silent_socket_is_closed_after_auth_timeout(tmp_path, app, tokens):
    with limited_gateway(tmp_path, app, tokens, {"auth_timeout": "1s"}) as gw:
        silent = socket.create_connection(("127.0.0.1", gw.port))
        # Half a startup packet, then nothing: the claimed length is never filled.
        partial = socket.create_connection(("127.0.0.1", gw.port))
        partial.sendall(struct.pack("!ii", 200, 196608) + b"user\0")
        # A client that stops after the password request.
        stalled = socket.create_connection(("127.0.0.1", gw.port))
        body = b"user\0chatgpt-agent\0database\0app\0\0"
        stalled.sendall(struct.pack("!ii", 8 + len(body), 196608) + body)
        start = time.monotonic()
        for sock in (silent, partial, stalled):
            sock.settimeout(5)
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
            sock.close()
        assert time.monotonic() - start < 4
        with psycopg.connect(gw.dsn(tokens["agent"]), autocommit=True) as c:  # the gateway carries on
            assert c.execute("SELECT 1").fetchone()[0] == 1


def test_a_startup_packet_over_its_limit_is_refused_before_it_is_read(tmp_path, app, tokens):
    with limited_gateway(tmp_path, app, tokens, {"startup_message_max": 1024}) as gw:
        sock = socket.create_connection(("127.0.0.1", gw.port))
        sock.settimeout(5)
        # Claims 1 MiB and sends only the start of it: refused at once.
        sock.sendall(struct.pack("!ii", 1 << 20, 196608) + b"user\0chatgpt-agent\0")
        reply = sock.recv(65536)
        assert reply[:1] == b"E" and error_fields(reply[5:])["C"] == "08P01"
        sock.close()
        # A real one a little over the limit (a long application_name).
        with pytest.raises(psycopg.OperationalError) as e:
            psycopg.connect(gw.dsn(tokens["agent"]), application_name="x" * 1100)
        assert "startup packet" in str(e.value)
        with psycopg.connect(gw.dsn(tokens["agent"]), autocommit=True) as c:
            assert c.execute("SELECT 1").fetchone()[0] == 1


def test_statements_too_long_or_too_deep_to_classify_are_not_reads(tmp_path, app, tokens, pg):
    with limited_gateway(tmp_path, app, tokens, {"statement_max": 65536, "statement_depth_max": 64}) as gw:
        with psycopg.connect(gw.dsn(tokens["agent"]), autocommit=True) as c:
            long_read = "SELECT 1 AS a" + ", 1" * 30000
            with pytest.raises(psycopg.errors.InsufficientPrivilege) as e:
                c.execute(long_read)
            assert "unknown" in str(e.value)
            deep = "SELECT " + "(" * 100 + "1" + ")" * 100
            with pytest.raises(psycopg.errors.InsufficientPrivilege) as e:
                c.execute(deep)
            assert "unknown" in str(e.value)
            # A pathological nesting far past the parser's own limits: still a
            # clean refusal, the gateway alive.
            very_deep = "SELECT " + "(" * 30000 + "1" + ")" * 30000
            with pytest.raises(psycopg.Error):
                c.execute(very_deep)
        with psycopg.connect(gw.dsn(tokens["agent"]), autocommit=True) as c:
            assert c.execute("SELECT " + "(" * 10 + "1" + ")" * 10).fetchone()[0] == 1
        assert gw.proc.poll() is None


def test_a_database_that_never_answers_the_login_does_not_hold_the_slot(tmp_path, tokens):
    # A server (or anything between) that accepts and then says nothing: the
    # client hears so within limits.auth_timeout, and its slot is free again.
    with fake_database(lambda conn: None) as mute:
        with gateway_process(str(tmp_path), {"app": mute}, [t.entry for t in tokens.values()], STANDARD_RULES,
                             extra={"limits": {"auth_timeout": "1s", "max_connections": 1}}) as gw:
            start = time.monotonic()
            with pytest.raises(psycopg.OperationalError) as e:
                psycopg.connect(gw.dsn(tokens["agent"]), connect_timeout=10)
            assert time.monotonic() - start < 5
            # The one slot is free again: the next attempt meets the same
            # silence, not "too many clients".
            with pytest.raises(psycopg.OperationalError) as e:
                connect_once_a_slot_is_free(gw.dsn(tokens["agent"]))
            assert "too many clients" not in str(e.value)
