"""Limits an attacker meets (issue 10): connections per address, failed-login
throttles per address and per user name. Each refusal is PostgreSQL's own
53300, and the sessions already open carry on."""

import psycopg
import pytest

from conftest import STANDARD_RULES
from harness import gateway_process


@pytest.fixture(scope="module")
def limited(tmp_path_factory, app, tokens):
    workdir = str(tmp_path_factory.mktemp("gwlim"))
    with gateway_process(workdir, {"app": app.connection()}, [t.entry for t in tokens.values()], STANDARD_RULES,
                         extra={"limits": {"max_connections_per_address": 3, "failed_logins_per_address": 4,
                                           "failed_logins_per_principal": 3}}) as gw:
        yield gw


def test_connections_per_address(limited, tokens):
    conns = [psycopg.connect(limited.dsn(tokens["agent"]), autocommit=True) for _ in range(3)]
    try:
        with pytest.raises(psycopg.OperationalError) as e:
            psycopg.connect(limited.dsn(tokens["agent"]))
        assert "too many connections from your address" in str(e.value)
        assert conns[0].execute("SELECT 1").fetchone()[0] == 1
    finally:
        for c in conns:
            c.close()
    with psycopg.connect(limited.dsn(tokens["agent"]), autocommit=True) as c:  # a slot is free again
        assert c.execute("SELECT 1").fetchone()[0] == 1


def test_failed_logins_per_user_then_even_the_right_token_waits(limited, tokens):
    wrong = tokens["writer"].__class__("etl-bot", "gh_" + "C" * 43, "")
    for _ in range(3):
        with pytest.raises(psycopg.OperationalError) as e:
            psycopg.connect(limited.dsn(wrong))
        assert "password authentication failed" in str(e.value)
    with pytest.raises(psycopg.OperationalError) as e:
        psycopg.connect(limited.dsn(tokens["writer"]))
    assert "too many failed logins" in str(e.value)
    # another user from the same address is not yet blocked (address limit 4)
    with psycopg.connect(limited.dsn(tokens["other"]), autocommit=True) as c:
        assert c.execute("SELECT 1").fetchone()[0] == 1
