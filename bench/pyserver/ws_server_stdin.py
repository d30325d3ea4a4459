#!/usr/bin/env python3
# MEASUREMENT FIXTURE, NOT PART OF SNIFFWS.
#
# A re-implementation, from /work/shared/SPEC.md section 1.2, of DynaGraph's
# old tshark-pipe server (ws_server_stdin.py, Python websockets), kept only as
# the baseline that bench/run.sh measures sniffws against. It keeps the
# original's behaviour on purpose, defects included: every comma splits
# (an Info with a comma is cut), "" is never unescaped, each client handler
# reads its own share of stdin (clients do not all see every line), and
# nothing is read until a client connects. One change for benchmarking: at
# the end of stdin (or on the stop line) the handler closes its connection
# normally instead of failing, so a load client sees the end.
#
#   tshark -T fields ... | python3 ws_server_stdin.py [--serverPort 5678]
#
# Needs Debian's python3-websockets (10.x): apt-get install python3-websockets
import argparse
import asyncio
import json
import logging
import sys

import websockets

KEYS = ["wsColNo", "wsColTime", "source", "target", "wsColProtocol", "wsColLength", "wsColInfo"]


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--serverIP", default="127.0.0.1")
    ap.add_argument("--serverPort", type=int, default=5678)
    ap.add_argument("--stdinSeparator", default=",")
    ap.add_argument("--stdinStrip", default='"')
    ap.add_argument("--stdinStop", default="q")
    ap.add_argument("--log", default="WARNING")
    return ap.parse_args()


args = parse_args()
logging.basicConfig(level=getattr(logging, args.log.upper(), logging.WARNING))


async def handler(websocket, path=None):
    logging.info("client connected: %s", websocket.remote_address)
    while True:
        line = sys.stdin.readline()  # blocking, as the original
        if not line:
            break
        line = line.rstrip("\n")
        if line == args.stdinStop:
            break
        fields = line.split(args.stdinSeparator)
        if args.stdinStrip:
            fields = [f.strip(args.stdinStrip) for f in fields]
        msg = {k: (fields[i] if i < len(fields) else "") for i, k in enumerate(KEYS)}
        await websocket.send(json.dumps(msg))
    await websocket.close(1000, "end of input")


async def main():
    async with websockets.serve(handler, args.serverIP, args.serverPort):
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
