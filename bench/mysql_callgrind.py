"""Instructions per MySQL statement on the gateway's io thread, under
valgrind --tool=callgrind: a throwaway MariaDB, a gateway with one read rule,
one PyMySQL client running `SELECT id, name FROM customers WHERE id = N`
(the constant varies). Two runs, 500 and 2,500 statements; the difference
divided by 2,000, so that start-up cancels out.

    /usr/bin/python3 bench/mysql_callgrind.py [build/gatehouse]

Needs what the integration tests need (scripts/deps.sh test) and valgrind.
"""

import os
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

import harness  # noqa: E402
from bench_procs import callgrind_threads  # noqa: E402
from harness import mariadb_app_database, mysql_connect, new_token  # noqa: E402
from mariadbserver import mariadb_server  # noqa: E402

RULES = [{"name": "agents-read", "principals": ["chatgpt-agent"], "connections": ["shop"], "allow": ["read"]}]


def run(shop, binary, statements, workdir):
    out = os.path.join(workdir, f"callgrind.{statements}")
    wrapper = os.path.join(workdir, f"valgrind-{statements}.sh")
    with open(wrapper, "w") as f:
        f.write(f'#!/bin/sh\nexec valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file={out} '
                f'{binary} "$@"\n')
    os.chmod(wrapper, 0o755)
    harness.gatehouse_bin = wrapper
    tok = new_token("chatgpt-agent", ["agents"])
    gw_dir = os.path.join(workdir, f"gw-{statements}")
    os.mkdir(gw_dir)
    with harness.gateway_process(gw_dir, {"shop": shop.connection(type="mysql")}, [tok.entry], RULES,
                                 mysql=True) as gw:
        c = mysql_connect(gw, tok)
        cur = c.cursor()
        for i in range(statements):
            cur.execute(f"SELECT id, name FROM customers WHERE id = {i % 5 + 1}")
            cur.fetchall()
        c.close()
        time.sleep(1)
        gw.proc.send_signal(signal.SIGTERM)
        gw.proc.wait(timeout=180)
    return callgrind_threads(out)


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "build", "gatehouse"))
    with tempfile.TemporaryDirectory() as workdir, mariadb_server() as m:
        shop = mariadb_app_database(m)
        a = run(shop, binary, 500, workdir)
        b = run(shop, binary, 2500, workdir)
    per = {k: round((b.get(k, 0) - a.get(k, 0)) / 2000) for k in ("io", "ingest")}
    print(f"instructions per statement: io thread {per['io']:,}, ingester {per['ingest']:,}")


if __name__ == "__main__":
    main()
