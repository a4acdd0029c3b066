"""A throwaway PostgreSQL 15 server for tests, on loopback, in a temp dir.

    from pgserver import pg_server
    with pg_server() as pg:
        pg.port, pg.dsn            # "host=127.0.0.1 port=... user=postgres dbname=postgres"
        pg.psql("SELECT 1")        # stdout of psql -X -A -t; raises on error
        pg.psql_capture("\\dt", echo_hidden=True)  # CompletedProcess, never raises

The server runs as user `postgres` when the test runs as root (initdb and
postgres refuse root; the child drops to that user itself, so the pid we hold
is the postmaster's), otherwise as the current user. Authentication is
`trust` on loopback only; nothing listens off 127.0.0.1. The data directory
and socket directory are deleted on exit, also when the block raises.
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

PG_BIN = os.environ.get("GH_PG_BIN", "/usr/lib/postgresql/15/bin")


def _free_port():
    # An ephemeral port from the kernel: always above 20000 on Linux defaults.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_user_kwargs():
    # As root, run initdb and postgres as `postgres` directly (not through
    # runuser) so that the Popen pid is the postmaster and signals reach it.
    if os.geteuid() != 0:
        return {}
    pw = pwd.getpwnam("postgres")
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


class pg_instance:
    def __init__(self, root, port, proc):
        self.root = root
        self.port = port
        self.proc = proc
        self.host = "127.0.0.1"
        self.user = "postgres"
        self.dbname = "postgres"
        self.dsn = f"host={self.host} port={port} user={self.user} dbname={self.dbname}"

    def _psql_cmd(self, dbname, extra):
        return [os.path.join(PG_BIN, "psql"), "-X", "-h", self.host, "-p", str(self.port),
                "-U", self.user, "-d", dbname or self.dbname] + extra

    def psql(self, sql, dbname=None):
        """Runs SQL with ON_ERROR_STOP; returns unaligned, tuples-only stdout."""
        cmd = self._psql_cmd(dbname, ["-v", "ON_ERROR_STOP=1", "-A", "-t", "-c", sql])
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed ({out.returncode}): {out.stderr.strip()}")
        return out.stdout

    def psql_capture(self, command, dbname=None, echo_hidden=False):
        """Runs one psql command (SQL or backslash); returns the CompletedProcess."""
        extra = (["-E"] if echo_hidden else []) + ["-c", command]
        return subprocess.run(self._psql_cmd(dbname, extra), capture_output=True, text=True,
                              timeout=120)


def _wait_ready(port, proc, deadline_s=30.0):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"postgres exited early with {proc.returncode}")
        ready = subprocess.run([os.path.join(PG_BIN, "pg_isready"), "-q", "-h", "127.0.0.1",
                                "-p", str(port)])
        if ready.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("postgres did not become ready in time")


@contextlib.contextmanager
def pg_server(settings=None, hba=None):
    """Starts initdb + postgres; yields a pg_instance; stops and deletes on exit.

    `settings` is a dict of extra `-c name=value` server settings; `hba` a
    list of pg_hba.conf lines replacing the default (trust on loopback).
    """
    root = tempfile.mkdtemp(prefix="gh-pg-")
    proc = None
    try:
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(root, pw.pw_uid, pw.pw_gid)
        data = os.path.join(root, "data")
        init = subprocess.run([
            os.path.join(PG_BIN, "initdb"), "-D", data, "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C", "--no-sync"], capture_output=True, text=True,
            cwd=root, **_server_user_kwargs())
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {init.stderr.strip()}")
        if hba is not None:
            with open(os.path.join(data, "pg_hba.conf"), "w") as f:
                f.write("\n".join(hba) + "\n")
        port = _free_port()
        opts = {"listen_addresses": "127.0.0.1", "port": str(port),
                "unix_socket_directories": root, "fsync": "off",
                "synchronous_commit": "off", "full_page_writes": "off",
                "max_prepared_transactions": "4"}
        opts.update(settings or {})
        cmd = [os.path.join(PG_BIN, "postgres"), "-D", data]
        for k, v in opts.items():
            cmd += ["-c", f"{k}={v}"]
        log = open(os.path.join(root, "postgres.log"), "wb")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=root,
                                **_server_user_kwargs())
        log.close()
        _wait_ready(port, proc)
        yield pg_instance(root, port, proc)
    finally:
        if proc is not None and proc.poll() is None:
            # SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected.
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(root, ignore_errors=True)
