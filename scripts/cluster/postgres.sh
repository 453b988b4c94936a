#!/usr/bin/env bash
# PostgreSQL for the cluster: Debian's package (installed with apt-get when missing), its own data folder in
# .data/cluster/postgres owned by the postgres user, listening on loopback only, a role `temporal` with a generated
# password. Usage: postgres.sh start|stop
set -euo pipefail
source "$(dirname "$0")/env.sh"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# initdb and postgres refuse to run as root: as root, run them as the postgres user the package creates.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_postgres() {
  [ -n "$(pg_bin)" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    fail "PostgreSQL is not installed and this is not root: run 'sudo apt-get install postgresql' once, then make cluster again."
  fi
  command -v apt-get >/dev/null || fail "PostgreSQL is missing and there is no apt-get: install PostgreSQL 12 or newer (server binaries under /usr/lib/postgresql/<version>/bin)."
  step "Installing PostgreSQL from Debian (apt-get; no default cluster is created)"
  # The package would create and start a cluster on 5432; ours lives in the project's folder instead.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/one-stop-shop.conf
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }; then
    fail "apt-get install postgresql failed (see above): check the Debian package sources (apt-get update), then make cluster again."
  fi
  [ -n "$(pg_bin)" ] || fail "the postgresql package installed no server under /usr/lib/postgresql/*/bin."
  done_step "installed $("$(pg_bin)/postgres" --version)"
}

start() {
  install_postgres
  local bin password
  bin="$(pg_bin)"
  password="$(secret postgres-password)"
  if as_pg "$bin/pg_ctl" -D "$CLUSTER_PGDATA" status >/dev/null 2>&1; then
    done_step "PostgreSQL already running on 127.0.0.1:$CLUSTER_PG_PORT"
    return 0
  fi
  mkdir -p "$CLUSTER_PGDATA" "$CLUSTER_PGSOCKET" "$CLUSTER_LOGS"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$CLUSTER_PGDATA" "$CLUSTER_PGSOCKET"
    touch "$CLUSTER_LOGS/postgres.log" && chown postgres: "$CLUSTER_LOGS/postgres.log"
    # The postgres user must be able to reach its folders inside the project.
    local dir="$CLUSTER_DATA"
    while [ "$dir" != / ]; do
      [ -x "$dir" ] && runuser -u postgres -- test -x "$dir" || fail "the postgres user cannot enter $dir: chmod o+x it (or clone the project where others may read)."
      dir="$(dirname "$dir")"
    done
  fi
  chmod 700 "$CLUSTER_PGDATA" "$CLUSTER_PGSOCKET"
  if [ ! -f "$CLUSTER_PGDATA/PG_VERSION" ]; then
    step "Creating the database cluster in ${CLUSTER_PGDATA#"$CLUSTER_ROOT/"}"
    local pwfile="$CLUSTER_PGSOCKET/.pw"
    (umask 077 && echo "$password" >"$pwfile")
    [ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
    as_pg "$bin/initdb" -D "$CLUSTER_PGDATA" -U temporal --pwfile="$pwfile" --auth-host=scram-sha-256 \
      --auth-local=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$CLUSTER_LOGS/initdb.log" 2>&1 ||
      { tail -n 20 "$CLUSTER_LOGS/initdb.log" >&2; fail "initdb failed (log above): delete .data/cluster/postgres and try again."; }
    rm -f "$pwfile"
  fi
  step "Starting PostgreSQL on 127.0.0.1:$CLUSTER_PG_PORT"
  as_pg "$bin/pg_ctl" -D "$CLUSTER_PGDATA" -l "$CLUSTER_LOGS/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $CLUSTER_PG_PORT -c unix_socket_directories=$CLUSTER_PGSOCKET -c max_connections=100" \
    start >/dev/null ||
    { tail -n 20 "$CLUSTER_LOGS/postgres.log" >&2; fail "PostgreSQL did not start (log above): is port $CLUSTER_PG_PORT taken? Set CLUSTER_PG_PORT to a free one."; }
  done_step "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') up, data in ${CLUSTER_PGDATA#"$CLUSTER_ROOT/"}"
}

stop() {
  local bin
  bin="$(pg_bin)"
  [ -n "$bin" ] && [ -f "$CLUSTER_PGDATA/postmaster.pid" ] || return 0
  as_pg "$bin/pg_ctl" -D "$CLUSTER_PGDATA" -m fast -w stop >/dev/null 2>&1 && done_step "stopped PostgreSQL" || true
}

"${1:?usage: postgres.sh start|stop}"
