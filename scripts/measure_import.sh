#!/bin/bash
# Measures `clusterbridge import` (issue 18 point 1): a seeded database, a generated CSV of N rows
# (the columns of tests/api/import_export.rs), imported row by row and then imported again (every
# row unchanged); prints for each run the seconds, rows/s and the process's peak RSS (VmHWM).
# Usage: [BIN=…] [MODE=row-by-row|all-or-nothing] scripts/measure_import.sh [N] [DATABASE_URL]
#   e.g. scripts/measure_import.sh 5000
#        scripts/measure_import.sh 100000 postgres://postgres@127.0.0.1:5432/measure_import
# A PostgreSQL database is emptied first (DROP SCHEMA public CASCADE), so name a scratch one.
set -eu
N=${1:-5000}
URL=${2:-sqlite:///tmp/clusterbridge-import-$N.db?mode=rwc}
BIN=${BIN:-./target/debug/clusterbridge}
MODE=${MODE:-row-by-row}
case "$URL" in
  sqlite:*) f=${URL#sqlite://}; f=${f%%\?*}; rm -f "$f" "$f-wal" "$f-shm" ;;
  *) psql "$URL" -q -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' ;;
esac
DATABASE_URL="$URL" $BIN migrate >/dev/null 2>&1
DATABASE_URL="$URL" $BIN seed >/dev/null 2>&1
case "$URL" in
  sqlite:*) PARTNER=$(sqlite3 "$f" "SELECT lower(hex(id)) FROM partner_organisation LIMIT 1" | sed -E 's/(.{8})(.{4})(.{4})(.{4})(.{12})/\1-\2-\3-\4-\5/') ;;
  *) PARTNER=$(psql "$URL" -At -c 'SELECT id FROM partner_organisation LIMIT 1') ;;
esac
FILE=/tmp/measure-import-$N.csv
awk -v n="$N" 'BEGIN { print "externalId;name;kind;country;membersTotal;membersSme;ecosystems;technologies";
  for (i = 0; i < n; i++) printf "M-%d;M generated cluster %d;CLUSTER_ORGANISATION;TW;%d;%d;DIGITAL|HEALTH;robots|sensors\n", i, i, 20 + i % 50, i % 20 }' >"$FILE"
run() {
  local start end peak=0 pid h
  start=$(date +%s.%N)
  DATABASE_URL="$URL" $BIN import "$FILE" --partner-organisation "$PARTNER" --mode "$MODE" >/tmp/measure-import-out 2>/dev/null &
  pid=$!
  while kill -0 $pid 2>/dev/null; do
    h=$(awk '$1 == "VmHWM:" { print $2 }' /proc/$pid/status 2>/dev/null || true)
    [ -n "$h" ] && [ "$h" -gt "$peak" ] && peak=$h
    sleep 0.05
  done
  wait $pid || true
  end=$(date +%s.%N)
  local s; s=$(echo "$end - $start" | bc)
  echo "$1: $(head -1 /tmp/measure-import-out); seconds=$s rows/s=$(echo "$N / $s" | bc) peak VmHWM ${peak} kB"
}
run first
run again
rm -f "$FILE"
