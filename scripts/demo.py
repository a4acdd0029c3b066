"""The Gatehouse demo: PostgreSQL 15 in a temp dir with a small shop schema,
the gateway in front of it with a sample policy (reads run; writes and DDL
need a reviewer), a token for an AI agent and one for a reviewer. Prints the
DATABASE_URL to paste into psql, runs until Ctrl-C, then cleans up.

Run through scripts/demo.sh, which installs and builds first.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))

from harness import (SCRAM_HBA, app_database, free_port, gatehouse_bin, new_token,  # noqa: E402
                     wait_listening)
from pgserver import pg_server  # noqa: E402


def port_or_free(preferred):
    import socket
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            return free_port()


CONFIG = """\
# Gatehouse demo configuration (written by scripts/demo.py).
gateway:
  postgres: {{ listen: "127.0.0.1:{port}" }}
  http: {{ listen: "127.0.0.1:{http_port}" }}     # reviews, grants, /metrics
  store: "sqlite:{workdir}/state.db"
  review_timeout: 15m

identity:
  service_tokens:
    - {{ principal: chatgpt-agent, token_sha256: "{agent_sha}", groups: [agents] }}
    - {{ principal: dba-alice, token_sha256: "{reviewer_sha}", groups: [dba] }}

connections:
  app:
    type: postgres
    host: 127.0.0.1
    port: {pg_port}
    database: app
    user: app_agent
    password: "env:APP_DB_PASSWORD"

rules:
  - name: agents-read
    principals: [chatgpt-agent, "group:agents"]
    connections: [app]
    allow: [read]              # reads run at once
    review: [write, ddl]       # writes and schema changes wait for a reviewer
    reviewers: ["group:dba"]
  - name: dba
    principals: ["group:dba"]
    connections: [app]
    allow: [read, write, ddl]
"""


def stop_on_signal(signum, frame):
    raise KeyboardInterrupt


def main():
    # Ctrl-C and SIGTERM stop the demo and clean up, even when it was started
    # from a shell that ignores SIGINT for background jobs (then Python sets
    # no handler of its own, and Ctrl-C would do nothing).
    signal.signal(signal.SIGINT, stop_on_signal)
    signal.signal(signal.SIGTERM, stop_on_signal)
    workdir = tempfile.mkdtemp(prefix="gatehouse-demo-")
    gw = None
    try:
        with pg_server(hba=SCRAM_HBA) as pg:
            app = app_database(pg)
            agent = new_token("chatgpt-agent", ["agents"])
            reviewer = new_token("dba-alice", ["dba"])
            port = port_or_free(6432)
            http_port = port_or_free(8080)
            config_path = os.path.join(workdir, "gatehouse.yaml")
            with open(config_path, "w") as f:
                f.write(CONFIG.format(port=port, http_port=http_port, workdir=workdir, agent_sha=agent.sha256,
                                      reviewer_sha=reviewer.sha256, pg_port=pg.port))
            env = dict(os.environ, APP_DB_PASSWORD=app.password)
            log_path = os.path.join(workdir, "gatehouse.log")
            log = open(log_path, "ab")
            gw = subprocess.Popen([gatehouse_bin, "gateway", "--config", config_path], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
            wait_listening(port, gw, log_path)
            url = f"postgresql://chatgpt-agent:{agent.value}@127.0.0.1:{port}/app"
            print(textwrap.dedent(f"""
                Gatehouse is running in front of a throwaway PostgreSQL 15 (schema: customers, orders).

                DATABASE_URL={url}

                Try it as the agent:
                  psql "$DATABASE_URL" -c 'SELECT * FROM orders'          # a read: runs
                  psql "$DATABASE_URL" -c "UPDATE orders SET total = 0"   # a write: waits for a reviewer
                  psql "$DATABASE_URL" -c "DROP TABLE orders"              # ddl: waits too

                As the reviewer (dba-alice), in another terminal:
                  export GATEHOUSE_SERVER=http://127.0.0.1:{http_port}
                  export GATEHOUSE_TOKEN={reviewer.value}
                  {gatehouse_bin} review list
                  {gatehouse_bin} review approve <id>      # or: review reject <id> --comment "why"

                The audit log:
                  {gatehouse_bin} audit search --config {config_path} --principal chatgpt-agent
                  {gatehouse_bin} audit verify --config {config_path}

                Gateway log: {log_path}
                Press Ctrl-C to stop; everything above is deleted.
                """), flush=True)
            try:
                signal.pause()
            except KeyboardInterrupt:
                pass
    except KeyboardInterrupt:
        pass
    finally:
        if gw is not None and gw.poll() is None:
            gw.send_signal(signal.SIGTERM)
            try:
                gw.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gw.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        print("\ndemo stopped and cleaned up")


if __name__ == "__main__":
    main()
