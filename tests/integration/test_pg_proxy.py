"""The governed PostgreSQL path with real clients: psql, pgbench, psycopg."""

import json
import socket
import sqlite3
import struct
import subprocess
import threading
import time

import psycopg
import pytest

from harness import gatehouse_bin

PSQL = "/usr/lib/postgresql/15/bin/psql"
PGBENCH = "/usr/lib/postgresql/15/bin/pgbench"


def psql(gw, tok, sql, *extra, database="app"):
    env = gw.env(tok)
    env["PGDATABASE"] = database
    return subprocess.run([PSQL, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", *extra, "-c", sql],
                          capture_output=True, text=True, env=env, timeout=60)


def connect(gw, tok, **kw):
    return psycopg.connect(gw.dsn(tok, **kw), autocommit=True)


def sqlstate_of(excinfo):
    return excinfo.value.sqlstate


# ---- startup and identity ---------------------------------------------------

def test_psql_reads_through_the_gateway(gateway, tokens):
    r = psql(gateway, tokens["agent"], "SELECT count(*) FROM orders")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "3"


def test_wrong_token_gets_28P01(gateway, tokens):
    bad = tokens["agent"].__class__("chatgpt-agent", "gh_" + "A" * 43, "")
    with pytest.raises(psycopg.OperationalError) as e:
        connect(gateway, bad)
    assert "password authentication failed" in str(e.value)
    assert tokens["agent"].value not in gateway.log()


def test_user_must_be_the_tokens_principal(gateway, tokens):
    # etl-bot's token presented as user chatgpt-agent
    impostor = tokens["agent"].__class__("chatgpt-agent", tokens["writer"].value, "")
    with pytest.raises(psycopg.OperationalError) as e:
        connect(gateway, impostor)
    assert "not the principal the token names" in str(e.value)


def test_unknown_database_gets_3D000(gateway, tokens):
    with pytest.raises(psycopg.OperationalError) as e:
        connect(gateway, tokens["agent"], database="nope")
    assert 'connection "nope" does not exist' in str(e.value)


def test_principal_without_rule_is_refused_at_startup(gateway, tokens):
    with pytest.raises(psycopg.OperationalError) as e:
        connect(gateway, tokens["norule"])
    assert "no rule lets principal" in str(e.value)


def test_replication_connection_refused(gateway, tokens):
    with pytest.raises(psycopg.OperationalError) as e:
        connect(gateway, tokens["agent"], replication="database")
    assert "replication connections are not allowed" in str(e.value)


def test_options_parameter_refused(gateway, tokens):
    with pytest.raises(psycopg.OperationalError) as e:
        connect(gateway, tokens["agent"], options="-c default_transaction_read_only=off")
    assert "options" in str(e.value)


def test_startup_parameters_pass_through(gateway, tokens):
    with connect(gateway, tokens["agent"], application_name="my-agent") as c:
        assert c.execute("SHOW application_name").fetchone()[0] == "my-agent"
        assert c.info.parameter_status("server_version").startswith("15")


# ---- the relay ---------------------------------------------------------------

def test_extended_protocol_and_prepared_statements(gateway, tokens):
    with connect(gateway, tokens["agent"]) as c:
        for _ in range(3):
            rows = c.execute("SELECT id, total FROM orders WHERE customer_id = %s ORDER BY id", (1,),
                             prepare=True).fetchall()
            assert [r[0] for r in rows] == [1, 2]


def test_pipeline_mode(gateway, tokens):
    with connect(gateway, tokens["agent"]) as c:
        with c.pipeline():
            curs = [c.execute("SELECT %s::int", (i,)) for i in range(20)]
        assert [cur.fetchone()[0] for cur in curs] == list(range(20))


def test_copy_out_and_in(gateway, tokens):
    with connect(gateway, tokens["writer"]) as c:
        with c.cursor() as cur:
            with cur.copy("COPY (SELECT id, name FROM customers ORDER BY id) TO STDOUT") as cp:
                rows = [r for r in cp.rows()]
            assert [r[1] for r in rows] == ["Ada", "Grace"]
            before = c.execute("SELECT count(*) FROM orders").fetchone()[0]
            with cur.copy("COPY orders (customer_id, total, note) FROM STDIN") as cp:
                for i in range(50):
                    cp.write_row((2, i, f"copied {i}"))
            after = c.execute("SELECT count(*) FROM orders").fetchone()[0]
            assert after == before + 50
            c.execute("DELETE FROM orders WHERE note LIKE 'copied %'")


def test_errors_pass_as_the_server_sent_them(gateway, tokens):
    with connect(gateway, tokens["agent"]) as c:
        with pytest.raises(psycopg.errors.UndefinedTable):
            c.execute("SELECT * FROM no_such_table")
        with pytest.raises(psycopg.errors.DivisionByZero):
            c.execute("SELECT 1/0")
        assert c.execute("SELECT 1").fetchone()[0] == 1


def test_notices_and_listen_notify(gateway, tokens):
    with connect(gateway, tokens["writer"]) as listener, connect(gateway, tokens["writer"]) as sender:
        notices = []
        listener.add_notice_handler(lambda d: notices.append(d.message_primary))
        listener.execute("ROLLBACK")  # outside a transaction: the server warns
        assert any("no transaction in progress" in n for n in notices)
        got = []
        listener.add_notify_handler(lambda n: got.append((n.channel, n.payload)))
        listener.execute("LISTEN gh_channel")
        sender.execute("NOTIFY gh_channel, 'payload-1'")
        deadline = time.monotonic() + 5
        while not got and time.monotonic() < deadline:
            listener.execute("SELECT 1")  # notifications arrive between results
            time.sleep(0.05)
        assert got == [("gh_channel", "payload-1")]


def test_cancel_reaches_the_right_backend(gateway, tokens):
    with connect(gateway, tokens["agent"]) as a, connect(gateway, tokens["agent"]) as b:
        result = {}

        def slow():
            try:
                b.execute("SELECT pg_sleep(20)")
                result["b"] = "finished"
            except psycopg.errors.QueryCanceled:
                result["b"] = "canceled"

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.5)
        started = time.monotonic()
        b.cancel()
        t.join(10)
        assert result.get("b") == "canceled"
        assert time.monotonic() - started < 5
        assert a.execute("SELECT 1").fetchone()[0] == 1


def test_cancel_with_a_wrong_key_cancels_nothing(gateway, tokens):
    with connect(gateway, tokens["agent"]) as b:
        pid = b.info.backend_pid
        result = {}

        def slow():
            try:
                b.execute("SELECT pg_sleep(1.5)")
                result["b"] = "finished"
            except psycopg.errors.QueryCanceled:
                result["b"] = "canceled"

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.3)
        with socket.create_connection(("127.0.0.1", gateway.port)) as s:
            s.sendall(struct.pack("!iiii", 16, 80877102, pid, 12345))
            s.settimeout(5)
            assert s.recv(1) == b""
        t.join(10)
        assert result.get("b") == "finished"


# ---- pgbench in all three modes ------------------------------------------------

@pytest.mark.parametrize("mode", ["simple", "extended", "prepared"])
def test_pgbench_select_only(gateway, tokens, pg, mode):
    pg.psql("SELECT 1")  # server up
    # pgbench's tables live in the app database, created by the superuser.
    subprocess.run([PGBENCH, "-i", "-s", "1", "-q", "-h", pg.host, "-p", str(pg.port), "-U", "postgres", "app"],
                   check=True, capture_output=True)
    pg.psql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_agent", dbname="app")
    env = gateway.env(tokens["agent"])
    r = subprocess.run([PGBENCH, "-n", "-S", "-M", mode, "-c", "4", "-j", "2", "-T", "3"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr + r.stdout
    assert "number of failed transactions: 0" in r.stdout or "failed" not in r.stdout
    processed = int(r.stdout.split("number of transactions actually processed: ")[1].split()[0].split("/")[0])
    assert processed > 100


# ---- bad input -------------------------------------------------------------------

def test_malformed_message_gets_08P01_and_others_carry_on(gateway, tokens):
    with connect(gateway, tokens["agent"]) as bystander:
        # A raw client that authenticates, then sends a Query whose length lies.
        s = socket.create_connection(("127.0.0.1", gateway.port))
        params = b"user\0chatgpt-agent\0database\0app\0\0"
        s.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
        assert s.recv(9)[:1] == b"R"
        pw = tokens["agent"].value.encode() + b"\0"
        s.sendall(b"p" + struct.pack("!i", 4 + len(pw)) + pw)
        buf = b""
        while b"Z\0\0\0\x05" not in buf:
            chunk = s.recv(65536)
            assert chunk
            buf += chunk
        s.sendall(b"Q" + struct.pack("!i", 2))  # length below its own size
        s.settimeout(5)
        reply = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
        assert reply[:1] == b"E" and b"C08P01" in reply
        s.close()
        assert bystander.execute("SELECT 1").fetchone()[0] == 1


def test_huge_claimed_length_is_refused_without_waiting(gateway, tokens):
    s = socket.create_connection(("127.0.0.1", gateway.port))
    s.sendall(struct.pack("!ii", 0x7fffffff, 196608))
    s.settimeout(5)
    reply = s.recv(65536)
    assert reply[:1] == b"E" and b"08P01" in reply
    s.close()


# ---- audit ------------------------------------------------------------------------

def audit_lines(gateway, *args):
    r = gateway.cli("audit", "search", "--config", gateway.config_path, "--json", *args)
    return [json.loads(l) for l in r.stdout.splitlines() if l.strip()]


def test_audit_search_shows_the_principals_statements(gateway, tokens):
    marker = "audit-marker-7f3a"
    with connect(gateway, tokens["agent"]) as c:
        c.execute(f"SELECT '{marker}'")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = audit_lines(gateway, "--principal", "chatgpt-agent")
        if any(marker in l["statement"] for l in lines):
            break
        time.sleep(0.1)
    hit = [l for l in lines if marker in l["statement"]]
    assert hit and hit[0]["principal"] == "chatgpt-agent"
    assert all(l["principal"] == "chatgpt-agent" for l in lines)


def test_a_client_gone_before_its_answer_still_gets_the_statements_outcome_recorded(gateway, tokens):
    # The statement ran; the client vanished (a reset) while its ~20 MB answer
    # was on the way. The audit keeps the statement with an outcome saying so.
    from rawpg import raw_session
    marker = f"gone-{time.monotonic_ns()}"
    s = raw_session(gateway.port, "chatgpt-agent", tokens["agent"].value)
    s.send(b"Q", f"SELECT repeat('x', 100000), '{marker}' FROM generate_series(1, 200)".encode() + b"\0")
    s.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    hit = []
    deadline = time.monotonic() + 20
    while not hit and time.monotonic() < deadline:
        hit = [l for l in audit_lines(gateway, "--principal", "chatgpt-agent")
               if marker in l["statement"] and l.get("outcome")]
        time.sleep(0.1)
    assert hit, audit_lines(gateway, "--principal", "chatgpt-agent")[-3:]
    assert hit[0]["decision"] == "allow"
    assert hit[0]["outcome"] == "error" and "client's connection closed" in hit[0]["error"], hit[0]
    with connect(gateway, tokens["agent"]) as c:  # nothing else disturbed
        assert c.execute("SELECT 1").fetchone() == (1,)


def test_audit_verify_passes_then_catches_an_edit(tmp_path, app, tokens):
    from harness import gateway_process
    from conftest import STANDARD_RULES
    with gateway_process(str(tmp_path), {"app": app.connection()}, [t.entry for t in tokens.values()],
                         STANDARD_RULES) as gw:
        with connect(gw, tokens["agent"]) as c:
            for i in range(5):
                c.execute(f"SELECT {i}")
    # stopped: everything is ingested
    ok = gw.cli("audit", "verify", "--config", gw.config_path, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    db = sqlite3.connect(str(tmp_path / "state.db"))
    seq = db.execute("SELECT seq FROM events WHERE statement = 'SELECT 2'").fetchone()[0]
    db.execute("UPDATE events SET statement = 'SELECT 42' WHERE seq = ?", (seq,))
    db.commit()
    db.close()
    bad = gw.cli("audit", "verify", "--config", gw.config_path, check=False)
    assert bad.returncode != 0
    assert str(seq) in bad.stdout + bad.stderr


def raw_startup(port, params):
    """Sends a StartupMessage with `params`; returns the first reply bytes."""
    s = socket.create_connection(("127.0.0.1", port))
    body = b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in params.items()) + b"\0"
    s.sendall(struct.pack("!ii", 8 + len(body), 196608) + body)
    s.settimeout(5)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        if data[:1] == b"R":
            break
    s.close()
    return data


@pytest.mark.parametrize("param,value", [("standard_conforming_strings", "off"), ("client_encoding", "SJIS"),
                                          ("client_encoding", "big5"), ("Client_Encoding", "Shift_JIS")])
def test_startup_values_that_change_lexing_are_refused(gateway, param, value):
    reply = raw_startup(gateway.port, {"user": "chatgpt-agent", "database": "app", param: value})
    assert reply[:1] == b"E" and b"C42501" in reply, reply
    assert b"not allowed" in reply or b"must stay on" in reply


def test_sessions_and_refused_logins_are_audited(gateway, tokens):
    bad = tokens["agent"].__class__("chatgpt-agent", "gh_" + "B" * 43, "")
    with pytest.raises(psycopg.OperationalError):
        connect(gateway, bad)
    with connect(gateway, tokens["other"]) as c:
        c.execute("SELECT 1")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = audit_lines(gateway)
        refused = [l for l in lines if 'login refused for user "chatgpt-agent"' in l["statement"]]
        opened = [l for l in lines if l["principal"] == "other-agent" and l["statement"].startswith("session opened")]
        if refused and opened:
            break
        time.sleep(0.1)
    assert refused and refused[0]["principal"] == "" and "28P01" in refused[0]["error"]
    assert opened
    assert "gh_" + "B" * 43 not in json.dumps(lines)


def test_check_command_explains_decisions(gateway):
    def check(principal, sql, *extra):
        return gateway.cli("check", "--config", gateway.config_path, "--principal", principal, "--connection", "app",
                           *extra, sql, check=False)

    r = check("chatgpt-agent", "SELECT * FROM orders", "--groups", "agents")
    assert r.returncode == 0 and r.stdout.startswith("allow (read) by rule agents-read"), r.stdout + r.stderr
    r = check("chatgpt-agent", "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d", "--json")
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["decision"] == "deny" and out["class"] == "write" and out["tables"] == ["public.orders"]
    r = check("other-agent", "SELECT * FROM secrets", "--json")
    out = json.loads(r.stdout)
    assert r.returncode == 1 and out["decision"] == "deny" and out["rule"] == "other-orders"
    assert "public.secrets" in out["reason"]
