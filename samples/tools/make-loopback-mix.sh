#!/bin/bash
# Generates samples/loopback-mix.pcapng from real programs on loopback:
# ping, dig against dnsmasq, curl against python's http.server, and curl
# over TLS 1.3 and 1.2 against openssl s_server. Each server gets its own
# 127.0.0.x address so the capture filter keeps out other loopback traffic.
# Needs root (dumpcap on lo, DNS on port 53), dnsmasq-base, dnsutils,
# iputils-ping, curl, openssl, python3 and wireshark-common (dumpcap).
# Usage: samples/tools/make-loopback-mix.sh OUTPUT.pcapng
set -e
out=$(realpath -m "$1")
work=$(mktemp -d)
cd "$work"
echo "<html><body><h1>sniffws sample</h1></body></html>" > index.html
printf '{"graph":"dynagraph","nodes":3}\n' > data.json
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost 2>/dev/null
dnsmasq --no-daemon --port=53 --listen-address=127.0.0.53 --bind-interfaces --no-resolv --no-hosts \
  --address=/dynagraph.test/127.0.0.7 --txt-record=dynagraph.test,"sniffws sample" --log-facility=/dev/null &
dns=$!
python3 -m http.server 8000 --bind 127.0.0.80 >/dev/null 2>&1 &
web=$!
openssl s_server -accept 127.0.0.43:8443 -cert cert.pem -key key.pem -www -quiet >/dev/null 2>&1 &
tls=$!
sleep 1
dumpcap -q -i lo -w "$out" -f "host 127.0.0.53 or host 127.0.0.80 or host 127.0.0.43 or host 127.0.0.99" >/dev/null 2>&1 &
cap=$!
sleep 1
ping -c 2 -i 0.2 127.0.0.99 >/dev/null
dig +short @127.0.0.53 dynagraph.test A >/dev/null
dig +short @127.0.0.53 dynagraph.test TXT >/dev/null
dig +short @127.0.0.53 nothere.test AAAA >/dev/null || true
curl -s http://127.0.0.80:8000/index.html >/dev/null
curl -s http://127.0.0.80:8000/data.json >/dev/null
curl -s http://127.0.0.80:8000/missing >/dev/null || true
curl -sk --tlsv1.3 https://127.0.0.43:8443/ >/dev/null || true
curl -sk --tlsv1.2 --tls-max 1.2 https://127.0.0.43:8443/ >/dev/null || true
sleep 1
kill $cap; wait $cap 2>/dev/null || true
kill $dns $web $tls 2>/dev/null || true
