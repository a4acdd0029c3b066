#!/usr/bin/env bash
# Regenerates the PostgreSQL wire fixtures from real traffic: starts a
# throw-away PostgreSQL 15 on loopback, puts capture/relay.py in front of it,
# drives psql, a libpq program and raw_client.py through the relay, then cuts
# the recordings into tests/wire/pg/*.hex (split.py).
# Usage (as root): capture.sh [OUT_DIR]   (default: a temp dir, printed at the end)
# Needs postgresql-15, psql, python3 and, for clients.c, a C compiler and
# libpq-dev (not in scripts/deps.sh: only this script uses it).
# Random fields (nonces, salts, backend keys) differ on every run, and the
# tests check the committed values: review the diff before replacing fixtures.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin=/usr/lib/postgresql/15/bin
port=$((20000 + RANDOM % 20000))
relay_port=$((port + 1))
tmp="$(mktemp -d /tmp/gh-capture.XXXXXX)"
out="${1:-$tmp/fixtures}"
mkdir -p "$out" "$tmp/rec"
chown postgres "$tmp"
as_pg() { runuser -u postgres -- "$@"; }

relay_pid=""
cleanup() {
  [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null || true
  as_pg "$bin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

as_pg "$bin/initdb" -D "$tmp/data" -A trust -U postgres >/dev/null
cat >>"$tmp/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$tmp'
ssl = off
CONF
cat >"$tmp/data/pg_hba.conf" <<HBA
local all all trust
host all gh_trust 127.0.0.1/32 trust
host all gh_clear 127.0.0.1/32 password
host all gh_md5 127.0.0.1/32 md5
host all gh_scram 127.0.0.1/32 scram-sha-256
HBA
as_pg "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w start >/dev/null
as_pg psql -q -h "$tmp" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE gh_trust LOGIN;
CREATE ROLE gh_clear LOGIN PASSWORD 'clear-secret';
CREATE ROLE gh_scram LOGIN PASSWORD 'pencil';
SET password_encryption = 'md5';
CREATE ROLE gh_md5 LOGIN PASSWORD 'md5-secret';
SQL

python3 "$here/relay.py" "$relay_port" "$port" "$tmp/rec" &
relay_pid=$!
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$relay_port) 2>/dev/null && break; sleep 0.1; done
sleep 0.2
rm -f "$tmp"/rec/*   # the probe above is a connection too

conn() { echo "host=127.0.0.1 port=$relay_port dbname=postgres user=$1 application_name=$2 ${3:-sslmode=disable gssencmode=disable}"; }

# Simple query protocol, errors, notices, COPY in and out; SSLRequest first.
psql -X -q "$(conn gh_trust gh_psql_simple 'sslmode=prefer gssencmode=disable')" >/dev/null 2>&1 <<'SQL' || true
SELECT 1 AS one, 'two' AS two;
SELECT 1/0;
DO $$BEGIN RAISE NOTICE 'gh notice'; END$$;
BEGIN;
CREATE TEMP TABLE gh_t(a int, b text);
COPY gh_t FROM STDIN;
1	one
2	two
\.
COPY gh_t TO STDOUT;
COMMIT;
BEGIN;
SELECT 1/0;
ROLLBACK;
LISTEN gh_channel;
NOTIFY gh_channel, 'gh payload';
SQL
sleep 0.3
PGPASSWORD=clear-secret psql -X -q "$(conn gh_clear gh_psql_clear)" -c 'SELECT 1' >/dev/null
PGPASSWORD=md5-secret psql -X -q "$(conn gh_md5 gh_psql_md5)" -c 'SELECT 1' >/dev/null
PGPASSWORD=pencil psql -X -q "$(conn gh_scram gh_psql_scram)" -c 'SELECT 1' >/dev/null
# CancelRequest: psql sends it on SIGINT, on a connection of its own.
psql -X -q "$(conn gh_trust gh_psql_cancel)" -c 'SELECT pg_sleep(10)' >/dev/null 2>&1 &
psql_pid=$!
sleep 1
kill -INT "$psql_pid"
wait "$psql_pid" || true
sleep 0.3
cc "$here/clients.c" -I"$(pg_config --includedir)" -lpq -o "$tmp/clients"
"$tmp/clients" "$(conn gh_trust gh_libpq)"
python3 "$here/raw_client.py" "$relay_port" gh_trust postgres
sleep 0.5

python3 "$here/split.py" "$tmp/rec" "$out"
echo "fixtures in $out (recordings in $tmp/rec)"
