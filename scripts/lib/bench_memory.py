"""Memory per element, Ferrite against a real redis-server (scripts/bench memory).

For each data shape, loads the same data into a fresh redis-server and a fresh Ferrite and prints
bytes per element: Redis from its INFO used_memory delta; Ferrite from its own used_memory estimate
(INFO) and from the JVM's live heap after a full GC (jcmd GC.run, then GC.heap_info), each as a
delta over the empty server; and for both the process's resident set (RSS, /proc/PID/statm) delta,
Ferrite's read after that full GC (what the collector kept committed counts: that is what the
machine pays). Usage (from scripts/bench): bench_memory.py JAVA JAR OUT [JVM flags...]
Environment: MEM_SCALE (default 1.0) scales every element count; MEM_SHAPES picks shapes by name.
"""
import os
import re
import subprocess
import sys

from benchlib import Conn, free_port, resp, stop, wait_ping

JAVA, JAR, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
JVM_FLAGS = sys.argv[4:]
SCALE = float(os.environ.get("MEM_SCALE", "1.0"))


def start_redis():
    port = free_port()
    # a directory of its own: no dump.rdb from an earlier run is loaded, none is left behind
    p = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--daemonize", "no", "--dir", OUT],
                         stdout=open(os.path.join(OUT, "memory-redis.log"), "a"), stderr=subprocess.STDOUT)
    return p, wait_ping(port, p)


def start_ferrite():
    port = free_port()
    p = subprocess.Popen([JAVA] + JVM_FLAGS + ["-jar", JAR, "--port", str(port), "--memcached-port", "0",
                                               "--metrics-port", "0", "--save", "", "--appendonly", "no",
                                               "--dir", OUT],
                         stdout=open(os.path.join(OUT, "memory-ferrite.log"), "a"), stderr=subprocess.STDOUT)
    return p, wait_ping(port, p, 60)


def rss(pid):
    """Resident set size of the process, bytes."""
    with open("/proc/%d/statm" % pid) as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def live_heap(pid):
    """Bytes of live heap after a full GC, as GC.heap_info reports it (KB granularity)."""
    jcmd = os.path.join(os.path.dirname(JAVA), "jcmd")
    subprocess.run([jcmd, str(pid), "GC.run"], check=True, capture_output=True)
    out = subprocess.run([jcmd, str(pid), "GC.heap_info"], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"used (\d+)K", out).group(1)) * 1024


# ---------------------------------------------------------------- data shapes
# Each returns (elements, commands). Members and values are the same bytes for both servers.

def n(x):
    return max(1, int(x * SCALE))


def strings():
    keys = n(200000)
    cmds = []
    for i in range(0, keys, 100):
        args = ["MSET"]
        for j in range(i, min(keys, i + 100)):
            args += ["key:%08d" % j, "val-%06d" % (j % 1000000)]
        cmds.append(resp(*args))
    return keys, cmds


def strings_16_32():
    """The issue's case: 16-byte keys, 32-byte values (as memtier_benchmark writes them)."""
    keys = n(1000000)
    cmds = []
    for i in range(0, keys, 100):
        args = ["MSET"]
        for j in range(i, min(keys, i + 100)):
            args += ["memtier-%08d" % j, "v" * 22 + "%010d" % j]
        cmds.append(resp(*args))
    return keys, cmds


def many_small(command, per, count, member):
    cmds = []
    for k in range(count):
        args = [command, "%s:%06d" % (command.lower(), k)]
        for i in range(per):
            args += member(k, i)
        cmds.append(resp(*args))
    return per * count, cmds


def one_large(command, total, member, key="big"):
    cmds = []
    for i in range(0, total, 500):
        args = [command, key]
        for j in range(i, min(total, i + 500)):
            args += member(0, j)
        cmds.append(resp(*args))
    return total, cmds


SHAPES = [
    ("strings 16/32 (1M keys)", "key", strings_16_32),
    ("strings (10-byte values)", "key", strings),
    ("small lists (10 each)", "element", lambda: many_small("RPUSH", 10, n(20000), lambda k, i: ["item-%04d" % i])),
    ("large list (quicklist)", "element", lambda: one_large("RPUSH", n(300000), lambda k, i: ["item-%08d" % i])),
    ("small hashes (listpack, 10 each)", "field", lambda: many_small("HSET", 10, n(20000), lambda k, i: ["f%02d" % i, "value-%04d" % i])),
    ("large hash (hashtable)", "field", lambda: one_large("HSET", n(300000), lambda k, i: ["field-%08d" % i, "value-%06d" % i])),
    ("small sets (intset, 100 each)", "member", lambda: many_small("SADD", 100, n(2000), lambda k, i: [str(i * 7 + k)])),
    ("large set (intset, 500)", "member", lambda: many_small("SADD", 500, n(400), lambda k, i: [str(i * 13)])),
    ("large set (hashtable)", "member", lambda: one_large("SADD", n(300000), lambda k, i: ["member-%08d" % i])),
    ("small sorted sets (listpack, 10 each)", "member", lambda: many_small("ZADD", 10, n(20000), lambda k, i: [str(i + 0.5), "m%02d" % i])),
    ("large sorted set (skiplist)", "member", lambda: one_large("ZADD", n(300000), lambda k, i: [str(i * 1.5), "member-%08d" % i])),
]


def measure(name, unit, make):
    elements, cmds = make()
    row = {"name": name, "unit": unit, "elements": elements}
    rp, rc = start_redis()
    try:
        before = rc.info_memory()
        rss0 = rss(rp.pid)
        rc.pipeline(cmds)
        row["redis"] = (rc.info_memory() - before) / elements
        row["redis_rss"] = (rss(rp.pid) - rss0) / elements
        row["encoding"] = rc.call("OBJECT", "ENCODING", rc.call("RANDOMKEY")).decode()
    finally:
        stop(rp)
    fp, fc = start_ferrite()
    try:
        heap0 = live_heap(fp.pid)
        rss0 = rss(fp.pid)
        est0 = fc.info_memory()
        fc.pipeline(cmds)
        row["est"] = (fc.info_memory() - est0) / elements
        row["heap"] = (live_heap(fp.pid) - heap0) / elements
        row["rss"] = (rss(fp.pid) - rss0) / elements
        row["fenc"] = fc.call("OBJECT", "ENCODING", fc.call("RANDOMKEY")).decode()
    finally:
        stop(fp)
    return row


def main():
    wanted = os.environ.get("MEM_SHAPES")
    rows = []
    hdr = "%-38s %9s %-10s %10s %12s %12s %8s %8s %10s %10s %8s" % (
        "shape", "elements", "encoding", "redis B/el", "ferrite est", "ferrite heap", "est/r", "heap/r",
        "redis RSS", "ferr. RSS", "rss/r")
    print(hdr)
    for name, unit, make in SHAPES:
        if wanted and not any(w.strip() and w.strip() in name for w in wanted.split(",")):
            continue
        r = measure(name, unit, make)
        rows.append(r)
        enc = r["encoding"] if r["encoding"] == r["fenc"] else "%s/%s" % (r["encoding"], r["fenc"])
        print("%-38s %9d %-10s %10.1f %12.1f %12.1f %8.2f %8.2f %10.1f %10.1f %8.2f" % (
            name, r["elements"], enc, r["redis"], r["est"], r["heap"], r["est"] / r["redis"], r["heap"] / r["redis"],
            r["redis_rss"], r["rss"], r["rss"] / r["redis_rss"] if r["redis_rss"] > 0 else 0), flush=True)
    with open(os.path.join(OUT, "..", "bench-memory.md"), "w") as md:
        md.write("# Bytes per element, Ferrite vs Redis\n\n")
        md.write("Redis: INFO used_memory delta. Ferrite: its used_memory estimate delta, and the live heap"
                 " delta after a full GC (jcmd GC.run + GC.heap_info). JVM flags: `%s`.\n\n" % " ".join(JVM_FLAGS))
        md.write("| shape | elements | encoding | redis B/el | ferrite est B/el | ferrite heap B/el | est/redis |"
                 " heap/redis | redis RSS B/el | ferrite RSS B/el | RSS ferrite/redis |\n")
        md.write("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
        for r in rows:
            md.write("| %s | %d | %s | %.1f | %.1f | %.1f | %.2f | %.2f | %.1f | %.1f | %.2f |\n" % (
                r["name"], r["elements"], r["encoding"], r["redis"], r["est"], r["heap"],
                r["est"] / r["redis"], r["heap"] / r["redis"], r["redis_rss"], r["rss"],
                r["rss"] / r["redis_rss"] if r["redis_rss"] > 0 else 0))


main()
