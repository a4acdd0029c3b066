#!/usr/bin/python3
"""Differential test: what the classifier calls a read is a read for PostgreSQL.

Every case of the classifier's test data (the shared corpus, tests/sql/pg_cases.test,
the psql -E catalog queries) that `gatehouse classify --json` calls `read` runs on a
throwaway PostgreSQL 15 inside `BEGIN READ ONLY` (on a session whose default is
read-only too). A read-only violation (SQLSTATE 25006) is a classifier bug and fails
the test; other errors (a function or cursor that does not exist...) are expected for
some cases and only reported. Cases classified otherwise are not run: some of them
would act on this machine (COPY ... TO PROGRAM, pg_terminate_backend).

It also checks that every function of the server's pg_catalog is in the classifier's
function catalogue (a name it did not know would be a "user-defined function").

Run: /usr/bin/python3 tests/integration/test_pg_classifier_readonly.py [-v]
Env: GATEHOUSE_BIN (default <repo>/build/gatehouse).
Exit status: 0 when no read-only violation and no unknown built-in, 1 otherwise.
"""

import json
import os
import subprocess
import sys

from psycopg import pq

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from pgserver import pg_server  # noqa: E402

GATEHOUSE = os.environ.get("GATEHOUSE_BIN", os.path.join(REPO, "build", "gatehouse"))
SQL_TESTS = os.path.join(REPO, "tests", "sql")
SHARED_CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus", "postgres-classify.jsonl")

FIXTURES = """
CREATE TABLE customers (id int PRIMARY KEY, name text);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int, total numeric DEFAULT 0, note text,
                     created_at timestamptz DEFAULT now(), data jsonb);
CREATE TABLE staging (id int, total numeric);
CREATE TABLE docs (data jsonb);
CREATE TABLE t (id int, a int, b int, x int, note text);
CREATE TABLE settings_to_change (name text);
CREATE SEQUENCE orders_id_seq;
CREATE SEQUENCE s;
CREATE VIEW v AS SELECT * FROM orders;
CREATE MATERIALIZED VIEW mv AS SELECT * FROM orders;
INSERT INTO customers VALUES (1, 'ann'), (2, 'bob');
INSERT INTO orders (id, customer_id, total, note, data) VALUES
  (1, 1, 10, 'a', '{"k": "v", "a": {"b": 1}}'), (2, 2, 200, 'b', '{}');
SELECT nextval('orders_id_seq'), nextval('s');
"""


def pg_cases():
    out = []
    with open(os.path.join(SQL_TESTS, "pg_cases.test"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            _, sql = line.split("\t", 1)
            out.append((f"pg_cases.test:{n}", sql.replace("\\n", "\n")))
    return out


def corpus_cases(path, label):
    out = []
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                out.append((f"{label}:{n}", json.loads(line)["sql"]))
    return out


def psql_cases():
    out, command, lines = [], None, []
    with open(os.path.join(SQL_TESTS, "psql_introspection.sql"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("-- command: "):
                command, lines = line[12:], []
            elif line == ";;":
                out.append((f"psql {command}", "\n".join(lines)))
            elif command is not None:
                lines.append(line)
    return out


def classify(sql):
    out = subprocess.run([GATEHOUSE, "classify", "--json", sql], capture_output=True, text=True,
                         timeout=30)
    if out.returncode != 0:
        raise RuntimeError(f"gatehouse classify failed ({out.returncode}): {out.stderr}")
    return json.loads(out.stdout)


def run_read_only(dsn, sql):
    """None when it ran, else (sqlstate, message).

    libpq's PQexec, as psql sends a query: the simple protocol, so a
    multi-statement string runs whole and stops at its first error. Each case
    gets its own session, closed afterwards (which also ends COPY OUT and
    rolls back), so no case sees what another changed.
    """
    conninfo = dsn + " options='-c default_transaction_read_only=on -c statement_timeout=5000'"
    pgconn = pq.PGconn.connect(conninfo.encode())
    try:
        if pgconn.status != pq.ConnStatus.OK:
            raise RuntimeError(f"cannot connect: {pgconn.error_message!r}")
        begin = pgconn.exec_(b"BEGIN READ ONLY")
        if begin.status != pq.ExecStatus.COMMAND_OK:
            return ("?", "BEGIN READ ONLY failed")
        res = pgconn.exec_(sql.encode())
        if res.status in (pq.ExecStatus.FATAL_ERROR, pq.ExecStatus.BAD_RESPONSE):
            state = res.error_field(pq.DiagnosticField.SQLSTATE) or b"?"
            msg = res.error_field(pq.DiagnosticField.MESSAGE_PRIMARY) or b""
            return (state.decode(), msg.decode(errors="replace"))
        return None
    finally:
        pgconn.finish()  # never commits: the transaction dies with the session


def check_function_catalogue(pg):
    """Every pg_catalog function name must be known to the classifier."""
    names = pg.psql("SELECT DISTINCT proname FROM pg_proc "
                    "WHERE pronamespace = 'pg_catalog'::regnamespace ORDER BY 1").split()
    unknown = []
    batch = 400
    for i in range(0, len(names), batch):
        chunk = names[i:i + batch]
        sql = "; ".join(f'SELECT pg_catalog."{n}"()' for n in chunk)
        result = classify(sql)
        for name, st in zip(chunk, result["statements"]):
            if "user-defined" in st["reason"] or "not the built-in" in st["reason"]:
                unknown.append(name)
    return len(names), unknown


def main():
    verbose = "-v" in sys.argv
    if not os.access(GATEHOUSE, os.X_OK):
        sys.exit(f"no gatehouse binary at {GATEHOUSE} (set GATEHOUSE_BIN)")
    cases = (corpus_cases(os.path.join(SQL_TESTS, "corpus", "postgres-classify.jsonl"), "corpus")
             + corpus_cases(SHARED_CORPUS, "shared-corpus") + pg_cases() + psql_cases())
    violations, errors, ran, skipped = [], [], 0, 0
    with pg_server() as pg:
        pg.psql(FIXTURES)
        for where, sql in cases:
            c = classify(sql)
            if c["class"] != "read":
                skipped += 1
                continue
            ran += 1
            err = run_read_only(pg.dsn, sql)
            if err is None:
                continue
            if err[0] == "25006":
                violations.append((where, sql, err))
            else:
                errors.append((where, sql, err))
        total_functions, unknown_functions = check_function_catalogue(pg)

    print(f"{len(cases)} cases: {ran} classified read and run in READ ONLY, "
          f"{skipped} not read (not run)")
    print(f"{len(errors)} read cases failed for other reasons (expected for some):")
    for where, sql, (state, msg) in errors if verbose else errors[:15]:
        print(f"  {where}: {state} {msg}")
    if not verbose and len(errors) > 15:
        print(f"  ... (-v lists all {len(errors)})")
    print(f"function catalogue: {total_functions - len(unknown_functions)}/{total_functions} "
          f"pg_catalog functions known")
    for name in unknown_functions:
        print(f"  UNKNOWN BUILT-IN: {name}")
    for where, sql, (state, msg) in violations:
        print(f"READ-ONLY VIOLATION {where}: {sql!r}\n  {state} {msg}")
    failed = bool(violations or unknown_functions)
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
