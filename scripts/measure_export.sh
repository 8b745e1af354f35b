#!/bin/bash
# Measures the streamed export (issue 18): fills an SQLite file with N generated clusters (once),
# serves it on loopback, exports clusters in each format, and prints the bytes, the seconds and
# the server's VmRSS/VmHWM before and after each export. Usage: scripts/measure_export.sh [N] [DB]
set -eu
N=${1:-100000}
DB=${2:-/tmp/clusterbridge-export-$N.db}
BIN=./target/debug/clusterbridge
PORT=38471
[ -f "$DB" ] || DATABASE_URL="sqlite://$DB?mode=rwc" $BIN generate --clusters "$N" >/dev/null
DATABASE_URL="sqlite://$DB?mode=rwc" LISTEN_ADDR=127.0.0.1:$PORT RATE_LIMIT=off $BIN serve >/dev/null 2>&1 &
PID=$!
trap 'kill $PID' EXIT
for _ in $(seq 1 100); do curl -s http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.5; done
grep -E "VmRSS|VmHWM" /proc/$PID/status
for f in jsonl csv json; do
  start=$(date +%s.%N)
  bytes=$(curl -s http://127.0.0.1:$PORT/export/clusters.$f | wc -c)
  end=$(date +%s.%N)
  echo "$f bytes=$bytes seconds=$(echo "$end - $start" | bc)"
  grep -E "VmRSS|VmHWM" /proc/$PID/status
done
