"""Statements held for a human inside live MySQL sessions (issue 8): the client
waits for its answer while a reviewer decides from the CLI; an approval runs
the statement and names the review in the OK's info (what the mariadb client
prints after "Query OK", and mysql2's ResultSetHeader.info); a rejection or a
time-out is ERR 1142 naming the review; held prepared statements; just-in-time
grants that make an open session writable, then read-only again.

One MariaDB and one gateway (with its HTTP API) for the module."""

import json
import os
import subprocess
import threading
import time

import pymysql
import pytest

from harness import (MARIADB_CLIENT, gatehouse_bin, gateway_process, mariadb_app_database, mysql_connect,
                     new_token, node_mysql2_run)
from mariadbserver import mariadb_server

RULES = [
    {"name": "agents-read", "principals": ["chatgpt-agent"], "connections": ["shop"],
     "allow": ["read"], "review": ["write", "ddl"], "reviewers": ["group:dba"]},
    {"name": "oncall-write", "principals": ["jit-agent"], "connections": ["shop"],
     "allow": ["read", "write"], "reviewers": ["group:dba"], "jit": {"max": "1h"}},
    {"name": "jit-agent-read", "principals": ["jit-agent"], "connections": ["shop"], "allow": ["read"]},
]


@pytest.fixture(scope="module")
def maria():
    with mariadb_server() as m:
        yield m


@pytest.fixture(scope="module")
def people():
    return {
        "agent": new_token("chatgpt-agent", ["agents"]),
        "jit": new_token("jit-agent", ["agents"]),
        "alice": new_token("dba-alice", ["dba"]),
    }


@pytest.fixture(scope="module")
def gw(tmp_path_factory, maria, people):
    shop = mariadb_app_database(maria)
    workdir = str(tmp_path_factory.mktemp("gwmyrev"))
    with gateway_process(workdir, {"shop": shop.connection(type="mysql")}, [t.entry for t in people.values()],
                         RULES, extra={"gateway": {"review_timeout": "4s"}}, http=True, mysql=True) as g:
        yield g


def cli(gw, tok, *args):
    env = dict(os.environ, GATEHOUSE_SERVER=gw.http_url, GATEHOUSE_TOKEN=tok.value)
    return subprocess.run([gatehouse_bin, *args], capture_output=True, text=True, env=env, timeout=60)


def pending_review(gw, reviewer, statement, timeout=10):
    """The id of the pending review that holds `statement`, as a reviewer finds it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = cli(gw, reviewer, "review", "list", "--json")
        assert r.returncode == 0, r.stderr
        for rev in json.loads(r.stdout)["reviews"]:
            if rev["state"] == "pending" and rev["statement"] == statement:
                return rev["id"]
        time.sleep(0.05)
    raise AssertionError(f"no pending review for {statement!r}")


def note_of(maria, order_id):
    return maria.root_sql(f"SELECT IFNULL(note, '-') FROM shop.orders WHERE id = {order_id}").strip()


def test_a_held_write_approved_from_the_cli_runs_and_the_mariadb_client_shows_the_review(gw, people, maria,
                                                                                         tmp_path):
    sql = "UPDATE orders SET note = 'approved' WHERE id = 1"
    script = tmp_path / "held.sql"
    script.write_text(sql + ";\nSELECT note FROM orders WHERE id = 1;\n")
    env = dict(os.environ, MYSQL_PWD=people["agent"].value)
    # -vvv: what the client prints at a terminal ("Query OK", then the OK's info).
    with open(script) as stdin:
        client = subprocess.Popen([MARIADB_CLIENT, "--no-defaults", "--protocol=tcp", "-h", gw.host, "-P",
                                   str(gw.mysql_port), "-u", "chatgpt-agent", "-vvv", "shop"],
                                  stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    rid = pending_review(gw, people["alice"], sql)
    assert note_of(maria, 1) == "first"  # held: not run
    assert client.poll() is None          # the client waits for its answer
    shown = cli(gw, people["alice"], "review", "show", rid, "--json")
    assert shown.returncode == 0 and "UPDATE orders" in shown.stdout, shown.stderr
    ok = cli(gw, people["alice"], "review", "approve", rid, "--comment", "ok")
    assert ok.returncode == 0, ok.stderr
    out, err = client.communicate(timeout=30)
    assert client.returncode == 0, err
    assert f"gatehouse: review {rid} approved by dba-alice" in out
    assert "Query OK, 1 row affected" in out
    assert "| approved |" in out  # the same session went on
    assert note_of(maria, 1) == "approved"
    decisions = [json.loads(l) for l in gw.cli("audit", "search", "--config", gw.config_path, "--json",
                                               "--principal", "chatgpt-agent").stdout.splitlines()]
    mine = [d for d in decisions if d["statement"] == sql]
    assert mine and all(d["principal"] == "chatgpt-agent" for d in mine)


def test_a_rejected_write_is_err_1142_naming_the_review_and_the_session_goes_on(gw, people, maria):
    sql = "DELETE FROM orders WHERE id = 2"
    run = node_mysql2_run(gw, people["agent"], [{"op": "query", "sql": sql},
                                                {"op": "query", "sql": "SELECT count(*) AS n FROM orders"}])
    rid = pending_review(gw, people["alice"], sql)
    own = cli(gw, people["agent"], "review", "approve", rid)
    assert own.returncode != 0  # a requester never approves its own review
    r = cli(gw, people["alice"], "review", "reject", rid, "--comment", "not today")
    assert r.returncode == 0, r.stderr
    out = run.result()
    err = out["steps"][0]["error"]
    assert err["errno"] == 1142 and err["sqlState"] == "42000", out
    assert f"review {rid} was rejected by dba-alice: not today" in err["message"]
    assert out["steps"][1]["rows"] == [{"n": 3}]


def test_a_held_prepared_statement_runs_once_approved(gw, people, maria):
    sql = "UPDATE orders SET note = ? WHERE id = ?"
    run = node_mysql2_run(gw, people["agent"], [{"op": "execute", "sql": sql, "params": ["prepared", 3]}])
    rid = pending_review(gw, people["alice"], sql)
    assert note_of(maria, 3) == "-"
    assert cli(gw, people["alice"], "review", "approve", rid).returncode == 0
    out = run.result()
    step = out["steps"][0]
    assert step.get("affectedRows") == 1, out
    assert f"review {rid} approved by dba-alice" in step["info"]  # mysql2's ResultSetHeader.info
    assert note_of(maria, 3) == "prepared"


def test_an_undecided_review_times_out_with_err_1142(gw, people, maria):
    with mysql_connect(gw, people["agent"]) as c, c.cursor() as cur:
        start = time.monotonic()
        with pytest.raises(pymysql.err.OperationalError) as e:
            cur.execute("UPDATE orders SET note = 'late' WHERE id = 1")
        assert 3.5 < time.monotonic() - start < 15
        assert e.value.args[0] == 1142
        assert "expired: no reviewer decided within 4s" in e.value.args[1]
        cur.execute("SELECT 1")
        assert cur.fetchone() == (1,)
    assert note_of(maria, 1) != "late"


def test_kill_query_withdraws_a_held_statement(gw, people, maria):
    # Ctrl-C in the mariadb client while its statement waits for a reviewer.
    sql = "UPDATE orders SET note = 'killed' WHERE id = 2"
    with mysql_connect(gw, people["agent"]) as a:
        out = {}

        def run():
            try:
                with a.cursor() as cur:
                    cur.execute(sql)
            except pymysql.err.MySQLError as e:
                out["error"] = e.args
            out["done"] = time.monotonic()

        t = threading.Thread(target=run)
        t.start()
        rid = pending_review(gw, people["alice"], sql)
        with mysql_connect(gw, people["agent"]) as b, b.cursor() as cur:
            cur.execute(f"KILL QUERY {a.thread_id()}")
        t.join(10)
        code, message = out["error"]
        assert code == 1317 and f"review {rid} is withdrawn" in message, out
        shown = json.loads(cli(gw, people["alice"], "review", "show", rid, "--json").stdout)
        assert shown["state"] == "cancelled", shown
        with a.cursor() as cur:  # the session goes on
            cur.execute("SELECT 1")
            assert cur.fetchone() == (1,)
    assert note_of(maria, 2) != "killed"


def test_a_jit_grant_makes_an_open_session_writable_then_read_only_again(gw, people, maria):
    with mysql_connect(gw, people["jit"]) as c, c.cursor() as cur:
        cur.execute("SELECT @@tx_read_only")
        assert cur.fetchone() == (1,)
        with pytest.raises(pymysql.err.OperationalError) as e:
            cur.execute("UPDATE orders SET note = 'jit' WHERE id = 2")
        assert e.value.args[0] == 1142
        assert "grant request --rule oncall-write" in e.value.args[1]
        req = cli(gw, people["jit"], "grant", "request", "--rule", "oncall-write", "--for", "5s", "--reason",
                  "fix order 2", "--json")
        assert req.returncode == 0, req.stderr
        ok = cli(gw, people["alice"], "review", "approve", json.loads(req.stdout)["review"])
        assert ok.returncode == 0, ok.stderr
        granted_at = time.monotonic()
        assert cur.execute("UPDATE orders SET note = 'jit' WHERE id = 2") == 1
        cur.execute("SELECT @@tx_read_only")
        assert cur.fetchone() == (0,)  # the second wall follows the grant
        time.sleep(max(0.0, 6.5 - (time.monotonic() - granted_at)))
        with pytest.raises(pymysql.err.OperationalError) as e:
            cur.execute("UPDATE orders SET note = 'late' WHERE id = 2")
        assert e.value.args[0] == 1142
        cur.execute("SELECT @@tx_read_only")
        assert cur.fetchone() == (1,)
    assert note_of(maria, 2) == "jit"
