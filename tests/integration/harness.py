"""Starts the real gatehouse binary for integration tests.

    from harness import gatehouse_bin, new_token, gateway_process, app_database
    with pg_server(hba=SCRAM_HBA) as pg:
        app = app_database(pg)                      # schema, data, the upstream role
        agent = new_token("chatgpt-agent")          # (token, config entry)
        with gateway_process(tmp, connections={"app": app.connection()}, tokens=[agent.entry],
                             rules=[...]) as gw:
            gw.url(agent)  ->  postgresql://chatgpt-agent:<token>@127.0.0.1:<port>/app

The gateway runs with its own temp dir (config, SQLite store, log). Its log
is printed when a test fails (pytest shows captured output).
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
gatehouse_bin = os.environ.get("GATEHOUSE_BIN", os.path.join(REPO, "build", "gatehouse"))

# pg_hba for the upstream: the superuser on trust (for setup), every other
# role must authenticate with SCRAM, as a production server would ask.
SCRAM_HBA = [
    "local all postgres trust",
    "host all postgres 127.0.0.1/32 trust",
    "host all all 127.0.0.1/32 scram-sha-256",
]

SAMPLE_SCHEMA = """
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers(id),
                     total numeric(10,2) NOT NULL, note text, created_at timestamptz DEFAULT now());
CREATE TABLE secrets (id int PRIMARY KEY, value text);
INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com'), (2, 'Grace', 'grace@example.com');
INSERT INTO orders (customer_id, total, note) VALUES (1, 10.50, 'first'), (1, 99.00, 'second'), (2, 5.25, NULL);
INSERT INTO secrets VALUES (1, 'the launch codes');
"""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class token:
    principal: str
    value: str
    sha256: str
    groups: list = field(default_factory=list)

    @property
    def entry(self):
        return {"principal": self.principal, "token_sha256": self.sha256, "groups": self.groups}


def new_token(principal, groups=None):
    """A fresh service token from `gatehouse token new`."""
    cmd = [gatehouse_bin, "token", "new", "--principal", principal]
    if groups:
        cmd += ["--groups", ",".join(groups)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()
    value = out[0].strip()
    sha = out[1].split('token_sha256: "')[1].split('"')[0]
    return token(principal, value, sha, list(groups or []))


@dataclass
class upstream_db:
    host: str
    port: int
    database: str
    user: str
    password: str

    def connection(self, **extra):
        c = {"type": "postgres", "host": self.host, "port": self.port, "database": self.database,
             "user": self.user, "password": self.password}
        c.update(extra)
        return c


def app_database(pg, database="app", role="app_agent", schema=SAMPLE_SCHEMA):
    """Creates a database with the sample schema and a least-privilege role
    that may read and write its tables (the gateway narrows it further)."""
    password = secrets.token_urlsafe(18)
    pg.psql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    pg.psql(f"CREATE DATABASE {database}")
    pg.psql(schema, dbname=database)
    pg.psql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};"
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role};"
            f"GRANT CREATE ON SCHEMA public TO {role}", dbname=database)
    return upstream_db(pg.host, pg.port, database, role, password)


def to_yaml(value, indent=0):
    """A small YAML writer for the config dicts the tests build (JSON is YAML)."""
    import json
    return json.dumps(value, indent=2)


class gateway_instance:
    def __init__(self, workdir, port, proc, config_path, log_path, http_port=None, http_tls=False,
                 mysql_port=None):
        self.workdir = workdir
        self.port = port
        self.proc = proc
        self.config_path = config_path
        self.log_path = log_path
        self.host = "127.0.0.1"
        self.http_port = http_port
        self.mysql_port = mysql_port  # gateway.mysql, when the gateway has one
        # The HTTP API's base URL (gateway.http), when the gateway has one.
        self.http_url = (f"{'https' if http_tls else 'http'}://127.0.0.1:{http_port}"
                         if http_port else None)

    def url(self, tok, database="app", **params):
        q = ("?" + urllib.parse.urlencode(params)) if params else ""
        return (f"postgresql://{urllib.parse.quote(tok.principal)}:{urllib.parse.quote(tok.value)}"
                f"@{self.host}:{self.port}/{database}{q}")

    def dsn(self, tok, database="app", **params):
        def q(v):
            return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"
        parts = {"host": self.host, "port": self.port, "user": tok.principal,
                 "password": tok.value, "dbname": database, **params}
        return " ".join(f"{k}={q(v)}" for k, v in parts.items())

    def env(self, tok):
        """Environment for libpq tools (psql, pgbench) connecting as `tok`."""
        e = dict(os.environ)
        e.update({"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": tok.principal,
                  "PGPASSWORD": tok.value, "PGDATABASE": "app", "PGSSLMODE": "disable"})
        return e

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def cli(self, *args, check=True):
        """Runs `gatehouse <args>` with this gateway's config."""
        return subprocess.run([gatehouse_bin, *args], capture_output=True, text=True, check=check,
                              timeout=60)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def write_config(workdir, port, connections, tokens, rules, extra=None, http_port=None, mysql_port=None):
    cfg = {
        "gateway": {"postgres": {"listen": f"127.0.0.1:{port}"},
                    "store": "sqlite:" + os.path.join(workdir, "state.db")},
        "identity": {"service_tokens": tokens},
        "connections": connections,
        "rules": rules,
    }
    if http_port:
        cfg["gateway"]["http"] = {"listen": f"127.0.0.1:{http_port}"}
    if mysql_port:
        cfg["gateway"]["mysql"] = {"listen": f"127.0.0.1:{mysql_port}"}
    def merge(into, extra):
        # Nested dicts merge; None removes nothing and keeps what was there.
        for k, v in extra.items():
            if isinstance(v, dict) and isinstance(into.get(k), dict):
                merge(into[k], v)
            elif v is not None:
                into[k] = v
    merge(cfg, extra or {})
    path = os.path.join(workdir, "gatehouse.yaml")
    with open(path, "w") as f:
        f.write(to_yaml(cfg))
    return path


def wait_listening(port, proc, log_path, deadline_s=20.0):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            with open(log_path, errors="replace") as f:
                raise RuntimeError(f"gatehouse exited with {proc.returncode}:\n{f.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("gatehouse did not start listening in time")


@contextlib.contextmanager
def fake_database(handle):
    """A TCP server on loopback standing in for a database (or for something
    in the middle): `handle(conn)` is called, in the server's thread, for each
    connection it accepts; connections stay open until the end. Yields the
    connection config that points a gateway at it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()
    held = []

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            held.append(conn)
            conn.settimeout(10)
            try:
                handle(conn)
            except (ConnectionError, OSError):
                pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield {"type": "postgres", "host": "127.0.0.1", "port": server.getsockname()[1], "database": "app",
               "user": "app_agent", "password": "the-real-secret", "tls": "disable"}
    finally:
        stop.set()
        t.join(timeout=15)
        server.close()
        for c in held:
            c.close()


@contextlib.contextmanager
def gateway_process(workdir, connections, tokens, rules, extra=None, port=None, http=None, mysql=None):
    """`http`: True for an HTTP API listener on a free port, or the port to use
    (a restarted gateway keeps its URL); gw.http_url is then its base URL.
    `mysql`: the same for a MySQL listener (gateway.mysql); gw.mysql_port."""
    port = port or free_port()
    http_port = (free_port() if http is True else http) or None
    mysql_port = (free_port() if mysql is True else mysql) or None
    http_tls = bool(((extra or {}).get("gateway") or {}).get("http", {}).get("tls"))
    config_path = write_config(workdir, port, connections, tokens, rules, extra, http_port, mysql_port)
    log_path = os.path.join(workdir, "gatehouse.log")
    log = open(log_path, "ab")
    proc = subprocess.Popen([gatehouse_bin, "gateway", "--config", config_path], stdout=log,
                            stderr=subprocess.STDOUT)
    log.close()
    gw = gateway_instance(workdir, port, proc, config_path, log_path, http_port, http_tls, mysql_port)
    try:
        wait_listening(port, proc, log_path)
        if http_port:
            wait_listening(http_port, proc, log_path)
        if mysql_port:
            wait_listening(mysql_port, proc, log_path)
        yield gw
    finally:
        gw.stop()
        sys.stdout.write("---- gatehouse log ----\n" + gw.log())


# ---- connectors (issue 7) -----------------------------------------------------

def new_connector_token():
    """A connector's token and the sha256 the gateway lists for it."""
    import hashlib
    value = secrets.token_urlsafe(32)
    return value, hashlib.sha256(value.encode()).hexdigest()


def make_ca(directory, name):
    """A test CA: (cert path, key path). EC keys: quick to make."""
    cert, key = os.path.join(directory, f"{name}.crt"), os.path.join(directory, f"{name}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-subj", f"/CN={name}", "-keyout", key, "-out", cert, "-days", "2",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
                   check=True, capture_output=True)
    return cert, key


def make_server_cert(directory, name, ca, sans="IP:127.0.0.1,DNS:localhost"):
    """A server certificate signed by `ca` (from make_ca): (cert path, key path)."""
    cert, key = os.path.join(directory, f"{name}.crt"), os.path.join(directory, f"{name}.key")
    csr, ext = os.path.join(directory, f"{name}.csr"), os.path.join(directory, f"{name}.ext")
    with open(ext, "w") as f:
        f.write(f"subjectAltName={sans}\nextendedKeyUsage=serverAuth\n")
    subprocess.run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-subj", f"/CN={name}", "-keyout", key, "-out", csr], check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-CAcreateserial",
                    "-out", cert, "-days", "2", "-extfile", ext], check=True, capture_output=True)
    return cert, key


class connector_instance:
    def __init__(self, proc, config_path, log_path):
        self.proc = proc
        self.config_path = config_path
        self.log_path = log_path

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_log(self, text, timeout=15.0, after=0):
        """Waits until `text` appears in the log past offset `after`; returns the time it took."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if text in self.log()[after:]:
                return time.monotonic() - start
            if self.proc.poll() is not None:
                raise RuntimeError(f"connector exited with {self.proc.returncode}:\n{self.log()}")
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in the connector log within {timeout}s:\n{self.log()}")

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@contextlib.contextmanager
def connector_process(workdir, name, gateway_addr, token, connections, ca=None, wait_connected=True):
    """`gatehouse connector` with its own file in `workdir`; the token goes in
    a file: secret. Waits until the gateway accepted it unless told not to."""
    os.makedirs(workdir, exist_ok=True)
    token_path = os.path.join(workdir, "token")
    with open(token_path, "w") as f:
        f.write(token + "\n")
    os.chmod(token_path, 0o600)
    cfg = {"connector": {"name": name, "gateway": gateway_addr, "token": "file:" + token_path},
           "connections": connections}
    if ca:
        cfg["connector"]["ca"] = ca
    config_path = os.path.join(workdir, "connector.yaml")
    with open(config_path, "w") as f:
        f.write(to_yaml(cfg))
    log_path = os.path.join(workdir, "connector.log")
    log = open(log_path, "ab")
    proc = subprocess.Popen([gatehouse_bin, "connector", "--config", config_path], stdout=log,
                            stderr=subprocess.STDOUT)
    log.close()
    c = connector_instance(proc, config_path, log_path)
    try:
        if wait_connected:
            c.wait_log("connected to the gateway")
        yield c
    finally:
        c.stop()
        sys.stdout.write(f"---- connector {name} log ----\n" + c.log())


def tcp_peers(pid):
    """(local port, remote port) of every TCP socket process `pid` holds open,
    from its fds and /proc/<pid>/net/tcp{,6} (the kernel's view, not the program's)."""
    inodes = set()
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    peers = []
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{table}") as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[9] in inodes:
                peers.append((int(cols[1].rsplit(":", 1)[1], 16), int(cols[2].rsplit(":", 1)[1], 16)))
    return peers


# ---- MySQL / MariaDB (issue 8) -------------------------------------------------

MYSQL_SAMPLE_SCHEMA = """
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100));
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT, total DECIMAL(10,2) NOT NULL,
                     note TEXT, created_at DATETIME DEFAULT NOW());
CREATE TABLE secrets (id INT PRIMARY KEY, value TEXT);
INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com'), (2, 'Grace', 'grace@example.com');
INSERT INTO orders (customer_id, total, note) VALUES (1, 10.50, 'first'), (1, 99.00, 'second'), (2, 5.25, NULL);
INSERT INTO secrets VALUES (1, 'the launch codes');
"""


def mariadb_app_database(m, database="shop", user="shop_agent", schema=MYSQL_SAMPLE_SCHEMA,
                         auth="mysql_native_password"):
    """A database with the sample schema on a mariadb_server() and a
    least-privilege user that may read and write its tables (the gateway
    narrows it further). Returns an upstream_db; .connection(type="mysql")."""
    password = secrets.token_urlsafe(18)
    m.root_sql(f"CREATE DATABASE {database}; "
               f"CREATE USER '{user}'@'127.0.0.1' IDENTIFIED VIA {auth} USING PASSWORD('{password}'); "
               f"GRANT SELECT, INSERT, UPDATE, DELETE ON {database}.* TO '{user}'@'127.0.0.1';")
    m.root_sql(f"USE {database};" + schema)
    return upstream_db(m.host, m.port, database, user, password)


MARIADB_CLIENT = os.environ.get("GH_MARIADB_CLIENT", "/usr/bin/mariadb")


def mariadb_cli(gw, tok, sql, database="shop", extra=(), user=None, password=None, timeout=60):
    """Runs `sql` with the `mariadb` client through the gateway's MySQL
    listener as `tok` (its token is the password, sent by the client's
    mysql_clear_password plugin). One connection for the whole text, read
    from stdin (with -e the client stops at the first error); --force goes
    on after an error, as an agent's session would. CompletedProcess."""
    cmd = [MARIADB_CLIENT, "--no-defaults", "--protocol=tcp", "-h", gw.host, "-P", str(gw.mysql_port),
           "-u", user or tok.principal, "-N", "-B", "--force", "--comments", *extra, database]
    env = dict(os.environ, MYSQL_PWD=password if password is not None else tok.value)
    return subprocess.run(cmd, input=sql, capture_output=True, text=True, timeout=timeout, env=env)


def mysql_connect(gw, tok, database="shop", **kw):
    """A PyMySQL connection through the gateway as `tok` (autocommit)."""
    import pymysql
    kw.setdefault("autocommit", True)
    kw.setdefault("charset", "utf8mb4")
    return pymysql.connect(host=gw.host, port=gw.mysql_port, user=kw.pop("user", tok.principal),
                           password=kw.pop("password", tok.value), database=database, **kw)


class node_mysql2_run:
    """node_mysql2_client.js running through the gateway (a subprocess)."""

    def __init__(self, gw, tok, steps, database="shop", **connection):
        import json
        here = os.path.dirname(os.path.abspath(__file__))
        conn = {"host": gw.host, "port": gw.mysql_port, "user": tok.principal, "password": tok.value,
                "database": database, **connection}
        self.proc = subprocess.Popen(["node", os.path.join(here, "node_mysql2_client.js"),
                                      json.dumps({"connection": conn, "steps": steps})],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=here)

    def result(self, timeout=60):
        """Its JSON ({"steps": [...], "connect_error"?: {...}}) once it ends."""
        import json
        out, err = self.proc.communicate(timeout=timeout)
        if self.proc.returncode != 0:
            raise RuntimeError(f"node mysql2 client failed ({self.proc.returncode}): {err[-2000:]}")
        return json.loads(out.strip().splitlines()[-1])


def node_mysql2(gw, tok, steps, database="shop", timeout=60, **connection):
    """Runs node_mysql2_client.js through the gateway as `tok` and returns its JSON."""
    return node_mysql2_run(gw, tok, steps, database, **connection).result(timeout)
