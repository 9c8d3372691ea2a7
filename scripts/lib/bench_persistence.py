"""Snapshots under load, Ferrite against a real redis-server (scripts/bench persistence).

For each key count: loads the same keys into a fresh redis-server and a fresh Ferrite, starts a
SET load over those keys (redis-benchmark, overwriting, so the data set keeps its size), and
measures on each server: the memory of the server's processes before and at the peak during
BGSAVE (PSS from /proc/PID/smaps_rollup, summed over the server and its children, so a forking
Redis's copy-on-write counts once and shared pages are not counted twice), the write throughput
while the snapshot runs against a window of the same length without one, and the BGSAVE time.
Then both servers start on the file real Redis wrote and the load times they log are compared.
Last, SET throughput with appendonly yes under appendfsync always and everysec (redis-benchmark,
50 clients, random keys), each server on a fresh directory.
Usage (from scripts/bench): bench_persistence.py JAVA JAR OUT [JVM flags...]
Environment: PERSIST_KEYS (default "1000000 5000000"), PERSIST_VALUE (bytes, default 32),
PERSIST_HEAP (Ferrite's -Xmx, default 6g).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from benchlib import Conn, fill, free_port, stop, wait_ping

JAVA, JAR, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
JVM_FLAGS = sys.argv[4:]
KEYS = [int(k) for k in os.environ.get("PERSIST_KEYS", "1000000 5000000").split()]
VALUE = int(os.environ.get("PERSIST_VALUE", "32"))
HEAP = os.environ.get("PERSIST_HEAP", "6g")


def start(server, workdir, log, extra=("--appendonly", "no")):
    port = free_port()
    if server == "redis":
        cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--daemonize", "no", "--dir", workdir, "--enable-debug-command", "yes"] + list(extra)
    else:
        cmd = [JAVA, "-Xmx" + HEAP, "-Xms" + HEAP] + JVM_FLAGS + [
            "-jar", JAR, "--port", str(port), "--memcached-port", "0", "--metrics-port", "0", "--save", "",
            "--dir", workdir, "--enable-debug-command", "yes"] + list(extra)
    p = subprocess.Popen(cmd, stdout=open(log, "a"), stderr=subprocess.STDOUT)
    return p, port, wait_ping(port, p, 600)




def pss_tree(pid):
    """PSS bytes of a process and its children (a forked saving child included)."""
    pids = [pid]
    try:
        children = open("/proc/%d/task/%d/children" % (pid, pid)).read().split()
        pids += [int(x) for x in children]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            text = open("/proc/%d/smaps_rollup" % p).read()
            total += int(re.search(r"^Pss:\s+(\d+) kB", text, re.M).group(1)) * 1024
        except (OSError, AttributeError):
            pass
    return total


def info_field(c, section, name):
    text = c.call("INFO", section).decode()
    m = re.search(r"^%s:([^\r\n]*)" % re.escape(name), text, re.M)
    return m.group(1) if m else None


def commands(c):
    return int(info_field(c, "stats", "total_commands_processed"))


def snapshot_under_load(server, n, workdir):
    log = os.path.join(OUT, "persistence-%s.log" % server)
    p, port, c = start(server, workdir, log)
    try:
        fill(c, n, VALUE)
        load = subprocess.Popen(["redis-benchmark", "-p", str(port), "-t", "set", "-r", str(n), "-n", "2000000000",
                                 "-c", "20", "-P", "4", "-d", str(VALUE), "-q"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(3)
            before = pss_tree(p.pid)
            t0, c0 = time.time(), commands(c)
            assert c.call("BGSAVE").startswith(b"+Background saving")
            peak = before
            while info_field(c, "persistence", "rdb_bgsave_in_progress") != "0":
                peak = max(peak, pss_tree(p.pid))
                time.sleep(0.02)
            t1, c1 = time.time(), commands(c)
            during = (c1 - c0) / (t1 - t0)
            # a window of the same length (at least a second) with no snapshot
            window = max(1.0, t1 - t0)
            t2, c2 = time.time(), commands(c)
            time.sleep(window)
            t3, c3 = time.time(), commands(c)
            without = (c3 - c2) / (t3 - t2)
            status = info_field(c, "persistence", "rdb_last_bgsave_status")
        finally:
            load.terminate()
            load.wait()
        return {"rss_before": before, "rss_peak": peak, "bgsave_s": t1 - t0, "ops_during": during,
                "ops_without": without, "status": status}
    finally:
        try:
            c.call("SHUTDOWN", "NOSAVE")
        except OSError:
            pass
        stop(p)


def load_seconds(server, rdb, workdir):
    shutil.copy(rdb, os.path.join(workdir, "dump.rdb"))
    log = os.path.join(workdir, "load.log")
    p, port, c = start(server, workdir, log)
    try:
        text = open(log).read()
        m = re.search(r"DB loaded from disk: ([0-9.]+) seconds", text)
        keys = c.call("DBSIZE")
        return float(m.group(1)) if m else float("nan"), int(keys[1:])
    finally:
        stop(p)


def aof_set_throughput(server, fsync):
    d = tempfile.mkdtemp(prefix="bench-aof-%s-" % server)
    p, port, c = start(server, d, os.path.join(OUT, "persistence-aof-%s.log" % server),
                       ("--appendonly", "yes", "--appendfsync", fsync))
    try:
        out = subprocess.run(["redis-benchmark", "-p", str(port), "-t", "set", "-r", "100000", "-n",
                              os.environ.get("PERSIST_AOF_REQUESTS", "200000"), "-c", "50", "-d", str(VALUE), "--csv"],
                             capture_output=True, text=True, check=True).stdout
        row = [l for l in out.splitlines() if l.startswith('"SET"')][0]
        return float(row.split(",")[1].strip('"'))
    finally:
        stop(p)
        shutil.rmtree(d, ignore_errors=True)


def mb(b):
    return "%.0f MB" % (b / 1e6)


def main():
    rows = []
    for n in KEYS:
        results = {}
        files = {}
        for server in ("redis", "ferrite"):
            d = tempfile.mkdtemp(prefix="bench-persist-%s-" % server)
            results[server] = snapshot_under_load(server, n, d)
            files[server] = os.path.join(d, "dump.rdb")
        loads = {}
        for server in ("redis", "ferrite"):
            d = tempfile.mkdtemp(prefix="bench-load-%s-" % server)
            loads[server] = load_seconds(server, files["redis"], d)
        r, f = results["redis"], results["ferrite"]
        rows.append((n, r, f, loads))
        for d in files.values():
            shutil.rmtree(os.path.dirname(d), ignore_errors=True)

    lines = ["| keys | measure | redis-server | Ferrite | Ferrite / Redis |", "|---|---|---|---|---|"]
    for n, r, f, loads in rows:
        def row(name, a, b, fmt):
            ratio = "%.2f" % (b / a) if a else "-"
            lines.append("| %d | %s | %s | %s | %s |" % (n, name, fmt(a), fmt(b), ratio))
        row("memory before BGSAVE (PSS)", r["rss_before"], f["rss_before"], mb)
        row("peak memory during BGSAVE", r["rss_peak"], f["rss_peak"], mb)
        row("peak / before", r["rss_peak"] / r["rss_before"], f["rss_peak"] / f["rss_before"], lambda x: "%.2fx" % x)
        row("SET ops/s during BGSAVE", r["ops_during"], f["ops_during"], lambda x: "%.0f" % x)
        row("SET ops/s without", r["ops_without"], f["ops_without"], lambda x: "%.0f" % x)
        row("during / without", r["ops_during"] / r["ops_without"], f["ops_during"] / f["ops_without"],
            lambda x: "%.2f" % x)
        row("BGSAVE seconds under load", r["bgsave_s"], f["bgsave_s"], lambda x: "%.2f" % x)
        row("load seconds (Redis's file)", loads["redis"][0], loads["ferrite"][0], lambda x: "%.2f" % x)
        lines.append("| %d | BGSAVE status / keys loaded | %s / %d | %s / %d | |"
                     % (n, r["status"], loads["redis"][1], f["status"], loads["ferrite"][1]))
    for fsync in ("always", "everysec"):
        # two rounds, alternating which server goes first; the better of each server's two
        best = {"redis": 0.0, "ferrite": 0.0}
        for order in (("redis", "ferrite"), ("ferrite", "redis")):
            for server in order:
                best[server] = max(best[server], aof_set_throughput(server, fsync))
        lines.append("| - | SET ops/s, appendfsync %s | %.0f | %.0f | %.2f |"
                     % (fsync, best["redis"], best["ferrite"], best["ferrite"] / best["redis"]))
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(OUT, "..", "bench-persistence.md"), "w") as fh:
        fh.write(table + "\n")


if __name__ == "__main__":
    main()
