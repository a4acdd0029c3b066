#!/usr/bin/env bash
# Installs what building and testing Gatehouse needs, from Debian 12 packages
# only. Quick when everything is already there. Usage: scripts/deps.sh [build|test]
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libpg-query-dev libsqlite3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
run_pkgs=(postgresql-15 postgresql-client-15 sqlite3 openssl)
test_pkgs=(
  pgbouncer mariadb-server mariadb-client
  python3 python3-psycopg python3-pytest python3-cryptography python3-pymysql
  clang-14 libclang-rt-14-dev llvm-14
)

want=("${build_pkgs[@]}" "${run_pkgs[@]}")
[ "${1:-build}" = test ] && want+=("${test_pkgs[@]}")
command -v node >/dev/null && command -v npm >/dev/null || want+=(nodejs npm)

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# Package scripts must not start the distribution's own servers: tests start
# their own on loopback in temp dirs.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
