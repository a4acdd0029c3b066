"""Statements held for a human inside live sessions (issue 6): the NOTICE
naming the review, approval from another process through the CLI, rejection,
self-approval and non-reviewers refused, timeout, cancel and disconnect, the
extended protocol, and just-in-time grants that end under an open session."""

import json
import os
import re
import subprocess
import threading
import time

import psycopg
import pytest

from harness import gatehouse_bin, gateway_process, new_token

RULES = [
    {"name": "agents-read", "principals": ["chatgpt-agent"], "connections": ["app"],
     "allow": ["read"], "review": ["write", "ddl"], "reviewers": ["group:dba"]},
    {"name": "oncall-write", "principals": ["jit-agent"], "connections": ["app"],
     "allow": ["read", "write"], "reviewers": ["group:dba"], "jit": {"max": "1h"}},
    {"name": "jit-agent-read", "principals": ["jit-agent"], "connections": ["app"], "allow": ["read"]},
]


@pytest.fixture(scope="module")
def people():
    return {
        "agent": new_token("chatgpt-agent", ["agents"]),
        "jit": new_token("jit-agent", ["agents"]),
        "alice": new_token("dba-alice", ["dba"]),
        "stranger": new_token("stranger"),
    }


@pytest.fixture(scope="module")
def gw(tmp_path_factory, app, people):
    workdir = str(tmp_path_factory.mktemp("gwrev"))
    with gateway_process(workdir, {"app": app.connection()}, [t.entry for t in people.values()], RULES,
                         extra={"gateway": {"review_timeout": "4s"}}, http=True) as g:
        yield g


def cli(gw, tok, *args):
    env = dict(os.environ, GATEHOUSE_SERVER=gw.http_url, GATEHOUSE_TOKEN=tok.value)
    return subprocess.run([gatehouse_bin, *args], capture_output=True, text=True, env=env, timeout=60)


class held_statement:
    """Runs `sql` on its own connection in a thread and catches the NOTICE
    that names its review."""

    def __init__(self, gw, tok, sql, params=None, prepare=None, simple=False, setup=None):
        # simple: the simple query protocol (several statements in one string).
        self.conn = psycopg.connect(gw.dsn(tok), autocommit=True,
                                    cursor_factory=psycopg.ClientCursor if simple else psycopg.Cursor)
        for statement in setup or []:
            self.conn.execute(statement)
        self.notices = []
        self.conn.add_notice_handler(lambda d: self.notices.append(d.message_primary))
        self.result = None
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(sql, params, prepare))
        self.thread.start()

    def _run(self, sql, params, prepare):
        try:
            cur = self.conn.execute(sql, params, prepare=prepare)
            self.result = cur.statusmessage
        except psycopg.Error as e:
            self.error = e

    def review_id(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for n in self.notices:
                m = re.search(r"review (r-[0-9a-f]{12})", n)
                if m:
                    return m.group(1)
            time.sleep(0.05)
        raise AssertionError(f"no review notice; notices={self.notices} error={self.error}")

    def finish(self, timeout=15):
        self.thread.join(timeout)
        assert not self.thread.is_alive()
        return self


def total_of(pg, order_id):
    return pg.psql(f"SELECT total FROM orders WHERE id = {order_id}", dbname="app").strip()


def test_held_update_is_approved_by_a_reviewer_and_runs(gw, people, pg):
    before = total_of(pg, 3)
    h = held_statement(gw, people["agent"], "UPDATE orders SET total = total + 1 WHERE id = 3")
    rid = h.review_id()
    assert total_of(pg, 3) == before  # held: not run yet
    shown = cli(gw, people["alice"], "review", "show", rid, "--json")
    assert shown.returncode == 0, shown.stderr
    assert "UPDATE orders" in shown.stdout
    r = cli(gw, people["alice"], "review", "approve", rid, "--comment", "ok")
    assert r.returncode == 0, r.stderr
    h.finish()
    assert h.error is None and h.result == "UPDATE 1"
    assert total_of(pg, 3) != before
    # the same session goes on; an approval covers that statement only
    assert h.conn.execute("SELECT 1").fetchone()[0] == 1
    h.conn.close()


def test_agent_cannot_approve_its_own_review_and_strangers_cannot_either(gw, people, pg):
    h = held_statement(gw, people["agent"], "DELETE FROM orders WHERE id = 3")
    rid = h.review_id()
    own = cli(gw, people["agent"], "review", "approve", rid)
    assert own.returncode == 1
    assert "own" in (own.stdout + own.stderr)
    other = cli(gw, people["stranger"], "review", "approve", rid)
    assert other.returncode == 1
    rejected = cli(gw, people["alice"], "review", "reject", rid, "--comment", "not today")
    assert rejected.returncode == 0, rejected.stderr
    h.finish()
    assert h.error is not None and h.error.sqlstate == "42501"
    assert "rejected by dba-alice" in str(h.error) and "not today" in str(h.error)
    assert pg.psql("SELECT count(*) FROM orders WHERE id = 3", dbname="app").strip() == "1"
    h.conn.close()


def test_review_times_out(gw, people):
    h = held_statement(gw, people["agent"], "UPDATE orders SET note = 'timeout' WHERE id = 1")
    h.review_id()
    h.finish(timeout=20)
    assert h.error is not None and h.error.sqlstate == "42501"
    assert "expired" in str(h.error)
    h.conn.close()


def test_cancel_while_held_withdraws_the_review(gw, people):
    h = held_statement(gw, people["agent"], "UPDATE orders SET note = 'cancel' WHERE id = 1")
    rid = h.review_id()
    h.conn.cancel()
    h.finish()
    assert h.error is not None and h.error.sqlstate == "57014"
    shown = cli(gw, people["alice"], "review", "show", rid, "--json")
    assert json.loads(shown.stdout)["state"] == "cancelled"
    late = cli(gw, people["alice"], "review", "approve", rid)
    assert late.returncode == 1
    assert h.conn.execute("SELECT 1").fetchone()[0] == 1
    h.conn.close()


def test_disconnect_while_held_withdraws_the_review(gw, people):
    h = held_statement(gw, people["agent"], "UPDATE orders SET note = 'gone' WHERE id = 1")
    rid = h.review_id()
    h.conn.pgconn.finish()  # the client vanishes
    h.finish()
    deadline = time.monotonic() + 5
    state = None
    while time.monotonic() < deadline:
        state = json.loads(cli(gw, people["alice"], "review", "show", rid, "--json").stdout)["state"]
        if state != "pending":
            break
        time.sleep(0.1)
    assert state == "cancelled"


def test_extended_protocol_hold_each_execution(gw, people, pg):
    before = total_of(pg, 2)
    h = held_statement(gw, people["agent"], "UPDATE orders SET total = total + %s WHERE id = %s", (1, 2),
                       prepare=True)
    rid = h.review_id()
    assert cli(gw, people["alice"], "review", "approve", rid).returncode == 0
    h.finish()
    assert h.error is None
    assert total_of(pg, 2) != before
    h.conn.close()


def test_jit_grant_opens_writes_then_ends_under_an_open_session(gw, people, pg):
    with psycopg.connect(gw.dsn(people["jit"]), autocommit=True) as c:
        with pytest.raises(psycopg.Error) as e:
            c.execute("UPDATE orders SET note = 'jit' WHERE id = 1")
        assert e.value.sqlstate == "42501"
        assert "grant request --rule oncall-write" in str(e.value)
        req = cli(gw, people["jit"], "grant", "request", "--rule", "oncall-write", "--for", "6s", "--reason",
                  "fix order 1", "--json")
        assert req.returncode == 0, req.stderr
        rid = json.loads(req.stdout)["review"]
        ok = cli(gw, people["alice"], "review", "approve", rid)
        assert ok.returncode == 0, ok.stderr
        granted_at = time.monotonic()
        assert c.execute("UPDATE orders SET note = 'jit' WHERE id = 1").statusmessage == "UPDATE 1"
        time.sleep(max(0, 8 - (time.monotonic() - granted_at)))
        with pytest.raises(psycopg.Error) as e:
            c.execute("UPDATE orders SET note = 'late' WHERE id = 1")
        assert e.value.sqlstate == "42501"
        assert c.execute("SELECT note FROM orders WHERE id = 1").fetchone()[0] == "jit"


def test_what_an_approved_statement_did_to_the_session_counts_afterwards(gw, people, pg):
    # An approval covers one statement. If that statement replaces a prepared
    # read with a write, the next EXECUTE of that name is a write again: held,
    # not run as the read it replaced.
    h = held_statement(gw, people["agent"],
                       "DEALLOCATE zap; PREPARE zap AS DELETE FROM orders WHERE id = 3",
                       simple=True, setup=["PREPARE zap AS SELECT 1"])
    rid = h.review_id()
    r = cli(gw, people["alice"], "review", "approve", rid)
    assert r.returncode == 0, r.stderr
    h.finish()
    assert h.error is None, h.error
    seen = len(h.notices)
    with pytest.raises(psycopg.Error) as e:
        h.conn.execute("EXECUTE zap")  # held again; nobody approves; review_timeout ends it
    assert e.value.sqlstate == "42501"
    assert any(re.search(r"review r-[0-9a-f]{12}", n) for n in h.notices[seen:])
    assert pg.psql("SELECT count(*) FROM orders WHERE id = 3", dbname="app").strip() == "1"
    h.conn.close()

