"""Protocol abuse a security engineer will try (issue 10): each gets a clean
refusal in PostgreSQL's own form, and the gateway, other sessions and the
audit carry on."""

import base64
import os
import signal
import struct
import subprocess
import threading
import time

import psycopg
import pytest

from conftest import STANDARD_RULES
from harness import fake_database, gateway_process
from rawpg import error_fields, raw_session


def test_function_call_fast_path_is_refused_and_the_session_goes_on(gateway, tokens):
    s = raw_session(gateway.port, "chatgpt-agent", tokens["agent"].value)
    # FunctionCall: oid of lo_import (764), no format codes, one text argument, text result.
    arg = b"/etc/passwd"
    body = struct.pack("!ih", 764, 0) + struct.pack("!h", 1) + struct.pack("!i", len(arg)) + arg + struct.pack("!h", 0)
    s.send(b"F", body)
    msgs = s.read_until_ready()
    errors = [error_fields(b) for t, b in msgs if t == b"E"]
    assert errors and errors[0]["C"] == "42501" and "fast-path" in errors[0]["M"]
    assert msgs[-1][0] == b"Z"
    ok = s.query("SELECT 41 + 1")
    assert any(t == b"D" for t, _ in ok)
    s.close()


def test_copy_data_outside_copy_ends_the_session_with_08P01(gateway, tokens):
    with psycopg.connect(gateway.dsn(tokens["agent"]), autocommit=True) as bystander:
        s = raw_session(gateway.port, "chatgpt-agent", tokens["agent"].value)
        s.send(b"d", b"1\tsneaky\n")
        t, body = s.read()
        assert t == b"E" and error_fields(body)["C"] == "08P01"
        assert s.read() == (b"", b"")
        assert bystander.execute("SELECT 1").fetchone()[0] == 1


def test_a_second_startup_message_is_a_protocol_violation(gateway, tokens):
    s = raw_session(gateway.port, "chatgpt-agent", tokens["agent"].value)
    body = b"user\0postgres\0database\0app\0\0"
    s.send_raw(struct.pack("!ii", 8 + len(body), 196608) + body)
    t, body = s.read()
    assert t == b"E" and error_fields(body)["C"] == "08P01"
    assert s.read() == (b"", b"")


def test_query_smuggled_in_a_length_is_not_a_second_message(gateway, tokens, pg):
    # A Query whose length covers a second, hidden Query: the server sees one
    # statement with a NUL in it; the gateway must classify exactly that.
    s = raw_session(gateway.port, "chatgpt-agent", tokens["agent"].value)
    hidden = b"Q" + struct.pack("!i", 4 + len(b"DELETE FROM orders\0")) + b"DELETE FROM orders\0"
    sql = b"SELECT 1\0" + hidden
    s.send_raw(b"Q" + struct.pack("!i", 4 + len(sql)) + sql)
    msgs = s.read_until_ready()
    assert any(t == b"E" for t, _ in msgs) or msgs[-1][0] == b""
    assert int(pg.psql("SELECT count(*) FROM orders", dbname="app")) >= 3


def test_upstream_dying_mid_statement(gateway, tokens, pg):
    with psycopg.connect(gateway.dsn(tokens["writer"]), autocommit=True) as c:
        pid = c.info.backend_pid  # the gateway's own key, not the upstream pid
        result = {}

        def slow():
            try:
                c.execute("SELECT 'dying', pg_sleep(10)")
            except psycopg.Error as e:
                result["e"] = e

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.5)
        pg.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE usename = 'app_agent' AND query LIKE '%dying%' AND pid <> pg_backend_pid()", dbname="app")
        t.join(10)
        assert "e" in result
        assert result["e"].sqlstate in ("57P01", "08006") or "terminating connection" in str(result["e"])
    with psycopg.connect(gateway.dsn(tokens["writer"]), autocommit=True) as other:
        assert other.execute("SELECT 1").fetchone()[0] == 1


def test_client_vanishing_mid_copy_leaves_nothing_half_done(gateway, tokens, pg):
    before = int(pg.psql("SELECT count(*) FROM orders", dbname="app"))
    s = raw_session(gateway.port, "etl-bot", tokens["writer"].value)
    s.send(b"Q", b"COPY orders (customer_id, total, note) FROM STDIN\0")
    t, _ = s.read()
    assert t == b"G"  # CopyInResponse
    for i in range(100):
        s.send(b"d", f"1\t{i}\thalf-done\n".encode())
    s.close()  # gone, without CopyDone
    time.sleep(1)
    assert int(pg.psql("SELECT count(*) FROM orders", dbname="app")) == before
    with psycopg.connect(gateway.dsn(tokens["writer"]), autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM orders WHERE note = 'half-done'").fetchone()[0] == 0


def test_audit_store_full_means_refused_not_unrecorded(tmp_path, app, tokens, pg):
    # No file the gateway writes may grow past ~1 MB: the journal fills, and
    # statements are refused (58030) instead of running unrecorded. (The
    # store's fresh WAL alone is ~400 KiB: its schema in 16 KiB pages.)
    wrapper_env = dict(os.environ)
    from harness import free_port, gatehouse_bin, wait_listening, write_config
    port = free_port()
    cfg = write_config(str(tmp_path), port, {"app": app.connection()}, [t.entry for t in tokens.values()],
                       STANDARD_RULES)
    log_path = str(tmp_path / "gatehouse.log")
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(["prlimit", "--fsize=1000000", gatehouse_bin, "gateway", "--config", cfg],
                                stdout=log, stderr=subprocess.STDOUT, env=wrapper_env)
    try:
        wait_listening(port, proc, log_path)
        dsn = f"host=127.0.0.1 port={port} user=etl-bot password={tokens['writer'].value} dbname=app"
        marker = "x" * 2000
        refused = None
        ran = 0
        for i in range(2000):
            try:
                with psycopg.connect(dsn, autocommit=True) as c:
                    while True:
                        c.execute(f"SELECT '{marker}', {i}")
                        ran += 1
            except psycopg.Error as e:
                refused = e
                if "audit log cannot be written" in str(e):
                    break
        assert refused is not None and "audit log cannot be written" in str(refused), refused
        assert ran > 10
        assert proc.poll() is None  # the gateway itself carries on
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.parametrize("trick,logged", [
    ("ok_without_proof", "without proving it knows the password"),
    ("no_ok_at_all", "before AuthenticationOk"),
    ("ask_for_the_password", "asked for the password in the middle of SCRAM"),
    ("second_sasl", "began a second SASL exchange"),
    ("auth_after_ok", "an authentication request after AuthenticationOk"),
])
def test_a_server_that_skips_the_scram_proof_is_not_taken_for_the_database(tmp_path, tokens, trick, logged):
    # Something between the gateway and the database (tls: disable) that does
    # not know the password: it starts SCRAM, takes the client's proof, and
    # then, without ever proving itself in a SASLFinal, says AuthenticationOk,
    # or goes straight to the session's start, or asks for the password in
    # cleartext, or begins SCRAM again. Or it says AuthenticationOk and asks
    # for the password after it. The gateway must end the login there: no
    # statement of the client's runs on it, and the password is not handed over.
    seen = {"queries": 0, "logins": 0, "passwords": []}

    def recv_exact(conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def message(conn):
        t = recv_exact(conn, 1)
        (length,) = struct.unpack("!i", recv_exact(conn, 4))
        return t, recv_exact(conn, length - 4)

    def auth(code, data=b""):
        return b"R" + struct.pack("!ii", 8 + len(data), code) + data

    def impostor(conn):
        (length,) = struct.unpack("!i", recv_exact(conn, 4))
        recv_exact(conn, length - 4)  # StartupMessage
        seen["logins"] += 1
        if trick != "auth_after_ok":
            conn.sendall(auth(10, b"SCRAM-SHA-256\0\0"))
            _, initial = message(conn)
            nonce = initial[initial.index(b"n,,"):].split(b"r=", 1)[1]
            conn.sendall(auth(11, b"r=" + nonce + b"fake,s=" + base64.b64encode(b"salt") + b",i=4096"))
            message(conn)  # SASLResponse with the client's proof
        if trick == "second_sasl":
            conn.sendall(auth(10, b"SCRAM-SHA-256\0\0"))
        if trick in ("ask_for_the_password", "auth_after_ok"):
            conn.sendall((auth(0) if trick == "auth_after_ok" else b"") + auth(3))
            t, body = message(conn)
            seen["passwords"].append(body)
        start = b"K" + struct.pack("!iii", 12, 1, 2) + b"Z\0\0\0\5I"
        conn.sendall(start if trick in ("no_ok_at_all", "auth_after_ok") else auth(0) + start)
        while True:
            t, _ = message(conn)
            if t in (b"Q", b"P"):
                seen["queries"] += 1
            if t in (b"Q", b"S"):  # answered, so that a gateway that got this far fails, not hangs
                err = b"SERROR\0CXX000\0Mimpostor ran it\0\0"
                conn.sendall(b"E" + struct.pack("!i", 4 + len(err)) + err + b"Z\0\0\0\5I")

    with fake_database(impostor) as app, gateway_process(
            str(tmp_path), {"app": app}, [t.entry for t in tokens.values()], STANDARD_RULES) as gw:
        with pytest.raises(psycopg.OperationalError) as e:
            with psycopg.connect(gw.dsn(tokens["agent"]), connect_timeout=10) as c:
                c.execute("SELECT 1")
        assert 'connection "app"' in str(e.value)
        assert seen["logins"] == 1 and seen["queries"] == 0 and seen["passwords"] == []
        log = open(gw.log_path).read()
        assert logged in log
        assert app["password"] not in log
        assert gw.proc.poll() is None
