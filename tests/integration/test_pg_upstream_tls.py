"""TLS from the gateway to PostgreSQL (a connection's `tls` and `tls_ca`):
the database's own TLS, with its certificate verified as libpq's sslmode
would, and a refusal the client can read when it does not hold. The servers
here accept the gateway's role over TLS only (hostssl), so a session that
works proves the link is encrypted, and pg_stat_ssl says so as well."""

import os
import pwd
import shutil
import tempfile
import threading

import psycopg
import pytest

from conftest import STANDARD_RULES
from harness import (app_database, connector_process, free_port, gateway_process, make_ca, make_server_cert,
                     new_connector_token)
from pgserver import pg_server

TLS_ONLY_HBA = [
    "local all postgres trust",
    "host all postgres 127.0.0.1/32 trust",
    "hostssl all all 127.0.0.1/32 scram-sha-256",
]


@pytest.fixture(scope="module")
def certs():
    d = tempfile.mkdtemp(prefix="gh-pg-tls-")
    try:
        os.chmod(d, 0o755)
        ca = make_ca(d, "db-ca")
        other = make_ca(d, "other-ca")
        good = make_server_cert(d, "db", ca)                                  # 127.0.0.1 and localhost
        misnamed = make_server_cert(d, "misnamed", ca, sans="DNS:db.example")  # a good chain, another name
        for cert, key in (good, misnamed):
            os.chmod(key, 0o600)  # PostgreSQL refuses a key others can read
            if os.geteuid() == 0:
                pw = pwd.getpwnam("postgres")
                os.chown(key, pw.pw_uid, pw.pw_gid)
                os.chown(cert, pw.pw_uid, pw.pw_gid)
        yield {"ca": ca[0], "other_ca": other[0], "good": good, "misnamed": misnamed}
    finally:
        shutil.rmtree(d, ignore_errors=True)


def tls_server(pair):
    cert, key = pair
    return pg_server(hba=TLS_ONLY_HBA, settings={"ssl": "on", "ssl_cert_file": cert, "ssl_key_file": key})


@pytest.fixture(scope="module")
def tls_db(certs):
    with tls_server(certs["good"]) as server:
        yield app_database(server)


@pytest.fixture(scope="module")
def misnamed_db(certs):
    with tls_server(certs["misnamed"]) as server:
        yield app_database(server)


def gateway_for(workdir, db, tokens, **tls):
    os.makedirs(workdir, exist_ok=True)
    return gateway_process(str(workdir), {"app": db.connection(**tls)}, [t.entry for t in tokens.values()],
                           STANDARD_RULES)


def encrypted(gw, tok):
    with psycopg.connect(gw.dsn(tok), autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM orders").fetchone()[0] >= 3
        return c.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()[0]


def refusal(gw, tok):
    with pytest.raises(psycopg.OperationalError) as e:
        psycopg.connect(gw.dsn(tok))
    return str(e.value)


def test_verify_full_with_the_right_ca(tmp_path, tls_db, certs, tokens):
    with gateway_for(tmp_path, tls_db, tokens, tls="verify-full", tls_ca=certs["ca"]) as gw:
        assert encrypted(gw, tokens["agent"]) is True
        assert "database_tls=on" in open(gw.log_path).read()


def test_prefer_is_the_default_and_takes_the_servers_tls(tmp_path, tls_db, tokens):
    with gateway_for(tmp_path, tls_db, tokens) as gw:
        assert encrypted(gw, tokens["agent"]) is True


def test_a_certificate_from_another_ca_is_refused(tmp_path, tls_db, certs, tokens):
    with gateway_for(tmp_path, tls_db, tokens, tls="verify-full", tls_ca=certs["other_ca"]) as gw:
        message = refusal(gw, tokens["agent"])
        assert 'connection "app" presented a certificate that is not trusted (tls: verify-full)' in message
        log = open(gw.log_path).read()
        assert "certificate not trusted" in log
        assert tls_db.password not in log and tokens["agent"].value not in log
    # verify-ca checks the same chain
    with gateway_for(tmp_path / "ca", tls_db, tokens, tls="verify-ca", tls_ca=certs["other_ca"]) as gw:
        assert "not trusted (tls: verify-ca)" in refusal(gw, tokens["agent"])


def test_verify_full_checks_the_name_and_verify_ca_does_not(tmp_path, misnamed_db, certs, tokens):
    with gateway_for(tmp_path, misnamed_db, tokens, tls="verify-full", tls_ca=certs["ca"]) as gw:
        assert "not trusted (tls: verify-full)" in refusal(gw, tokens["agent"])
    with gateway_for(tmp_path / "ca", misnamed_db, tokens, tls="verify-ca", tls_ca=certs["ca"]) as gw:
        assert encrypted(gw, tokens["agent"]) is True


def test_require_refuses_a_server_without_tls(tmp_path, app, tokens):
    # conftest's server has no TLS at all.
    with gateway_for(tmp_path, app, tokens, tls="require") as gw:
        message = refusal(gw, tokens["agent"])
        assert 'connection "app" does not offer TLS, which its tls: require requires' in message
    with gateway_for(tmp_path / "prefer", app, tokens, tls="prefer") as gw:
        assert encrypted(gw, tokens["agent"]) is False


def test_disable_speaks_plain_and_a_tls_only_server_refuses_it(tmp_path, tls_db, tokens):
    with gateway_for(tmp_path, tls_db, tokens, tls="disable") as gw:
        assert 'refused the gateway\'s credentials for connection "app"' in refusal(gw, tokens["agent"])
        assert "no encryption" in open(gw.log_path).read()  # the server's own reason, for the operator


def test_cancel_reaches_a_tls_session(tmp_path, tls_db, certs, tokens):
    # The CancelRequest goes to the server on a connection of its own.
    with gateway_for(tmp_path, tls_db, tokens, tls="verify-full", tls_ca=certs["ca"]) as gw:
        with psycopg.connect(gw.dsn(tokens["agent"]), autocommit=True) as c:
            timer = threading.Timer(0.5, c.cancel)
            timer.start()
            with pytest.raises(psycopg.errors.QueryCanceled):
                c.execute("SELECT pg_sleep(10)")
            timer.join()
            assert c.execute("SELECT 1").fetchone()[0] == 1


def test_a_connector_verifies_the_database_too(tmp_path, tls_db, certs, tokens):
    # The connector opens the database session; its own file says how.
    gw_cert = make_server_cert(str(tmp_path), "gateway", make_ca(str(tmp_path), "gw-ca"), sans="IP:127.0.0.1")
    gw_ca = os.path.join(str(tmp_path), "gw-ca.crt")
    token, sha = new_connector_token()
    cport = free_port()
    extra = {"gateway": {"connectors": {"listen": f"127.0.0.1:{cport}",
                                        "tls": {"cert": gw_cert[0], "key": gw_cert[1]}}},
             "connectors": [{"name": "east", "token_sha256": sha}]}
    rules = [{"name": "agents-read", "principals": ["group:agents"], "connections": ["far", "untrusted"],
              "allow": ["read"]}]
    served = {"far": tls_db.connection(tls="verify-full", tls_ca=certs["ca"]),
              "untrusted": tls_db.connection(tls="verify-full", tls_ca=certs["other_ca"])}
    with gateway_process(str(tmp_path), {"far": {"type": "postgres", "connector": "east"},
                                         "untrusted": {"type": "postgres", "connector": "east"}},
                         [tokens["agent"].entry], rules, extra=extra) as gw:
        with connector_process(os.path.join(str(tmp_path), "east"), "east", f"127.0.0.1:{cport}", token, served,
                               ca=gw_ca) as east:
            with psycopg.connect(gw.dsn(tokens["agent"], database="far"), autocommit=True) as c:
                assert c.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()[0] is True
            with pytest.raises(psycopg.OperationalError) as e:
                psycopg.connect(gw.dsn(tokens["agent"], database="untrusted"))
            assert 'presented a certificate that is not trusted' in str(e.value)
            assert "certificate not trusted" in east.log()
