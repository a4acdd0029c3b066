#!/usr/bin/python3
"""Regenerates the MySQL wire fixtures from real traffic: a throwaway MariaDB
10.11 (tests/integration/mariadbserver.py), the recording relay of the
PostgreSQL fixtures (tests/wire/pg/capture/relay.py, protocol-agnostic) in
front of it, and the `mariadb` client, `mariadb-admin` and raw_client.py
driven through the relay. Each connection's packets are then cut into
tests/wire/mysql/*.hex as SCENARIOS below names them.

Usage (as root, or a user that can start mariadbd): capture.py [OUT_DIR]
  (default: a temp dir, printed at the end). `capture.py --list` prints every
  recorded packet instead, to write SCENARIOS against.
Random fields (nonces, connection ids, thread ids) differ on every run, and
the tests check some committed values: review the diff before replacing. The
user's password is FIXTURE_PASSWORD, so the captured scrambles can be checked.
Fixtures whose source says "hand-written" (caching_sha2_password, clear
password) are not made here: MariaDB has no caching_sha2_password.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
from mariadbserver import mariadb_server  # noqa: E402

RELAY = os.path.join(REPO, "tests", "wire", "pg", "capture", "relay.py")
CLIENT = "/usr/bin/mariadb"
FIXTURE_PASSWORD = "gatehouse-fixture"  # tests/wire/mysql/auth_test.cpp checks scrambles with it
ADMIN = "/usr/bin/mariadb-admin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client_version():
    return subprocess.run([CLIENT, "--version"], capture_output=True, text=True).stdout.strip()


# Each scenario is one client connection: how to run it, where its bytes came
# from, and which packets (direction F or B, index within that direction,
# count) make which fixture.
def scenarios(m, port, tmp):
    base = [CLIENT, "--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", str(port),
            "-u", m.user, f"-p{m.password}", "--skip-ssl"]
    csv = os.path.join(tmp, "rows.csv")
    with open(csv, "w") as f:
        f.write("7\n8\n")
    cli = f"the mariadb client ({client_version()}) against MariaDB 10.11"
    raw = "raw_client.py (packets written from the protocol documentation) against MariaDB 10.11"
    return [
        ("login_and_query", base + ["gh", "-e", "SELECT 1 AS one, 'two' AS two"], cli, [
            ("be_handshake_v10", "initial handshake v10, server -> client", "B", 0, 1),
            ("fe_handshake_response41", "HandshakeResponse41 with connect attributes, client -> server", "F", 0, 1),
            ("be_ok_session_state", "OK after authentication, with session state changes, server -> client", "B", 1, 1),
            ("fe_com_query", "COM_QUERY, client -> server", "F", 1, 1),
            ("be_resultset_text", "text result set: column count, 2 column definitions, EOF, 1 row, EOF", "B", 2, 6),
            ("fe_com_quit", "COM_QUIT, client -> server", "F", 2, 1),
        ]),
        ("error", base + ["gh", "-e", "SELECT nope"], cli, [
            ("be_err", "ERR with SQLSTATE marker, server -> client", "B", 2, 1),
        ]),
        ("init_db", base + ["-e", "USE gh"], cli, [
            ("fe_com_init_db", "COM_INIT_DB (the client's `use`), client -> server", "F", 2, 1),
            ("be_resultset_null_row", "text result set whose row is one NULL (0xFB), server -> client", "B", 2, 5),
        ]),
        ("statistics", base + ["-e", "status"], cli, [
            ("fe_com_statistics", "COM_STATISTICS (the client's `status`), client -> server", "F", 4, 1),
            ("be_statistics", "COM_STATISTICS answer: a bare string, server -> client", "B", 21, 1),
        ]),
        ("ping", [ADMIN, "--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", str(port),
                  "-u", m.user, f"-p{m.password}", "--skip-ssl", "ping"],
         "mariadb-admin against MariaDB 10.11", [
            ("fe_com_ping", "COM_PING, client -> server", "F", 1, 1),
            ("be_ok", "OK, server -> client", "B", 2, 1),
        ]),
        ("local_infile", base + ["--local-infile=1", "gh", "-e",
                                 f"LOAD DATA LOCAL INFILE '{csv}' INTO TABLE t"], cli, [
            ("be_local_infile_request", "LOCAL INFILE request (0xFB + file name), server -> client", "B", 2, 1),
            ("fe_local_infile_data", "the file's content and the empty packet that ends it, client -> server", "F", 2, 2),
            ("be_progress_then_ok", "MariaDB progress report (ERR 0xFFFF) then OK, server -> client", "B", 3, 2),
        ]),
        ("ssl", [CLIENT, "--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", str(port),
                 "-u", m.user, f"-p{m.password}", "--ssl", "--disable-ssl-verify-server-cert",
                 "-e", "SELECT 1"], cli, [
            ("fe_ssl_request", "SSLRequest, client -> server (TLS follows)", "F", 0, 1),
        ]),
        ("commands", [sys.executable, os.path.join(HERE, "raw_client.py"), str(port), m.user,
                      m.password, "commands"], raw, [
            ("fe_com_query_multi", "COM_QUERY of two statements, client -> server", "F", 1, 1),
            ("be_resultset_multi", "two result sets, the first EOF with SERVER_MORE_RESULTS_EXISTS", "B", 2, 10),
            ("be_ok_affected_rows", "OK with 1 affected row, server -> client", "B", 12, 1),
            ("fe_com_stmt_prepare", "COM_STMT_PREPARE, client -> server", "F", 3, 1),
            ("be_stmt_prepare_ok", "COM_STMT_PREPARE OK, 2 parameters + EOF, 2 columns + EOF", "B", 13, 7),
            ("fe_com_stmt_send_long_data", "COM_STMT_SEND_LONG_DATA, client -> server", "F", 4, 1),
            ("fe_com_stmt_execute", "COM_STMT_EXECUTE with bound parameter types, client -> server", "F", 5, 1),
            ("be_resultset_binary", "binary result set answering COM_STMT_EXECUTE", "B", 20, 6),
            ("fe_com_stmt_reset", "COM_STMT_RESET, client -> server", "F", 6, 1),
            ("fe_com_stmt_close", "COM_STMT_CLOSE (no answer), client -> server", "F", 7, 1),
            ("fe_com_set_option", "COM_SET_OPTION multi-statements off, client -> server", "F", 8, 1),
            ("be_eof_set_option", "EOF answering COM_SET_OPTION (MariaDB), server -> client", "B", 27, 1),
            ("fe_com_field_list", "COM_FIELD_LIST, client -> server", "F", 9, 1),
            ("be_field_list", "COM_FIELD_LIST answer: a column definition with default, EOF", "B", 28, 2),
            ("fe_com_reset_connection", "COM_RESET_CONNECTION, client -> server", "F", 10, 1),
            ("fe_com_binlog_dump", "COM_BINLOG_DUMP, client -> server", "F", 12, 1),
            ("be_err_binlog", "ERR answering COM_BINLOG_DUMP, server -> client", "B", 32, 1),
            ("stream_fe_commands", "every command of a raw client session, client -> server", "F", 0, 14),
            ("stream_be_commands", "every answer of a raw client session, server -> client", "B", 0, 33),
        ]),
        ("commands_deprecate_eof", [sys.executable, os.path.join(HERE, "raw_client.py"), str(port),
                                    m.user, m.password, "commands", "deprecate_eof"], raw, [
            ("fe_handshake_response41_deprecate_eof", "HandshakeResponse41 with CLIENT_DEPRECATE_EOF", "F", 0, 1),
            ("be_resultset_multi_deprecate_eof", "two result sets ended by OK packets (0xFE), CLIENT_DEPRECATE_EOF", "B", 2, 8),
            ("be_stmt_prepare_ok_deprecate_eof", "COM_STMT_PREPARE OK without EOFs, CLIENT_DEPRECATE_EOF", "B", 11, 5),
            ("be_resultset_binary_deprecate_eof", "binary result set ended by an OK (0xFE), CLIENT_DEPRECATE_EOF", "B", 16, 5),
            ("be_field_list_deprecate_eof", "COM_FIELD_LIST answer ended by an OK (0xFE), CLIENT_DEPRECATE_EOF", "B", 23, 2),
            ("stream_be_commands_deprecate_eof", "every answer of a raw client session, CLIENT_DEPRECATE_EOF", "B", 0, 28),
        ]),
        ("change_user", [sys.executable, os.path.join(HERE, "raw_client.py"), str(port), m.user,
                         m.password, "change_user"], raw, [
            ("fe_com_change_user", "COM_CHANGE_USER, client -> server", "F", 1, 1),
            ("be_auth_switch_request", "AuthSwitchRequest to mysql_native_password, server -> client", "B", 2, 1),
            ("fe_auth_switch_response", "AuthSwitchResponse (the native scramble), client -> server", "F", 2, 1),
        ]),
    ]


def packets_of(records, direction):
    data = b"".join(bytes.fromhex(r["hex"]) for r in records if r["dir"] == direction)
    out, i = [], 0
    while i + 4 <= len(data):
        n = data[i] | data[i + 1] << 8 | data[i + 2] << 16
        if i + 4 + n > len(data):
            break
        out.append(data[i:i + 4 + n])
        i += 4 + n
    return out


def hex_lines(packet):
    lines = []
    header, payload = packet[:4], packet[4:]
    lines.append(" ".join(f"{b:02x}" for b in header))
    for i in range(0, len(payload), 16):
        chunk = payload[i:i + 16]
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{' '.join(f'{b:02x}' for b in chunk):<48}  # {text}")
    return lines


def write_fixture(out_dir, name, title, source, packets):
    with open(os.path.join(out_dir, name + ".hex"), "w") as f:
        f.write(f"# {title}\n# source: {source}\n# framing: packets\n")
        for p in packets:
            f.write("\n".join(hex_lines(p)) + "\n")


def main():
    listing = "--list" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--list"]
    tmp = tempfile.mkdtemp(prefix="gh-mysql-capture-")
    out_dir = args[0] if args else os.path.join(tmp, "fixtures")
    os.makedirs(out_dir, exist_ok=True)
    rec = os.path.join(tmp, "rec")
    os.makedirs(rec)
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=localhost"], check=True,
                   capture_output=True)
    os.chmod(tmp, 0o755)
    for f in (cert, key):
        os.chmod(f, 0o644)  # the server runs as mysql; the files die with tmp
    with mariadb_server({"local-infile": "1", "ssl-cert": cert, "ssl-key": key}) as m:
        m.root_sql("CREATE TABLE gh.t (id INT)")
        # A known password, so that the tests can check the captured scrambles.
        m.root_sql(f"ALTER USER 'gh'@'127.0.0.1' IDENTIFIED BY '{FIXTURE_PASSWORD}'")
        m.password = FIXTURE_PASSWORD
        port = free_port()
        relay = subprocess.Popen([sys.executable, RELAY, str(port), str(m.port), rec])
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port)).close()
                    break
                except OSError:
                    time.sleep(0.05)
            time.sleep(0.2)
            for f in os.listdir(rec):
                os.unlink(os.path.join(rec, f))  # the probe above is a connection too
            done = []
            for name, cmd, source, cuts in scenarios(m, port, tmp):
                before = set(os.listdir(rec))
                subprocess.run(cmd, capture_output=True, timeout=60)
                time.sleep(0.3)
                new = sorted(set(os.listdir(rec)) - before)
                done.append((name, new, source, cuts))
        finally:
            relay.terminate()
            relay.wait()
    for name, files, source, cuts in done:
        records = [json.loads(l) for f in files for l in open(os.path.join(rec, f))]
        streams = {d: packets_of(records, d) for d in "FB"}
        if listing:
            print(f"== {name}")
            for d in "FB":
                for i, p in enumerate(streams[d]):
                    print(f"  {d}{i}: seq={p[3]} len={len(p) - 4} first={p[4:5].hex()} {p[4:40]!r}")
        for fixture, title, d, first, count in cuts:
            write_fixture(out_dir, fixture, title, source, streams[d][first:first + count])
    if args:
        shutil.rmtree(tmp, ignore_errors=True)  # the recordings, the key and the CSV
    print(out_dir)


if __name__ == "__main__":
    main()
