"""pgbench -S through a connector (issue 7, docs/connectors.md) against
PostgreSQL directly and against the gateway with a direct upstream address:
the same PostgreSQL, interleaved rounds in shuffled order, medians and
ratios. Prints a table; writes nothing.

    /usr/bin/python3 bench/connector_bench.py [--rounds 3] [--seconds 15] [--clients 8]
                                              [--modes simple,prepared] [--scale 10]

Everything runs on loopback on one machine: pgbench, PostgreSQL, both
gateways and the connector share its cores, so the connector path pays for
two more processes' CPU (and TLS on the gateway-connector hop) out of the
same budget. The load average is printed with each run: on a shared machine,
read the ratios, not the absolute figures. Uses GATEHOUSE_BIN like the
integration tests. Helpers shared with bench/run_bench.py are imported from
it, not copied.
"""

import argparse
import os
import pwd
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from run_bench import (BENCH_HBA, PGBENCH, machine_line, median, process_stats, run_pgbench,  # noqa: E402
                       start_gateway)
from harness import (app_database, free_port, gatehouse_bin, make_ca, make_server_cert,  # noqa: E402
                     new_connector_token, new_token, to_yaml, wait_listening)
from pgserver import pg_server  # noqa: E402


def start_connector_pair(workdir, app, token):
    """A gateway whose `app` names only `connector: east`, and that connector,
    holding the address and the secret. Returns (gateway proc, its port,
    connector proc)."""
    ca = make_ca(workdir, "bench-ca")
    cert, key = make_server_cert(workdir, "bench-gw", ca, sans="IP:127.0.0.1")
    ctoken, csha = new_connector_token()
    port, cport = free_port(), free_port()
    gw_cfg = {
        "gateway": {"postgres": {"listen": f"127.0.0.1:{port}"},
                    "connectors": {"listen": f"127.0.0.1:{cport}", "tls": {"cert": cert, "key": key}},
                    "store": "sqlite:" + os.path.join(workdir, "state.db")},
        "identity": {"service_tokens": [{"principal": token.principal, "token_sha256": token.sha256}]},
        "connectors": [{"name": "east", "token_sha256": csha}],
        "connections": {"app": {"type": "postgres", "connector": "east"}},
        "rules": [{"name": "bench-read", "principals": [token.principal], "connections": ["app"],
                   "allow": ["read"]}],
    }
    token_path = os.path.join(workdir, "east.token")
    with open(token_path, "w") as f:
        f.write(ctoken + "\n")
    os.chmod(token_path, 0o600)
    c_cfg = {"connector": {"name": "east", "gateway": f"127.0.0.1:{cport}", "token": "file:" + token_path,
                           "ca": ca[0]},
             "connections": {"app": app.connection()}}
    procs = []
    for name, cfg, kind in (("gateway", gw_cfg, "gateway"), ("connector", c_cfg, "connector")):
        path = os.path.join(workdir, f"{name}.yaml")
        with open(path, "w") as f:
            f.write(to_yaml(cfg))
        log = open(os.path.join(workdir, f"{name}.log"), "ab")
        procs.append(subprocess.Popen([gatehouse_bin, kind, "--config", path, "--log-level", "warn"],
                                      stdout=log, stderr=subprocess.STDOUT))
        log.close()
        if kind == "gateway":
            wait_listening(port, procs[0], os.path.join(workdir, "gateway.log"), deadline_s=120)
    # The connector is up once a session goes through.
    deadline = time.monotonic() + 30
    while True:
        try:
            run_pgbench(port, token.principal, token.value, "simple", 1, 0, transactions=1)
            break
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    return procs[0], port, procs[1]


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def stop(p):
    if p is not None and p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--modes", default="simple,prepared")
    ap.add_argument("--scale", type=int, default=10)
    args = ap.parse_args()
    modes = args.modes.split(",")

    workdir = tempfile.mkdtemp(prefix="gh-connector-bench-")
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(workdir, pw.pw_uid, pw.pw_gid)
    runs = {}    # (target, mode) -> [tps]
    cpu = {}     # (process, mode) -> [µs of CPU per transaction]
    loads = []
    gw = cgw = conn = None
    try:
        with pg_server(hba=BENCH_HBA, settings={"max_connections": "300", "shared_buffers": "256MB"}) as pg:
            app = app_database(pg)
            subprocess.run([PGBENCH, "-i", "-q", "-s", str(args.scale), "-h", pg.host, "-p", str(pg.port),
                            "-U", "postgres", "app"], check=True, capture_output=True)
            pg.psql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {app.user}", dbname="app")
            token = new_token("bench-agent")
            gw, gw_port = start_gateway(tempfile.mkdtemp(dir=workdir), pg, app, token)
            cgw, cgw_port, conn = start_connector_pair(tempfile.mkdtemp(dir=workdir), app, token)
            targets = {
                "direct": (pg.port, app.user, app.password),
                "gateway": (gw_port, token.principal, token.value),
                "connector": (cgw_port, token.principal, token.value),
            }
            watched = {"gateway": {"gateway, direct upstream": process_stats(gw.pid)},
                       "connector": {"gateway, upstream via connector": process_stats(cgw.pid),
                                     "connector": process_stats(conn.pid)}}
            for port, user, password in targets.values():  # warm up
                run_pgbench(port, user, password, "simple", args.clients, 3)
            for rnd in range(args.rounds):
                for mode in modes:
                    order = list(targets)
                    random.Random(f"{rnd}{mode}").shuffle(order)
                    for t in order:
                        port, user, password = targets[t]
                        before = {k: p.cpu_seconds() for k, p in watched.get(t, {}).items()}
                        load = load_average()
                        r = run_pgbench(port, user, password, mode, args.clients, args.seconds)
                        tx = r["tps"] * args.seconds
                        for k, p in watched.get(t, {}).items():
                            cpu.setdefault((k, mode), []).append((p.cpu_seconds() - before[k]) / tx * 1e6)
                        runs.setdefault((t, mode), []).append(r["tps"])
                        loads.append(load)
                        print(f"round {rnd + 1} {mode:8} {t:9} tps={r['tps']:8.0f} failed={r['failed']} "
                              f"load={load:.2f}", flush=True)
    finally:
        for p in (conn, cgw, gw):
            stop(p)
        shutil.rmtree(workdir, ignore_errors=True)

    print(render(runs, cpu, loads, args, modes))


def render(runs, cpu, loads, args, modes):
    def med(t, mode):
        return median(runs.get((t, mode), []))

    lines = [f"Machine: {machine_line()}; load average (1 min) at the start of each run: "
             f"{min(loads):.2f} to {max(loads):.2f}, median {median(loads):.2f}.",
             f"pgbench -S -c {args.clients} -j 2, scale {args.scale}, {args.seconds} s per run, {args.rounds} rounds "
             f"interleaved in shuffled order; medians. Gateway: one rule, every statement classified and recorded.",
             "",
             "| mode | direct tps | gateway tps | connector tps | gateway/direct | connector/direct | "
             "connector/gateway |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for mode in modes:
        d, g, c = med("direct", mode), med("gateway", mode), med("connector", mode)
        lines.append(f"| {mode} | {d:.0f} | {g:.0f} | {c:.0f} | {g / d:.2f} | {c / d:.2f} | {c / g:.2f} |")
    lines += ["", "CPU per transaction (median over rounds):", ""]
    for (k, mode), v in sorted(cpu.items()):
        lines.append(f"- {mode}, {k}: {median(v):.1f} µs")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
