"""Connectors (issue 7): the database is reached through a `gatehouse
connector` that dials out to the gateway; the gateway's file names no
database address or password, and the gateway process holds no socket to
the database. Real PostgreSQL, gateway and connector processes on loopback,
certificates made here with openssl."""

import os
import re
import signal
import socket
import ssl
import struct
import subprocess
import threading
import time

import psycopg
import pytest

from harness import (connector_process, free_port, gateway_process, make_ca, make_server_cert,
                     new_connector_token, tcp_peers, to_yaml)

PSQL = "/usr/lib/postgresql/15/bin/psql"
PGBENCH = "/usr/lib/postgresql/15/bin/pgbench"

RULES = [
    {"name": "agents-read", "principals": ["group:agents"],
     "connections": ["far", "west", "lone", "gone", "badpw", "unserved"],
     "allow": ["read"]},
    {"name": "etl-write", "principals": ["group:etl"], "connections": ["far"], "allow": ["read", "write"]},
]


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("pki"))
    ca = make_ca(d, "test-ca")
    rogue = make_ca(d, "rogue-ca")
    # IP only: dialing it as "localhost" is a name the certificate does not carry.
    return {"ca": ca, "gw": make_server_cert(d, "gateway", ca, sans="IP:127.0.0.1"), "rogue": rogue}


@pytest.fixture(scope="module")
def east_tokens():
    return [new_connector_token(), new_connector_token()]


def gateway_extra(certs, connectors_port, east_tokens, extra_connectors=()):
    cert, key = certs["gw"]
    return {
        "gateway": {"connectors": {"listen": f"127.0.0.1:{connectors_port}", "tls": {"cert": cert, "key": key}},
                    "review_timeout": "20s"},
        "connectors": [{"name": "east", "token_sha256": sha} for _, sha in east_tokens] + list(extra_connectors),
    }


# The gateway's connections: no host, port, user or password for any of them.
GATEWAY_CONNECTIONS = {
    "far": {"type": "postgres", "connector": "east"},
    "west": {"type": "postgres", "connector": "west"},
    "lone": {"type": "postgres", "connector": "lone"},
    "gone": {"type": "postgres", "connector": "east"},      # the connector's database is down
    "badpw": {"type": "postgres", "connector": "east"},     # the connector's secret is wrong
    "unserved": {"type": "postgres", "connector": "east"},  # not in the connector's file
}


def served(app):
    """The connector's side: the addresses and the secrets."""
    return {"far": app.connection(), "gone": app.connection(port=free_port()),
            "badpw": app.connection(password="not-the-password")}


@pytest.fixture(scope="module")
def stack(tmp_path_factory, app, tokens, certs, east_tokens):
    """A gateway with a connectors listener and one connector `east` serving `far`."""
    work = str(tmp_path_factory.mktemp("gwc"))
    cport = free_port()
    west_value, west_sha = new_connector_token()
    lone_sha = new_connector_token()[1]
    extra = gateway_extra(certs, cport, east_tokens,
                          [{"name": "west", "token_sha256": west_sha}, {"name": "lone", "token_sha256": lone_sha}])
    with gateway_process(work, GATEWAY_CONNECTIONS, [t.entry for t in tokens.values()], RULES, extra=extra) as gw:
        with connector_process(os.path.join(work, "east"), "east", f"127.0.0.1:{cport}", east_tokens[0][0],
                               served(app), ca=certs["ca"][0]) as east:
            yield {"gw": gw, "east": east, "cport": cport, "work": work}


def psql(gw, tok, sql, database="far", timeout=60):
    env = gw.env(tok)
    env["PGDATABASE"] = database
    env["PGCONNECT_TIMEOUT"] = "20"
    return subprocess.run([PSQL, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, env=env, timeout=timeout)


def connect(gw, tok, database="far"):
    return psycopg.connect(gw.dsn(tok, database=database, connect_timeout=20), autocommit=True)


def startup_error(gw, tok, database, timeout=20):
    """Authenticates as `tok` with a raw StartupMessage (loopback, no TLS) and
    returns the fields of the ErrorResponse that ends the startup, by their
    codes ('C' SQLSTATE, 'M' message), with 'elapsed' the seconds it took.
    libpq reports a startup FATAL without its SQLSTATE; this sees it."""
    start = time.monotonic()
    s = socket.create_connection(("127.0.0.1", gw.port), timeout=timeout)
    try:
        body = f"user\0{tok.principal}\0database\0{database}\0\0".encode()
        s.sendall(struct.pack("!ii", 8 + len(body), 196608) + body)
        buf = b""
        while True:
            while len(buf) < 5 or len(buf) < 1 + struct.unpack("!i", buf[1:5])[0]:
                chunk = s.recv(65536)
                assert chunk, f"closed without an ErrorResponse after {buf!r}"
                buf += chunk
            size = 1 + struct.unpack("!i", buf[1:5])[0]
            kind, msg, buf = buf[:1], buf[5:size], buf[size:]
            if kind == b"R" and struct.unpack("!i", msg[:4])[0] == 3:  # cleartext password
                pw = tok.value.encode() + b"\0"
                s.sendall(b"p" + struct.pack("!i", 4 + len(pw)) + pw)
            elif kind == b"E":
                fields = {f[:1].decode(): f[1:].decode() for f in msg.split(b"\0") if f}
                fields["elapsed"] = time.monotonic() - start
                return fields
            else:
                assert kind in (b"R", b"S", b"N"), f"unexpected {kind!r} before the error"
    finally:
        s.close()


# ---- the path works; the gateway knows nothing of the database ----------------

def test_gateway_file_names_no_database_address_or_password(stack, app):
    text = open(stack["gw"].config_path).read()
    assert app.password not in text
    assert f'"port": {app.port}' not in text and str(app.port) not in text
    assert '"host"' not in text.split('"connections"')[1]
    # Nor does it come by another way: not in its environment, arguments or log.
    pid = stack["gw"].proc.pid
    for what in ("environ", "cmdline"):
        with open(f"/proc/{pid}/{what}", "rb") as f:
            assert app.password.encode() not in f.read(), what
    assert app.password not in stack["gw"].log()


def test_psql_reads_through_the_connector(stack, tokens):
    r = psql(stack["gw"], tokens["agent"], "SELECT count(*) FROM orders")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "3"
    assert "via connector \"east\"" in stack["gw"].log()


def test_read_only_second_wall_is_applied_by_the_connector(stack, tokens):
    r = psql(stack["gw"], tokens["agent"], "SHOW default_transaction_read_only")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "on"
    w = psql(stack["gw"], tokens["writer"], "SHOW default_transaction_read_only")
    assert w.returncode == 0, w.stderr
    assert w.stdout.strip() == "off"


def test_writes_and_refusals_through_the_connector(stack, tokens):
    with connect(stack["gw"], tokens["writer"]) as c:
        c.execute("INSERT INTO orders (customer_id, total, note) VALUES (2, 1.00, 'via connector')")
        assert c.execute("SELECT count(*) FROM orders WHERE note = 'via connector'").fetchone()[0] == 1
        c.execute("DELETE FROM orders WHERE note = 'via connector'")
    with connect(stack["gw"], tokens["agent"]) as c:
        with pytest.raises(psycopg.Error) as e:
            c.execute("DELETE FROM orders")
        assert e.value.sqlstate == "42501"
        assert c.execute("SELECT 1").fetchone()[0] == 1  # the session goes on


def test_startup_params_pass_through(stack, tokens):
    with psycopg.connect(stack["gw"].dsn(tokens["agent"], database="far", application_name="via-east"),
                         autocommit=True) as c:
        assert c.execute("SHOW application_name").fetchone()[0] == "via-east"


def test_gateway_holds_no_socket_to_the_database(stack, tokens, app):
    with connect(stack["gw"], tokens["agent"]) as c:
        assert c.execute("SELECT 1").fetchone()[0] == 1
        gw_peers = tcp_peers(stack["gw"].proc.pid)
        east_peers = tcp_peers(stack["east"].proc.pid)
    assert gw_peers, "the gateway should hold its listeners at least"
    assert all(app.port not in (local, remote) for local, remote in gw_peers), gw_peers
    # ...while the connector does hold one (the check can see such sockets).
    assert any(remote == app.port for _, remote in east_peers), east_peers
    # And the connector's connections to the gateway are outbound.
    assert any(remote == stack["cport"] for _, remote in east_peers), east_peers


def test_cancel_reaches_the_database_through_the_connector(stack, tokens):
    with connect(stack["gw"], tokens["agent"]) as c:
        timer = threading.Timer(1.0, c.cancel)
        timer.start()
        start = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled):
            c.execute("SELECT pg_sleep(30)")
        assert time.monotonic() - start < 10
        assert c.execute("SELECT 2").fetchone()[0] == 2
    stack["east"].wait_log("sending CancelRequest to its database")


def pgbench(env, mode, seconds=5, during=None):
    """pgbench -S for `seconds`; `during()` is called halfway, while its
    clients are connected. Returns (transactions processed, tps)."""
    p = subprocess.Popen([PGBENCH, "-n", "-S", "-M", mode, "-c", "4", "-j", "2", "-T", str(seconds)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        if during:
            time.sleep(seconds / 2)
            during()
        out, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0, err + out
    processed = int(out.split("number of transactions actually processed: ")[1].split()[0].split("/")[0])
    tps = float(re.search(r"tps = ([0-9.]+)", out).group(1))
    return processed, tps


@pytest.mark.parametrize("mode", ["simple", "prepared"])
def test_pgbench_select_only_through_the_connector(stack, tokens, pg, app, mode):
    subprocess.run([PGBENCH, "-i", "-s", "1", "-q", "-h", pg.host, "-p", str(pg.port), "-U", "postgres", "app"],
                   check=True, capture_output=True)
    pg.psql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_agent", dbname="app")
    env = stack["gw"].env(tokens["agent"])
    env["PGDATABASE"] = "far"
    seen = {}

    def sockets():
        seen["gw"] = tcp_peers(stack["gw"].proc.pid)
        seen["east"] = tcp_peers(stack["east"].proc.pid)

    processed, tps = pgbench(env, mode, during=sockets)
    assert processed > 100
    # Under load too, the database sockets are the connector's, none the gateway's.
    assert all(app.port not in (local, remote) for local, remote in seen["gw"]), seen["gw"]
    assert sum(remote == app.port for _, remote in seen["east"]) >= 4, seen["east"]
    direct = dict(os.environ, PGHOST=app.host, PGPORT=str(app.port), PGUSER=app.user, PGPASSWORD=app.password,
                  PGDATABASE=app.database, PGSSLMODE="disable")
    _, direct_tps = pgbench(direct, mode)
    print(f"pgbench -S -M {mode} -c 4 -j 2 -T 5: through the connector {tps:.0f} tps, direct {direct_tps:.0f} tps")


# ---- what carries nothing --------------------------------------------------------

def test_no_connector_up_errs_at_once(stack, tokens):
    start = time.monotonic()
    with pytest.raises(psycopg.OperationalError) as e:
        connect(stack["gw"], tokens["agent"], database="lone")
    assert time.monotonic() - start < 5
    assert 'connection "lone" is unavailable: no connector "lone" is connected' in str(e.value)
    err = startup_error(stack["gw"], tokens["agent"], "lone")
    assert err["C"] == "08001" and err["elapsed"] < 5, err


@pytest.mark.parametrize("database,sqlstate,message", [
    ("gone", "08001", 'the database behind connection "gone" is unreachable'),
    ("badpw", "08004", 'the database refused connector "east"\'s credentials for connection "badpw"'),
    ("unserved", "08001", 'connector "east" does not serve connection "unserved"'),
])
def test_what_the_connector_reports_reaches_the_client(stack, tokens, database, sqlstate, message):
    start = time.monotonic()
    with pytest.raises(psycopg.OperationalError) as e:
        connect(stack["gw"], tokens["agent"], database=database)
    assert time.monotonic() - start < 9
    assert message in str(e.value)
    err = startup_error(stack["gw"], tokens["agent"], database)
    assert (err["S"], err["C"]) == ("FATAL", sqlstate), err
    assert message in err["M"]
    assert f"connection={database}: upstream through connector" in stack["gw"].log()
    assert app_password_absent(stack)


def app_password_absent(stack):
    return "not-the-password" not in stack["gw"].log()


def test_wrong_token_carries_nothing(stack, tokens, app, certs):
    gw_log_before = len(stack["gw"].log())
    wrong, _ = new_connector_token()
    with connector_process(os.path.join(stack["work"], "west-wrong"), "west", f"127.0.0.1:{stack['cport']}", wrong,
                           {"west": app.connection()}, ca=certs["ca"][0], wait_connected=False) as west:
        west.wait_log('the gateway at 127.0.0.1:%d refused connector "west"' % stack["cport"])
        with pytest.raises(psycopg.OperationalError) as e:
            connect(stack["gw"], tokens["agent"], database="west")
        assert "no connector \"west\" is connected" in str(e.value)
    assert 'connector "west" from 127.0.0.1' in stack["gw"].log()[gw_log_before:]
    assert "refused: no connector of that name with that token" in stack["gw"].log()[gw_log_before:]
    assert wrong not in stack["gw"].log()


def test_a_token_for_another_name_carries_nothing(stack, tokens, app, certs, east_tokens):
    # east's own token, presented under the name west: names and tokens go together.
    with connector_process(os.path.join(stack["work"], "west-east-token"), "west", f"127.0.0.1:{stack['cport']}",
                           east_tokens[0][0], {"west": app.connection()}, ca=certs["ca"][0],
                           wait_connected=False) as west:
        west.wait_log('refused connector "west"')
        with pytest.raises(psycopg.OperationalError):
            connect(stack["gw"], tokens["agent"], database="west")


def test_untrusted_gateway_certificate_carries_nothing(stack, tokens, app, certs, east_tokens):
    gw_log_before = len(stack["gw"].log())
    with connector_process(os.path.join(stack["work"], "east-rogue-ca"), "east", f"127.0.0.1:{stack['cport']}",
                           east_tokens[1][0], served(app), ca=certs["rogue"][0], wait_connected=False) as rogue:
        rogue.wait_log("certificate not trusted")
        assert "not sending the token" in rogue.log()
        assert "connected to the gateway" not in rogue.log()
    gw_log = stack["gw"].log()[gw_log_before:]
    assert "connectors listener: TLS handshake with 127.0.0.1" in gw_log
    # Only the connector trusted by its CA counts for east.
    assert 'connector "east" connected' not in gw_log


def test_name_mismatch_in_gateway_certificate_carries_nothing(stack, app, certs, east_tokens):
    # The certificate names 127.0.0.1 only; dialing the same address as "localhost" must fail.
    with connector_process(os.path.join(stack["work"], "east-wrong-name"), "east",
                           f"localhost:{stack['cport']}", east_tokens[1][0], served(app), ca=certs["ca"][0],
                           wait_connected=False) as c:
        c.wait_log("certificate not trusted")
        assert "connected to the gateway" not in c.log()


class gateway_impostor:
    """Plays the connectors listener with a certificate of its own: reads each
    connection's plaintext preamble, takes the TLS handshake, then keeps all
    the connector sends inside TLS, and never answers."""

    def __init__(self, cert):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(*cert)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.seen = []   # per connection: {"preamble", "plaintext", "error"}
        self.open = []
        self.stopping = False
        self.thread = threading.Thread(target=self.accept_loop, daemon=True)
        self.thread.start()

    def accept_loop(self):
        while not self.stopping:
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            self.open.append(conn)
            seen = {"preamble": b"", "plaintext": b"", "error": None}
            self.seen.append(seen)
            threading.Thread(target=self.keep, args=(conn, seen), daemon=True).start()

    def keep(self, conn, seen):
        try:
            conn.settimeout(30)
            while len(seen["preamble"]) < 24:
                chunk = conn.recv(24 - len(seen["preamble"]))
                if not chunk:
                    return
                seen["preamble"] += chunk
            tls = self.ctx.wrap_socket(conn, server_side=True)
            self.open.append(tls)
            while chunk := tls.recv(65536):
                seen["plaintext"] += chunk
        except (OSError, ssl.SSLError) as e:
            seen["error"] = e

    def wait_connections(self, n, timeout):
        deadline = time.monotonic() + timeout
        while len(self.seen) < n:
            assert time.monotonic() < deadline, f"{len(self.seen)} connections, not {n}, within {timeout}s"
            time.sleep(0.05)

    def close(self):
        self.stopping = True
        self.thread.join()
        for c in self.open + [self.listener]:
            try:
                c.close()
            except OSError:
                pass


@pytest.mark.parametrize("trusted", [False, True])
def test_an_impostor_gateway_learns_no_token(tmp_path, app, certs, east_tokens, trusted):
    """An impostor that holds a certificate from another CA learns nothing,
    however many times the connector tries. The same impostor with a
    certificate the connector trusts does see the token: the check can see
    it. That one never answers hello, and the connector gives up on it and
    dials again instead of waiting forever."""
    signer = certs["ca"] if trusted else certs["rogue"]
    impostor = gateway_impostor(make_server_cert(str(tmp_path), "impostor", signer, sans="IP:127.0.0.1"))
    token = east_tokens[0][0]
    try:
        with connector_process(str(tmp_path / "east"), "east", f"127.0.0.1:{impostor.port}", token, served(app),
                               ca=certs["ca"][0], wait_connected=False) as c:
            impostor.wait_connections(2, timeout=25 if trusted else 10)
            log = c.log()
    finally:
        impostor.close()
    seen = impostor.seen
    assert all(x["preamble"].startswith(b"GHCN\x01C") for x in seen), seen
    if trusted:
        assert token.encode() in seen[0]["plaintext"]
        assert "no answer to hello within 10s" in log
    else:
        assert all(x["plaintext"] == b"" for x in seen), seen
        assert all(isinstance(x["error"], ssl.SSLError) for x in seen), seen
        assert "certificate not trusted" in log and "not sending the token" in log
    assert "connected to the gateway" not in log


def test_data_connection_for_a_session_never_asked_is_closed(stack):
    before = len(stack["gw"].log())
    s = socket.create_connection(("127.0.0.1", stack["cport"]))
    s.sendall(b"GHCN\x01D\x00\x00" + os.urandom(16))
    s.settimeout(5)
    assert s.recv(100) == b""  # closed before any TLS
    s.close()
    deadline = time.monotonic() + 5
    while "names no session waiting" not in stack["gw"].log()[before:]:
        assert time.monotonic() < deadline, stack["gw"].log()[before:]
        time.sleep(0.05)


def test_not_a_connector_is_closed(stack):
    before = len(stack["gw"].log())
    s = socket.create_connection(("127.0.0.1", stack["cport"]))
    s.sendall(b"GET / HTTP/1.1\r\n\r\n")
    s.settimeout(5)
    assert s.recv(100) == b""
    s.close()
    deadline = time.monotonic() + 5
    while "is not a connector" not in stack["gw"].log()[before:]:
        assert time.monotonic() < deadline
        time.sleep(0.05)


# ---- resilience ------------------------------------------------------------------

@pytest.fixture
def own_stack(tmp_path_factory, app, tokens, certs, east_tokens):
    """A gateway of its own (fixed ports, for restarts) and its east connectors."""
    work = str(tmp_path_factory.mktemp("gwr"))
    return {"work": work, "port": free_port(), "cport": free_port(),
            "args": ({"far": GATEWAY_CONNECTIONS["far"]}, [t.entry for t in tokens.values()],
                     [dict(r, connections=["far"]) for r in RULES])}


def gateway_for(own, certs, east_tokens, limits=None):
    extra = gateway_extra(certs, own["cport"], east_tokens)
    if limits:
        extra["limits"] = limits
    return gateway_process(own["work"], *own["args"], port=own["port"], extra=extra)


def test_connector_killed_mid_session(own_stack, tokens, app, certs, east_tokens):
    with gateway_for(own_stack, certs, east_tokens) as gw:
        east = connector_process(os.path.join(own_stack["work"], "east"), "east", f"127.0.0.1:{own_stack['cport']}",
                                 east_tokens[0][0], served(app), ca=certs["ca"][0])
        with east as e:
            c = connect(gw, tokens["agent"])
            assert c.execute("SELECT count(*) FROM orders").fetchone()[0] >= 3
            e.proc.send_signal(signal.SIGKILL)
            e.proc.wait()
            with pytest.raises(psycopg.OperationalError) as err:
                c.execute("SELECT 1")
            assert err.value.sqlstate in (None, "08006")
            c.close()
            start = time.monotonic()
            with pytest.raises(psycopg.OperationalError) as err:
                connect(gw, tokens["agent"])
            assert time.monotonic() - start < 5
            assert 'connection "far" is unavailable' in str(err.value)
        assert 'connector "east" from 127.0.0.1' in gw.log() and "disconnected" in gw.log()


def test_connector_killed_mid_query_tells_the_client(own_stack, tokens, app, certs, east_tokens):
    with gateway_for(own_stack, certs, east_tokens) as gw:
        with connector_process(os.path.join(own_stack["work"], "east"), "east", f"127.0.0.1:{own_stack['cport']}",
                               east_tokens[0][0], served(app), ca=certs["ca"][0]) as e:
            c = connect(gw, tokens["agent"])
            killer = threading.Timer(1.0, lambda: e.proc.send_signal(signal.SIGKILL))
            killer.start()
            start = time.monotonic()
            with pytest.raises(psycopg.OperationalError) as err:
                c.execute("SELECT pg_sleep(20)")
            assert time.monotonic() - start < 10
            # The gateway's FATAL (08006) names what was lost; libpq reports
            # it with the closed connection, so sqlstate may not be set.
            assert err.value.sqlstate in (None, "08006")
            assert 'the connection to connection "far" through connector "east" was lost' in str(err.value)
            c.close()


def test_a_silent_connector_is_a_clear_error_then_dropped(own_stack, tokens, app, certs, east_tokens):
    """A connector that stops answering while its sockets stay open (SIGSTOP,
    as on a network cut): a new client hears why before its own auth_timeout
    closes it; heartbeats then end the connector's control connection and its
    sessions; resumed, the connector dials in again by itself."""
    with gateway_for(own_stack, certs, east_tokens, limits={"auth_timeout": "4s"}) as gw:
        with connector_process(os.path.join(own_stack["work"], "east"), "east", f"127.0.0.1:{own_stack['cport']}",
                               east_tokens[0][0], served(app), ca=certs["ca"][0]) as east:
            held = connect(gw, tokens["agent"])
            assert held.execute("SELECT 1").fetchone()[0] == 1
            outcome = {}

            def query_on_held():
                try:
                    held.execute("SELECT 2")
                    outcome["result"] = "answered"
                except psycopg.OperationalError as e:
                    outcome["result"] = str(e)
                outcome["after"] = time.monotonic() - stopped_at

            mark = len(east.log())
            stopped_at = time.monotonic()
            east.proc.send_signal(signal.SIGSTOP)
            try:
                waiting = threading.Thread(target=query_on_held, daemon=True)
                waiting.start()
                err = startup_error(gw, tokens["agent"], "far")
                assert err["C"] == "08001", err
                assert 'connector "east" did not answer in time' in err["M"], err
                assert err["elapsed"] < 4.5, err   # not open_timeout's 10 s: the client's 4 s bound it
                assert re.search(r'connector "east" failed: no data connection from \S+ within 3[0-9]{3} ms',
                                 gw.log()), gw.log()
                # 15 s without a frame, counted from the last heartbeat heard
                # (up to 5 s before the stop), noticed at a 5 s tick.
                waiting.join(timeout=30)
                assert not waiting.is_alive(), "the held session was never ended"
                assert 'through connector "east" was lost' in outcome["result"], outcome
                assert 9 < outcome["after"] < 25, outcome
                assert "no heartbeat for 15s" in gw.log()
                err = startup_error(gw, tokens["agent"], "far")
                assert err["C"] == "08001" and 'no connector "east" is connected' in err["M"], err
                assert err["elapsed"] < 2, err
            finally:
                east.proc.send_signal(signal.SIGCONT)
            held.close()
            east.wait_log("connected to the gateway", after=mark, timeout=15)
            with connect(gw, tokens["agent"]) as c:
                assert c.execute("SELECT count(*) FROM orders").fetchone()[0] >= 3


def test_gateway_restart_connector_comes_back_by_itself(own_stack, tokens, app, certs, east_tokens):
    cdir = os.path.join(own_stack["work"], "east")
    with gateway_for(own_stack, certs, east_tokens) as gw:
        with connector_process(cdir, "east", f"127.0.0.1:{own_stack['cport']}", east_tokens[0][0], served(app),
                               ca=certs["ca"][0]) as east:
            with connect(gw, tokens["agent"]) as c:
                assert c.execute("SELECT 1").fetchone()[0] == 1
            mark = len(east.log())
            gw.stop()
            east.wait_log("lost the gateway", after=mark, timeout=5)
            time.sleep(2)  # the gateway stays down a while; the connector keeps trying
            with gateway_for(own_stack, certs, east_tokens) as gw2:
                restarted = time.monotonic()
                took = None
                while time.monotonic() - restarted < 15:
                    try:
                        with connect(gw2, tokens["agent"]) as c:
                            assert c.execute("SELECT count(*) FROM orders").fetchone()[0] >= 3
                        took = time.monotonic() - restarted
                        break
                    except psycopg.OperationalError:
                        time.sleep(0.2)
                assert took is not None, east.log()[mark:]
                print(f"sessions work again {took:.1f}s after the gateway restarted")
                assert "connected to the gateway" in east.log()[mark:]


def test_two_connectors_for_one_name_one_killed(own_stack, tokens, app, certs, east_tokens):
    with gateway_for(own_stack, certs, east_tokens) as gw:
        addr = f"127.0.0.1:{own_stack['cport']}"
        with connector_process(os.path.join(own_stack["work"], "east1"), "east", addr, east_tokens[0][0], served(app),
                               ca=certs["ca"][0]) as one, \
             connector_process(os.path.join(own_stack["work"], "east2"), "east", addr, east_tokens[1][0],
                               served(app), ca=certs["ca"][0]) as two:
            for _ in range(6):
                with connect(gw, tokens["agent"]) as c:
                    assert c.execute("SELECT 1").fetchone()[0] == 1
            # Sessions were spread over both.
            assert "session" in one.log() and " opened for connection \"far\"" in one.log()
            assert " opened for connection \"far\"" in two.log()
            one.proc.send_signal(signal.SIGKILL)
            one.proc.wait()
            for _ in range(6):
                with connect(gw, tokens["agent"]) as c:
                    assert c.execute("SELECT count(*) FROM orders").fetchone()[0] >= 3
