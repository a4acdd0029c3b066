"""Red-team tests of the MySQL/MariaDB path (issue 8), against a real MariaDB
10.11: an agent whose rules allow only `read` tries to change data, undo the
second wall (SET SESSION TRANSACTION READ ONLY upstream), reach a table its
rules do not name, run a statement unrecorded, become someone else, or upset
the gateway and other sessions. Every test asserts the secure outcome; a test
marked `# FINDING:` documents a way through that still works.

One MariaDB and one gateway for the module; the orders table is put back
after every test, so that one attack that gets through does not hide the
next one."""

import json
import socket
import struct
import time

import pymysql
import pytest

from harness import gateway_process, mariadb_app_database, mysql_connect, new_token
from mariadbserver import mariadb_server

MULTI = pymysql.constants.CLIENT.MULTI_STATEMENTS

RULES = [
    {"name": "agents-read", "principals": ["chatgpt-agent"], "connections": ["shop"], "allow": ["read"]},
    {"name": "etl-write", "principals": ["group:etl"], "connections": ["shop"], "allow": ["read", "write"]},
    {"name": "dba-all", "principals": ["dba-alice"], "connections": ["shop"],
     "allow": ["read", "write", "ddl", "admin"]},
    {"name": "other-orders", "principals": ["other-agent"], "connections": ["shop"], "allow": ["read"],
     "tables": ["shop.orders"]},
]

ORDERS = "(1, 1, 10.50, 'first'), (2, 1, 99.00, 'second'), (3, 2, 5.25, NULL)"
ORDERS_SNAPSHOT = "1:1:10.50:first,2:1:99.00:second,3:2:5.25:-"
SECRET = "the launch codes"


@pytest.fixture(scope="module")
def maria():
    with mariadb_server() as m:
        yield m


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
    }


@pytest.fixture(scope="module")
def gw(tmp_path_factory, shop, people):
    workdir = str(tmp_path_factory.mktemp("gwattacks"))
    extra = {"gateway": {"review_timeout": "20s"}, "limits": {"message_max": 1024 * 1024}}
    with gateway_process(workdir, {"shop": shop.connection(type="mysql")}, [t.entry for t in people.values()],
                         RULES, extra=extra, mysql=True) as g:
        yield g


@pytest.fixture(autouse=True)
def orders_put_back(maria):
    yield
    maria.root_sql(f"DELETE FROM shop.orders; INSERT INTO shop.orders (id, customer_id, total, note) "
                   f"VALUES {ORDERS}")


def orders_snapshot(maria):
    return maria.root_sql("SELECT GROUP_CONCAT(CONCAT_WS(':', id, customer_id, total, IFNULL(note, '-')) "
                          "ORDER BY id) FROM shop.orders").strip()


def connect(gw, tok, multi=True, **kw):
    return mysql_connect(gw, tok, client_flag=MULTI if multi else 0, **kw)


def run_all(cur, sql):
    """Runs a (multi-statement) text; every result set's rows, in order."""
    cur.execute(sql)
    out = [cur.fetchall()]
    while cur.nextset():
        out.append(cur.fetchall())
    return out


def refused(cur, sql):
    """The gateway's refusal of `sql` (errno, message)."""
    with pytest.raises(pymysql.err.MySQLError) as e:
        run_all(cur, sql)
    return e.value.args


def saw_secret(rows):
    return SECRET in repr(rows)


def root_value(maria, sql):
    return maria.root_sql(sql).strip()


def audit_lines(gw, principal, predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        r = gw.cli("audit", "search", "--config", gw.config_path, "--json", "--principal", principal)
        hits = [l for l in (json.loads(x) for x in r.stdout.splitlines() if x.strip()) if predicate(l)]
        if hits or time.monotonic() > deadline:
            return hits
        time.sleep(0.1)


def raw_command(conn, payload):
    conn._next_seq_id = 0
    conn.write_packet(payload)
    return conn._read_packet(pymysql.protocol.MysqlPacket)


def stmt_prepare(conn, sql):
    """COM_STMT_PREPARE by hand: the statement id (raises on ERR)."""
    p = raw_command(conn, b"\x16" + sql.encode())
    if p.is_error_packet():
        p.raise_for_error()
    stmt_id, columns, params = struct.unpack("<xIHH", p.get_all_data()[:9])
    for _ in range((1 if params else 0) + (1 if columns else 0)):
        while not conn._read_packet(pymysql.protocol.MysqlPacket).is_eof_packet():
            pass
    return stmt_id


def stmt_execute_no_params(conn, stmt_id):
    p = raw_command(conn, b"\x17" + struct.pack("<IBI", stmt_id, 0, 1))
    if p.is_error_packet():
        p.raise_for_error()
    return p


def swe7_literal(sql):
    """`sql` as a single-quoted SQL string literal (backslashes and quotes escaped)."""
    return "'" + sql.replace("\\", "\\\\").replace("'", "''") + "'"


# =========================================================================================
# Executable comments: what the server skips and what the classifier reads
# =========================================================================================

# MariaDB skips a versioned comment it does not run (/*!50700../*!99999, a
# version above its own, /*M! above its own) by scanning to the first */,
# but lets ONE nested /* ... */ inside it (sql_lex.cc consume_comment(lip, 1)).
# A /* inside a string, a backquoted name or a line comment is such a nested
# comment for the server, and nothing for the classifier, which reads the
# content as code: the two readings end the executable comment at different
# places.
HIDDEN_READ = [
    "SELECT 1 /*!99999 '/*' */ , ' */ ; SELECT value FROM secrets; -- '",
    "SELECT 1 /*!99999 `/*` */ , ' */ ; SELECT value FROM secrets; -- '",
    "SELECT 1 /*!99999 -- /*\n */ , ' */ ; SELECT value FROM secrets; -- '",
    "SELECT 1 /*!50700 '/*' */ , ' */ ; SELECT value FROM secrets; -- '",
    "SELECT 1 /*M!999999 '/*' */ , ' */ ; SELECT value FROM secrets; -- '",
]


@pytest.mark.parametrize("sql", HIDDEN_READ)
def test_a_nested_comment_in_a_skipped_versioned_comment_does_not_hide_a_table(gw, people, sql):
    # FINDING: MariaDB ends a skipped /*!NNNNN comment after one nested /* */ (a '/*' in a string, `name` or -- comment); the lexer only guards '*/', so the statement after it is read as a string: other-agent reads shop.secrets
    with connect(gw, people["other"]) as c, c.cursor() as cur:
        try:
            rows = run_all(cur, sql)
        except pymysql.err.MySQLError as e:
            rows = e.args
        assert not saw_secret(rows), rows
        cur.execute("SELECT 1")
        assert cur.fetchone() == (1,)


def test_a_nested_comment_hides_a_write_and_the_second_wall_falls_too_late(gw, people, maria):
    # FINDING: the hidden SET SESSION TRANSACTION READ WRITE is seen only in its OK (ERR 1105, session ends), but MariaDB has already run the rest of the multi-statement text: the UPDATE commits
    sql = ("SELECT 1 /*!99999 '/*' */ , ' */ ; SET SESSION TRANSACTION READ WRITE; "
           "UPDATE orders SET note = 'pwned' WHERE id = 3; -- '")
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        with pytest.raises(pymysql.err.MySQLError):
            run_all(cur, sql)
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


def test_a_nested_comment_hides_a_lock_from_a_read_only_agent(gw, people, maria):
    # FINDING: GET_LOCK (a write: state other sessions see) runs for a read-only agent behind the nested-comment trick, and the audit calls the text a read
    sql = "SELECT 1 /*!99999 '/*' */ , ' */ ; SELECT GET_LOCK(0x6c6b, 0); -- '"
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        try:
            run_all(cur, sql)
        except pymysql.err.MySQLError:
            pass
        held = root_value(maria, "SELECT IS_USED_LOCK('lk') IS NOT NULL")
    assert held == "0"


@pytest.mark.parametrize("sql", [
    "SELECT 1 /*!99999 '*/ ; DELETE FROM orders; -- ' */",   # */ in a string: the readings diverge
    "SELECT 1 /*!99999 ; DELETE FROM orders */",              # ; inside an executable comment
    "SELECT 1 /*! DELETE FROM orders",                        # never closed
    "SELECT 1 /*!50000 /*! DELETE FROM orders */ */",         # nested executable comment
    "/*!DELETE FROM orders*/",
    "/*M!100000 DELETE FROM orders */",
    "/*!1 DELETE FROM orders */",                             # not a version: code
    "SELECT 1 --1; DELETE FROM orders",                       # --1 is minus minus
    "SELECT 1 -- x\n; DELETE FROM orders",
    "SELECT 1 #\n; DELETE FROM orders",
    "SELECT 1 /* */; DELETE FROM orders",
    "SELECT 1 --\x7f\n; DELETE FROM orders",                  # DEL after -- is a control byte: a comment
])
def test_comment_tricks_that_are_stopped(gw, people, maria, sql):
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        errno = refused(cur, sql)[0]
        assert errno == 1142
        cur.execute("SELECT 42")
        assert cur.fetchone() == (42,)
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


@pytest.mark.parametrize("sql", [
    "SELECT 1 #\r; DELETE FROM orders",        # '#' ends at \n only: all of it is a comment, nothing runs
    "SELECT 1 -- ",                            # '-- ' at the end
    "SELECT 1 --",                             # '--' at the very end
])
def test_comment_ends_the_server_and_the_classifier_agree_on(gw, people, maria, sql):
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        assert run_all(cur, sql)[0] == ((1,),)
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


# =========================================================================================
# Character sets
# =========================================================================================

def test_character_set_connection_does_not_change_what_a_prepared_text_runs(gw, people):
    # FINDING: SET character_set_connection (classified harmless) to swe7 turns '\' into '?' in string literals, so PREPARE/EXECUTE IMMEDIATE run a text other than the one classified: other-agent reads shop.secrets
    inner = "SELECT '\\' , (SELECT value FROM secrets) -- '"
    with connect(gw, people["other"]) as c, c.cursor() as cur:
        got = []
        for sql in ["SET character_set_connection = swe7",
                    "PREPARE s FROM " + swe7_literal(inner), "EXECUTE s",
                    "EXECUTE IMMEDIATE " + swe7_literal(inner)]:
            try:
                got.append(run_all(cur, sql))
            except pymysql.err.MySQLError as e:
                got.append(e.args)
        assert not saw_secret(got), got


def test_character_set_connection_cannot_turn_off_tracking_and_the_second_wall(gw, people, maria):
    # FINDING: a SET hidden the same way turns off session_track_system_variables (unreported), tx_read_only and sets ANSI_QUOTES in one statement; the session goes on writable and mis-lexed, and a later UPDATE commits
    hidden = ("SET SESSION group_concat_max_len = LENGTH('\\'), session_track_system_variables = '', "
              "tx_read_only = 0, sql_mode = 'ANSI_QUOTES' -- ')")
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        try:
            cur.execute("SET character_set_connection = swe7")
            cur.execute("EXECUTE IMMEDIATE " + swe7_literal(hidden))
            run_all(cur, "SELECT 1 AS \"\\\" ; UPDATE orders SET note = 'ansi' WHERE id = 2; -- \"")
        except pymysql.err.MySQLError:
            pass
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


@pytest.mark.parametrize("sql", [
    "SET NAMES sjis", "SET NAMES 'gbk'", "SET CHARACTER SET big5", "SET character_set_client = cp932",
    "SET @@session.character_set_client = 'sjis'", "SET NAMES DEFAULT",
    "SET STATEMENT character_set_client = gbk FOR SELECT 1",
])
def test_client_character_sets_the_classifier_cannot_lex_are_refused(gw, people, sql):
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        assert refused(cur, sql)[0] == 1142
        cur.execute("SELECT @@character_set_client")
        assert cur.fetchone()[0].startswith("utf8")


def test_a_handshake_in_sjis_is_pinned_to_utf8mb4_upstream(gw, people, maria):
    # A byte that ends in 0x5C in SJIS (0x95 0x5C) must not hide a quote:
    # the upstream reads the text as utf8mb4, as the classifier does.
    with connect(gw, people["agent"], charset="sjis") as c, c.cursor() as cur:
        cur.execute("SELECT @@character_set_client")
        assert cur.fetchone()[0] == "utf8mb4"
    with mysql_connect(gw, people["agent"], client_flag=MULTI) as c:
        c._next_seq_id = 0
        c.write_packet(b"\x03SELECT '\x95\\'; DELETE FROM orders; -- '")
        p = c._read_packet(pymysql.protocol.MysqlPacket)
        assert p.is_error_packet() or p.read_length_encoded_integer() == 1
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


# =========================================================================================
# sql_mode changed mid-session
# =========================================================================================

@pytest.mark.parametrize("sql", [
    "SET sql_mode = 'NO_BACKSLASH_ESCAPES'; SELECT 'a\\'; DELETE FROM orders; -- '",
    "SET @@session.sql_mode = 'ANSI'; SELECT \"a\\\"; DELETE FROM orders; -- \"",
    "SET SESSION sql_mode = CONCAT('NO_BACKSLASH', '_ESCAPES'); SELECT 'a\\'; DELETE FROM orders; -- '",
    "SET STATEMENT sql_mode = 'NO_BACKSLASH_ESCAPES' FOR SELECT 'a\\'",
    "SET sql_mode = 'ORACLE'",
    "SET sql_mode = 'MSSQL'",
    "SET sql_mode = 4",
    "PREPARE p FROM 'SET sql_mode = ''NO_BACKSLASH_ESCAPES'''",
    "/*M!100000 SET sql_mode = 'NO_BACKSLASH_ESCAPES' */",
])
def test_sql_mode_changes_the_classifier_cannot_follow_are_refused(gw, people, maria, sql):
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        assert refused(cur, sql)[0] == 1142
        cur.execute("SELECT 'a\\'' = CONCAT('a', CHAR(39))")  # backslash escapes still on
        assert cur.fetchone() == (1,)
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


def test_sql_mode_default_within_a_text_makes_the_rest_unknown(gw, people, maria):
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        cur.execute("SET sql_mode = 'NO_BACKSLASH_ESCAPES'")
        errno = refused(cur, "SET sql_mode = DEFAULT; SELECT 'a\\'; DELETE FROM orders; -- '")[0]
        assert errno == 1142
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


# =========================================================================================
# The second wall
# =========================================================================================

@pytest.mark.parametrize("sql", [
    "SET @@tx_read_only := 0", "SET tx_read_only = 'OFF'", "SET SESSION tx_read_only = FALSE",
    "SET @@session.tx_read_only = 1 - 1", "SET tx_read_only = 1, tx_read_only = 0",
    "SET STATEMENT tx_read_only = 0 FOR SELECT 1",
    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED, READ WRITE",
    "SET SESSION TRANSACTION READ /* x */ WRITE",
    "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ WRITE",
    "SET GLOBAL TRANSACTION READ WRITE", "SET PERSIST read_only = 0", "SET @@global.read_only = 0",
    "/*!SET SESSION TRANSACTION READ WRITE*/",
    "PREPARE p FROM 'SET SESSION TRANSACTION READ WRITE'",
    "EXECUTE IMMEDIATE 'SET tx_read_only = 0'",
    "SET session_track_system_variables = ''",
])
def test_the_second_wall_cannot_be_undone(gw, people, maria, sql):
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        assert refused(cur, sql)[0] == 1142
        cur.execute("SELECT @@tx_read_only")
        assert cur.fetchone() == (1,)
        assert refused(cur, "UPDATE orders SET note = 'x'")[0] == 1142


def test_reset_connection_is_refused_and_the_wall_stays(gw, people):
    with connect(gw, people["agent"]) as c:
        with pytest.raises(pymysql.err.OperationalError) as e:
            raw_command(c, b"\x1f").raise_for_error()
        assert e.value.args[0] == 1142 and "COM_RESET_CONNECTION" in e.value.args[1]
        with c.cursor() as cur:
            cur.execute("SELECT @@tx_read_only")
            assert cur.fetchone() == (1,)


def test_change_user_is_refused_and_the_session_is_still_the_agents(gw, people):
    with connect(gw, people["agent"]) as c:
        tok = people["dba"].value.encode()
        payload = b"\x11dba-alice\0" + bytes([len(tok)]) + tok + b"shop\0" + struct.pack("<H", 45) + \
            b"mysql_clear_password\0"
        with pytest.raises(pymysql.err.OperationalError) as e:
            raw_command(c, payload).raise_for_error()
        assert e.value.args[0] == 1142 and "COM_CHANGE_USER" in e.value.args[1]
        with c.cursor() as cur:
            assert refused(cur, "DELETE FROM orders")[0] == 1142  # still the read-only agent


def test_serializable_reads_do_not_let_a_read_only_agent_lock_rows_against_writers(gw, people):
    # FINDING: SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE and autocommit = 0 are reads, but InnoDB then takes shared row locks on every plain SELECT (what LOCK IN SHARE MODE, a write, does): a read-only agent holds them for as long as it likes and the writer's UPDATE times out
    # The agent's setup may itself be refused (that is the fix: SERIALIZABLE is
    # a write); either way the writer must not wait on the agent's locks.
    with connect(gw, people["agent"]) as a, a.cursor() as acur:
        for sql in ("SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE", "SET autocommit = 0",
                    "SELECT * FROM orders WHERE id = 3"):
            try:
                run_all(acur, sql)
            except pymysql.err.MySQLError as e:
                assert e.args[0] == 1142, e.args
        with connect(gw, people["writer"]) as w, w.cursor() as wcur:
            wcur.execute("SET innodb_lock_wait_timeout = 2")
            try:
                wcur.execute("UPDATE orders SET note = 'etl' WHERE id = 3")
                outcome = "ok"
            except pymysql.err.MySQLError as e:
                outcome = e.args
        assert outcome == "ok"


# =========================================================================================
# Tables the rules do not name
# =========================================================================================

@pytest.mark.parametrize("alias", ["rank", "system", "lateral", "of", "empty", "cube", "json_table"])
def test_a_table_alias_the_classifier_thinks_reserved_does_not_end_the_table_list(gw, people, alias):
    # FINDING: MySQL-8 reserved words (RANK, SYSTEM, LATERAL, OF, EMPTY...) are aliases to MariaDB; table_refs stops at one silently and drops the tables after it: other-agent reads shop.secrets
    with connect(gw, people["other"]) as c, c.cursor() as cur:
        try:
            rows = run_all(cur, f"SELECT value FROM orders {alias}, secrets LIMIT 1")
        except pymysql.err.MySQLError as e:
            rows = e.args
        assert not saw_secret(rows), rows


def test_a_join_condition_naming_an_alias_value_does_not_end_the_table_list(gw, people):
    # FINDING: a word in ends_table_list (VALUE) inside an ON condition (here an alias) ends the join condition and the table list: the tables after it are dropped
    with connect(gw, people["other"]) as c, c.cursor() as cur:
        try:
            rows = run_all(cur, "SELECT s.value FROM orders o JOIN orders AS value ON value.id = o.id, "
                                "secrets s LIMIT 1")
        except pymysql.err.MySQLError as e:
            rows = e.args
        assert not saw_secret(rows), rows


@pytest.mark.parametrize("sql", [
    "SELECT * FROM secrets", "SELECT * FROM shop . secrets", "SELECT * FROM orders, (secrets)",
    "SELECT * FROM orders o JOIN (secrets s) ON 1", "SELECT * FROM orders USE INDEX (PRIMARY), secrets",
    "SELECT * FROM orders FOR SYSTEM_TIME ALL, secrets", "SELECT * FROM orders secrets2, secrets",
    "SELECT (SELECT value FROM secrets)", "SELECT 1 UNION SELECT value FROM secrets",
    "WITH orders AS (SELECT value FROM secrets) SELECT * FROM orders",
    "SELECT * FROM orders WHERE id IN (TABLE secrets)", "SHOW COLUMNS FROM secrets", "DESCRIBE secrets",
    "SHOW CREATE TABLE secrets", "CHECKSUM TABLE secrets", "SELECT * FROM mysql.user",
    "SELECT * FROM { OJ orders LEFT OUTER JOIN secrets ON 1 }",
    "USE mysql; SELECT * FROM orders", "PREPARE p FROM 'SELECT * FROM secrets'",
    "EXECUTE IMMEDIATE 'SELECT * FROM secrets'",
    "SELECT * FROM orders o WHERE EXISTS (SELECT 1 FROM secrets WHERE value LIKE 'the%')",
])
def test_tables_outside_the_rule_are_refused(gw, people, sql):
    with connect(gw, people["other"]) as c, c.cursor() as cur:
        assert refused(cur, sql)[0] == 1142
        cur.execute("SELECT DATABASE(), count(*) FROM orders")
        assert cur.fetchone() == ("shop", 3)


def test_a_table_restricted_agent_does_not_see_other_principals_statements(gw, people):
    # FINDING: every principal of a connection shares one upstream user, and information_schema is exempt from `tables`: other-agent reads the writer's running statement text (literals included) from PROCESSLIST / SHOW FULL PROCESSLIST
    import threading
    marker = "card 4111-1111-1111-1111"

    def slow():
        with connect(gw, people["writer"]) as w, w.cursor() as wcur:
            wcur.execute(f"SELECT SLEEP(3), '{marker}'")
    t = threading.Thread(target=slow)
    t.start()
    try:
        time.sleep(1)
        seen = []
        with connect(gw, people["other"]) as c, c.cursor() as cur:
            for sql in ("SELECT INFO FROM information_schema.PROCESSLIST", "SHOW FULL PROCESSLIST"):
                try:
                    seen.append(run_all(cur, sql))
                except pymysql.err.MySQLError as e:
                    seen.append(e.args)
    finally:
        t.join()
    assert marker not in repr(seen), seen


def test_init_db_elsewhere_then_unqualified_names_resolve_there(gw, people):
    with connect(gw, people["other"]) as c:
        c.select_db("information_schema")  # allowed: USE is a read
        with c.cursor() as cur:
            # information_schema.orders: a catalog read the rule covers; the server has no such table.
            assert refused(cur, "SELECT * FROM orders")[0] == 1109
            for sql in ("SELECT * FROM shop.secrets", "USE shop; SELECT * FROM secrets"):
                assert refused(cur, sql)[0] == 1142
            cur.execute("SELECT count(*) FROM shop.orders")
            assert cur.fetchone() == (3,)


# =========================================================================================
# Statements with side effects a read-only agent may not run
# =========================================================================================

@pytest.mark.parametrize("sql", [
    "SELECT GET_LOCK('lk', 0)", "DO GET_LOCK('lk', 0)", "SELECT RELEASE_ALL_LOCKS()",
    "SELECT LOAD_FILE('/etc/passwd')", "SELECT * FROM orders INTO DUMPFILE '/tmp/gh-x'",
    "SELECT 1 UNION SELECT 2 INTO OUTFILE '/tmp/gh-y'", "HANDLER orders OPEN", "CALL p()",
    "LOCK TABLES orders READ", "XA START 'x'", "SELECT NEXTVAL(orders)", "SELECT * FROM orders FOR UPDATE",
    "SELECT * FROM orders LOCK IN SHARE MODE", "SELECT sys_exec('id')", "SELECT shop.f()",
    "SET foreign_key_checks = 0", "SET @@global.general_log = 1", "KILL 1", "FLUSH TABLES",
    "SET @q = 'DELETE FROM orders'; PREPARE p FROM @q", "EXECUTE never_prepared",
    "BEGIN NOT ATOMIC DELETE FROM orders; END", "LOAD DATA INFILE '/etc/passwd' INTO TABLE orders",
    "CREATE TEMPORARY TABLE t (a INT)", "SELECT * FROM orders PROCEDURE ANALYSE()",
])
def test_side_effects_are_refused_for_a_read_only_agent(gw, people, maria, sql):
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        assert refused(cur, sql)[0] == 1142
        cur.execute("SELECT 7")
        assert cur.fetchone() == (7,)
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


# =========================================================================================
# The binary protocol and the wire
# =========================================================================================

def test_prepared_writes_and_executes_of_ids_the_gateway_did_not_see(gw, people, maria):
    with connect(gw, people["agent"]) as c:
        with pytest.raises(pymysql.err.OperationalError) as e:
            stmt_prepare(c, "DELETE FROM orders")
        assert e.value.args[0] == 1142
        for stmt_id in (0xffffffff, 1, 2, 77):  # "the last prepared", and guesses
            with pytest.raises(pymysql.err.OperationalError) as e:
                stmt_execute_no_params(c, stmt_id)
            assert e.value.args[0] == 1142
        read_id = stmt_prepare(c, "SELECT count(*) FROM orders")
        # Long data for a statement without parameters, then a reset: nothing runs.
        c._next_seq_id = 0
        c.write_packet(b"\x18" + struct.pack("<IH", read_id, 0) + b"DELETE FROM orders")
        assert raw_command(c, b"\x1a" + struct.pack("<I", read_id)).is_ok_packet()
        with c.cursor() as cur:
            cur.execute("SELECT 9")
            assert cur.fetchone() == (9,)
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


def test_refused_commands_are_recorded(gw, people):
    marker = "gh-attack-audit-marker"
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        refused(cur, f"DELETE FROM orders WHERE note = '{marker}'")
    hits = audit_lines(gw, "chatgpt-agent", lambda l: marker in (l.get("statement") or ""))
    assert hits and hits[0]["decision"] == "deny" and hits[0]["class"] == "write"


def raw_session(gw, tok):
    """A plain socket through the handshake as `tok` (mysql_clear_password), in shop."""
    sock = socket.create_connection(("127.0.0.1", gw.mysql_port), timeout=10)
    read_packet(sock)  # greeting
    caps = 0x0200 | 0x8000 | 0x80000 | 0x0008 | 0x10000 | 0x20000  # 41, SECURE, PLUGIN_AUTH, DB, MULTI_*
    token = tok.value.encode()
    body = struct.pack("<IIB", caps, 1 << 24, 45) + b"\0" * 23 + tok.principal.encode() + b"\0" + \
        bytes([len(token)]) + token + b"shop\0" + b"mysql_clear_password\0"
    sock.sendall(struct.pack("<I", len(body))[:3] + b"\x01" + body)
    ok = read_packet(sock)
    assert ok and ok[0] == 0, ok
    return sock


def read_packet(sock):
    def exactly(n):
        b = b""
        while len(b) < n:
            chunk = sock.recv(n - len(b))
            if not chunk:
                return None
            b += chunk
        return b
    try:
        h = exactly(4)
        if h is None:
            return None
        return exactly(int.from_bytes(h[:3], "little"))
    except (ConnectionResetError, socket.timeout):
        return None


def packet(seq, payload):
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload


def test_pipelined_commands_are_each_decided(gw, people, maria):
    sock = raw_session(gw, people["agent"])
    sock.sendall(packet(0, b"\x03DELETE FROM orders") + packet(0, b"\x03SELECT 5") +
                 packet(0, b"\x03UPDATE orders SET note = 'p'"))
    first = read_packet(sock)
    assert first[0] == 0xff and struct.unpack("<H", first[1:3])[0] == 1142
    assert read_packet(sock)[0] == 1  # one column
    while True:  # column definition, row, end
        p = read_packet(sock)
        if p[0] == 0xfe and len(p) < 9:
            break
        if p[0] == 0xff:
            pytest.fail(p)
    third = read_packet(sock)
    while third[0] != 0xff:
        third = read_packet(sock)
    assert struct.unpack("<H", third[1:3])[0] == 1142
    sock.close()
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


def test_a_command_with_a_wrong_sequence_id_ends_that_session_only(gw, people, maria):
    sock = raw_session(gw, people["agent"])
    sock.sendall(packet(7, b"\x03DELETE FROM orders") + packet(3, b"\x03SELECT 1"))
    answer = read_packet(sock)
    assert answer is None or answer[0] == 0xff
    sock.close()
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        cur.execute("SELECT 11")
        assert cur.fetchone() == (11,)
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


def test_an_oversized_command_ends_the_session_only(gw, people):
    sock = raw_session(gw, people["agent"])
    try:
        sock.sendall(packet(0, b"\x03SELECT '" + b"y" * (2 * 1024 * 1024) + b"'"))
        answer = read_packet(sock)
    except (ConnectionResetError, BrokenPipeError):
        answer = None  # ended before the rest was even read: the kernel answered the rest with a reset
    assert answer is None or (answer[0] == 0xff and struct.unpack("<H", answer[1:3])[0] == 1153)
    sock.close()
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        cur.execute("SELECT 12")
        assert cur.fetchone() == (12,)


@pytest.mark.parametrize("payload", [
    b"\x12" + struct.pack("<IHI", 4, 0, 1),            # COM_BINLOG_DUMP
    b"\x1e" + struct.pack("<IHI", 4, 0, 1) + b"\0" * 8,  # COM_BINLOG_DUMP_GTID
    b"\x15" + struct.pack("<I", 2) + b"\0\0\0" + struct.pack("<HII", 3306, 0, 0),  # COM_REGISTER_SLAVE
    b"\x08\x00",                                       # COM_SHUTDOWN
    b"\x07\x01",                                       # COM_REFRESH
    b"\x05mysql",                                      # COM_CREATE_DB
    b"\xfa\x01\x00\x00\x00",                           # COM_STMT_BULK_EXECUTE
    b"\xfe\x00",                                       # COM_MULTI
    b"\x00",                                           # COM_SLEEP
    b"\x0d",                                           # COM_DEBUG
])
def test_server_and_replication_commands_are_refused(gw, people, payload):
    with connect(gw, people["agent"]) as c:
        with pytest.raises(pymysql.err.OperationalError) as e:
            raw_command(c, payload).raise_for_error()
        assert e.value.args[0] == 1142
        with c.cursor() as cur:
            cur.execute("SELECT 13")
            assert cur.fetchone() == (13,)


def test_multi_statements_off_then_on_with_set_option(gw, people, maria):
    with connect(gw, people["agent"], multi=False) as c:
        assert raw_command(c, b"\x1b\x00\x00").is_eof_packet() or True  # MYSQL_OPTION_MULTI_STATEMENTS_ON
        with c.cursor() as cur:
            assert refused(cur, "SELECT 1; DELETE FROM orders")[0] == 1142
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT


@pytest.mark.parametrize("sql", [
    "SELECT " + "(" * 50000 + "1" + ")" * 50000,           # deeper than the classifier walks
    "SELECT 1; " * 20000 + "DELETE FROM orders",          # many statements, the write last
    "SELECT 1\0; DELETE FROM orders",                     # a NUL byte
    "SELECT '" + "\\" * 100001 + "'",                     # an unterminated run of escapes
], ids=["deep-parentheses", "20000-statements", "nul-byte", "escapes-run"])
def test_texts_built_to_exhaust_the_classifier_are_refused_and_the_gateway_goes_on(gw, people, maria, sql):
    with connect(gw, people["agent"]) as c, c.cursor() as cur:
        try:
            run_all(cur, sql)
        except pymysql.err.MySQLError as e:
            assert e.args[0] in (1142, 1064), e.args
        cur.execute("SELECT 14")
        assert cur.fetchone() == (14,)
    assert orders_snapshot(maria) == ORDERS_SNAPSHOT
