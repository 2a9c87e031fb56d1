#!/usr/bin/env bash
# bench/run.sh [--db sqlite|postgres] [--scale 1.0] [--repeat 30]
set -euo pipefail
cd "$(dirname "$0")/.."
DB=sqlite
SCALE=1.0
REPEAT=30
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB=$2; shift ;;
    --scale) SCALE=$2; shift ;;
    --repeat) REPEAT=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
PY=.venv/bin/python
mkdir -p bench/out
export ZHAOSHANG_VAR_DIR=$PWD/bench/out ZHAOSHANG_DEBUG=0
if [ "$DB" = postgres ]; then
  PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  PGDIR=$(mktemp -d /tmp/zhaoshang-bench-pg.XXXXXX)
  PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg=()
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$PGDIR"; as_pg=(runuser -u postgres --); fi
  trap '"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"' EXIT
  "${as_pg[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o "-h 127.0.0.1 -p $PORT -k $PGDIR -c shared_buffers=1GB -c work_mem=64MB" start >/dev/null
  "${as_pg[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres zhaoshang
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/zhaoshang"
  $PY manage.py migrate -v0
  $PY bench/generate.py --scale "$SCALE"
else
  export ZHAOSHANG_SQLITE_PATH=$PWD/bench/out/bench-$SCALE.sqlite3
  if [ ! -f "$ZHAOSHANG_SQLITE_PATH" ]; then
    $PY manage.py migrate -v0
    $PY bench/generate.py --scale "$SCALE"
  fi
fi
$PY bench/run.py --repeat "$REPEAT"
