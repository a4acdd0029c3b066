"""What the side-by-side benchmark measures of the processes it runs: CPU
seconds (per process, the gateway's io threads and its ingester apart), RSS,
system calls (strace -c) and instructions (valgrind --tool=callgrind), all
from /proc or the tools' own reports. Used by bench/run_bench.py."""

import glob
import os
import re
import signal
import subprocess
import time

TICK = os.sysconf("SC_CLK_TCK")


def _stat_fields(path):
    """(comm, fields after the comm) of a /proc stat file."""
    with open(path) as f:
        s = f.read()
    return s[s.index("(") + 1:s.rindex(")")], s.rsplit(")", 1)[1].split()


class process_stats:
    """CPU seconds and RSS of a running process, from /proc."""

    def __init__(self, pid):
        self.pid = pid

    def cpu_seconds(self):
        _, f = _stat_fields(f"/proc/{self.pid}/stat")
        return (int(f[11]) + int(f[12])) / TICK

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def threads_cpu(self):
        """CPU seconds by role: the ingester thread (named gh-ingest) and the
        rest (the io threads, which do all the rest of the work)."""
        out = {"io": 0.0, "ingest": 0.0}
        for tid in os.listdir(f"/proc/{self.pid}/task"):
            try:
                comm, f = _stat_fields(f"/proc/{self.pid}/task/{tid}/stat")
            except OSError:
                continue  # a thread that just ended
            out["ingest" if comm == "gh-ingest" else "io"] += (int(f[11]) + int(f[12])) / TICK
        return out

    def settle(self, quiet_s=0.5, limit_s=30):
        """Waits until the process stops using CPU (the ingester catching up
        after a run), so that a run's CPU is all counted."""
        end = time.monotonic() + limit_s
        last = self.cpu_seconds()
        while time.monotonic() < end:
            time.sleep(quiet_s)
            now = self.cpu_seconds()
            if now - last < 0.5 / TICK + 0.001:
                return
            last = now


def postgres_cpu(postmaster_pid):
    """CPU seconds of a PostgreSQL server: the postmaster, its live children,
    and the children it has reaped (backends of finished sessions)."""
    total = 0.0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            comm, f = _stat_fields(f"/proc/{p}/stat")
        except OSError:
            continue
        if comm != "postgres" or (int(p) != postmaster_pid and int(f[1]) != postmaster_pid):
            continue
        total += (int(f[11]) + int(f[12])) / TICK
        if int(p) == postmaster_pid:
            total += (int(f[13]) + int(f[14])) / TICK
    return total


def strace_start(pid, out_path):
    """strace -c of every thread of `pid` until strace_stop."""
    proc = subprocess.Popen(["strace", "-c", "-f", "-o", out_path, "-p", str(pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attached to every thread
    return proc


def strace_stop(proc, out_path):
    """{syscall: calls} from the strace -c summary."""
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    calls = {}
    with open(out_path) as f:
        for line in f:
            m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$", line)
            if m and m.group(2) != "total":
                calls[m.group(2)] = int(m.group(1))
    return calls


def callgrind_threads(prefix):
    """Instructions by role from callgrind's per-thread files (prefix-NN):
    the gateway's ingester and io threads told apart by what they ran."""
    out = {}
    for path in glob.glob(prefix + "-*"):
        total, role = 0, "other"
        with open(path) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    total = int(line.split()[1])
                elif "ingester::run" in line:
                    role = "ingest"
                elif role == "other" and ("pg_relay" in line or "mysql_relay" in line or "accept_loop" in line):
                    role = "io"
        out[role] = out.get(role, 0) + total
    return out
