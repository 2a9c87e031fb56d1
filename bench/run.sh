#!/usr/bin/env bash
# bench/run.sh [--db sqlite|postgres] [--scale 1.0] [--repeat 30] [--skip-import] [--skip-list]
set -euo pipefail
cd "$(dirname "$0")/.."
DB=sqlite
SCALE=1.0
REPEAT=30
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB=$2; shift ;;
    --scale) SCALE=$2; shift ;;
    --repeat) REPEAT=$2; shift ;;
    --skip-import) EXTRA+=(--skip-import) ;;
    --skip-list) EXTRA+=(--skip-list) ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
PY=.venv/bin/python
mkdir -p bench/out
export ZHAOSHANG_VAR_DIR=$PWD/bench/out ZHAOSHANG_DEBUG=0
if [ "$DB" = postgres ]; then
  # The cluster lives in bench/out/pg-<scale> and is kept: generating 200,000 projects takes
  # minutes, and a second run reuses it (delete the folder to regenerate).
  PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  PGDIR=$PWD/bench/out/pg-$SCALE
  PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg=()
  fresh=0
  if [ ! -d "$PGDIR/data" ]; then
    fresh=1
    mkdir -p "$PGDIR"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$PGDIR"; fi
  fi
  if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi
  trap '"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true' EXIT
  if [ $fresh = 1 ]; then
    "${as_pg[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o "-h 127.0.0.1 -p $PORT -k $PGDIR -c shared_buffers=1GB -c work_mem=64MB" start >/dev/null
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/zhaoshang"
  if [ $fresh = 1 ]; then
    "${as_pg[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres zhaoshang
    $PY manage.py migrate -v0
    $PY bench/generate.py --scale "$SCALE"
  else
    $PY manage.py migrate -v0
  fi
  if [ "${BENCH_SHELL:-}" = 1 ]; then echo "DATABASE_URL=$DATABASE_URL"; echo "cluster up; press enter to stop"; read -r _; exit 0; fi
else
  export ZHAOSHANG_SQLITE_PATH=$PWD/bench/out/bench-$SCALE.sqlite3
  if [ ! -f "$ZHAOSHANG_SQLITE_PATH" ]; then
    $PY manage.py migrate -v0
    $PY bench/generate.py --scale "$SCALE"
  fi
fi
$PY bench/run.py --repeat "$REPEAT" "${EXTRA[@]}"
