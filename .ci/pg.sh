# A throw-away PostgreSQL server for the server-backed store tests; sourced by .ci/run (and by a
# developer who wants the same server:  source .ci/pg.sh && pg_start && python3 run.py test; pg_stop).
# It listens on a Unix socket in a temporary folder only (no TCP port), trusts local connections,
# and disappears with that folder. pg_start exports OHAYAMI_PG_DSN; pg_stop stops it and removes it.

pg_install() {
  # Debian's server package when no initdb is on the machine
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  elif command -v sudo >/dev/null; then
    sudo apt-get update -qq && sudo apt-get install -y -qq postgresql >/dev/null
  else
    echo "[ci] cannot install postgresql (not root)" >&2
    return 1
  fi
}

pg_as_owner() {
  # the server refuses to run as root: as root, run it as Debian's postgres user
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  pg_install || return 1
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PG_DIR=$(mktemp -d /tmp/ohayami-pg.XXXXXX)
  PG_PORT=${PG_PORT:-54329}
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U ohayami -A trust -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $PG_DIR -p $PG_PORT -c fsync=off" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U ohayami ohayami_test || return 1
  export OHAYAMI_PG_DSN="host=$PG_DIR port=$PG_PORT user=ohayami dbname=ohayami_test"
  export PG_BIN PG_DIR
  echo "[ci] PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on $PG_DIR (socket only)"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ] || return 0
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  unset OHAYAMI_PG_DSN PG_DIR
}
