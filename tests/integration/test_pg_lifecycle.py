"""A session's life: it ends when its identity does (identity.session_max),
and SIGTERM drains the gateway: running statements finish, idle sessions get
57P01, the audit is flushed, the process exits 0."""

import signal
import threading
import time

import psycopg
import pytest

from conftest import STANDARD_RULES
from harness import gateway_process


def test_session_ends_when_session_max_is_reached(tmp_path, app, tokens):
    with gateway_process(str(tmp_path), {"app": app.connection()}, [t.entry for t in tokens.values()],
                         STANDARD_RULES, extra={"identity": {"session_max": "2s"}}) as gw:
        with psycopg.connect(gw.dsn(tokens["agent"]), autocommit=True) as c:
            assert c.execute("SELECT 1").fetchone()[0] == 1
            time.sleep(3)
            with pytest.raises(psycopg.OperationalError) as e:
                c.execute("SELECT 2")
            assert "expired" in str(e.value)
        assert "identity expired" in gw.log()


def test_sigterm_drains(tmp_path, app, tokens):
    with gateway_process(str(tmp_path), {"app": app.connection()}, [t.entry for t in tokens.values()],
                         STANDARD_RULES) as gw:
        idle = psycopg.connect(gw.dsn(tokens["agent"]), autocommit=True)
        busy = psycopg.connect(gw.dsn(tokens["agent"]), autocommit=True)
        result = {}

        def slow():
            try:
                result["busy"] = busy.execute("SELECT 'drained', pg_sleep(2)").fetchone()[0]
            except psycopg.Error as e:
                result["busy"] = e

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.5)
        started = time.monotonic()
        gw.proc.send_signal(signal.SIGTERM)
        t.join(15)
        assert result.get("busy") == "drained"  # the running statement finished
        with pytest.raises(psycopg.OperationalError) as e:
            idle.execute("SELECT 1")
        assert "shutting down" in str(e.value)
        assert gw.proc.wait(timeout=20) == 0
        assert time.monotonic() - started < 10
        idle.close()
        busy.close()
    r = gw.cli("audit", "search", "--config", gw.config_path, "--json")
    assert "drained" in r.stdout  # recorded and ingested before the exit
