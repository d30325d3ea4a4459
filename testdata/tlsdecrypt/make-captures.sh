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
# The server is built as a module of its own (it needs golang.org/x/net).
mkdir "$work/srv" && cp server.go "$work/srv/main.go" && sed -i '/^\/\/go:build ignore/d' "$work/srv/main.go"
(cd "$work/srv" && go mod init tlsdecrypt-server >/dev/null 2>&1 && GOFLAGS=-mod=mod go get golang.org/x/net@v0.56.0 >/dev/null 2>&1 &&
	GOFLAGS=-mod=mod go build -o "$work/server" .)

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
	finish "$name"
}

# capture_openssl NAME SERVER-ARGS -- CLIENT-SCRIPT: openssl s_server (with
# a throwaway certificate) and a client script run with $URL, $HOSTPORT and
# $KEYLOG set; the client writes the key log itself.
capture_openssl() {
	local name=$1; shift
	local sargs=()
	while [[ $1 != -- ]]; do sargs+=("$1"); shift; done
	shift
	port=$((port + 1))
	[[ -f $work/key.pem ]] || openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" \
		-out "$work/cert.pem" -days 2 -subj /CN=localhost 2>/dev/null
	(cd "$work" && exec openssl s_server -quiet -accept 127.0.0.1:$port -key key.pem -cert cert.pem "${sargs[@]}" </dev/null >/dev/null 2>&1) & local spid=$!
	sleep 1
	rm -f "$name.pcap" "$name.keylog"
	tcpdump -i lo -U -s 0 -w "$name.pcap" "tcp port $port" 2>/dev/null & local tpid=$!
	sleep 1
	URL=https://127.0.0.1:$port HOSTPORT=127.0.0.1:$port KEYLOG=$here/$name.keylog SSLKEYLOGFILE=$here/$name.keylog SESS=$work/sess bash -c "$1"
	sleep 1
	kill $tpid; wait $tpid 2>/dev/null || true
	kill $spid; wait $spid 2>/dev/null || true
	finish "$name"
}

finish() {
	local name=$1
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
runo() { local n=$1; if [[ ${#sel[@]} -eq 0 || " ${sel[*]} " == *" $n "* ]]; then capture_openssl "$@"; fi; }
request='printf "GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"' 

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

# openssl s_server -www answers any GET with an HTML status page (HTTP/1.0,
# no ALPN: HTTP is found by the heuristic); OpenSSL negotiates
# encrypt-then-MAC for CBC suites.
runo tls12-etm-cbc -www -tls1_2 -cipher ECDHE-RSA-AES256-SHA384 -- \
	'curl -sk --http1.1 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES256-SHA384 $URL/ > /dev/null'
runo tls10-cbc -www -tls1 -cipher 'AES128-SHA:@SECLEVEL=0' -- \
	'curl -sk --http1.1 --tlsv1.0 --tls-max 1.0 --ciphers "AES128-SHA:@SECLEVEL=0" $URL/ > /dev/null'
# Two connections, the second resuming the first's session by session ID
# (no tickets) or by ticket; the key log keeps only the first connection's
# line, so the second is decrypted with the master secret remembered for
# the session.
for how in id ticket; do
	extra=; [[ $how == id ]] && extra=-no_ticket
	runo tls12-resume-$how -www -tls1_2 $extra -- "
		$request | openssl s_client -connect \$HOSTPORT -tls1_2 -ign_eof -quiet -keylogfile \$KEYLOG -sess_out \$SESS >/dev/null 2>&1
		cp \$KEYLOG \$KEYLOG.first
		$request | openssl s_client -connect \$HOSTPORT -tls1_2 -ign_eof -quiet -keylogfile \$KEYLOG -sess_in \$SESS >/dev/null 2>&1
		grep -v '^#' \$KEYLOG.first > \$KEYLOG; rm -f \$KEYLOG.first"
done

# HTTP/2 with parallel streams (interleaved DATA), a large header block
# (CONTINUATION) and a POST body.
run tls13-h2-parallel -- --http2 --tlsv1.3 -Z -H "X-Filler: $(printf 'f%.0s' $(seq 1 28000))" URL/ URL/chunked --next --http2 -sk URL/gz URL/api/data.json URL/nothing --next --http2 -sk --data-binary @"$body" URL/upload

# Plain HTTP upgraded to HTTP/2 (curl --http2 on an http:// URL): no keys
# needed, tshark follows the 101 into HTTP/2.
if [[ ${#sel[@]} -eq 0 || " ${sel[*]} " == *" h2c-upgrade "* ]]; then
	port=$((port + 1))
	"$work/server" -h2c -addr 127.0.0.1:$port & spid=$!
	sleep 1
	rm -f h2c-upgrade.pcap
	tcpdump -i lo -U -s 0 -w h2c-upgrade.pcap "tcp port $port" 2>/dev/null & tpid=$!
	sleep 1
	curl -s --http2 http://127.0.0.1:$port/ http://127.0.0.1:$port/hello.txt http://127.0.0.1:$port/api/data.json > /dev/null
	sleep 1
	kill $tpid $spid; wait $tpid $spid 2>/dev/null || true
	"$tools/tshark-columns" h2c-upgrade.pcap > h2c-upgrade.pcap.csv
	echo "h2c-upgrade: $(wc -l < h2c-upgrade.pcap.csv) frames"
fi
