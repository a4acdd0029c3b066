"""Side-by-side benchmark: pgbench -S against PostgreSQL directly, through
PgBouncer (session mode) and through the gateway (a rule in force, recording
on), interleaved, several rounds; medians and ratios; what each process
spends per transaction. Writes the results to docs/benchmarks.md.

    bench/bench.sh [--rounds 3] [--seconds 10] [--clients 1,8,32] [--modes simple,extended,prepared]
                   [--gateway-threads 1] [--callgrind] [--syscalls] [--no-write]

Run it on a quiet machine: the three targets share its cores with pgbench
and PostgreSQL, which is the point (the proxy's CPU is taken from them), but
anything else running skews every number. The load average before and after
is written with the results. CPU per transaction and the callgrind counts
are the steadier figures on a shared machine.
"""

import argparse
import os
import pwd
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

from bench_procs import (callgrind_threads, postgres_cpu, process_stats, strace_start,  # noqa: E402
                         strace_stop)
from bench_report import machine_line, render, write_doc  # noqa: E402
from harness import app_database, free_port, gatehouse_bin, new_token, wait_listening  # noqa: E402
from pgserver import PG_BIN, pg_server  # noqa: E402

PGBENCH = os.path.join(PG_BIN, "pgbench")
BENCH_HBA = [
    "local all postgres trust",
    "host all postgres 127.0.0.1/32 trust",
    "host all all 127.0.0.1/32 scram-sha-256",
]


def as_postgres_kwargs():
    if os.geteuid() != 0:
        return {}
    pw = pwd.getpwnam("postgres")
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


def start_pgbouncer(workdir, pg, app, wrapper=None):
    port = free_port()
    ini = os.path.join(workdir, "pgbouncer.ini")
    users = os.path.join(workdir, "userlist.txt")
    with open(users, "w") as f:
        f.write(f'"{app.user}" "{app.password}"\n')
    with open(ini, "w") as f:
        f.write(f"""[databases]
app = host=127.0.0.1 port={pg.port} dbname={app.database} user={app.user} password={app.password}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {users}
pool_mode = session
max_client_conn = 500
default_pool_size = 100
max_db_connections = 150
logfile = {workdir}/pgbouncer.log
pidfile = {workdir}/pgbouncer.pid
""")
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        for p in (workdir, ini, users):
            os.chown(p, pw.pw_uid, pw.pw_gid)
    proc = subprocess.Popen((wrapper or []) + ["/usr/sbin/pgbouncer", ini], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, **as_postgres_kwargs())
    wait_listening(port, proc, os.path.join(workdir, "pgbouncer.log"), deadline_s=120)
    return proc, port


GATEWAY_CONFIG = """\
gateway:
  postgres: {{ listen: "127.0.0.1:{port}" }}
  store: "sqlite:{workdir}/state.db"
{threads}identity:
  service_tokens:
    - {{ principal: bench-agent, token_sha256: "{sha}" }}
connections:
  app: {{ type: postgres, host: 127.0.0.1, port: {pg_port}, database: app, user: {user}, password: "env:APP_DB_PASSWORD" }}
rules:
  - {{ name: bench-read, principals: [bench-agent], connections: [app], allow: [read] }}
"""

# gateway.threads for every gateway this run starts (None: the gateway's
# default, one io thread per core).
GATEWAY_THREADS = None


def start_gateway(workdir, pg, app, token, wrapper=None):
    port = free_port()
    path = os.path.join(workdir, "gatehouse.yaml")
    threads = f"  threads: {GATEWAY_THREADS}\n" if GATEWAY_THREADS else ""
    with open(path, "w") as f:
        f.write(GATEWAY_CONFIG.format(port=port, workdir=workdir, sha=token.sha256, pg_port=pg.port, user=app.user,
                                      threads=threads))
    log_path = os.path.join(workdir, "gatehouse.log")
    log = open(log_path, "ab")
    cmd = (wrapper or []) + [gatehouse_bin, "gateway", "--config", path, "--log-level", "warn"]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, APP_DB_PASSWORD=app.password))
    wait_listening(port, proc, log_path, deadline_s=120)
    return proc, port


def start_pgbench(port, user, password, mode, clients, seconds, connect_each=False, transactions=None):
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(port), PGUSER=user, PGPASSWORD=password,
               PGDATABASE="app", PGSSLMODE="disable")
    cmd = [PGBENCH, "-n", "-S", "-M", mode, "-c", str(clients), "-j", str(min(clients, 2))]
    cmd += ["-t", str(transactions)] if transactions else ["-T", str(seconds)]
    if connect_each:
        cmd.append("-C")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    proc.bench_port = port
    return proc


def finish_pgbench(proc, timeout):
    out, err = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"pgbench failed on port {proc.bench_port}: {err}\n{out}")
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    lat = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))
    done = re.search(r"number of transactions actually processed: (\d+)", out)
    failed = re.search(r"number of failed transactions: (\d+)", out)
    return {"tps": tps, "latency_ms": lat, "failed": int(failed.group(1)) if failed else 0,
            "transactions": int(done.group(1)) if done else 0}


def run_pgbench(port, user, password, mode, clients, seconds, connect_each=False, transactions=None):
    proc = start_pgbench(port, user, password, mode, clients, seconds, connect_each, transactions)
    return finish_pgbench(proc, (seconds or 60) * 4 + 600)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


class measured_run:
    """A timed pgbench run and the CPU every process spends per transaction
    in its middle (connection set-up and the first queries of new backends
    are left out: the gateway opens a backend per session, PgBouncer keeps
    its pool warm between runs). The ingester, which may lag behind the
    run, is counted over the whole run until it has caught up."""

    def __init__(self, pg, procs):
        self.pg, self.procs = pg, procs

    def snapshot(self, proxy, pgbench):
        cpu = {"postgres": postgres_cpu(self.pg.proc.pid)}
        try:
            cpu["pgbench"] = process_stats(pgbench.pid).cpu_seconds()
        except OSError:
            cpu["pgbench"] = float("nan")
        if proxy:
            cpu.update(proxy.threads_cpu())
        return time.monotonic(), cpu

    def __call__(self, target, port, user, password, mode, clients, seconds):
        proxy = self.procs.get(target)
        if proxy:
            proxy.settle()  # what the previous run left (the ingester) is not counted here
        start = proxy.threads_cpu() if proxy else {}
        pgbench = start_pgbench(port, user, password, mode, clients, seconds)
        margin = min(1.0, seconds / 5)
        time.sleep(margin)
        t0, a = self.snapshot(proxy, pgbench)
        time.sleep(max(0.1, seconds - 2 * margin))
        t1, b = self.snapshot(proxy, pgbench)
        r = finish_pgbench(pgbench, seconds * 4 + 600)
        window_tx = max(r["tps"] * (t1 - t0), 1)
        r["cpu_us"] = {k: (b[k] - a[k]) / window_tx * 1e6 for k in b if k != "ingest"}
        if proxy:
            proxy.settle()  # the ingester catches up: its work is this run's
            ingest = proxy.threads_cpu()["ingest"] - start.get("ingest", 0)
            r["cpu_us"]["ingest"] = ingest / max(r["transactions"], 1) * 1e6
        return r


def measure_session_memory(gw_proc, gw_port, token, n=200):
    """RSS the gateway adds per idle session (n sessions held open), and per
    session once each has run a statement; CPU the idle sessions cost."""
    import psycopg
    stats = process_stats(gw_proc.pid)
    stats.settle()
    before = stats.rss_kib()
    conns = []
    dsn = f"host=127.0.0.1 port={gw_port} user={token.principal} password={token.value} dbname=app sslmode=disable"
    try:
        for _ in range(n):
            conns.append(psycopg.connect(dsn, autocommit=True))
        stats.settle()
        idle = stats.rss_kib()
        cpu0 = stats.cpu_seconds()
        time.sleep(10)
        idle_cpu = stats.cpu_seconds() - cpu0
        for c in conns:
            c.execute("SELECT abalance FROM pgbench_accounts WHERE aid = 1").fetchone()
        active = stats.rss_kib()
    finally:
        for c in conns:
            c.close()
    return {"idle_kib": (idle - before) / n, "active_kib": (active - before) / n, "sessions": n,
            "idle_cpu_s_per_10s": idle_cpu}


def callgrind_per_statement(workdir, pg, app, token, mode, target="gateway", counts=(1000, 5000)):
    """Instructions the target spends per proxied statement, by thread role,
    from the difference between two runs at one client (start-up cancels)."""
    totals = []
    for transactions in counts:
        sub = tempfile.mkdtemp(prefix="cg-", dir=workdir)
        os.chmod(sub, 0o755)
        out = os.path.join(sub, "callgrind.out")
        wrapper = ["valgrind", "--tool=callgrind", "--separate-threads=yes", "--callgrind-out-file=" + out]
        if target == "gateway":
            proc, port = start_gateway(sub, pg, app, token, wrapper=wrapper)
            user, password = token.principal, token.value
        else:
            if os.geteuid() == 0:
                pw = pwd.getpwnam("postgres")
                os.chown(sub, pw.pw_uid, pw.pw_gid)
            proc, port = start_pgbouncer(sub, pg, app, wrapper=wrapper)
            user, password = app.user, app.password
        try:
            run_pgbench(port, user, password, mode, 1, 0, transactions=transactions)
            time.sleep(2)  # the ingester stores the last of them
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=180)
        totals.append(callgrind_threads(out))
    span = counts[1] - counts[0]
    return {role: (totals[1].get(role, 0) - totals[0].get(role, 0)) / span for role in totals[1]}


def main():
    global GATEWAY_THREADS
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", default="1,8,32")
    ap.add_argument("--modes", default="simple,extended,prepared")
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--gateway-threads", type=int, default=1,
                    help="gateway.threads: 1 by default, as PgBouncer runs one thread (docs/benchmarks.md); "
                         "0 for the gateway's own default, one io thread per core")
    ap.add_argument("--callgrind", action="store_true", help="also count instructions per statement")
    ap.add_argument("--syscalls", action="store_true", help="also count system calls per transaction (strace)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = ap.parse_args()
    GATEWAY_THREADS = args.gateway_threads or None
    clients = [int(c) for c in args.clients.split(",")]
    modes = args.modes.split(",")

    workdir = tempfile.mkdtemp(prefix="gh-bench-")
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(workdir, pw.pw_uid, pw.pw_gid)
    results = {}  # (target, mode, clients) -> list of runs
    extra = {"load_before": os.getloadavg(), "args": args}
    bouncer = gw = None
    try:
        with pg_server(hba=BENCH_HBA, settings={"max_connections": "300", "shared_buffers": "256MB"}) as pg:
            app = app_database(pg)
            subprocess.run([PGBENCH, "-i", "-q", "-s", str(args.scale), "-h", pg.host, "-p", str(pg.port),
                            "-U", "postgres", "app"], check=True, capture_output=True)
            pg.psql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {app.user}", dbname="app")
            token = new_token("bench-agent")
            bouncer, bouncer_port = start_pgbouncer(workdir, pg, app)
            gw, gw_port = start_gateway(workdir, pg, app, token)
            targets = {
                "direct": (pg.port, app.user, app.password),
                "pgbouncer": (bouncer_port, app.user, app.password),
                "gateway": (gw_port, token.principal, token.value),
            }
            procs = {"pgbouncer": process_stats(bouncer.pid), "gateway": process_stats(gw.pid)}
            measure = measured_run(pg, procs)
            # Warm up every target (caches, prepared plans, the gateway's classification cache).
            for port, user, password in targets.values():
                run_pgbench(port, user, password, "simple", 8, 2)
            for rnd in range(args.rounds):
                for mode in modes:
                    for n in clients:
                        order = list(targets)
                        random.Random(f"{rnd}{mode}{n}").shuffle(order)
                        for t in order:
                            port, user, password = targets[t]
                            r = measure(t, port, user, password, mode, n, args.seconds)
                            results.setdefault((t, mode, n), []).append(r)
                            print(f"round {rnd + 1} {mode:8} c={n:<3} {t:9} tps={r['tps']:9.0f} "
                                  f"lat={r['latency_ms']:.3f}ms failed={r['failed']} cpu/tx(us)="
                                  + " ".join(f"{k}={v:.1f}" for k, v in r["cpu_us"].items()), flush=True)
            # Connection set-up rate: a new connection per transaction.
            for t in targets:
                port, user, password = targets[t]
                runs = [run_pgbench(port, user, password, "simple", 8, max(3, args.seconds // 2), connect_each=True)
                        for _ in range(args.rounds)]
                results[(t, "connect", 8)] = runs
                print(f"connect  c=8   {t:9} tps={median([r['tps'] for r in runs]):9.0f}", flush=True)
            if args.syscalls:
                extra["syscalls"] = {}
                for t in ("pgbouncer", "gateway"):
                    port, user, password = targets[t]
                    for mode in modes:
                        out = os.path.join(workdir, f"strace.{t}.{mode}")
                        st = strace_start(procs[t].pid, out)
                        r = run_pgbench(port, user, password, mode, 8, 0, transactions=2000)
                        procs[t].settle()
                        calls = strace_stop(st, out)
                        extra["syscalls"][(t, mode)] = {k: v / r["transactions"] for k, v in calls.items()}
            extra["rss_kib"] = {k: p.rss_kib() for k, p in procs.items()}
            extra["sessions"] = measure_session_memory(gw, gw_port, token)
            gw.send_signal(signal.SIGTERM)
            gw.wait(timeout=60)
            gw = None
            if args.callgrind:
                extra["callgrind"] = {}
                for mode in modes:
                    for t in ("gateway", "pgbouncer"):
                        extra["callgrind"][(t, mode)] = callgrind_per_statement(workdir, pg, app, token, mode, t)
                        print(f"callgrind {mode:8} {t:9} {extra['callgrind'][(t, mode)]}", flush=True)
    finally:
        for p in (gw, bouncer):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    extra["load_after"] = os.getloadavg()

    table = render(results, extra, modes, clients)
    print("\n" + table)
    if not args.no_write:
        write_doc(table, " ".join(["bench/bench.sh"] + sys.argv[1:]))


if __name__ == "__main__":
    main()
