"""The side-by-side benchmark's results as Markdown, and their place in
docs/benchmarks.md (everything after the `<!-- results -->` line is
replaced; what comes before it is kept as written)."""

import os
import platform
import statistics
import subprocess
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = ("direct", "pgbouncer", "gateway")


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


def pgbouncer_version():
    r = subprocess.run(["/usr/sbin/pgbouncer", "--version"], capture_output=True, text=True)
    return r.stdout.split()[1] if r.stdout else "?"


def _median(xs):
    xs = [x for x in xs if x == x]
    return statistics.median(xs) if xs else float("nan")


def _ratio(a, b):
    return f"{a / b:.2f}" if b else "n/a"


def render(results, extra, modes, clients):
    args = extra["args"]

    def med(t, mode, n, key="tps"):
        return _median([r[key] for r in results.get((t, mode, n), [])])

    def cpu(t, mode, n, role):
        return _median([r["cpu_us"].get(role, float("nan")) for r in results.get((t, mode, n), []) if "cpu_us" in r])

    threads = args.gateway_threads or f"one per core ({os.cpu_count()}, the gateway's default)"
    load = lambda la: ", ".join(f"{x:.1f}" for x in la)  # noqa: E731
    lines = [f"Machine: {machine_line()}. Load average {load(extra['load_before'])} before the run, "
             f"{load(extra['load_after'])} after.",
             f"pgbench -S (select-only), scale {args.scale}, {args.seconds} s per run, {args.rounds} rounds "
             f"interleaved in shuffled order; medians. PgBouncer {pgbouncer_version()} in session mode. "
             f"Gateway: one rule in force, every statement classified and recorded; io threads: {threads}.", "",
             "| mode | clients | direct tps | PgBouncer tps | gateway tps | gateway/direct | gateway/PgBouncer |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for mode in modes:
        for n in clients:
            d, b, g = (med(t, mode, n) for t in TARGETS)
            lines.append(f"| {mode} | {n} | {d:.0f} | {b:.0f} | {g:.0f} | {_ratio(g, d)} | {_ratio(g, b)} |")
    d, b, g = (med(t, "connect", 8) for t in TARGETS)
    lines.append(f"| connect (-C) | 8 | {d:.0f} | {b:.0f} | {g:.0f} | {_ratio(g, d)} | {_ratio(g, b)} |")

    if 1 in clients:
        lines += ["", "Latency at one client (median of the runs' averages):", "",
                  "| mode | direct ms | PgBouncer ms | gateway ms | added by PgBouncer | added by gateway |",
                  "|---|---:|---:|---:|---:|---:|"]
        for mode in modes:
            d, b, g = (med(t, mode, 1, "latency_ms") for t in TARGETS)
            lines.append(f"| {mode} | {d:.3f} | {b:.3f} | {g:.3f} | {(b - d) * 1000:.0f} µs | "
                         f"{(g - d) * 1000:.0f} µs |")

    n = 8 if 8 in clients else clients[-1]
    lines += ["", f"CPU per transaction at {n} clients, µs (median of the rounds; user + system time from /proc "
              "over the middle of each run, without connection set-up; the gateway's ingester over the whole "
              "run until it has caught up):", "",
              "| mode | target | pgbench | PostgreSQL | proxy | of which io threads | of which ingester | total |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
    for mode in modes:
        for t in TARGETS:
            pb, pgs = cpu(t, mode, n, "pgbench"), cpu(t, mode, n, "postgres")
            io, ing = cpu(t, mode, n, "io"), cpu(t, mode, n, "ingest")
            proxy = 0.0 if t == "direct" else io + (0.0 if t == "pgbouncer" else ing)
            lines.append(f"| {mode} | {t} | {pb:.1f} | {pgs:.1f} | {proxy:.1f} | "
                         f"{'' if t != 'gateway' else f'{io:.1f}'} | {'' if t != 'gateway' else f'{ing:.1f}'} | "
                         f"{pb + pgs + proxy:.1f} |")

    if "syscalls" in extra:
        lines += ["", "System calls per transaction at 8 clients (strace -c -f over 16,000 transactions; "
                  "strace slows the process, so only the counts mean anything):", ""]
        for (t, mode), calls in extra["syscalls"].items():
            top = sorted(((v, k) for k, v in calls.items() if v >= 0.01), reverse=True)
            total = sum(calls.values())
            lines.append(f"- {t}, {mode}: {total:.2f} (" + ", ".join(f"{k} {v:.2f}" for v, k in top) + ")")

    rss = extra.get("rss_kib", {})
    s = extra.get("sessions", {})
    lines += ["", "Memory and idle cost:", "",
              f"- RSS after the runs: gateway {rss.get('gateway', 0) / 1024:.1f} MiB, "
              f"PgBouncer {rss.get('pgbouncer', 0) / 1024:.1f} MiB.",
              f"- Gateway per session ({s.get('sessions', 0)} sessions): {s.get('idle_kib', float('nan')):.0f} KiB "
              f"idle, {s.get('active_kib', float('nan')):.0f} KiB once each has run a statement.",
              f"- CPU of those sessions idle for 10 s: {s.get('idle_cpu_s_per_10s', float('nan')) * 1000:.0f} ms "
              "(the gateway's timers; no work per idle session)."]

    if "callgrind" in extra:
        lines += ["", "Instructions per proxied statement (valgrind --tool=callgrind, one client, the difference "
                  "between 1,000 and 5,000 transactions; a count that does not move with machine load):", "",
                  "| mode | gateway io thread | gateway ingester (at one client: mostly its per-pass work) "
                  "| PgBouncer |", "|---|---:|---:|---:|"]
        for mode in modes:
            g = extra["callgrind"].get(("gateway", mode), {})
            b = extra["callgrind"].get(("pgbouncer", mode), {})
            lines.append(f"| {mode} | {g.get('io', 0):,.0f} | {g.get('ingest', 0):,.0f} | {sum(b.values()):,.0f} |")
    return "\n".join(lines)


def write_doc(table, command):
    path = os.path.join(REPO, "docs", "benchmarks.md")
    head = open(path).read().split("<!-- results -->")[0] if os.path.exists(path) else "# Benchmarks\n\n"
    stamp = time.strftime("%Y-%m-%d", time.gmtime())
    with open(path, "w") as f:
        f.write(head + "<!-- results -->\n" + f"Last run: {stamp}, `{command}`.\n\n" + table + "\n")
    print(f"wrote {path}")
