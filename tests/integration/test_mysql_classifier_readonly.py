#!/usr/bin/python3
"""Differential test: what the MySQL classifier calls a read is a read for MariaDB.

Every case of the classifier's test data (the shared MySQL corpus and its copy,
tests/sql/mysql_cases.test with its sql_mode flags) that
`gatehouse classify --dialect mysql --json` calls `read` runs on a throwaway
MariaDB 10.11 in a session made read-only the way the gateway's second wall does
it (SET SESSION TRANSACTION READ ONLY), inside START TRANSACTION READ ONLY, as one
COM_QUERY with multi-statements on. A read-only violation (error 1792,
ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION) is a classifier bug and fails the test;
other errors (a syntax MariaDB lacks, a table that does not exist...) are expected
for some cases and only reported. Cases classified otherwise are not run.

It also checks that every function the catalogue lists is one the server resolves
itself (not a stored function of the current database), and that no keyword the
classifier reads as "not a call" before a parenthesis is, in that position, a
call of a stored function for the server.

Run: tests/integration/run.sh test_mysql_classifier_readonly.py
  or /usr/bin/python3 tests/integration/test_mysql_classifier_readonly.py [-v]
Env: GATEHOUSE_BIN (default <repo>/build/gatehouse).
"""

import json
import os
import re
import subprocess
import sys

import pymysql
from pymysql.constants import CLIENT

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from mariadbserver import mariadb_server  # noqa: E402

GATEHOUSE = os.environ.get("GATEHOUSE_BIN", os.path.join(REPO, "build", "gatehouse"))
SQL_TESTS = os.path.join(REPO, "tests", "sql")
SHARED_CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus", "mysql-classify.jsonl")
READ_ONLY_VIOLATION = 1792

FIXTURES = """
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(100));
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, total DECIMAL(10,2) DEFAULT 0,
                     note TEXT, created_at DATETIME DEFAULT NOW(), FULLTEXT (note));
CREATE TABLE archive LIKE orders;
CREATE TABLE t (id INT, a INT, x INT, next INT, previous INT, value INT, `INTO OUTFILE` INT);
CREATE TABLE u (id INT);
CREATE TABLE `delete` (id INT);
CREATE SEQUENCE seq;
INSERT INTO customers VALUES (1, 'ann', 'a@x'), (2, 'bob', 'b@x');
INSERT INTO orders (id, customer_id, total, note) VALUES (1, 1, 10, 'a'), (2, 2, 200, 'b');
"""


def unescape(sql):
    """tests/sql/mysql_cases.test escapes: \\n \\r \\t \\xHH; other backslashes are themselves."""
    out = bytearray()
    i = 0
    raw = sql.encode("utf-8")
    while i < len(raw):
        c = raw[i:i + 1]
        nxt = raw[i + 1:i + 2]
        if c == b"\\" and nxt in (b"n", b"r", b"t"):
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}[nxt]
            i += 2
        elif c == b"\\" and nxt == b"x" and re.fullmatch(rb"[0-9a-fA-F]{2}", raw[i + 2:i + 4]):
            out.append(int(raw[i + 2:i + 4], 16))
            i += 4
        else:
            out += c
            i += 1
    return bytes(out)


def golden_cases():
    """(where, sql bytes, sql_mode flags) of every line of mysql_cases.test."""
    out = []
    with open(os.path.join(SQL_TESTS, "mysql_cases.test"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            head, sql = line.split("\t", 1)
            flags = [flag.upper() for flag in head.split("@")[1:]]
            out.append((f"mysql_cases.test:{n}", unescape(sql), flags))
    return out


def corpus_cases(path, label):
    out = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    out.append((f"{label}:{n}", json.loads(line)["sql"].encode("utf-8"), []))
    return out


def all_cases():
    return (corpus_cases(os.path.join(SQL_TESTS, "corpus", "mysql-classify.jsonl"), "corpus")
            + corpus_cases(SHARED_CORPUS, "shared-corpus") + golden_cases())


def classify(sql, flags):
    cmd = [GATEHOUSE, "classify", "--dialect", "mysql", "--json"]
    if flags:
        cmd += ["--sql-mode", ",".join(flags)]
    out = subprocess.run(cmd + ["-"], input=sql, capture_output=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(f"gatehouse classify failed ({out.returncode}): {out.stderr!r}")
    return json.loads(out.stdout)


def connect(m, flags=()):
    conn = pymysql.connect(host=m.host, port=m.port, user=m.user, password=m.password,
                           database=m.database, client_flag=CLIENT.MULTI_STATEMENTS,
                           autocommit=True, charset="utf8mb4")
    with conn.cursor() as cur:
        cur.execute("SET SESSION max_statement_time = 5")
        cur.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, %s)",
                    ("".join("," + f for f in flags),))
        cur.execute("SET SESSION TRANSACTION READ ONLY")  # the gateway's second wall
    return conn


def run_read_only(m, sql, flags):
    """None when it ran, else (errno, message). Each case has its own session,
    closed without COMMIT, so no case sees what another did."""
    conn = connect(m, flags)
    try:
        with conn.cursor() as cur:
            cur.execute("START TRANSACTION READ ONLY")
            try:
                cur.execute(sql)
                while cur.nextset():
                    pass
            except pymysql.err.MySQLError as e:
                return (e.args[0], str(e.args[1]) if len(e.args) > 1 else "")
        return None
    finally:
        conn.close()


def differential(m, verbose=False):
    with m_connection(m) as cur:
        for stmt in filter(None, (s.strip() for s in FIXTURES.split(";"))):
            cur.execute(stmt)
    violations, errors, ran, skipped = [], [], 0, 0
    for where, sql, flags in all_cases():
        if classify(sql, flags)["class"] != "read":
            skipped += 1
            continue
        ran += 1
        err = run_read_only(m, sql, flags)
        if err is None:
            continue
        (violations if err[0] == READ_ONLY_VIOLATION else errors).append((where, sql, err))
    print(f"{ran + skipped} cases: {ran} classified read and run read-only, {skipped} not read")
    print(f"{len(errors)} read cases failed for other reasons (expected for some):")
    for where, sql, (code, msg) in errors if verbose else errors[:15]:
        print(f"  {where}: {code} {msg[:100]}")
    if not verbose and len(errors) > 15:
        print(f"  ... (-v lists all {len(errors)})")
    for where, sql, (code, msg) in violations:
        print(f"READ-ONLY VIOLATION {where}: {sql!r}\n  {code} {msg}")
    return ran, violations


class m_connection:
    def __init__(self, m):
        self.conn = pymysql.connect(host=m.host, port=m.port, user=m.user, password=m.password,
                                    database=m.database, autocommit=True)

    def __enter__(self):
        return self.conn.cursor()

    def __exit__(self, *exc):
        self.conn.close()


def catalogue_names():
    path = os.path.join(REPO, "src", "sql", "mysql", "function_catalogue_table.inc")
    with open(path, encoding="utf-8") as f:
        return re.findall(r'\{"([a-z0-9_]+)", ([RWA]),', f.read())


def unresolved_catalogue_names(m):
    """Catalogue names the server looks up as stored functions for every
    argument count: such a name would be a user's function, not a built-in."""
    udfs = {"sys_exec", "sys_eval", "sys_bineval", "sys_get", "sys_set"}
    types = {"bigint", "bit", "blob", "bool", "boolean", "datetime", "dec", "decimal", "double",
             "enum", "fixed", "float", "int", "integer", "json", "mediumint", "nchar", "numeric",
             "nvarchar", "real", "set", "signed", "smallint", "text", "tinyint", "unsigned",
             "varbinary", "varchar"}
    bad = []
    with m_connection(m) as cur:
        for name, _cls in catalogue_names():
            if name in udfs or name in types:
                continue
            codes = []
            for args in ("()", "(1)", "(1,1)", "('a','b','c')"):
                try:
                    cur.execute(f"SELECT {name}{args} FROM (SELECT 1) AS d WHERE 0")
                    cur.fetchall()
                    codes.append(0)
                except pymysql.err.MySQLError as e:
                    codes.append(e.args[0])
            if set(codes) <= {1305, 1630}:
                bad.append(name)
    return bad


def keywords_before_parenthesis():
    path = os.path.join(REPO, "src", "sql", "mysql", "function_catalogue.cpp")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    block = text[text.index("constexpr std::string_view keywords[]"):]
    return re.findall(r'"([a-z_]+)"', block[:block.index("};")])


def keywords_calling_stored_functions(m):
    """Keywords the classifier lets stand before '(' without a call, where the
    server calls a stored function instead: each must not be classified read
    in those positions."""
    bad = []
    with m_connection(m) as cur:
        for kw in keywords_before_parenthesis():
            for sql in (f"SELECT 1 + {kw}(1)", f"SELECT * FROM orders WHERE {kw}(1)",
                        f"SELECT {kw}(1)", f"SELECT {kw}(1, 2)"):
                try:
                    cur.execute(sql)
                    cur.fetchall()
                    continue
                except pymysql.err.MySQLError as e:
                    if e.args[0] not in (1305, 1630):
                        continue
                if classify(sql.encode(), [])["class"] == "read":
                    bad.append(sql)
    return bad


def check_binary():
    if not os.access(GATEHOUSE, os.X_OK):
        raise RuntimeError(f"no gatehouse binary at {GATEHOUSE} (set GATEHOUSE_BIN)")


def test_reads_run_in_a_read_only_transaction():
    check_binary()
    with mariadb_server() as m:
        ran, violations = differential(m)
        assert ran > 150, f"only {ran} read cases ran"
        assert not violations, violations
        assert unresolved_catalogue_names(m) == []
        assert keywords_calling_stored_functions(m) == []


def main():
    check_binary()
    with mariadb_server() as m:
        ran, violations = differential(m, verbose="-v" in sys.argv)
        bad = unresolved_catalogue_names(m)
        stored = keywords_calling_stored_functions(m)
    for name in bad:
        print(f"CATALOGUE NAME NOT A BUILT-IN: {name}")
    for sql in stored:
        print(f"KEYWORD CALLS A STORED FUNCTION, CLASSIFIED READ: {sql}")
    bad += stored
    failed = bool(violations or bad or ran <= 150)
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
