"""Side-by-side benchmark: pgbench -S against PostgreSQL directly, through
PgBouncer (session mode) and through the gateway (a rule in force, recording
on), interleaved, several rounds; medians and ratios. Writes the table to
docs/benchmarks.md.

    bench/bench.sh [--rounds 3] [--seconds 10] [--clients 1,8,32] [--modes simple,extended,prepared]
                   [--callgrind] [--no-write]

Run it on a quiet machine: the three targets share its cores with pgbench
and PostgreSQL, which is the point (the proxy's CPU is taken from them), but
anything else running skews every number.
"""

import argparse
import os
import platform
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
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

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


class process_stats:
    """CPU seconds and RSS of a running process, from /proc."""

    def __init__(self, pid):
        self.pid = pid
        self.tick = os.sysconf("SC_CLK_TCK")

    def cpu_seconds(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def start_pgbouncer(workdir, pg, app):
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
    proc = subprocess.Popen(["/usr/sbin/pgbouncer", ini], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            **as_postgres_kwargs())
    wait_listening(port, proc, os.path.join(workdir, "pgbouncer.log"))
    return proc, port


GATEWAY_CONFIG = """\
gateway:
  postgres: {{ listen: "127.0.0.1:{port}" }}
  store: "sqlite:{workdir}/state.db"
identity:
  service_tokens:
    - {{ principal: bench-agent, token_sha256: "{sha}" }}
connections:
  app: {{ type: postgres, host: 127.0.0.1, port: {pg_port}, database: app, user: {user}, password: "env:APP_DB_PASSWORD" }}
rules:
  - {{ name: bench-read, principals: [bench-agent], connections: [app], allow: [read] }}
"""


def start_gateway(workdir, pg, app, token, wrapper=None):
    port = free_port()
    path = os.path.join(workdir, "gatehouse.yaml")
    with open(path, "w") as f:
        f.write(GATEWAY_CONFIG.format(port=port, workdir=workdir, sha=token.sha256, pg_port=pg.port, user=app.user))
    log_path = os.path.join(workdir, "gatehouse.log")
    log = open(log_path, "ab")
    cmd = (wrapper or []) + [gatehouse_bin, "gateway", "--config", path, "--log-level", "warn"]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, APP_DB_PASSWORD=app.password))
    wait_listening(port, proc, log_path, deadline_s=120)
    return proc, port


def run_pgbench(port, user, password, mode, clients, seconds, connect_each=False, transactions=None):
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(port), PGUSER=user, PGPASSWORD=password,
               PGDATABASE="app", PGSSLMODE="disable")
    cmd = [PGBENCH, "-n", "-S", "-M", mode, "-c", str(clients), "-j", str(min(clients, 2))]
    cmd += ["-t", str(transactions)] if transactions else ["-T", str(seconds)]
    if connect_each:
        cmd.append("-C")
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds * 4 + 120)
    if r.returncode != 0:
        raise RuntimeError(f"pgbench failed on port {port}: {r.stderr}\n{r.stdout}")
    tps = float(re.search(r"tps = ([\d.]+)", r.stdout).group(1))
    lat = float(re.search(r"latency average = ([\d.]+) ms", r.stdout).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", r.stdout)
    return {"tps": tps, "latency_ms": lat, "failed": int(failed.group(1)) if failed else 0}


def machine_line():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Linux {platform.release()}"


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def measure_session_memory(gw_proc, gw_port, token, n=200):
    """RSS the gateway adds per idle session (n psql-like connections held open)."""
    import psycopg
    stats = process_stats(gw_proc.pid)
    before = stats.rss_kib()
    conns = []
    dsn = f"host=127.0.0.1 port={gw_port} user={token.principal} password={token.value} dbname=app sslmode=disable"
    try:
        for _ in range(n):
            conns.append(psycopg.connect(dsn, autocommit=True))
        time.sleep(0.5)
        idle = stats.rss_kib()
        for c in conns:
            c.execute("SELECT abalance FROM pgbench_accounts WHERE aid = 1").fetchone()
        active = stats.rss_kib()
    finally:
        for c in conns:
            c.close()
    return (idle - before) / n, (active - before) / n


def callgrind_per_statement(workdir, pg, app, token, mode):
    """Instructions the gateway spends per proxied statement, from the
    difference between two runs (so start-up cost cancels out)."""
    counts = []
    for transactions in (500, 2500):
        out = os.path.join(workdir, f"callgrind.{mode}.{transactions}")
        wrapper = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, "--trace-children=no"]
        sub = tempfile.mkdtemp(prefix="cg-", dir=workdir)
        proc, port = start_gateway(sub, pg, app, token, wrapper=wrapper)
        try:
            run_pgbench(port, token.principal, token.value, mode, 1, 0, transactions=transactions)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=120)
        total = 0
        with open(out) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    total = int(line.split()[1])
        counts.append(total)
    return (counts[1] - counts[0]) / 2000


def fmt_ratio(a, b):
    return f"{a / b:.2f}" if b else "n/a"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", default="1,8,32")
    ap.add_argument("--modes", default="simple,extended,prepared")
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--callgrind", action="store_true", help="also count instructions per statement")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = ap.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    modes = args.modes.split(",")

    workdir = tempfile.mkdtemp(prefix="gh-bench-")
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(workdir, pw.pw_uid, pw.pw_gid)
    results = {}  # (target, mode, clients) -> list of runs
    extra = {}
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
            cpu = {k: [] for k in procs}
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
                            before = procs[t].cpu_seconds() if t in procs else 0
                            r = run_pgbench(port, user, password, mode, n, args.seconds)
                            if t in procs and n == 8 and mode == "simple":
                                cpu[t].append((procs[t].cpu_seconds() - before) / (r["tps"] * args.seconds) * 1e6)
                            results.setdefault((t, mode, n), []).append(r)
                            print(f"round {rnd + 1} {mode:8} c={n:<3} {t:9} tps={r['tps']:9.0f} "
                                  f"lat={r['latency_ms']:.3f}ms failed={r['failed']}", flush=True)
            # Connection set-up rate: a new connection per transaction.
            for t in targets:
                port, user, password = targets[t]
                runs = [run_pgbench(port, user, password, "simple", 8, max(3, args.seconds // 2), connect_each=True)
                        for _ in range(args.rounds)]
                results[(t, "connect", 8)] = runs
                print(f"connect  c=8   {t:9} tps={median([r['tps'] for r in runs]):9.0f}", flush=True)
            extra["cpu_us_per_tx"] = {k: median(v) for k, v in cpu.items()}
            extra["rss_kib"] = {k: p.rss_kib() for k, p in procs.items()}
            idle, active = measure_session_memory(gw, gw_port, token)
            extra["per_session_kib"] = (idle, active)
            gw.send_signal(signal.SIGTERM)
            gw.wait(timeout=60)
            gw = None
            if args.callgrind:
                extra["callgrind"] = {m: callgrind_per_statement(workdir, pg, app, token, m) for m in modes}
    finally:
        for p in (gw, bouncer):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(workdir, ignore_errors=True)

    table = render(results, extra, args, modes, clients)
    print("\n" + table)
    if not args.no_write:
        write_doc(table)


def render(results, extra, args, modes, clients):
    def med(t, mode, n, key="tps"):
        return median([r[key] for r in results.get((t, mode, n), [])])

    lines = [f"Machine: {machine_line()}.",
             f"pgbench -S (select-only), scale {args.scale}, {args.seconds} s per run, {args.rounds} rounds "
             f"interleaved in shuffled order; medians. PgBouncer {pgbouncer_version()} in session mode. "
             f"Gateway: one rule in force, every statement classified and recorded.", "",
             "| mode | clients | direct tps | PgBouncer tps | gateway tps | gateway/direct | gateway/PgBouncer |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for mode in modes:
        for n in clients:
            d, b, g = med("direct", mode, n), med("pgbouncer", mode, n), med("gateway", mode, n)
            lines.append(f"| {mode} | {n} | {d:.0f} | {b:.0f} | {g:.0f} | {fmt_ratio(g, d)} | {fmt_ratio(g, b)} |")
    d, b, g = (med(t, "connect", 8) for t in ("direct", "pgbouncer", "gateway"))
    lines.append(f"| connect (-C) | 8 | {d:.0f} | {b:.0f} | {g:.0f} | {fmt_ratio(g, d)} | {fmt_ratio(g, b)} |")
    lines += ["", "Latency at one client (median of the runs' averages):", "",
              "| mode | direct ms | PgBouncer ms | gateway ms | added by PgBouncer | added by gateway |",
              "|---|---:|---:|---:|---:|---:|"]
    for mode in modes:
        d, b, g = (med(t, mode, 1, "latency_ms") for t in ("direct", "pgbouncer", "gateway"))
        lines.append(f"| {mode} | {d:.3f} | {b:.3f} | {g:.3f} | {(b - d) * 1000:.0f} µs | {(g - d) * 1000:.0f} µs |")
    cpu = extra.get("cpu_us_per_tx", {})
    rss = extra.get("rss_kib", {})
    idle, active = extra.get("per_session_kib", (float("nan"), float("nan")))
    lines += ["", "Resources:", "",
              f"- CPU per transaction (simple, 8 clients): gateway {cpu.get('gateway', float('nan')):.1f} µs, "
              f"PgBouncer {cpu.get('pgbouncer', float('nan')):.1f} µs.",
              f"- RSS after the run: gateway {rss.get('gateway', 0) / 1024:.1f} MiB, "
              f"PgBouncer {rss.get('pgbouncer', 0) / 1024:.1f} MiB.",
              f"- Gateway memory per session (200 sessions): {idle:.0f} KiB idle, {active:.0f} KiB after a statement each."]
    if "callgrind" in extra:
        lines += ["", "Instructions per proxied statement (valgrind --tool=callgrind, marginal over 2000 "
                  "transactions at one client; does not move with machine noise):", ""]
        lines += [f"- {m}: {v:,.0f}" for m, v in extra["callgrind"].items()]
    return "\n".join(lines)


def pgbouncer_version():
    r = subprocess.run(["/usr/sbin/pgbouncer", "--version"], capture_output=True, text=True)
    return r.stdout.split()[1] if r.stdout else "?"


def write_doc(table):
    path = os.path.join(REPO, "docs", "benchmarks.md")
    head = open(path).read().split("<!-- results -->")[0] if os.path.exists(path) else "# Benchmarks\n\n"
    stamp = time.strftime("%Y-%m-%d", time.gmtime())
    with open(path, "w") as f:
        f.write(head + "<!-- results -->\n" + f"Last run: {stamp}, `bench/bench.sh`.\n\n" + table + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
