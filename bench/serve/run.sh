#!/usr/bin/env bash
# Load test of `vibora serve` on loopback against a synthetic 10M-hash bank.
#
#   bash bench/serve/run.sh [DIR] [N]      (defaults /tmp/vibora-serve-bench, 10000000)
#
# Generates DIR/bank.txt (PDQ, bench/pdqindex -gen) and DIR/bank.json (VICS:
# each record a random MD5 and one of those PDQ hashes), imports it into a
# new store DIR/v.db with an agency, a user and an API token, starts the
# server once to build and cache the match index, then again to time its
# readiness (/readyz) and resident memory from the cached index, and runs:
# MD5 and PDQ single-hash requests from 64 clients, PDQ batches of 1,000
# hashes from 2 clients, and bench/pdqindex's one-core rate on the same bank.
# MD5 and PDQ also run paced at the issue's rates (20,000 and 4,000 a second).
# The load generator's lean client (raw keep-alive connections) sends the
# requests; one MD5 run with net/http's client (-client nethttp) follows for
# comparison: that client costs several times the CPU per request, taken
# from the server on these 2 cores.
# Every hash is random bytes. The first run imports 10M records (minutes).
set -euo pipefail
DIR=${1:-/tmp/vibora-serve-bench}
N=${2:-10000000}
PORT=${PORT:-18080}
URL=http://127.0.0.1:$PORT
mkdir -p "$DIR"
go build -o "$DIR/vibora" ./cmd/vibora
go build -o "$DIR/servebench" ./bench/serve
go build -o "$DIR/pdqindex" ./bench/pdqindex
V="$DIR/vibora --db $DIR/v.db"
[ -f "$DIR/bank.txt" ] || "$DIR/pdqindex" -gen "$DIR" -n "$N"
[ -f "$DIR/bank.json" ] || "$DIR/servebench" -gen "$DIR"
if [ ! -f "$DIR/v.db" ]; then
	/usr/bin/time -f "import: wall=%e s cpu=%U+%S s" $V bank import --name synthetic --kind known "$DIR/bank.json" >/dev/null
	$V agency add EXAMPLE-HUB --country NL >/dev/null
	$V user add bench --agency EXAMPLE-HUB --role analyst >/dev/null
fi
TOKEN=$($V --json token create --user bench --name "bench $(date +%s)" | sed -n 's/.*"token": *"\([^"]*\)".*/\1/p')
PID=
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
trap stop EXIT
start() {
	local t0 t1
	t0=$(date +%s.%N)
	$V serve --listen "127.0.0.1:$PORT" >"$DIR/serve.log" 2>&1 &
	PID=$!
	until [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")" = 200 ]; do
		kill -0 "$PID" || { cat "$DIR/serve.log"; exit 1; }
		sleep 0.05
	done
	t1=$(date +%s.%N)
	echo "$1: ready_s=$(echo "$t1 - $t0" | bc) rss_mb=$(($(awk '/VmRSS/{print $2}' /proc/$PID/status) / 1024))"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
start "first start (builds the index if not cached)"
stop
start "start from the cached index"
"$DIR/servebench" -url "$URL" -token "$TOKEN" -mode md5 -c 64 -for 15s -pid "$PID" "$DIR/md5-queries.txt"
"$DIR/servebench" -url "$URL" -token "$TOKEN" -mode pdq -c 64 -for 15s -pid "$PID" "$DIR/queries.txt"
# The same at the issue's rates, paced (open loop; latency from each
# request's scheduled time): the p99 at the goal rate, not at saturation.
"$DIR/servebench" -url "$URL" -token "$TOKEN" -mode md5 -c 64 -rate 20000 -for 15s -pid "$PID" "$DIR/md5-queries.txt"
"$DIR/servebench" -url "$URL" -token "$TOKEN" -mode pdq -c 64 -rate 4000 -for 15s -pid "$PID" "$DIR/queries.txt"
"$DIR/servebench" -url "$URL" -token "$TOKEN" -mode pdq-batch -c 2 -batch 1000 -for 20s -pid "$PID" "$DIR/queries.txt"
"$DIR/servebench" -url "$URL" -token "$TOKEN" -mode md5 -c 64 -for 15s -pid "$PID" -client nethttp "$DIR/md5-queries.txt"
echo "server rss after the load: $(($(awk '/VmRSS/{print $2}' /proc/$PID/status) / 1024)) MB"
stop
echo "one core, same bank (bench/pdqindex):"
"$DIR/pdqindex" "$DIR/bank.txt" "$DIR/queries.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
