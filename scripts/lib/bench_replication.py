"""Replication, Ferrite against a real redis-server (scripts/bench replication).

For each server kind, a primary and a replica of the same kind on loopback: the time of a full
sync of REPL_KEYS keys (REPLICAOF sent to an empty replica until its link is up with every key),
then a SET load (redis-benchmark, 50 clients, pipeline 16, random keys) on the primary with the
replica attached, while the primary's master_repl_offset and the replica's slave_repl_offset are
sampled every 10 ms (their difference: the replication lag in bytes, p50 and p99), and the same
load with the replica detached (REPLICAOF NO ONE on it): the primary's throughput with a replica
against without. Both syncs are diskless without delay (Redis 7.0's default, delay 0).
Usage (from scripts/bench): bench_replication.py JAVA JAR OUT [JVM flags...]
Environment: REPL_KEYS (default 1000000), REPL_VALUE (bytes, default 32), REPL_HEAP (Ferrite's
-Xmx per process, default 4g), REPL_REQUESTS (SET requests per load, default 2000000), PORT_BASE
(the servers' ports: PORT_BASE, PORT_BASE+1, ...; default: free ones the kernel picks).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from benchlib import Conn, fill, free_port, stop, wait_ping

JAVA, JAR, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
JVM_FLAGS = sys.argv[4:]
KEYS = int(os.environ.get("REPL_KEYS", "1000000"))
VALUE = int(os.environ.get("REPL_VALUE", "32"))
HEAP = os.environ.get("REPL_HEAP", "4g")
REQUESTS = os.environ.get("REPL_REQUESTS", "2000000")
PORT_BASE = int(os.environ.get("PORT_BASE", "0") or "0")
_next_port = [PORT_BASE]
COMMON = ["--save", "", "--appendonly", "no", "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"]


def next_port():
    if not PORT_BASE:
        return free_port()
    _next_port[0] += 1
    return _next_port[0] - 1


def start(server, workdir, log):
    port = next_port()
    if server == "redis":
        cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "no", "--dir", workdir] + COMMON
    else:
        cmd = [JAVA, "-Xmx" + HEAP, "-Xms" + HEAP] + JVM_FLAGS + [
            "-jar", JAR, "--port", str(port), "--bind", "127.0.0.1", "--memcached-port", "0", "--metrics-port", "0",
            "--dir", workdir] + COMMON
    p = subprocess.Popen(cmd, stdout=open(log, "a"), stderr=subprocess.STDOUT)
    return p, port, wait_ping(port, p, 600)




def field(c, name):
    text = c.call("INFO", "replication").decode()
    m = re.search(r"^%s:([^\r\n]*)" % re.escape(name), text, re.M)
    return m.group(1) if m else None


def set_load(port):
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-t", "set", "-r", str(KEYS), "-n", REQUESTS,
                          "-c", "50", "-P", "16", "-d", str(VALUE), "--csv"], capture_output=True, text=True, check=True).stdout
    row = [l for l in out.splitlines() if l.startswith('"SET"')][0]
    return float(row.split(",")[1].strip('"'))


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def run(server):
    dirs = [tempfile.mkdtemp(prefix="bench-repl-%s-" % server) for _ in range(2)]
    log = os.path.join(OUT, "replication-%s.log" % server)
    pp, pport, pc = start(server, dirs[0], log)
    rp, rport, rc = start(server, dirs[1], log)
    try:
        fill(pc, KEYS, VALUE)
        t0 = time.time()
        rc.call("REPLICAOF", "127.0.0.1", pport)
        while not (field(rc, "master_link_status") == "up" and int(rc.call("DBSIZE")[1:]) == KEYS):
            time.sleep(0.01)
        sync_s = time.time() - t0

        lags = []
        done = threading.Event()

        def sample():
            pm, rm = Conn(pport), Conn(rport)
            while not done.is_set():
                primary = int(field(pm, "master_repl_offset"))
                replica = int(field(rm, "slave_repl_offset"))
                lags.append(max(0, primary - replica))
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            with_replica = set_load(pport)
        finally:
            done.set()
            sampler.join()
        rc.call("REPLICAOF", "NO", "ONE")
        time.sleep(1)
        without = set_load(pport)
        return {"sync_s": sync_s, "with": with_replica, "without": without,
                "lag50": percentile(lags, 0.5), "lag99": percentile(lags, 0.99), "samples": len(lags)}
    finally:
        for c in (pc, rc):
            try:
                c.call("SHUTDOWN", "NOSAVE")
            except OSError:
                pass
        stop(pp)
        stop(rp)
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)


def main():
    res = {s: run(s) for s in ("redis", "ferrite")}
    r, f = res["redis"], res["ferrite"]
    lines = ["| measure (%d keys of %d bytes) | redis-server | Ferrite | Ferrite / Redis |" % (KEYS, VALUE),
             "|---|--:|--:|--:|"]

    def row(name, a, b, fmt):
        lines.append("| %s | %s | %s | %s |" % (name, fmt(a), fmt(b), "%.2f" % (b / a) if a else "-"))

    row("full sync seconds (primary -> replica of the same kind)", r["sync_s"], f["sync_s"], lambda x: "%.2f" % x)
    row("primary SET ops/s (P16) with a replica", r["with"], f["with"], lambda x: "%.0f" % x)
    row("primary SET ops/s (P16) without", r["without"], f["without"], lambda x: "%.0f" % x)
    row("with / without", r["with"] / r["without"], f["with"] / f["without"], lambda x: "%.2f" % x)
    row("replication lag p50, bytes", r["lag50"], f["lag50"], lambda x: "%.0f" % x)
    row("replication lag p99, bytes", r["lag99"], f["lag99"], lambda x: "%.0f" % x)
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(OUT, "..", "bench-replication.md"), "w") as fh:
        fh.write(table + "\n")


if __name__ == "__main__":
    main()
