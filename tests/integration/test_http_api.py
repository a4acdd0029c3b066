"""The HTTP API through the real CLI: access reviews requested by an agent and
decided by reviewers, grants listed and revoked, refusals (self-review, a
non-reviewer, a second decision), a restart that orphans a pending review,
the webhook seen by a local receiver, /healthz and /metrics, HTTPS, and OIDC
tokens as bearer tokens.

Holding statements inside sessions (NOTICE, approve, the row changes) is
tested with the session relay (its own module)."""

import http.server
import json
import os
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request

import psycopg
import pytest

from harness import gatehouse_bin, gateway_process, new_token, token

JIT_RULES = [
    {"name": "agents-read", "principals": ["chatgpt-agent", "group:agents"], "connections": ["app"],
     "allow": ["read"], "review": ["write", "ddl"], "reviewers": ["group:dba"]},
    {"name": "oncall-write", "principals": ["group:agents", "group:analysts"], "connections": ["app"],
     "allow": ["read", "write"], "reviewers": ["group:dba"], "jit": {"max": "1h"}},
]


@pytest.fixture(scope="module")
def people():
    return {
        "agent": new_token("chatgpt-agent", ["agents"]),
        "alice": new_token("dba-alice", ["dba"]),
        "bob": new_token("dba-bob", ["dba"]),
        # An agent that is also in the dba group: a reviewer, never of its own requests.
        "both": new_token("ops-agent", ["agents", "dba"]),
        "stranger": new_token("stranger"),
    }


def start(tmp_path, app, people, extra=None, http=True, port=None):
    return gateway_process(str(tmp_path), {"app": app.connection()}, [t.entry for t in people.values()],
                           JIT_RULES, extra=extra, http=http, port=port)


def cli(gw, tok, *args, env_extra=None):
    env = dict(os.environ)
    env.pop("GATEHOUSE_TOKEN", None)
    env["GATEHOUSE_SERVER"] = gw.http_url
    if tok is not None:
        env["GATEHOUSE_TOKEN"] = tok.value
    env.update(env_extra or {})
    return subprocess.run([gatehouse_bin, *args], capture_output=True, text=True, env=env, timeout=60)


def ok_json(r):
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def request_access(gw, tok, duration="30m", reason="fix order 7"):
    out = ok_json(cli(gw, tok, "grant", "request", "--rule", "oncall-write", "--for", duration,
                      "--reason", reason, "--json"))
    assert out["review"].startswith("r-") and len(out["review"]) == 14
    assert out["state"] == "pending"
    return out["review"]


def audit_events(gw, expect):
    """(kind, decision, ref, reviewer) of every review and grant event in the
    audit store, once `expect` (a list of such tuples) are all there: the
    ingester moves the journals into SQLite in the background."""
    def rows():
        with sqlite3.connect(f"file:{os.path.join(gw.workdir, 'state.db')}?mode=ro", uri=True) as db:
            return db.execute("SELECT kind, decision, ref, coalesce(reviewer, '') FROM events "
                              "WHERE kind IN ('review', 'grant') ORDER BY seq").fetchall()
    wait_for(lambda: all(e in rows() for e in expect), timeout=5)
    return rows()


def test_access_requested_approved_listed_and_revoked(tmp_path, app, people):
    with start(tmp_path, app, people) as gw:
        rid = request_access(gw, people["agent"])
        pending = ok_json(cli(gw, people["alice"], "review", "list", "--json"))["reviews"]
        assert [r["id"] for r in pending] == [rid]
        assert pending[0]["kind"] == "access" and pending[0]["principal"] == "chatgpt-agent"
        assert pending[0]["reason"] == "fix order 7" and pending[0]["duration"] == "30m"

        table = cli(gw, people["alice"], "review", "list")
        assert table.returncode == 0 and rid in table.stdout and "access for 30m: fix order 7" in table.stdout

        approved = cli(gw, people["alice"], "review", "approve", rid, "--comment", "go ahead")
        assert approved.returncode == 0, approved.stderr
        assert f"review {rid} approved" in approved.stdout
        assert "grant g-" in approved.stdout

        grants = ok_json(cli(gw, people["agent"], "grant", "list", "--json"))["grants"]
        assert len(grants) == 1
        g = grants[0]
        assert (g["principal"], g["rule"], g["approver"], g["review"], g["active"]) == \
            ("chatgpt-agent", "oncall-write", "dba-alice", rid, True)
        assert g["duration"] == "30m"

        shown = ok_json(cli(gw, people["agent"], "review", "show", rid, "--json"))
        assert shown["state"] == "approved" and shown["decided_by"] == "dba-alice"
        assert shown["comment"] == "go ahead" and shown["grant"] == g["id"]

        revoked = cli(gw, people["bob"], "grant", "revoke", g["id"])
        assert revoked.returncode == 0, revoked.stderr
        assert ok_json(cli(gw, people["agent"], "grant", "list", "--json"))["grants"] == []
        every = ok_json(cli(gw, people["agent"], "grant", "list", "--all", "--json"))["grants"]
        assert every[0]["revoked_by"] == "dba-bob" and every[0]["active"] is False
        again = cli(gw, people["bob"], "grant", "revoke", g["id"])
        assert again.returncode == 1 and "already revoked by dba-bob" in again.stderr

        # Every change is in the audit log, under the right names, in order.
        expect = [("review", "pending", rid, ""), ("grant", "added", g["id"], "dba-alice"),
                  ("review", "approved", rid, "dba-alice"), ("grant", "revoked", g["id"], "dba-bob")]
        assert audit_events(gw, expect) == expect
        verify = gw.cli("audit", "verify", "--config", gw.config_path)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        # The tokens never reach the log.
        log = gw.log()
        for t in people.values():
            assert t.value not in log


def test_a_requester_never_approves_its_own_request(tmp_path, app, people):
    with start(tmp_path, app, people) as gw:
        rid = request_access(gw, people["both"])
        r = cli(gw, people["both"], "review", "approve", rid)
        assert r.returncode == 1
        assert "refused (403)" in r.stderr and "never decides its own review" in r.stderr
        assert ok_json(cli(gw, people["alice"], "review", "show", rid, "--json"))["state"] == "pending"
        # Nor grants itself directly.
        r = cli(gw, people["both"], "grant", "add", "--principal", "ops-agent", "--rule", "oncall-write",
                "--for", "10m")
        assert r.returncode == 1 and "may not grant yourself" in r.stderr
        # Another reviewer may.
        assert cli(gw, people["alice"], "review", "approve", rid).returncode == 0


def test_only_reviewers_decide_and_only_once(tmp_path, app, people):
    with start(tmp_path, app, people) as gw:
        rid = request_access(gw, people["agent"])
        for who in ("stranger", "agent"):
            r = cli(gw, people[who], "review", "approve", rid)
            assert r.returncode == 1, who
            assert "refused (403)" in r.stderr
        r = cli(gw, people["stranger"], "review", "approve", rid)
        assert "not a reviewer" in r.stderr and "group:dba" in r.stderr
        # A stranger does not even see it.
        r = cli(gw, people["stranger"], "review", "show", rid)
        assert r.returncode == 1 and "refused (404)" in r.stderr

        assert cli(gw, people["alice"], "review", "reject", rid, "--comment", "not today").returncode == 0
        r = cli(gw, people["bob"], "review", "approve", rid)
        assert r.returncode == 1
        assert "refused (409)" in r.stderr and "rejected (by dba-alice)" in r.stderr
        assert ok_json(cli(gw, people["agent"], "grant", "list", "--json"))["grants"] == []
        # A request outside the rule's cap is refused before any review opens.
        r = cli(gw, people["agent"], "grant", "request", "--rule", "oncall-write", "--for", "2h", "--reason", "x")
        assert r.returncode == 1 and "at most 1h" in r.stderr
        r = cli(gw, people["agent"], "grant", "request", "--rule", "agents-read", "--for", "1h", "--reason", "x")
        assert r.returncode == 1 and "not a jit rule" in r.stderr


def test_a_restart_orphans_the_pending_review_and_keeps_grants(tmp_path, app, people):
    with start(tmp_path, app, people) as gw:
        port, http_port = gw.port, gw.http_port
        pending = request_access(gw, people["agent"])
        added = ok_json(cli(gw, people["alice"], "grant", "add", "--principal", "chatgpt-agent",
                            "--rule", "oncall-write", "--for", "1h", "--reason", "incident", "--json"))
        assert gw.stop() == 0
    with start(tmp_path, app, people, http=http_port, port=port) as gw:
        shown = ok_json(cli(gw, people["alice"], "review", "show", pending, "--json"))
        assert shown["state"] == "orphaned" and shown["decided_by"] == "gatehouse"
        r = cli(gw, people["alice"], "review", "approve", pending)
        assert r.returncode == 1 and "refused (409)" in r.stderr and "orphaned" in r.stderr
        grants = ok_json(cli(gw, people["agent"], "grant", "list", "--json"))["grants"]
        assert [g["id"] for g in grants] == [added["id"]]
        assert ok_json(cli(gw, people["alice"], "review", "list", "--json"))["reviews"] == []
        assert ("review", "orphaned", pending, "gatehouse") in audit_events(gw, [("review", "orphaned", pending, "gatehouse")])


class _receiver(http.server.BaseHTTPRequestHandler):
    events = []
    paths = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _receiver.paths.append(self.path)
        _receiver.events.append(json.loads(body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _receiver.events, _receiver.paths = [], []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _receiver)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv, _receiver
    srv.shutdown()


def wait_for(predicate, timeout=15):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_the_webhook_hears_reviews_and_grants(tmp_path, app, people, receiver):
    srv, got = receiver
    secret_path = "/services/T000/B000/s3cr3t-hook-credential"
    url = f"http://127.0.0.1:{srv.server_address[1]}{secret_path}"
    with start(tmp_path, app, people, extra={"notify": {"webhook": url}}) as gw:
        rid = request_access(gw, people["agent"])
        assert cli(gw, people["alice"], "review", "approve", rid, "--comment", "ok").returncode == 0
        short = ok_json(cli(gw, people["bob"], "grant", "add", "--principal", "chatgpt-agent",
                            "--rule", "oncall-write", "--for", "1s", "--json"))

        def names():
            return [e["event"] for e in got.events]
        assert wait_for(lambda: "grant.expired" in names()), names()
        assert names()[:3] == ["review.pending", "grant.started", "review.approved"], names()
        assert set(got.paths) == {secret_path}
        first = got.events[0]
        assert first["review"]["id"] == rid and first["review"]["state"] == "pending"
        assert rid in first["text"] and "chatgpt-agent" in first["text"]
        approved = got.events[2]
        assert approved["review"]["decided_by"] == "dba-alice" and approved["review"]["grant"].startswith("g-")
        expired = [e for e in got.events if e["event"] == "grant.expired"]
        assert [e["grant"]["id"] for e in expired] == [short["id"]]
        # The webhook URL is a credential: the log names its origin only.
        log = gw.log()
        assert "s3cr3t-hook-credential" not in log
        assert f"127.0.0.1:{srv.server_address[1]}" in log


def test_a_dead_webhook_blocks_nothing(tmp_path, app, people):
    # Nothing listens there; every delivery fails and is retried in the background.
    with start(tmp_path, app, people, extra={"notify": {"webhook": "http://127.0.0.1:9/hook"}}) as gw:
        t0 = time.monotonic()
        for _ in range(3):
            request_access(gw, people["agent"])
        assert time.monotonic() - t0 < 10
        assert len(ok_json(cli(gw, people["alice"], "review", "list", "--json"))["reviews"]) == 3


def http_get(url, token=None):
    req = urllib.request.Request(url)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def test_health_metrics_and_bearer_tokens(tmp_path, app, people):
    with start(tmp_path, app, people) as gw:
        assert http_get(gw.http_url + "/healthz")[0:3:2] == (200, "ok\n")
        with psycopg.connect(gw.dsn(people["agent"]), autocommit=True) as c:
            c.execute("SELECT 1").fetchone()
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                c.execute("SET ROLE postgres")  # admin: no rule allows or reviews it
            status, _, text = http_get(gw.http_url + "/metrics")
            assert status == 200
            assert "gatehouse_sessions_open 1\n" in text
        request_access(gw, people["agent"])
        status, headers, text = http_get(gw.http_url + "/metrics")
        assert 'gatehouse_build_info{version="' in text
        metric = {line.split(" ")[0]: float(line.split(" ")[1]) for line in text.splitlines()
                  if line and not line.startswith("#")}
        assert metric['gatehouse_statements_total{decision="allow"}'] >= 1
        assert metric['gatehouse_statements_total{decision="deny"}'] >= 1
        assert metric["gatehouse_reviews_pending"] == 1
        assert metric["gatehouse_grants_active"] == 0
        assert metric["gatehouse_audit_journal_bytes"] > 0

        status, headers, body = http_get(gw.http_url + "/api/v1/reviews")
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        assert json.loads(body)["error"] == "unauthorized"
        assert http_get(gw.http_url + "/api/v1/reviews", "gh_not_a_token")[0] == 401
        assert http_get(gw.http_url + "/api/v1/reviews", people["alice"].value)[0] == 200


def metrics(gw):
    status, _, text = http_get(gw.http_url + "/metrics")
    assert status == 200
    return {line.split(" ")[0]: float(line.split(" ")[1]) for line in text.splitlines()
            if line and not line.startswith("#")}


def test_upstream_logins_reuse_scram_keys_until_the_salt_changes(tmp_path, pg, app, people):
    """The PBKDF2 of a SCRAM login (~1 ms of an io thread) runs once per
    password and salt; a password set again on the server (a new salt), or
    changed to one the gateway does not know, is still met correctly. Only
    logins that succeed count (and only their keys are kept)."""
    derived = 'gatehouse_upstream_scram_logins_total{keys="derived"}'
    reused = 'gatehouse_upstream_scram_logins_total{keys="reused"}'

    def login():
        with psycopg.connect(gw.dsn(people["agent"]), autocommit=True) as c:
            assert c.execute("SELECT current_user").fetchone()[0] == app.user

    with start(tmp_path, app, people) as gw:
        for _ in range(3):
            login()
        m = metrics(gw)
        assert (m[derived], m[reused]) == (1, 2)

        pg.psql(f"ALTER ROLE {app.user} PASSWORD '{app.password}'")  # same password, new salt
        login()
        login()
        m = metrics(gw)
        assert (m[derived], m[reused]) == (2, 3)

        try:
            pg.psql(f"ALTER ROLE {app.user} PASSWORD 'rotated-elsewhere'")
            with pytest.raises(psycopg.OperationalError) as e:
                login()
            assert "connection \"app\"" in str(e.value), str(e.value)
        finally:
            pg.psql(f"ALTER ROLE {app.user} PASSWORD '{app.password}'")
        m = metrics(gw)
        assert (m[derived], m[reused]) == (2, 3)
        login()
        m = metrics(gw)
        assert (m[derived], m[reused]) == (3, 3)


def test_cli_usage(tmp_path, app, people):
    with start(tmp_path, app, people) as gw:
        r = cli(gw, people["agent"], "grant", "list", "--token", people["agent"].value)
        assert r.returncode == 2 and "GATEHOUSE_TOKEN" in r.stderr
        r = cli(gw, None, "grant", "list")
        assert r.returncode == 2 and "GATEHOUSE_TOKEN" in r.stderr
        r = cli(gw, people["agent"], "grant", "request", "--rule", "oncall-write")
        assert r.returncode == 2
        r = cli(gw, people["agent"], "review", "approve")
        assert r.returncode == 2
        r = cli(gw, people["agent"], "review", "list", "--server", "http://127.0.0.1:9")
        assert r.returncode == 1 and "cannot connect" in r.stderr


def test_https_with_the_gateways_ca(tmp_path, app, people):
    cert, key = tmp_path / "gw.crt", tmp_path / "gw.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert), "-days", "2"], check=True, capture_output=True)
    tls = {"gateway": {"http": {"tls": {"cert": str(cert), "key": str(key)}}}}
    (tmp_path / "gw").mkdir()
    with start(tmp_path / "gw", app, people, extra=tls) as gw:
        assert gw.http_url.startswith("https://")
        # The system's trust store does not know this certificate.
        r = cli(gw, people["agent"], "review", "list")
        assert r.returncode == 1 and "certificate verify failed" in r.stderr
        ca = {"GATEHOUSE_CA": str(cert)}
        r = cli(gw, people["agent"], "grant", "request", "--rule", "oncall-write", "--for", "5m",
                "--reason", "over TLS", "--json", env_extra=ca)
        rid = ok_json(r)["review"]
        assert cli(gw, people["alice"], "review", "approve", rid, env_extra=ca).returncode == 0
        # By name too: the certificate names localhost.
        by_name = {**ca, "GATEHOUSE_SERVER": gw.http_url.replace("127.0.0.1", "localhost")}
        grants = ok_json(cli(gw, people["agent"], "grant", "list", "--json", env_extra=by_name))["grants"]
        assert [g["review"] for g in grants] == [rid]


def test_an_oidc_token_is_a_bearer_token_too(tmp_path, app, people):
    # The OIDC agent of test_oidc.py: groups [analysts] from its token.
    from test_oidc import CLIENTS as OIDC_CLIENTS, oidc_config, oidc_provider
    with oidc_provider(str(tmp_path / "idp"), "idp", OIDC_CLIENTS) as idp:
        (tmp_path / "gw").mkdir()
        with start(tmp_path / "gw", app, people, extra=oidc_config(idp.issuer)) as gw:
            oidc = token("reporting-agent", idp.token("reporting-agent"), "")
            # The provider's keys load in the background after start.
            assert wait_for(lambda: cli(gw, oidc, "grant", "list").returncode == 0, timeout=20)
            rid = request_access(gw, oidc, reason="quarterly report")
            shown = ok_json(cli(gw, people["alice"], "review", "show", rid, "--json"))
            assert shown["principal"] == "reporting-agent" and shown["groups"] == ["analysts"]
            assert cli(gw, oidc, "review", "approve", rid).returncode == 1  # its own
            assert cli(gw, people["alice"], "review", "approve", rid).returncode == 0
            grants = ok_json(cli(gw, oidc, "grant", "list", "--json"))["grants"]
            assert [g["principal"] for g in grants] == ["reporting-agent"]
            assert oidc.value not in gw.log()
