#!/bin/bash
# Measures the streamed export's memory (issue 18): fills a database with N generated clusters
# (once; seed 7), serves it on loopback, exports clusters as JSON Lines FAST (3) times with a fast
# client and once with a slow one (curl --limit-rate), and prints for each the bytes, the seconds
# and the server's peak RssAnon (heap: what would grow if the export held rows) and RssFile
# (memory-mapped SQLite file pages and the binary: reclaimable, not the server's heap), polled
# every 0.1 s from /proc/PID/status. VmRSS is their sum plus shared memory.
# Usage: [FAST=3] [BIN=…] [PORT=…] [SKIP_GENERATE=1] scripts/measure_export.sh [N] [DATABASE_URL] [SLOW_RATE]
#   e.g. scripts/measure_export.sh 20000
#        scripts/measure_export.sh 20000 postgres://postgres@127.0.0.1:5432/measure_export
set -eu
N=${1:-20000}
URL=${2:-sqlite:///tmp/clusterbridge-export-$N.db?mode=rwc}
RATE=${3:-2m}
BIN=${BIN:-./target/debug/clusterbridge}
PORT=${PORT:-38471}
case "$URL" in
  sqlite:*) f=${URL#sqlite://}; f=${f%%\?*}; [ -f "$f" ] || DATABASE_URL="$URL" $BIN generate --clusters "$N" --seed 7 >/dev/null 2>&1 ;;
  *) [ -n "${SKIP_GENERATE:-}" ] || DATABASE_URL="$URL" $BIN generate --clusters "$N" --seed 7 >/dev/null 2>&1 ;;
esac
DATABASE_URL="$URL" LISTEN_ADDR=127.0.0.1:$PORT RATE_LIMIT=off $BIN serve >/dev/null 2>&1 &
PID=$!
trap 'kill $PID' EXIT
for _ in $(seq 1 100); do curl -s http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.5; done
kib() { awk -v k="$1:" '$1 == k { print $2 }' /proc/$PID/status; }
echo "idle: RssAnon $(kib RssAnon) kB RssFile $(kib RssFile) kB"
run() {
  local label=$1; shift
  local peak_anon=0 peak_file=0 start end out
  start=$(date +%s.%N)
  curl -s "$@" http://127.0.0.1:$PORT/export/clusters.jsonl | wc -c >/tmp/measure-export-bytes &
  local client=$!
  while kill -0 $client 2>/dev/null; do
    a=$(kib RssAnon); f=$(kib RssFile)
    [ "$a" -gt "$peak_anon" ] && peak_anon=$a
    [ "$f" -gt "$peak_file" ] && peak_file=$f
    sleep 0.1
  done
  end=$(date +%s.%N)
  echo "$label: bytes=$(cat /tmp/measure-export-bytes) seconds=$(echo "$end - $start" | bc) peak RssAnon $peak_anon kB, peak RssFile $peak_file kB; after: RssAnon $(kib RssAnon) kB"
}
for i in $(seq 1 "${FAST:-3}"); do run "fast $i"; done
run "slow ($RATE/s)" --limit-rate "$RATE"
