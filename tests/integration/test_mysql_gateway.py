"""The MySQL listener (issue 8) against a real MariaDB 10.11 with real clients:
the `mariadb` command-line client, node `mysql2` (its mysql_clear_password
plugin) and PyMySQL. A read-only agent reads; writes, also one hidden in an
executable comment, are refused with ERR 1142 / 42000 and the session goes on;
the data stays as it was and the audit holds the refusals under the agent's
name; the second wall (SET SESSION TRANSACTION READ ONLY) stands and cannot be
undone; prepared statements; COM_CHANGE_USER, LOAD DATA LOCAL, replication and
unknown commands refused; wrong tokens refused with 1045; TLS.

One MariaDB and one gateway for the module. The MariaDB allows LOCAL INFILE
itself (local_infile=1), so that only the gateway stands between a client's
file and the server, and offers TLS, which the gateway then uses upstream."""

import json
import os
import shutil
import struct
import tempfile
import threading
import time

import pymysql
import pytest

from harness import (gateway_process, make_ca, make_server_cert, mariadb_app_database, mariadb_cli,
                     mysql_connect, new_token, node_mysql2)
from mariadbserver import mariadb_server

RULES = [
    {"name": "agents-read", "principals": ["chatgpt-agent"], "connections": ["shop"], "allow": ["read"]},
    {"name": "etl-write", "principals": ["group:etl"], "connections": ["shop"], "allow": ["read", "write"]},
    {"name": "dba-all", "principals": ["dba-alice"], "connections": ["shop"],
     "allow": ["read", "write", "ddl", "admin"]},
    {"name": "other-orders", "principals": ["other-agent"], "connections": ["shop"], "allow": ["read"],
     "tables": ["shop.orders"]},
]


@pytest.fixture(scope="module")
def maria():
    """With TLS, so that every session of the module reaches it through TLS
    (the gateway uses TLS whenever the server offers it); the certificate
    files in a directory the server's own user can read."""
    d = tempfile.mkdtemp(prefix="gh-mariadb-tls-")
    try:
        os.chmod(d, 0o755)
        ca = make_ca(d, "upstream-ca")
        cert, key = make_server_cert(d, "upstream", ca)
        for f in (cert, key):
            os.chmod(f, 0o644)
        other_ca = make_ca(d, "other-ca")
        with mariadb_server({"local_infile": "1", "ssl_cert": cert, "ssl_key": key}) as m:
            m.ca, m.other_ca = ca[0], other_ca[0]  # for the tests of tls: verify-*
            yield m
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def shop(maria):
    return mariadb_app_database(maria)


@pytest.fixture(scope="module")
def people():
    return {
        "agent": new_token("chatgpt-agent", ["agents"]),
        "writer": new_token("etl-bot", ["etl"]),
        "dba": new_token("dba-alice", ["dba"]),
        "other": new_token("other-agent"),
        "stranger": new_token("stranger"),
    }


@pytest.fixture(scope="module")
def gw(tmp_path_factory, shop, people):
    workdir = str(tmp_path_factory.mktemp("gwmysql"))
    with gateway_process(workdir, {"shop": shop.connection(type="mysql")}, [t.entry for t in people.values()],
                         RULES, extra={"gateway": {"review_timeout": "20s"}}, mysql=True) as g:
        yield g


def root_value(maria, sql):
    return maria.root_sql(sql).strip()


def orders_snapshot(maria):
    return root_value(maria, "SELECT GROUP_CONCAT(CONCAT_WS(':', id, customer_id, total, IFNULL(note, '-')) "
                             "ORDER BY id) FROM shop.orders")


def errors_of(stderr):
    return [l for l in stderr.splitlines() if l.startswith("ERROR")]


def audit_lines(gw, *args):
    r = gw.cli("audit", "search", "--config", gw.config_path, "--json", *args)
    return [json.loads(l) for l in r.stdout.splitlines() if l.strip()]


def audited(gw, principal, predicate, timeout=10):
    """The audit lines of `principal` that match, once at least one does (the
    journal reaches the store a little after the session wrote it)."""
    deadline = time.monotonic() + timeout
    while True:
        hits = [l for l in audit_lines(gw, "--principal", principal) if predicate(l)]
        if hits or time.monotonic() > deadline:
            return hits
        time.sleep(0.1)


# ---- the "done when" ---------------------------------------------------------

def test_read_only_agent_reads_with_the_mariadb_client(gw, people):
    r = mariadb_cli(gw, people["agent"], "SELECT name FROM customers ORDER BY id; SELECT count(*) FROM orders")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["Ada", "Grace", "3"]


def test_writes_are_refused_the_session_survives_the_data_stays_and_the_audit_holds_them(gw, people, maria):
    before = orders_snapshot(maria)
    hidden = "/*!50000 DELETE FROM orders WHERE id = 2 */"
    r = mariadb_cli(gw, people["agent"],
                    "SELECT CONNECTION_ID(); DELETE FROM orders WHERE id = 1; " + hidden + "; "
                    "SELECT CONNECTION_ID(), count(*) FROM orders")
    errors = errors_of(r.stderr)
    assert len(errors) == 2, r.stderr
    for e in errors:
        assert e.startswith("ERROR 1142 (42000)")
        assert 'write statement refused on connection "shop" by rule "agents-read"' in e
        assert "ask an administrator" in e  # what to do next
    # One session throughout: the upstream connection is the same before and after.
    first, last = r.stdout.splitlines()
    assert last.split("\t") == [first, "3"]
    assert orders_snapshot(maria) == before
    refused = audited(gw, "chatgpt-agent", lambda l: l.get("decision") == "deny")
    statements = [l["statement"] for l in refused]
    assert "DELETE FROM orders WHERE id = 1" in statements
    assert hidden in statements
    for l in refused:
        assert l["principal"] == "chatgpt-agent" and l["connection"] == "shop"


@pytest.mark.parametrize("sql", [
    "/*! DELETE FROM orders */",
    "/*M! DELETE FROM orders */",
    "SELECT 1 /*!50000 ; DELETE FROM orders */",
    "SELECT 1 -- \n; DELETE FROM orders",
    "SELECT 1 # ; \n; UPDATE orders SET total = 0",
    "SELECT * FROM orders FOR UPDATE",
    "SELECT * FROM orders INTO OUTFILE '/tmp/x'",
])
def test_hidden_and_indirect_writes_are_refused(gw, people, maria, sql):
    before = orders_snapshot(maria)
    with mysql_connect(gw, people["agent"], client_flag=pymysql.constants.CLIENT.MULTI_STATEMENTS) as c:
        with c.cursor() as cur:
            with pytest.raises(pymysql.err.OperationalError) as e:
                cur.execute(sql)
            assert e.value.args[0] == 1142
            cur.execute("SELECT 42")
            assert cur.fetchone() == (42,)
    assert orders_snapshot(maria) == before


# ---- identity --------------------------------------------------------------------------

def test_a_wrong_token_is_refused_with_1045(gw, people):
    r = mariadb_cli(gw, people["agent"], "SELECT 1", password="not-the-token")
    assert r.returncode != 0
    assert errors_of(r.stderr)[0].startswith("ERROR 1045 (28000)"), r.stderr
    assert "not accepted" in r.stderr


def test_the_user_must_be_the_tokens_principal(gw, people):
    r = mariadb_cli(gw, people["agent"], "SELECT 1", user="etl-bot")
    assert errors_of(r.stderr)[0].startswith("ERROR 1045 (28000)"), r.stderr
    assert 'is not the principal the token names' in r.stderr


def test_unknown_connection_and_no_rule(gw, people):
    r = mariadb_cli(gw, people["agent"], "SELECT 1", database="nope")
    assert errors_of(r.stderr)[0].startswith("ERROR 1049 (42000)"), r.stderr
    r = mariadb_cli(gw, people["stranger"], "SELECT 1")
    assert errors_of(r.stderr)[0].startswith("ERROR 1044 (42000)"), r.stderr
    assert 'no rule lets principal "stranger" use connection "shop"' in r.stderr


def test_the_upstream_session_uses_tls_when_the_server_offers_it(gw, people):
    r = mariadb_cli(gw, people["agent"], "SHOW SESSION STATUS LIKE 'Ssl_version'")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[1] in ("TLSv1.2", "TLSv1.3"), r.stdout


def gateway_with_tls(workdir, shop, people, **tls):
    os.makedirs(workdir, exist_ok=True)
    return gateway_process(str(workdir), {"shop": shop.connection(type="mysql", **tls)},
                           [people["agent"].entry], RULES, mysql=True)


def test_verify_full_checks_the_servers_certificate(tmp_path, maria, shop, people):
    with gateway_with_tls(tmp_path / "good", shop, people, tls="verify-full", tls_ca=maria.ca) as g:
        r = mariadb_cli(g, people["agent"], "SHOW SESSION STATUS LIKE 'Ssl_version'")
        assert r.returncode == 0, r.stderr
        assert r.stdout.split()[1] in ("TLSv1.2", "TLSv1.3"), r.stdout
    with gateway_with_tls(tmp_path / "bad", shop, people, tls="verify-full", tls_ca=maria.other_ca) as g:
        with pytest.raises(pymysql.err.OperationalError) as e:
            mysql_connect(g, people["agent"])
        assert e.value.args[0] == 2026
        assert 'connection "shop" presented a certificate that is not trusted (tls: verify-full)' in e.value.args[1]
        assert "certificate not trusted" in open(g.log_path).read()


def test_require_refuses_a_server_without_tls(tmp_path, people):
    with mariadb_server() as plain:
        db = mariadb_app_database(plain)
        with gateway_with_tls(tmp_path / "require", db, people, tls="require") as g:
            with pytest.raises(pymysql.err.OperationalError) as e:
                mysql_connect(g, people["agent"])
            assert e.value.args[0] == 2026
            assert 'connection "shop" does not offer TLS, which its tls: require requires' in e.value.args[1]
        with gateway_with_tls(tmp_path / "prefer", db, people) as g:  # prefer: plain when that is all there is
            with mysql_connect(g, people["agent"]) as c, c.cursor() as cur:
                cur.execute("SELECT COUNT(*) FROM orders")
                assert cur.fetchone()[0] >= 3


def sleep_in_background(conn, seconds):
    """Runs SELECT SLEEP(seconds) on `conn` in a thread; the returned dict gets
    the row or the error code, and how long it took."""
    out = {}

    def run():
        start = time.monotonic()
        try:
            with conn.cursor() as cur:
                cur.execute(f"SELECT SLEEP({seconds})")
                out["row"] = cur.fetchone()
        except pymysql.err.MySQLError as e:
            out["error"] = e.args[0]
        out["took"] = time.monotonic() - start

    t = threading.Thread(target=run)
    t.start()
    time.sleep(0.7)  # the statement is running
    return t, out


def test_kill_query_from_a_second_connection_stops_the_statement(gw, people):
    # What the mariadb and mysql clients send on Ctrl-C: KILL QUERY with the
    # connection id the gateway gave them, from a new connection.
    with mysql_connect(gw, people["agent"]) as a:
        t, out = sleep_in_background(a, 30)
        with mysql_connect(gw, people["agent"]) as b, b.cursor() as cur:
            cur.execute(f"KILL QUERY {a.thread_id()}")
        t.join(20)
        assert out["took"] < 10, out
        assert out.get("row") == (1,) or out.get("error") == 1317, out  # interrupted, as the server says it
        with a.cursor() as cur:  # the session goes on
            cur.execute("SELECT 2")
            assert cur.fetchone() == (2,)
    hits = audited(gw, "chatgpt-agent", lambda l: l.get("statement", "").startswith("KILL QUERY"))
    assert hits and hits[0]["decision"] == "allow", hits


def test_a_client_gone_before_its_answer_still_gets_the_statements_outcome_recorded(gw, people):
    # The statement ran; the client vanished while its 20 MB answer was on the
    # way. The audit keeps the statement with an outcome saying so.
    import socket
    from pymysql.constants import COMMAND
    marker = f"gone-{time.monotonic_ns()}"
    c = mysql_connect(gw, people["agent"])
    c._execute_command(COMMAND.COM_QUERY, f"SELECT REPEAT('x', 100000), '{marker}' FROM seq_1_to_200")
    c._sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # a reset, not a FIN
    os.close(c._sock.detach())  # PyMySQL's reader keeps the socket object: close the descriptor itself
    hits = audited(gw, "chatgpt-agent", lambda l: marker in l.get("statement", "") and l.get("outcome"), timeout=20)
    assert hits, audit_lines(gw, "--principal", "chatgpt-agent")[-3:]
    assert hits[0]["decision"] == "allow"
    assert hits[0]["outcome"] == "error" and "client's connection was lost" in hits[0]["error"], hits[0]
    with mysql_connect(gw, people["agent"]) as c2, c2.cursor() as cur:  # nothing else disturbed
        cur.execute("SELECT 1")
        assert cur.fetchone() == (1,)


def test_kill_names_only_the_principals_own_sessions(gw, people):
    with mysql_connect(gw, people["agent"]) as a:
        t, out = sleep_in_background(a, 3)
        with mysql_connect(gw, people["other"]) as b, b.cursor() as cur:
            with pytest.raises(pymysql.err.OperationalError) as e:
                cur.execute(f"KILL QUERY {a.thread_id()}")
            assert e.value.args[0] == 1142 and "no session of principal" in e.value.args[1]
            with pytest.raises(pymysql.err.OperationalError) as e:
                cur.execute("KILL 12345")  # no such session: the same answer
            assert e.value.args[0] == 1142
        t.join(20)
        assert out.get("row") == (0,) and out["took"] >= 2.5, out  # ran to its end


def test_kill_names_only_sessions_on_the_same_connection(tmp_path, shop, people):
    # Thread ids are the server's: a KILL sent on another connection's
    # upstream would name somebody else's thread there.
    rules = [{"name": "both", "principals": ["chatgpt-agent"], "connections": ["shop", "shop2"], "allow": ["read"]}]
    conns = {"shop": shop.connection(type="mysql"), "shop2": shop.connection(type="mysql")}
    with gateway_process(str(tmp_path), conns, [people["agent"].entry], rules, mysql=True) as g:
        with mysql_connect(g, people["agent"]) as a:
            t, out = sleep_in_background(a, 3)
            with mysql_connect(g, people["agent"], database="shop2") as b, b.cursor() as cur:
                with pytest.raises(pymysql.err.OperationalError) as e:
                    cur.execute(f"KILL QUERY {a.thread_id()}")
                assert e.value.args[0] == 1142 and 'on connection "shop2"' in e.value.args[1]
            t.join(20)
            assert out.get("row") == (0,) and out["took"] >= 2.5, out


def test_kill_connection_ends_that_session(gw, people):
    a = mysql_connect(gw, people["agent"])
    t, out = sleep_in_background(a, 30)
    with mysql_connect(gw, people["agent"]) as b, b.cursor() as cur:
        cur.execute(f"KILL {a.thread_id()}")
    t.join(20)
    assert out["took"] < 10 and "error" in out, out
    with pytest.raises(pymysql.err.MySQLError):
        with a.cursor() as cur:
            cur.execute("SELECT 1")
    a.close()


def test_mysql2_connects_with_its_clear_password_plugin(gw, people):
    out = node_mysql2(gw, people["agent"], [{"op": "query", "sql": "SELECT CURRENT_USER() AS u, DATABASE() AS d"}])
    assert "connect_error" not in out, out
    row = out["steps"][0]["rows"][0]
    assert row["d"] == "shop"
    assert row["u"].startswith("shop_agent@")  # the connection's upstream user, never the agent's
    bad = node_mysql2(gw, people["agent"], [], password="wrong")
    assert bad["connect_error"]["errno"] == 1045


# ---- the second wall -------------------------------------------------------------------

def test_a_read_only_principal_gets_a_read_only_upstream_session_it_cannot_undo(gw, people, maria):
    before = orders_snapshot(maria)
    undo = ["SET SESSION TRANSACTION READ WRITE", "SET TRANSACTION READ WRITE", "START TRANSACTION READ WRITE",
            "SET @@tx_read_only = 0", "SET SESSION transaction_read_only = OFF",
            "SET STATEMENT tx_read_only = 0 FOR DELETE FROM orders", "SET @@global.read_only = 0"]
    r = mariadb_cli(gw, people["agent"], "; ".join(["SELECT @@tx_read_only"] + undo + ["SELECT @@tx_read_only"]))
    errors = errors_of(r.stderr)
    assert len(errors) == len(undo), r.stderr
    assert all(e.startswith("ERROR 1142 (42000)") for e in errors), r.stderr
    assert r.stdout.split() == ["1", "1"]
    assert orders_snapshot(maria) == before
    w = mariadb_cli(gw, people["writer"], "SELECT @@tx_read_only")
    assert w.stdout.split() == ["0"], w.stderr


@pytest.mark.parametrize("sql", [
    "SET session_track_system_variables = ''", "SET session_track_schema = OFF",
    "SET SESSION session_track_system_variables = DEFAULT",
    r"PREPARE s FROM 'SET sess\ion_track_system_variables = '''''",
])
def test_nobody_turns_off_what_the_gateway_follows(gw, people, sql):
    """The upstream session reports sql_mode, the database and the read-only
    flag through the session_track_* variables; MariaDB does not report a
    change of the list itself, so changing them is admin (also inside a
    PREPARE's string): refused unless a rule allows admin."""
    for who in ("agent", "writer"):
        with mysql_connect(gw, people[who]) as c, c.cursor() as cur:
            with pytest.raises(pymysql.err.OperationalError) as e:
                cur.execute(sql)
            assert e.value.args[0] == 1142, e.value.args
            assert "session_track" in e.value.args[1]
            cur.execute("SELECT @@session_track_system_variables LIKE '%sql_mode%'")
            assert cur.fetchone() == (1,)


def test_rules_on_tables_see_through_the_session_database(gw, people):
    ok = mariadb_cli(gw, people["other"], "SELECT count(*) FROM orders; SELECT count(*) FROM shop.orders")
    assert ok.returncode == 0, ok.stderr
    r = mariadb_cli(gw, people["other"], "SELECT * FROM secrets; SELECT * FROM shop.secrets; "
                                         "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id")
    errors = errors_of(r.stderr)
    assert len(errors) == 3 and all(e.startswith("ERROR 1142 (42000)") for e in errors), r.stderr
    assert "launch codes" not in r.stdout


# ---- what a writer may do, and what nobody may ------------------------------------------

def test_a_writer_writes_through_mysql2(gw, people, maria):
    out = node_mysql2(gw, people["writer"], [
        {"op": "query", "sql": "UPDATE orders SET note = 'etl' WHERE id = 3"},
        {"op": "execute", "sql": "UPDATE orders SET note = ? WHERE id = ?", "params": ["etl2", 3]},
        {"op": "query", "sql": "CREATE TABLE t_etl (id INT)"},
    ])
    assert out["steps"][0]["affectedRows"] == 1, out
    assert out["steps"][1]["affectedRows"] == 1, out
    assert out["steps"][2]["error"]["errno"] == 1142, out  # ddl: not in its rule
    assert "ddl statement refused" in out["steps"][2]["error"]["message"]
    assert root_value(maria, "SELECT note FROM shop.orders WHERE id = 3") == "etl2"


def test_load_data_local_never_reaches_the_server(gw, people, maria, tmp_path):
    marker = "987654"
    f = tmp_path / "rows.csv"
    f.write_text(f"{marker},1,1.00,from-a-client-file\n")
    sql = f"LOAD DATA LOCAL INFILE '{f}' INTO TABLE orders FIELDS TERMINATED BY ','"
    for who in ("agent", "writer", "dba"):
        r = mariadb_cli(gw, people[who], sql, extra=["--local-infile=1"])
        assert errors_of(r.stderr), (who, r.stdout, r.stderr)
        if who != "dba":
            assert errors_of(r.stderr)[0].startswith("ERROR 1142 (42000)"), r.stderr
            assert "LOAD DATA LOCAL INFILE" in r.stderr
        out = node_mysql2(gw, people[who], [{"op": "infile", "sql": sql, "file_body": f.read_text()},
                                            {"op": "query", "sql": "SELECT 1 AS one"}])
        assert "error" in out["steps"][0], out
        assert out["steps"][1]["rows"] == [{"one": 1}], out
    assert root_value(maria, f"SELECT count(*) FROM shop.orders WHERE id = {marker}") == "0"


def test_change_user_is_refused_and_the_session_goes_on(gw, people):
    out = node_mysql2(gw, people["agent"], [
        {"op": "changeUser", "user": "etl-bot", "password": people["writer"].value},
        {"op": "query", "sql": "SELECT CURRENT_USER() AS u"},
    ])
    err = out["steps"][0]["error"]
    assert err["errno"] == 1142 and err["sqlState"] == "42000", out
    assert "COM_CHANGE_USER is not allowed" in err["message"]
    assert "error" not in out["steps"][1], out


def raw_command(conn, payload):
    """Sends one command packet on a PyMySQL connection and reads one answer packet."""
    conn._next_seq_id = 0
    conn.write_packet(payload)
    return conn._read_packet(pymysql.protocol.MysqlPacket)


@pytest.mark.parametrize("payload, named", [
    (b"\x12" + struct.pack("<IHI", 4, 0, 1) + b"", "COM_BINLOG_DUMP"),
    (b"\x15" + struct.pack("<I", 2) + b"\0\0\0" + struct.pack("<HII", 3306, 0, 0), "COM_REGISTER_SLAVE"),
    (b"\x1f", "COM_RESET_CONNECTION"),
    (b"\x0c" + struct.pack("<I", 1), "COM_PROCESS_KILL"),
    (b"\x99hello", "unknown command 153"),
])
def test_replication_and_unknown_commands_are_refused(gw, people, payload, named):
    with mysql_connect(gw, people["dba"]) as c:
        with pytest.raises(pymysql.err.OperationalError) as e:
            raw_command(c, payload).raise_for_error()
        assert e.value.args[0] == 1142
        assert named in e.value.args[1]
        with c.cursor() as cur:
            cur.execute("SELECT 7")
            assert cur.fetchone() == (7,)


# ---- commands ------------------------------------------------------------------------------

def test_prepared_statements_through_mysql2(gw, people, maria):
    before = orders_snapshot(maria)
    out = node_mysql2(gw, people["agent"], [
        {"op": "execute", "sql": "SELECT name FROM customers WHERE id = ?", "params": [2]},
        {"op": "execute", "sql": "SELECT name FROM customers WHERE id = ?", "params": [1]},
        {"op": "execute", "sql": "DELETE FROM orders WHERE id = ?", "params": [1]},
        {"op": "execute", "sql": "SELECT total FROM orders WHERE id = ?", "params": [2]},
        {"op": "ping"},
    ])
    steps = out["steps"]
    assert steps[0]["rows"] == [{"name": "Grace"}], out
    assert steps[1]["rows"] == [{"name": "Ada"}], out
    assert steps[2]["error"]["errno"] == 1142 and "write statement refused" in steps[2]["error"]["message"]
    assert steps[3]["rows"] == [{"total": "99.00"}], out
    assert steps[4] == {"ok": True}
    assert orders_snapshot(maria) == before


def read_until_eof(conn):
    packets = []
    while True:
        p = conn._read_packet(pymysql.protocol.MysqlPacket)
        if p.is_eof_packet():
            return packets
        packets.append(p)


def stmt_prepare(conn, sql):
    """COM_STMT_PREPARE by hand: (statement id, columns, parameters)."""
    conn._next_seq_id = 0
    conn.write_packet(b"\x16" + sql.encode())
    ok = conn._read_packet(pymysql.protocol.MysqlPacket).get_all_data()
    stmt_id, columns, params = struct.unpack("<xIHH", ok[:9])
    if params:
        read_until_eof(conn)
    if columns:
        read_until_eof(conn)
    return stmt_id, columns, params


def stmt_execute_one_string(conn, stmt_id, value=None):
    """COM_STMT_EXECUTE of a statement with one VARCHAR parameter (sent as
    long data when `value` is None) and one VARCHAR column: that column."""
    conn._next_seq_id = 0
    body = b"\x17" + struct.pack("<IBI", stmt_id, 0, 1) + b"\x00" + b"\x01" + b"\xfd\x00"
    if value is not None:
        body += bytes([len(value)]) + value
    conn.write_packet(body)
    conn._read_packet(pymysql.protocol.MysqlPacket)  # the column count
    read_until_eof(conn)                              # its definition
    rows = read_until_eof(conn)
    data = rows[0].get_all_data()                     # 0x00, null bitmap (1 byte), lenenc string
    return data[3:3 + data[2]]


def test_binary_protocol_long_data_reset_and_close(gw, people, maria):
    with mysql_connect(gw, people["agent"]) as c:
        stmt_id, columns, params = stmt_prepare(c, "SELECT CONCAT('<', ?, '>')")
        assert (columns, params) == (1, 1)
        for chunk in (b"hello ", b"world"):  # COM_STMT_SEND_LONG_DATA: no answer
            c._next_seq_id = 0
            c.write_packet(b"\x18" + struct.pack("<IH", stmt_id, 0) + chunk)
        assert stmt_execute_one_string(c, stmt_id) == b"<hello world>"
        c._next_seq_id = 0
        c.write_packet(b"\x1a" + struct.pack("<I", stmt_id))  # COM_STMT_RESET: an OK
        assert c._read_packet(pymysql.protocol.MysqlPacket).is_ok_packet()
        assert stmt_execute_one_string(c, stmt_id, b"again") == b"<again>"
        c._next_seq_id = 0
        c.write_packet(b"\x19" + struct.pack("<I", stmt_id))  # COM_STMT_CLOSE: no answer
        with pytest.raises(pymysql.err.OperationalError) as e:  # closed: the gateway forgot it
            stmt_execute_one_string(c, stmt_id, b"x")
        assert e.value.args[0] == 1142 and "did not prepare" in e.value.args[1]
        with pytest.raises(pymysql.err.OperationalError) as e:
            stmt_prepare(c, "DELETE FROM orders WHERE note = ?")
        assert e.value.args[0] == 1142
        with c.cursor() as cur:
            cur.execute("SELECT count(*) FROM orders")
            assert cur.fetchone() == (3,)


def test_sql_prepared_statements_are_as_strict_as_what_they_run(gw, people, maria):
    before = orders_snapshot(maria)
    r = mariadb_cli(gw, people["agent"],
                    "PREPARE d FROM 'DELETE FROM orders'; EXECUTE d; "
                    "SET @q = 'DELETE FROM orders'; PREPARE e FROM @q; EXECUTE e; "
                    "PREPARE r FROM 'SELECT count(*) FROM orders'; EXECUTE r; DEALLOCATE PREPARE r; EXECUTE r")
    errors = errors_of(r.stderr)
    assert len(errors) == 5 and all(e.startswith("ERROR 1142 (42000)") for e in errors), r.stderr
    assert r.stdout.split() == ["3"]
    assert orders_snapshot(maria) == before


def test_init_db_field_list_ping_and_set_option(gw, people):
    with mysql_connect(gw, people["dba"]) as c:
        c.select_db("information_schema")  # COM_INIT_DB
        with c.cursor() as cur:
            cur.execute("SELECT DATABASE()")
            assert cur.fetchone() == ("information_schema",)
        c.select_db("shop")
        c.ping(reconnect=False)  # COM_PING
        # COM_FIELD_LIST: the columns of a table, ended by EOF.
        c._next_seq_id = 0
        c.write_packet(b"\x04orders\0")
        names = []
        while True:
            p = c._read_packet(pymysql.protocol.MysqlPacket)
            if p.is_eof_packet():
                break
            names.append(pymysql.protocol.FieldDescriptorPacket(p.get_all_data(), "utf8").name)
        assert names[:3] == ["id", "customer_id", "total"]
        # COM_SET_OPTION: multi-statements on, then a text of two statements.
        c._next_seq_id = 0
        c.write_packet(b"\x1b\x00\x00")
        c._read_packet(pymysql.protocol.MysqlPacket)
        with c.cursor() as cur:
            cur.execute("SELECT 1; SELECT 2")
            assert cur.fetchone() == (1,)
            assert cur.nextset() and cur.fetchone() == (2,)
    with mysql_connect(gw, people["other"]) as c:
        c._next_seq_id = 0
        c.write_packet(b"\x04secrets\0")  # a table its rule does not cover
        with pytest.raises(pymysql.err.OperationalError) as e:
            c._read_packet(pymysql.protocol.MysqlPacket)
        assert e.value.args[0] == 1142


def test_sql_mode_is_tracked_for_lexing(gw, people, maria):
    """Under NO_BACKSLASH_ESCAPES, 'a\\' ends at the backslash and what follows
    is a statement; the gateway lexes each text with the session's mode."""
    before = orders_snapshot(maria)
    sql = "SELECT 'a\\'; DELETE FROM orders; -- '"
    flags = pymysql.constants.CLIENT.MULTI_STATEMENTS
    with mysql_connect(gw, people["agent"], client_flag=flags) as c, c.cursor() as cur:
        cur.execute(sql)  # one string literal: a read
        assert cur.fetchone() == ("a'; DELETE FROM orders; -- ",)
        cur.execute("SET sql_mode = 'NO_BACKSLASH_ESCAPES'")
        with pytest.raises(pymysql.err.OperationalError) as e:
            cur.execute(sql)
        assert e.value.args[0] == 1142
        cur.execute("SET SESSION sql_mode = 'ANSI_QUOTES'")
        with pytest.raises(pymysql.err.OperationalError) as e:
            cur.execute('SELECT "x"; DELETE FROM orders')
        assert e.value.args[0] == 1142
        cur.execute("SELECT @@sql_mode")
        assert cur.fetchone() == ("ANSI_QUOTES",)
    assert orders_snapshot(maria) == before


# ---- TLS -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tls_gw(tmp_path_factory, shop, people):
    d = str(tmp_path_factory.mktemp("mysqltls"))
    ca = make_ca(d, "ca")
    cert, key = make_server_cert(d, "gw", ca, sans="IP:127.0.0.1,IP:192.0.2.2,DNS:localhost")
    with gateway_process(d, {"shop": shop.connection(type="mysql")}, [t.entry for t in people.values()], RULES,
                         extra={"gateway": {"mysql": {"tls": {"cert": cert, "key": key}}}}, mysql=True) as g:
        g.ca = ca[0]
        yield g


def test_tls_with_the_mariadb_client_and_mysql2(tls_gw, people):
    r = mariadb_cli(tls_gw, people["agent"], "SHOW STATUS LIKE 'Ssl_cipher'; SELECT count(*) FROM orders",
                    extra=["--ssl", f"--ssl-ca={tls_gw.ca}", "--ssl-verify-server-cert"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "3"
    out = node_mysql2(tls_gw, people["agent"], [{"op": "query", "sql": "SELECT 1 AS one"}], ssl={"ca": tls_gw.ca})
    assert out["steps"] == [{"rows": [{"one": 1}]}], out


def test_an_ssl_request_and_the_tls_handshake_in_one_segment(tls_gw):
    """MySQL clients start TLS right after their SSLRequest, without an
    answer: the gateway must hand the bytes that follow to TLS, however
    they arrive."""
    import socket
    import ssl
    sock = socket.create_connection(("127.0.0.1", tls_gw.mysql_port), timeout=10)
    header = sock.recv(4)
    sock.recv(int.from_bytes(header[:3], "little"))  # the Handshake v10
    ctx = ssl.create_default_context(cafile=tls_gw.ca)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    caps = 0x0200 | 0x0800 | 0x8000 | 0x80000  # PROTOCOL_41, SSL, SECURE_CONNECTION, PLUGIN_AUTH
    request = struct.pack("<IIB", caps, 1 << 24, 45) + b"\0" * 23
    sock.sendall(struct.pack("<I", len(request))[:3] + b"\x01" + request + outgoing.read())
    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            if pending := outgoing.read():
                sock.sendall(pending)
            data = sock.recv(65536)
            assert data, "the gateway closed the connection during the TLS handshake"
            incoming.write(data)
    assert tls.version() in ("TLSv1.2", "TLSv1.3")
    sock.close()


def non_loopback_address():
    import socket
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: picks the outgoing interface
            a = s.getsockname()[0]
            return None if a.startswith("127.") else a
    except OSError:
        return None


def test_tls_is_required_off_loopback(tmp_path, shop, people):
    addr = non_loopback_address()
    if not addr:
        pytest.skip("no non-loopback address on this machine")
    from harness import free_port
    d = str(tmp_path)
    ca = make_ca(d, "ca")
    cert, key = make_server_cert(d, "gw", ca, sans=f"IP:{addr}")
    port = free_port()
    with gateway_process(d, {"shop": shop.connection(type="mysql")}, [people["agent"].entry], RULES,
                         extra={"gateway": {"mysql": {"listen": f"0.0.0.0:{port}",
                                                      "tls": {"cert": cert, "key": key}}}}, mysql=port) as g:
        g.host = addr
        r = mariadb_cli(g, people["agent"], "SELECT 1", extra=["--skip-ssl"])
        assert r.returncode != 0
        assert errors_of(r.stderr)[0].startswith("ERROR 3159"), r.stderr
        assert "requires TLS" in r.stderr
        r = mariadb_cli(g, people["agent"], "SELECT 1", extra=["--ssl", f"--ssl-ca={ca[0]}",
                                                               "--ssl-verify-server-cert"])
        assert r.returncode == 0, r.stderr
        assert r.stdout.split() == ["1"]


# ---- differential: what the classifier calls a read runs read-only through the gateway -----

@pytest.fixture(scope="module")
def diff_gw(tmp_path_factory, maria, shop, people):
    """A gateway whose connection `diff` reaches a database holding the
    classifier's test fixtures, as a user with every right on it: only the
    second wall stands between a misclassified write and the data."""
    import test_mysql_classifier_readonly as direct
    maria.root_sql("CREATE DATABASE diff; GRANT ALL PRIVILEGES ON diff.* TO 'shop_agent'@'127.0.0.1'; "
                   "USE diff; " + direct.FIXTURES)
    workdir = str(tmp_path_factory.mktemp("gwdiff"))
    conn = shop.connection(type="mysql", database="diff")
    rules = [{"name": "agents-read", "principals": ["chatgpt-agent"], "connections": ["diff"], "allow": ["read"]}]
    with gateway_process(workdir, {"diff": conn}, [people["agent"].entry], rules, mysql=True) as g:
        g.base_sql_mode = maria.root_sql("SELECT @@GLOBAL.sql_mode").strip()
        yield g


def run_through_gateway(gw, tok, sql, flags):
    """None when it ran, else (errno, message): one session per case, the
    sql_mode flags set first, the case inside START TRANSACTION READ ONLY."""
    flags_mode = ",".join([gw.base_sql_mode] + list(flags)).strip(",")
    with mysql_connect(gw, tok, database="diff", client_flag=pymysql.constants.CLIENT.MULTI_STATEMENTS) as c:
        with c.cursor() as cur:
            cur.execute("SET SESSION max_statement_time = 5")
            cur.execute(f"SET SESSION sql_mode = '{flags_mode}'")
            cur.execute("START TRANSACTION READ ONLY")
            try:
                cur.execute(sql)
                while cur.nextset():
                    pass
            except pymysql.err.MySQLError as e:
                return (e.args[0], str(e.args[1]) if len(e.args) > 1 else "")
    return None


def test_reads_of_the_corpus_run_through_the_gateway_on_a_read_only_session(diff_gw, people):
    """Every case of the shared MySQL corpus and the classifier's own cases
    that `gatehouse classify` calls read: the gateway lets it through (no ERR
    1142 from the gate, no session ended by tracking) and MariaDB runs it in a
    read-only transaction without a read-only violation (1792)."""
    import test_mysql_classifier_readonly as direct
    refused, violations, ended, ran = [], [], [], 0
    for where, sql, flags in direct.all_cases():
        if direct.classify(sql, flags)["class"] != "read":
            continue
        ran += 1
        err = run_through_gateway(diff_gw, people["agent"], sql, flags)
        if err is None:
            continue
        code, message = err
        if code == direct.READ_ONLY_VIOLATION:
            violations.append((where, sql, err))
        elif message.startswith("gatehouse:") and code == 1142:
            refused.append((where, sql, err))
        elif message.startswith("gatehouse:"):
            ended.append((where, sql, err))
    print(f"{ran} read cases through the gateway: {len(violations)} read-only violations, "
          f"{len(refused)} refused by the gate, {len(ended)} sessions ended")
    assert ran > 150, f"only {ran} read cases"
    assert not violations, violations
    assert not refused, refused
    assert not ended, ended


# ---- malformed input ---------------------------------------------------------------------------

def read_raw_packet(sock):
    """One packet's payload; None when the peer closed (or reset) the connection."""
    try:
        return read_raw_packet_or_raise(sock)
    except ConnectionResetError:
        return None


def read_raw_packet_or_raise(sock):
    header = b""
    while len(header) < 4:
        chunk = sock.recv(4 - len(header))
        if not chunk:
            return None
        header += chunk
    n = int.from_bytes(header[:3], "little")
    body = b""
    while len(body) < n:
        chunk = sock.recv(n - len(body))
        if not chunk:
            return None
        body += chunk
    return body


@pytest.mark.parametrize("payload", [
    b"\x01\x02\x03",                                    # too short for a handshake response
    struct.pack("<IIB", 0x0200 | 0x80000, 1 << 24, 45) + b"\0" * 23 + b"no-nul-after-user",
    b"\xff" * 200,
])
def test_malformed_handshake_responses_are_refused_and_the_gateway_goes_on(gw, people, payload):
    import socket
    sock = socket.create_connection(("127.0.0.1", gw.mysql_port), timeout=10)
    assert read_raw_packet(sock)[0] == 10  # Handshake v10
    sock.sendall(struct.pack("<I", len(payload))[:3] + b"\x01" + payload)
    answer = read_raw_packet(sock)
    assert answer is None or answer[0] == 0xff  # an ERR, or the connection closed
    sock.close()
    assert mariadb_cli(gw, people["agent"], "SELECT 1").stdout.split() == ["1"]


def test_an_oversized_packet_before_authentication_closes_the_connection(gw, people):
    import socket
    sock = socket.create_connection(("127.0.0.1", gw.mysql_port), timeout=10)
    read_raw_packet(sock)
    sock.sendall(b"\xfe\xff\xff\x01" + b"x" * 1024)  # claims 16 MiB
    assert read_raw_packet(sock) is None
    sock.close()
    assert mariadb_cli(gw, people["agent"], "SELECT 2").stdout.split() == ["2"]


@pytest.mark.parametrize("payload, words", [
    (b"", "an empty command"),
    (b"\x17\x01\x00", "malformed COM_STMT_EXECUTE"),
    (b"\x04no-terminator", "malformed COM_FIELD_LIST"),
])
def test_malformed_commands_are_refused_and_the_session_goes_on(gw, people, payload, words):
    with mysql_connect(gw, people["agent"]) as c:
        with pytest.raises(pymysql.err.OperationalError) as e:
            raw_command(c, payload).raise_for_error()
        assert e.value.args[0] == 1142 and words in e.value.args[1]
        with c.cursor() as cur:
            cur.execute("SELECT 3")
            assert cur.fetchone() == (3,)


# ---- limits an attacker meets -----------------------------------------------------------------

def mysql_connect_once_a_slot_is_free(g, tok, within=5.0):
    # A client's close reaches the gateway a moment after close() returns.
    deadline = time.monotonic() + within
    while True:
        try:
            return mysql_connect(g, tok)
        except pymysql.err.OperationalError as e:
            if e.args[0] != 1040 or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_connections_in_all_are_limited_and_the_slot_comes_back(tmp_path, shop, people):
    limits = {"limits": {"max_connections": 2}}
    with gateway_process(str(tmp_path), {"shop": shop.connection(type="mysql")}, [people["agent"].entry], RULES,
                         extra=limits, mysql=True) as g:
        first, second = mysql_connect(g, people["agent"]), mysql_connect(g, people["agent"])
        with pytest.raises(pymysql.err.OperationalError) as e:
            mysql_connect(g, people["agent"])
        assert e.value.args[0] == 1040 and "Too many connections" in e.value.args[1]
        with second.cursor() as cur:  # the open sessions carry on
            cur.execute("SELECT 1")
            assert cur.fetchone()[0] == 1
        first.close()
        second.close()
        third = mysql_connect_once_a_slot_is_free(g, people["agent"])
        with third.cursor() as cur:
            cur.execute("SELECT 1")
            assert cur.fetchone()[0] == 1
        third.close()


def test_connections_per_address_and_failed_logins_are_limited(tmp_path, shop, people):
    limits = {"limits": {"max_connections_per_address": 2, "failed_logins_per_principal": 3,
                         "failed_logins_per_address": 100}}
    with gateway_process(str(tmp_path), {"shop": shop.connection(type="mysql")}, [people["agent"].entry], RULES,
                         extra=limits, mysql=True) as g:
        first, second = mysql_connect(g, people["agent"]), mysql_connect(g, people["agent"])
        with pytest.raises(pymysql.err.OperationalError) as e:
            mysql_connect(g, people["agent"])
        assert e.value.args[0] == 1040 and "too many connections from your address" in e.value.args[1]
        first.close()
        third = mysql_connect_once_a_slot_is_free(g, people["agent"])
        second.close()
        third.close()
        for _ in range(3):
            r = mariadb_cli(g, people["agent"], "SELECT 1", password="wrong-token")
            assert errors_of(r.stderr)[0].startswith("ERROR 1045"), r.stderr
        r = mariadb_cli(g, people["agent"], "SELECT 1")  # the right token, but too late
        assert errors_of(r.stderr)[0].startswith("ERROR 1129"), r.stderr
        assert "too many failed logins" in r.stderr
