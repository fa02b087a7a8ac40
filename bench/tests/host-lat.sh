#!/usr/bin/env bash
# bench/tests/host-lat.sh - host test of bench/trs-lat over loopback (no
# guest; run by `make check-host`). Asserts what the tool must get right,
# never a latency target (those live in benchmarks):
# 1. a 1 s stream at 50 Mbit/s in 16 KB records: both ends exit 0, the server
#    counts every record the client sent, no error, its quantiles are
#    ordered (p50 <= p99 <= p99.9 <= max) and its rate is within a factor
#    of 2 of the offered one; the client reports the TCP_INFO keys.
# 2. a stream that is not trs-lat records (a planted wrong header) is
#    refused: server exit 1, "bad header" named, lat_errors=1.
# 3. usage errors exit 2: no -R for the client, -r below the header size,
#    -R that is not a whole number.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$(dirname "$(dirname "$here")")/build}
lat=$build/bench/bin/trs-lat
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 failn=0
check() { local n=$1; shift; if "$@"; then pass=$((pass + 1)); else failn=$((failn + 1)); echo "FAIL - $n"; fi; }
kv() { sed -n "s/^$2=//p" "$1" | head -n 1; }
[ -x "$lat" ] || { echo "FAIL - $lat not built (make bench-bin)"; exit 1; }
port=$((20000 + $$ % 20000))

wait_port() { for _ in $(seq 50); do ss -Hltn "sport = :$1" | grep -q . && return 0; sleep 0.1; done; return 1; }

# 1
"$lat" -s -p $port > "$tmp/s" 2> "$tmp/s.err" & srv=$!
wait_port $port
"$lat" -c 127.0.0.1 -p $port -R 50 -t 1 > "$tmp/c" 2> "$tmp/c.err"; crc=$?
wait $srv; src=$?
check "client and server exit 0 (client $crc, server $src: $(cat "$tmp/c.err" "$tmp/s.err"))" [ $crc = 0 -a $src = 0 ]
sent=$(kv "$tmp/c" lat_sent_records) got=$(kv "$tmp/s" lat_records)
check "every record sent is counted ($sent sent, $got received)" [ -n "$sent" -a "$sent" = "$got" -a "${sent:-0}" -gt 300 ]
check "no error ($(kv "$tmp/s" lat_errors))" [ "$(kv "$tmp/s" lat_errors)" = 0 ]
check "quantiles ordered: $(kv "$tmp/s" lat_p50_us) <= $(kv "$tmp/s" lat_p99_us) <= $(kv "$tmp/s" lat_p999_us) <= $(kv "$tmp/s" lat_max_us)" \
	awk -v a="$(kv "$tmp/s" lat_p50_us)" -v b="$(kv "$tmp/s" lat_p99_us)" -v c="$(kv "$tmp/s" lat_p999_us)" \
	-v d="$(kv "$tmp/s" lat_max_us)" 'BEGIN { exit !(a > 0 && a <= b && b <= c && c <= d) }'
check "rate within 2x of the offered 50 Mbit/s ($(kv "$tmp/s" lat_mbps))" \
	awk -v r="$(kv "$tmp/s" lat_mbps)" 'BEGIN { exit !(r > 25 && r < 100) }'
check "client reports TCP_INFO's limits and busy time" \
	grep -q '^lat_rwnd_limited_us=[0-9]' "$tmp/c" && grep -q '^lat_busy_us=[0-9]' "$tmp/c"

# 2: 64 bytes that are not a record
"$lat" -s -p $port > "$tmp/s" 2> "$tmp/s.err" & srv=$!
wait_port $port
python3 -c "import socket; s = socket.create_connection(('127.0.0.1', $port)); s.sendall(b'x' * 64); s.close()"
wait $srv; src=$?
check "a wrong stream is refused (exit $src, $(cat "$tmp/s.err"))" \
	[ $src = 1 -a "$(kv "$tmp/s" lat_errors)" = 1 ] && grep -q 'bad header' "$tmp/s.err"

# 3
"$lat" -c 127.0.0.1 -p $port > /dev/null 2>&1; rc=$?
check "client without -R: exit 2 (was $rc)" [ $rc = 2 ]
"$lat" -c 127.0.0.1 -p $port -R 10 -r 16 > /dev/null 2>&1; rc=$?
check "-r 16 (under the 32-byte header): exit 2 (was $rc)" [ $rc = 2 ]
"$lat" -c 127.0.0.1 -p $port -R 10x > /dev/null 2>&1; rc=$?
check "-R 10x (not a number): exit 2 (was $rc)" [ $rc = 2 ]

echo "lat: $pass passed, $failn failed"
[ $failn = 0 ]
