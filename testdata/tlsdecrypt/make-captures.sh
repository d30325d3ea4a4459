#!/usr/bin/env bash
# Makes the captures in this directory: curl against server.go on loopback,
# with curl's key log (NSS SSLKEYLOGFILE format), then tshark's columns
# without keys (NAME.pcap.csv), with the key log (NAME.pcap.keylog.csv) and
# its HTTP object export (NAME.export/). Needs go, curl, tcpdump, tshark.
# Usage: make-captures.sh [NAME...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD
tools=${TOOLS:-$here/../../../shared/tools}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/server" server.go

port=18443
body=$work/body.txt
printf 'field=value&other=%s' "$(printf 'x%.0s' $(seq 1 50))" > "$body"

# capture NAME SERVER-ARGS -- CURL-ARGS...
capture() {
	local name=$1; shift
	local sargs=()
	while [[ $1 != -- ]]; do sargs+=("$1"); shift; done
	shift
	port=$((port + 1))
	"$work/server" -addr 127.0.0.1:$port "${sargs[@]}" & local spid=$!
	sleep 1
	rm -f "$name.pcap" "$name.keylog"
	tcpdump -i lo -U -s 0 -w "$name.pcap" "tcp port $port" 2>/dev/null & local tpid=$!
	sleep 1
	local url=https://127.0.0.1:$port
	SSLKEYLOGFILE=$here/$name.keylog curl -sk "${@//URL/$url}" > /dev/null
	sleep 1
	kill $tpid; wait $tpid 2>/dev/null || true
	kill $spid; wait $spid 2>/dev/null || true
	"$tools/tshark-columns" "$name.pcap" > "$name.pcap.csv"
	tshark -o "tls.keylog_file:$name.keylog" -T fields -E separator=, -E quote=d \
		-e _ws.col.No. -e _ws.col.Time -e _ws.col.Source -e _ws.col.Destination \
		-e _ws.col.Protocol -e _ws.col.Length -e _ws.col.Info -r "$name.pcap" > "$name.pcap.keylog.csv" 2>/dev/null
	rm -rf "$name.export"
	tshark -q -r "$name.pcap" -o "tls.keylog_file:$name.keylog" --export-objects "http,$name.export" >/dev/null 2>&1
	echo "$name: $(wc -l < "$name.pcap.csv") frames, $(ls "$name.export" 2>/dev/null | wc -l) objects"
}

want() { [[ $# -eq 0 ]] || [[ " $* " == *" $1 "* ]]; }
sel=("$@")
run() { local n=$1; if [[ ${#sel[@]} -eq 0 || " ${sel[*]} " == *" $n "* ]]; then capture "$@"; fi; }

h1paths=(URL/ URL/hello.txt URL/api/data.json URL/gz URL/chunked URL/big.bin URL/hello.txt URL/nothing)

run tls12-gcm-h1 -max 1.2 -h2=false -- --http1.1 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 "${h1paths[@]}" --next -sk --http1.1 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 --data-binary @"$body" URL/upload
run tls12-cbc-h1 -max 1.2 -h2=false -- --http1.1 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-SHA URL/ URL/api/data.json URL/big.bin
run tls12-cbc256-h1 -max 1.2 -h2=false -- --http1.1 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-SHA256 URL/hello.txt URL/gz
run tls12-chacha-h1 -max 1.2 -h2=false -- --http1.1 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-CHACHA20-POLY1305 URL/ URL/chunked URL/big.bin
run tls12-gcm384-h2 -max 1.2 -- --http2 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES256-GCM-SHA384 URL/ URL/api/data.json URL/big.bin
run tls13-h1 -- --http1.1 --tlsv1.3 "${h1paths[@]}"
run tls13-h2 -- --http2 --tlsv1.3 URL/ URL/hello.txt URL/api/data.json URL/gz URL/big.bin URL/nothing
run tls13-chacha-h2 -- --http2 --tlsv1.3 --tls13-ciphers TLS_CHACHA20_POLY1305_SHA256 URL/ URL/chunked
run tls13-aes256-h1 -- --http1.1 --tlsv1.3 --tls13-ciphers TLS_AES_256_GCM_SHA384 URL/hello.txt URL/big.bin
