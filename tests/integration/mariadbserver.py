"""A throwaway MariaDB 10.11 server for tests, on loopback, in a temp dir.

    from mariadbserver import mariadb_server
    with mariadb_server() as m:
        m.port, m.socket                 # TCP port on 127.0.0.1, unix socket in the temp dir
        m.user, m.password               # a password user with every privilege ("gh")
        m.sql("SELECT 1")                # stdout of `mariadb -N -B -e`, as that user; raises on error
        m.sql_capture("SELECT 1")        # CompletedProcess, never raises
        m.root_sql("...")                # as root over the unix socket (setup only)

The data directory is made by mariadb-install-db in the temp dir; grant
tables are on (no --skip-grant-tables): root@localhost authenticates by the
unix socket only, and `gh` by mysql_native_password over TCP. As root, the
server runs as user `mysql` (mariadbd drops to it itself, so the pid we hold is
the server's). Nothing listens off 127.0.0.1; the port comes from the kernel.
secure_file_priv points into the temp dir and LOCAL INFILE is off, so no test
statement can read or write files elsewhere. Everything is deleted on exit,
also when the block raises.
"""

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time

MARIADBD = os.environ.get("GH_MARIADBD", "/usr/sbin/mariadbd")
INSTALL_DB = os.environ.get("GH_MARIADB_INSTALL_DB", "/usr/bin/mariadb-install-db")
CLIENT = os.environ.get("GH_MARIADB_CLIENT", "/usr/bin/mariadb")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_root():
    return os.geteuid() == 0


class mariadb_instance:
    def __init__(self, root, port, sock, proc, password):
        self.root = root
        self.port = port
        self.socket = sock
        self.proc = proc
        self.host = "127.0.0.1"
        self.user = "gh"
        self.password = password
        self.database = "gh"
        self.files = os.path.join(root, "files")  # secure_file_priv

    def _client(self, sql, as_root, database):
        if as_root:
            cmd = [CLIENT, "--no-defaults", "--protocol=socket", "-S", self.socket, "-u", "root"]
        else:
            cmd = [CLIENT, "--no-defaults", "--protocol=tcp", "-h", self.host, "-P",
                   str(self.port), "-u", self.user, f"-p{self.password}"]
        cmd += ["-N", "-B", "--comments", "-e", sql]
        if database:
            cmd.append(database)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def sql_capture(self, sql, database=None):
        return self._client(sql, False, database or self.database)

    def sql(self, sql, database=None):
        """Runs SQL through the `mariadb` client as `gh`; returns tab-separated rows."""
        out = self.sql_capture(sql, database)
        if out.returncode != 0:
            raise RuntimeError(f"mariadb failed ({out.returncode}): {out.stderr.strip()}")
        return out.stdout

    def root_sql(self, sql):
        out = self._client(sql, True, None)
        if out.returncode != 0:
            raise RuntimeError(f"mariadb (root) failed ({out.returncode}): {out.stderr.strip()}")
        return out.stdout


def _wait_ready(sock, proc, root, deadline_s=60.0):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            log = ""
            with contextlib.suppress(OSError):
                with open(os.path.join(root, "error.log"), encoding="utf-8", errors="replace") as f:
                    log = f.read()[-2000:]
            raise RuntimeError(f"mariadbd exited early with {proc.returncode}:\n{log}")
        if os.path.exists(sock):
            probe = subprocess.run([CLIENT, "--no-defaults", "--protocol=socket", "-S", sock,
                                    "-u", "root", "-N", "-B", "-e", "SELECT 1"],
                                   capture_output=True, text=True)
            if probe.returncode == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("mariadbd did not become ready in time")


@contextlib.contextmanager
def mariadb_server(options=None):
    """Installs a data dir, starts mariadbd, creates user `gh` and database `gh`.

    `options` is a dict of extra server options (`{"sql_mode": "ANSI_QUOTES"}`
    becomes `--sql-mode=ANSI_QUOTES`).
    """
    root = tempfile.mkdtemp(prefix="gh-mariadb-")
    proc = None
    try:
        data = os.path.join(root, "data")
        for d in ("data", "tmp", "files"):
            os.mkdir(os.path.join(root, d))
        user_args = []
        if _as_root():
            pw = pwd.getpwnam("mysql")
            for d in (root, data, os.path.join(root, "tmp"), os.path.join(root, "files")):
                os.chown(d, pw.pw_uid, pw.pw_gid)
            user_args = ["--user=mysql"]
        install = subprocess.run(
            [INSTALL_DB, "--no-defaults", f"--datadir={data}", "--skip-test-db",
             "--auth-root-authentication-method=socket", "--skip-name-resolve",
             "--innodb-buffer-pool-size=32M"] + user_args,
            capture_output=True, text=True, cwd=root)
        if install.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed: {install.stderr.strip()[-2000:]}")
        port = _free_port()
        sock = os.path.join(root, "mysqld.sock")
        opts = {
            "datadir": data, "socket": sock, "port": str(port), "bind-address": "127.0.0.1",
            "pid-file": os.path.join(root, "mysqld.pid"),
            "log-error": os.path.join(root, "error.log"), "tmpdir": os.path.join(root, "tmp"),
            "secure-file-priv": os.path.join(root, "files"), "local-infile": "0",
            "skip-name-resolve": None, "innodb-buffer-pool-size": "32M",
            "innodb-flush-log-at-trx-commit": "0", "skip-log-bin": None,
            "character-set-server": "utf8mb4", "collation-server": "utf8mb4_general_ci",
        }
        for k, v in (options or {}).items():
            opts[k.replace("_", "-")] = v
        cmd = [MARIADBD, "--no-defaults"] + user_args
        cmd += [f"--{k}" if v is None else f"--{k}={v}" for k, v in opts.items()]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root)
        _wait_ready(sock, proc, root)
        password = secrets.token_urlsafe(18)
        m = mariadb_instance(root, port, sock, proc, password)
        m.root_sql(
            f"CREATE USER 'gh'@'127.0.0.1' IDENTIFIED BY '{password}';"
            "GRANT ALL PRIVILEGES ON *.* TO 'gh'@'127.0.0.1' WITH GRANT OPTION;"
            "CREATE DATABASE gh;")
        yield m
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # a normal shutdown
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(root, ignore_errors=True)
