#!/usr/bin/env python3
"""Reference for sniff.HAR.Links: the old ws_server_har2.py loop, run over
every entry (the old tool stopped after the first by mistake), printing
one message per line instead of sending it. Needs python3-dateutil.

    python3 sniff/testdata/harlinks.py samples/session.har 50000 > sniff/testdata/session.har.golden
"""
import datetime
import json
import sys

from dateutil import parser as dtparser, utils


def links(path, delta_us):
    with open(path) as f:
        log = json.load(f)["log"]
    browser = log["browser"]["name"] if "browser" in log else "SomeBrowser"
    delta = datetime.timedelta(microseconds=delta_us)
    bucket = None
    for entry in log["entries"]:
        if "serverIPAddress" not in entry:
            continue
        ts = dtparser.parse(entry["startedDateTime"])
        if bucket is None:
            bucket = ts
        common = {"time": entry["startedDateTime"], "value": entry["time"]}
        if not utils.within_delta(bucket, ts, delta):
            yield {"source": "%s_%s" % (browser, bucket.isoformat()), "sourceGroup": "browser",
                   "target": "%s_%s" % (browser, ts.isoformat()), "targetGroup": "browser", **common}
            bucket = ts
        node = "%s_%s" % (browser, bucket.isoformat())
        yield {"source": node, "sourceGroup": "browser", "target": entry["serverIPAddress"],
               "targetGroup": "server", **common}
        yield {"source": node, "sourceGroup": "browser", "target": entry["request"]["url"],
               "targetGroup": "url", **common}
        yield {"source": entry["request"]["url"], "target": entry["serverIPAddress"], **common}


if __name__ == "__main__":
    for msg in links(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50000):
        print(json.dumps(msg))
