#!/usr/bin/env bash
# The side-by-side benchmarks of the README's Performance section (`make bench`):
#
#   file     a ~200k-packet capture built from real ones (bench/mkcapture): tshark 4.0
#            (../shared/tools/tshark-columns) and `sniffws -r BIG -print csv` in turn under
#            /usr/bin/time -v; the outputs must be identical (exact-row share printed)
#   big      the same with 2M packets: sniffws's peak RSS (tshark too with TSHARK_BIG=1)
#   ws       WebSocket fan-out of the same CSV: the old Python server (bench/pyserver, a
#            measurement fixture) to 1 client, sniffws -stdin and sniffws -r to 10 clients
#            (bench/wsload: every client must get every message)
#   idle     server RSS per idle WebSocket connection at 10,000 connections (bench/wsidle)
#   latency  10k UDP packets/s on lo for 5 s: capture -> client p50/p99/max for sniffws -i lo,
#            and for tshark -l -i lo | the Python server (bench/wslatency); needs root
#
# Usage: bench/run.sh [SECTION...]        (default: all of them, in that order)
# Environment: BENCH_DIR (work files, default /tmp/sniffws-bench), CORPUS (captures to build
# from: ../shared/corpus/pcaps when present, else samples/ and testdata/), PACKETS (200000),
# BIG_PACKETS (2000000), RUNS (sniffws runs, best kept: 3), WS_MESSAGES (200000),
# LAT_RATE (10000), LAT_SECONDS (5), TSHARK_BIG (0), PYTHON (/usr/bin/python3, which has
# Debian's python3-websockets: apt-get install python3-websockets).
#
# The machine is shared: every figure comes with the load average it was taken at, and the
# ratios are of runs made one right after the other. Everything stays on loopback and every
# run is bounded in time. Needs tshark and python3-websockets for the baselines (their parts
# are skipped without them) and root for the latency section.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
D=${BENCH_DIR:-/tmp/sniffws-bench}
PACKETS=${PACKETS:-200000}
BIG_PACKETS=${BIG_PACKETS:-2000000}
RUNS=${RUNS:-3}
WS_MESSAGES=${WS_MESSAGES:-200000}
LAT_RATE=${LAT_RATE:-10000}
LAT_SECONDS=${LAT_SECONDS:-5}
TSHARK_BIG=${TSHARK_BIG:-0}
if [ -z "${CORPUS:-}" ]; then
	if [ -d ../shared/corpus/pcaps ]; then CORPUS=../shared/corpus/pcaps; else CORPUS="samples testdata"; fi
fi
SECTIONS=${*:-file big ws idle latency}
# The baseline server needs Debian's python3-websockets, installed for the system Python.
PYTHON=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
mkdir -p "$D/bin"
RESULTS=$D/results.md
: >"$RESULTS"

say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
load() { cut -d' ' -f1 /proc/loadavg; }

# tshark exactly as the reference runs it (../shared/tools/tshark-columns, or the same command).
TSHARK_COLUMNS=$ROOT/../shared/tools/tshark-columns
if [ ! -x "$TSHARK_COLUMNS" ]; then
	TSHARK_COLUMNS=$D/bin/tshark-columns
	cat >"$TSHARK_COLUMNS" <<'EOF2'
#!/usr/bin/env bash
set -euo pipefail
exec tshark -T fields -E separator=, -E quote=d \
  -e _ws.col.No. -e _ws.col.Time -e _ws.col.Source -e _ws.col.Destination \
  -e _ws.col.Protocol -e _ws.col.Length -e _ws.col.Info -r "$1" 2>/dev/null
EOF2
	chmod +x "$TSHARK_COLUMNS"
fi

# timed NAME CMD...: runs CMD under /usr/bin/time -v (stdout stays CMD's) and sets
# WALL, CPU (user+sys) in seconds and RSS in MB.
timed() {
	local name=$1
	shift
	/usr/bin/time -v -o "$D/$name.time" "$@"
	read -r WALL CPU RSS < <(awk -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
		/User time/ { c += $2 } /System time/ { c += $2 }
		/Maximum resident set size/ { r = $2 / 1024 }
		END { printf "%.2f %.2f %.1f\n", w, c, r }' "$D/$name.time")
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }'; }

build() {
	echo "building into $D/bin" >&2
	go build -o "$D/bin/sniffws" ./cmd/sniffws
	for t in mkcapture wsload wsidle wslatency; do go build -o "$D/bin/$t" "./bench/$t"; done
}

# capture N: the N-packet capture, built once (its content depends only on CORPUS and N).
capture() {
	local f=$D/big-$1.pcap
	if [ ! -s "$f" ]; then
		# shellcheck disable=SC2086
		"$D/bin/mkcapture" -packets "$1" -o "$f" $CORPUS 2>"$D/mkcapture.log" ||
			{ cat "$D/mkcapture.log" >&2; exit 1; }
	fi
	echo "$f"
}

# best_sniffws NAME RUNS ARGS...: the fastest of RUNS runs (output in $D/NAME.out).
best_sniffws() {
	local name=$1 runs=$2 bw= bc= br=
	shift 2
	for _ in $(seq "$runs"); do
		timed "$name" "$D/bin/sniffws" "$@" >"$D/$name.out"
		if [ -z "$bw" ] || awk -v a="$WALL" -v b="$bw" 'BEGIN { exit !(a < b) }'; then
			bw=$WALL bc=$CPU
		fi
		br=$(awk -v a="$RSS" -v b="${br:-0}" 'BEGIN { print (a > b) ? a : b }')
	done
	WALL=$bw CPU=$bc RSS=$br
}

section_file() {
	local big n
	big=$(capture "$PACKETS")
	say "## capture file -> seven-column CSV ($PACKETS packets from $CORPUS; load $(load))"
	if ! command -v tshark >/dev/null; then
		best_sniffws sniffws "$RUNS" -r "$big" -print csv
		say ""
		say "no tshark (apt-get install tshark): sniffws alone, $WALL s wall, $CPU s CPU, $RSS MB"
		say ""
		return
	fi
	timed tshark "$TSHARK_COLUMNS" "$big" >"$D/tshark.csv"
	local tw=$WALL tc=$CPU tr=$RSS
	n=$(wc -l <"$D/tshark.csv")
	best_sniffws sniffws "$RUNS" -r "$big" -print csv
	local sw=$WALL sc=$CPU sr=$RSS
	local exact
	exact=$(python3 - "$D/tshark.csv" "$D/sniffws.out" <<'EOF'
import sys
a = open(sys.argv[1], 'rb').read().split(b'\n')
b = open(sys.argv[2], 'rb').read().split(b'\n')
same = sum(1 for x, y in zip(a, b) if x == y and x)
rows = sum(1 for x in a if x)
print(f"{same}/{rows} rows exact ({100.0 * same / max(rows, 1):.3f}%), {sum(1 for y in b if y)} rows printed")
EOF
)
	say ""
	say "| | wall s | packets/s | CPU s | peak RSS MB |"
	say "| --- | --- | --- | --- | --- |"
	say "| tshark 4.0 | $tw | $(rate "$n" "$tw") | $tc | $tr |"
	say "| sniffws (best of $RUNS) | $sw | $(rate "$n" "$sw") | $sc | $sr |"
	say "| ratio | $(ratio "$tw" "$sw")x faster | | $(ratio "$tc" "$sc")x less CPU | $(ratio "$tr" "$sr")x less |"
	say ""
	say "outputs: $exact"
	if cmp -s "$D/tshark.csv" "$D/sniffws.out"; then say "outputs identical"; else
		say "first differences:"
		diff "$D/tshark.csv" "$D/sniffws.out" | head -6 | tee -a "$RESULTS" || true
	fi
	say ""
}

section_big() {
	local big
	big=$(capture "$BIG_PACKETS")
	say "## $BIG_PACKETS packets (load $(load))"
	best_sniffws sniffws-big 1 -r "$big" -print csv
	say ""
	say "| | wall s | packets/s | CPU s | peak RSS MB |"
	say "| --- | --- | --- | --- | --- |"
	say "| sniffws | $WALL | $(rate "$BIG_PACKETS" "$WALL") | $CPU | $RSS |"
	if [ "$TSHARK_BIG" = 1 ]; then
		local sw=$WALL
		timed tshark-big "$TSHARK_COLUMNS" "$big" >"$D/tshark-big.csv"
		say "| tshark 4.0 | $WALL | $(rate "$BIG_PACKETS" "$WALL") | $CPU | $RSS |"
		say "| ratio | $(ratio "$WALL" "$sw")x | | | |"
		if cmp -s "$D/tshark-big.csv" "$D/sniffws-big.out"; then say "outputs identical"; else say "outputs differ: $(diff "$D/tshark-big.csv" "$D/sniffws-big.out" | grep -c '^<') rows"; fi
	fi
	rm -f "$D/sniffws-big.out"
	say ""
}

# serve_and_load NAME PORT CLIENTS MESSAGES INPUT CMD...: starts the server CMD with INPUT
# on its standard input, loads it with wsload and sets TOTAL (messages delivered in all),
# MPS (delivered per second) and ALL (whether every client got all MESSAGES, one stream).
serve_and_load() {
	local name=$1 port=$2 clients=$3 n=$4 input=$5
	shift 5
	"$@" <"$input" 2>"$D/$name.server.log" &
	local pid=$!
	sleep 1
	"$D/bin/wsload" -n "$clients" -addr "127.0.0.1:$port" -timeout 120s >"$D/$name.load" || true
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	read -r TOTAL MPS < <(awk '/^total:/ { print $2, $(NF-2) }' "$D/$name.load")
	ALL=no
	if [ "${TOTAL:-0}" = "$((clients * n))" ] && ! grep -q "differs\|error" "$D/$name.load"; then ALL=yes; fi
}

section_ws() {
	local csv=$D/ws.csv big
	if [ -s "$D/tshark.csv" ]; then head -n "$WS_MESSAGES" "$D/tshark.csv" >"$csv"; else
		big=$(capture "$PACKETS")
		"$D/bin/sniffws" -r "$big" -c "$WS_MESSAGES" -print csv >"$csv"
	fi
	local n
	n=$(wc -l <"$csv")
	big=$(capture "$PACKETS")
	say "## WebSocket delivery ($n messages of the capture above; load $(load))"
	say ""
	say "| server | clients | messages delivered | msgs/s delivered | every client got every message |"
	say "| --- | --- | --- | --- | --- |"
	local base=0
	if "$PYTHON" -c 'import websockets' 2>/dev/null; then
		serve_and_load py 5711 1 "$n" "$csv" "$PYTHON" bench/pyserver/ws_server_stdin.py --serverPort 5711
		base=$MPS
		say "| old Python server (fixture) | 1 | $TOTAL | $MPS | $ALL |"
	else
		say "| old Python server: skipped, $PYTHON has no websockets (apt-get install python3-websockets) | | | | |"
	fi
	serve_and_load stdin 5712 10 "$n" "$csv" "$D/bin/sniffws" -stdin -wait 10 -listen 127.0.0.1:5712
	say "| sniffws -stdin | 10 | $TOTAL | $MPS ($(ratio "$MPS" "$base")x) | $ALL |"
	serve_and_load file 5713 10 "$n" /dev/null "$D/bin/sniffws" -r "$big" -c "$n" -wait 10 -listen 127.0.0.1:5713
	say "| sniffws -r (decoding too) | 10 | $TOTAL | $MPS ($(ratio "$MPS" "$base")x) | $ALL |"
	say ""
}

section_idle() {
	say "## idle WebSocket connections (load $(load))"
	say ""
	"$D/bin/wsidle" -n 10000 | tee "$D/idle.txt" | sed 's/^/    /' | tee -a "$RESULTS"
	say ""
}

section_latency() {
	say "## live latency, $LAT_RATE UDP packets/s on lo for ${LAT_SECONDS}s (load $(load))"
	say ""
	if [ "$(id -u)" != 0 ]; then
		say "skipped: live capture needs root"
		return
	fi
	"$D/bin/sniffws" -i lo -f 'udp and dst port 47011' -listen 127.0.0.1:5714 2>"$D/live.log" &
	local pid=$!
	sleep 1.5
	say "sniffws -i lo:"
	"$D/bin/wslatency" -addr 127.0.0.1:5714 -to 127.0.0.1:47011 -rate "$LAT_RATE" -duration "${LAT_SECONDS}s" |
		sed 's/^/    /' | tee -a "$RESULTS" || true
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	grep -h "captured\|dropped" "$D/live.log" | sed 's/^/    /' | tee -a "$RESULTS" || true
	if command -v tshark >/dev/null && "$PYTHON" -c 'import websockets' 2>/dev/null; then
		# The old chain: tshark -l prints each packet at once, the Python server sends it.
		rm -f "$D/live.fifo"
		mkfifo "$D/live.fifo"
		tshark -l -i lo -f 'udp and dst port 47012' -T fields -E separator=, -E quote=d \
			-e _ws.col.No. -e _ws.col.Time -e _ws.col.Source -e _ws.col.Destination \
			-e _ws.col.Protocol -e _ws.col.Length -e _ws.col.Info >"$D/live.fifo" 2>"$D/tshark-live.log" &
		local tpid=$!
		"$PYTHON" bench/pyserver/ws_server_stdin.py --serverPort 5715 <"$D/live.fifo" &
		local ppid=$!
		for _ in $(seq 100); do grep -q "Capturing on" "$D/tshark-live.log" 2>/dev/null && break; sleep 0.1; done
		sleep 0.5
		say "tshark -l -i lo | Python server:"
		"$D/bin/wslatency" -addr 127.0.0.1:5715 -to 127.0.0.1:47012 -rate "$LAT_RATE" -duration "${LAT_SECONDS}s" -timeout 60s |
			sed 's/^/    /' | tee -a "$RESULTS" || true
		kill -INT "$tpid" 2>/dev/null || true
		kill "$ppid" 2>/dev/null || true
		wait "$tpid" "$ppid" 2>/dev/null || true
		rm -f "$D/live.fifo"
	fi
	say ""
}

build
say "# sniffws benchmarks: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(git rev-parse --short HEAD)"
say ""
for s in $SECTIONS; do "section_$s"; done
say "(load average at the end: $(load); results also in $RESULTS)"
