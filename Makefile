# sniffws: common tasks. `make run` and `make test` are the README's two
# set-up commands; both install libpcap's headers first when missing.

GO      ?= go
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SAMPLE  ?= samples/loopback-mix.pcapng
BIN     ?= ./sniffws

.PHONY: deps build run test vet fuzz mutate bench golden clean

# libpcap-dev provides pcap.h and libpcap.so for gopacket/pcap (cgo).
deps:
	@if ! echo '#include <pcap.h>' | $${CC:-cc} -E -x c - >/dev/null 2>&1; then \
		echo "installing libpcap-dev"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libpcap-dev; \
	fi

build: deps
	$(GO) build -o $(BIN) ./cmd/sniffws

# Serve the sample capture on ws://127.0.0.1:5678 (waits for one client).
run: build
	$(BIN) -r $(SAMPLE)

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

vet:
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || { echo "gofmt needed"; exit 1; }
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

test: deps vet
	$(GO) test -race -count=1 ./...

# Run every fuzz target for FUZZTIME each, one after the other, with
# FUZZPAR workers (1 by default: a 2-core machine shared with others).
# A crasher is saved under PKG/testdata/fuzz/TARGET/ and replays in `make test`.
FUZZTIME ?= 60s
FUZZPAR  ?= 1
FUZZ_TARGETS = decode:FuzzDecode decode:FuzzUDPPorts decode:FuzzTCPPorts \
	decode:FuzzHTTPStream decode:FuzzTLSQUICPayloads \
	sniff:FuzzFileSource sniff:FuzzCSVReader sniff:FuzzReadHAR \
	wsserver:FuzzClientFrames
fuzz: deps
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t#*:}; echo "== $$pkg $$fn for $(FUZZTIME)"; \
		$(GO) test ./$$pkg/ -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) -parallel $(FUZZPAR) || exit 1; \
	done

# Damage every capture of the shared corpus and testdata/ MUTATIONS times
# each way (bit flips, cuts, random bytes); `make test` does it once each.
MUTATIONS ?= 20
mutate: deps
	SNIFFWS_LONG=1 SNIFFWS_MUTATIONS=$(MUTATIONS) $(GO) test ./sniff/ -run '^TestMutatedCaptures$$' -count=1 -v -timeout 60m

# Benchmarks: the go test benchmarks (decoding per protocol mix, CSV/JSON
# encoding, broadcast; allocations reported), then bench/run.sh, the
# side-by-side runs against tshark and the old Python server whose table the
# README's Performance section shows (BENCH="file big ws idle latency" picks
# sections; results in /tmp/sniffws-bench/results.md).
BENCH ?=
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./decode/ ./wsserver/
	bench/run.sh $(BENCH)

# Regenerate the golden CSV of every capture under testdata/ and samples/
# with the reference tshark (Debian 12's tshark 4.0.17).
golden:
	@for f in $$(find testdata samples -name '*.pcap' -o -name '*.pcapng'); do \
		tshark -T fields -E separator=, -E quote=d -e _ws.col.No. -e _ws.col.Time \
		  -e _ws.col.Source -e _ws.col.Destination -e _ws.col.Protocol \
		  -e _ws.col.Length -e _ws.col.Info -r $$f > $$f.csv 2>/dev/null; done

clean:
	rm -f $(BIN)
