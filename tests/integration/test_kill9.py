"""No executed statement without a record (issue 10): under load, kill -9 the
gateway. Every statement PostgreSQL logged (log_statement = all) for the
gateway's sessions has its audit event once the gateway has restarted and
recovered its journals, and `gatehouse audit verify` passes on what remains."""

import collections
import json
import os
import re
import signal
import subprocess
import time

from harness import SCRAM_HBA, app_database, gateway_process, new_token
from pgserver import PG_BIN, pg_server

PGBENCH = os.path.join(PG_BIN, "pgbench")


import pytest


@pytest.mark.parametrize("mode", ["simple", "prepared"])
def test_kill_9_under_load_loses_no_record(tmp_path, mode):
    settings = {"log_statement": "all", "log_line_prefix": "%u|%c|", "max_connections": "100"}
    with pg_server(hba=SCRAM_HBA, settings=settings) as pg:
        app = app_database(pg)
        subprocess.run([PGBENCH, "-i", "-q", "-s", "1", "-h", pg.host, "-p", str(pg.port), "-U", "postgres", "app"],
                       check=True, capture_output=True)
        pg.psql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {app.user}", dbname="app")
        agent = new_token("load-agent")
        rules = [{"name": "read", "principals": ["load-agent"], "connections": ["app"], "allow": ["read"]}]
        workdir = str(tmp_path)
        port = None
        with gateway_process(workdir, {"app": app.connection()}, [agent.entry], rules) as gw:
            port = gw.port
            env = gw.env(agent)
            bench = subprocess.Popen([PGBENCH, "-n", "-S", "-M", mode, "-c", "6", "-j", "2", "-T", "30"],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(3)  # under load
            gw.proc.send_signal(signal.SIGKILL)
            gw.proc.wait(timeout=10)
            bench.communicate(timeout=60)  # its clients lose their connections
        # Restart on the same store: the journals left by the killed process
        # are ingested before it listens; then an orderly stop.
        with gateway_process(workdir, {"app": app.connection()}, [agent.entry], rules, port=port) as gw2:
            pass
        with open(os.path.join(pg.root, "postgres.log"), errors="replace") as f:
            log = f.read()

    logged = collections.Counter()
    for line in log.splitlines():
        # simple: "statement: SQL"; extended: "execute <name>: SQL" (each execution)
        m = re.match(r"app_agent\|[^|]*\|LOG:  (?:statement|execute [^:]*): (.*)$", line)
        if m:
            logged[m.group(1)] += 1
    assert sum(logged.values()) > 1000, "the load did not run"

    r = gw2.cli("audit", "search", "--config", gw2.config_path, "--principal", "load-agent", "--json",
                "--limit", "10000000")
    recorded = collections.Counter()
    for line in r.stdout.splitlines():
        ev = json.loads(line)
        if ev.get("decision") == "allow":
            recorded[ev["statement"]] += 1
    missing = {s: n - recorded[s] for s, n in logged.items() if recorded[s] < n}
    assert not missing, f"{sum(missing.values())} executed statements have no audit event, e.g. {list(missing)[:3]}"

    verify = gw2.cli("audit", "verify", "--config", gw2.config_path, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    print(f"kill -9 under load ({mode}): {sum(logged.values())} statements logged by PostgreSQL, "
          f"{sum(recorded.values())} recorded; {verify.stdout.strip()}")
