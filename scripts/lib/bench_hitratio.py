"""Hit ratio under maxmemory, Ferrite against a real redis-server (scripts/bench hitratio).

Replays the same key streams as a cache-aside client would (GET, and SET on a miss) against a
redis-server with allkeys-lru and allkeys-lfu and a Ferrite with allkeys-lru, allkeys-lfu, and each
of those with maxmemory-admission tinylfu, and prints the hit ratio of each.

The cache holds HIT_CACHE (10%) of the HIT_KEYS (200,000) keys. Each server holds keys in its own
number of bytes, so maxmemory starts per server at what it uses with exactly that many keys loaded
(measured on the server itself before each run) and is corrected during the warm-up by the keys it
holds: every server holds the same number of keys, and the hit ratios compare the policies, not the
bytes per key. The admission runs reuse the maxmemory found for their policy, so what admission
costs (its sketch, counted in used_memory) comes out of that same budget, in keys not held. The keys each
server held (DBSIZE, the mean of 10 readings while counting) are printed beside the ratios.

Streams (HIT_REQUESTS requests each, one seed, the same bytes for every server):
  zipf  Zipf(0.99) over the keys;
  scan  the same Zipf stream with, every 4 cache sizes of requests, a sequential scan of a cache
        size of keys never asked before (about 20% of the requests);
  loop  cyclic over HIT_LOOP (1.2) cache sizes of keys: a working set a bit larger than the cache.
The first HIT_WARMUP (20%) of each stream's requests fill the cache and are not counted. Requests
go in pipelined batches of HIT_BATCH GETs, then one batch of SETs for the misses, on one
connection; a key asked twice within one batch misses twice, on every server alike.

Usage (from scripts/bench): bench_hitratio.py JAVA JAR OUT [JVM flags...]
Environment: HIT_KEYS, HIT_REQUESTS (1000000), HIT_CACHE, HIT_LOOP, HIT_WARMUP, HIT_BATCH (64),
HIT_VALUE (32 bytes), HIT_STREAMS=zipf,scan,loop, HIT_SERVERS="redis ferrite", FERRITE_ARGS
(default "--shards 2"), HIT_PORT_BASE (default: free ports).
"""
import os
import subprocess
import sys
import time

import numpy as np

from benchlib import Conn, free_port, resp, stop, wait_ping

JAVA, JAR, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
JVM_FLAGS = sys.argv[4:]
KEYS = int(os.environ.get("HIT_KEYS", "200000"))
REQUESTS = int(os.environ.get("HIT_REQUESTS", "1000000"))
CACHE = float(os.environ.get("HIT_CACHE", "0.10"))
LOOP = float(os.environ.get("HIT_LOOP", "1.2"))
WARMUP = float(os.environ.get("HIT_WARMUP", "0.20"))
BATCH = int(os.environ.get("HIT_BATCH", "64"))
VALUE = b"v" * int(os.environ.get("HIT_VALUE", "32"))
STREAMS = os.environ.get("HIT_STREAMS", "zipf,scan,loop").split(",")
SERVERS = os.environ.get("HIT_SERVERS", "redis ferrite").split()
FERRITE_ARGS = os.environ.get("FERRITE_ARGS", "--shards 2").split()
PORT_BASE = int(os.environ.get("HIT_PORT_BASE", "0"))
CACHE_KEYS = int(KEYS * CACHE)
SEED = 20261207

# (server, label, policy, admission)
CONFIGS = [
    ("redis", "redis allkeys-lru", "allkeys-lru", None),
    ("redis", "redis allkeys-lfu", "allkeys-lfu", None),
    ("ferrite", "ferrite allkeys-lru", "allkeys-lru", "none"),
    ("ferrite", "ferrite allkeys-lfu", "allkeys-lfu", "none"),
    ("ferrite", "ferrite allkeys-lru + tinylfu", "allkeys-lru", "tinylfu"),
    ("ferrite", "ferrite allkeys-lfu + tinylfu", "allkeys-lfu", "tinylfu"),
]


def port(i):
    return PORT_BASE + i if PORT_BASE else free_port()


# ---------------------------------------------------------------- streams (key ids)

def zipf_ids(rng, n, count, s=0.99):
    """Zipf(s) ranks over n keys by the inverse of the exact CDF, mapped to ids by a fixed shuffle."""
    weights = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** s
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    ranks = np.searchsorted(cdf, rng.random(count))
    return rng.permutation(n)[ranks]


def scan_ids(rng, count):
    """Zipf with, every 4 cache sizes of requests, a scan of one cache size of keys never used before."""
    every, length = 4 * CACHE_KEYS, CACHE_KEYS
    base = zipf_ids(rng, KEYS, count)
    parts, fresh, i = [], KEYS, 0
    while i < count:
        parts.append(base[i:i + every])
        i += every
        parts.append(np.arange(fresh, fresh + length))
        fresh += length
    return np.concatenate(parts)[:count]


def loop_ids(count):
    return np.arange(count) % int(CACHE_KEYS * LOOP)


def stream(name):
    rng = np.random.default_rng(SEED)
    if name == "zipf":
        return zipf_ids(rng, KEYS, REQUESTS)
    if name == "scan":
        return scan_ids(rng, REQUESTS)
    if name == "loop":
        return loop_ids(REQUESTS)
    raise SystemExit("unknown stream " + name)


def key(i):
    return b"key:%09d" % i


# ---------------------------------------------------------------- replay

def replay(c, ids, counted_from):
    """GET each key; SET the misses, a batch at a time. Returns (hits, requests counted): those from counted_from on."""
    hits = counted = 0
    hit_len = len(b"$%d\r\n" % len(VALUE)) + len(VALUE) + 2
    s = c.s
    for b in range(0, len(ids), BATCH):
        keys = [key(int(i)) for i in ids[b:b + BATCH]]
        s.sendall(b"".join(b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(k), k) for k in keys))
        missed = []
        buf = c.buf
        pos = 0
        for j, k in enumerate(keys):
            while len(buf) < pos + 5:
                buf += s.recv(1 << 20)
            if buf[pos + 1:pos + 3] == b"-1":
                pos += 5
                missed.append(k)
            else:
                pos += hit_len
                if b + j >= counted_from:
                    hits += 1
        while len(buf) < pos:
            buf += s.recv(1 << 20)
        c.buf = buf[pos:]
        counted += max(0, min(len(keys), b + len(keys) - counted_from))
        if missed:
            s.sendall(b"".join(resp(b"SET", k, VALUE) for k in missed))
            for _ in missed:
                line = c._line()
                if line[:1] == b"-":
                    raise IOError(line.decode())
    return hits, counted


def info_field(c, section, field):
    for line in c.call("INFO", section).decode().split("\r\n"):
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    return None


def used_memory(c):
    return int(info_field(c, "memory", "used_memory"))


def fill(c, n):
    batch = []
    for i in range(0, n, 100):
        args = [b"MSET"]
        for k in range(i, min(n, i + 100)):
            args += [key(k), VALUE]
        batch.append(resp(*args))
    c.pipeline(batch)


def data_memory(c):
    """used_memory without the clients' buffers (mem_clients_normal), which a pipelined load leaves large for a while."""
    return used_memory(c) - int(info_field(c, "memory", "mem_clients_normal"))


def calibrate(c, port):
    """(used_memory empty, bytes per key): CACHE_KEYS keys loaded with no limit, policy and admission off."""
    c.call("CONFIG", "SET", "maxmemory", "0")
    c.call("CONFIG", "SET", "maxmemory-policy", "noeviction")
    c.call("FLUSHALL")
    empty = data_memory(c)
    loader = Conn(port)
    fill(loader, CACHE_KEYS)
    loader.s.close()
    full = data_memory(c)
    c.call("FLUSHALL")
    return used_memory(c), (full - empty) / CACHE_KEYS


# maxmemory found for each (server, policy, stream): the admission runs reuse the policy's, so
# what the sketch costs comes out of the same budget
LIMITS = {}


def run_config(c, port, server, policy, admission, name, ids):
    """Hit ratio of one stream. During the warm-up maxmemory is corrected (8 times, by half the error) by the keys held
    against CACHE_KEYS at the measured bytes per key: what each server counts besides its keys (client
    buffers, the eviction pool) differs, the number of keys the cache holds must not."""
    empty, per_key = calibrate(c, port)
    fixed = LIMITS.get((server, policy, name)) if admission == "tinylfu" else None
    limit = fixed or int(empty + CACHE_KEYS * per_key)
    if admission is not None:
        c.call("CONFIG", "SET", "maxmemory-admission", admission)
    c.call("CONFIG", "SET", "maxmemory-policy", policy)
    c.call("CONFIG", "SET", "maxmemory", str(limit))
    warm = int(len(ids) * WARMUP)
    steps = 8
    for k in range(steps):
        replay(c, ids[k * warm // steps:(k + 1) * warm // steps], len(ids))
        held = int(c.call("DBSIZE")[1:])
        if fixed is None and (held > CACHE_KEYS or int(info_field(c, "stats", "evicted_keys")) > 0):
            # half the error each time: a reading taken while an eviction is still under way must not swing it
            step = int((CACHE_KEYS - held) * per_key / 2)
            # never below what the empty server uses plus a tenth of the cache
            limit = max(empty + int(CACHE_KEYS * per_key / 10), limit + step)
            c.call("CONFIG", "SET", "maxmemory", str(limit))
    LIMITS.setdefault((server, policy, name), limit)
    hits = counted = 0
    samples = []
    chunk = max(BATCH, (len(ids) - warm) // 10)
    for b in range(warm, len(ids), chunk):
        h, n = replay(c, ids[b:b + chunk], 0)
        hits += h
        counted += n
        samples.append(int(c.call("DBSIZE")[1:]))
    held = sum(samples) // len(samples)
    evicted = int(info_field(c, "stats", "evicted_keys"))
    c.call("CONFIG", "SET", "maxmemory", "0")
    if admission is not None:
        c.call("CONFIG", "SET", "maxmemory-admission", "none")
    c.call("FLUSHALL")
    c.call("CONFIG", "RESETSTAT")
    return hits / counted, held, limit, evicted


def start(server, p):
    log = open(os.path.join(OUT, "hitratio-%s.log" % server), "a")
    if server == "redis":
        proc = subprocess.Popen(["redis-server", "--port", str(p), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--daemonize", "no", "--dir", OUT],
                                stdout=log, stderr=subprocess.STDOUT)
    else:
        proc = subprocess.Popen([JAVA] + JVM_FLAGS + ["-jar", JAR, "--port", str(p), "--memcached-port", "0",
                                                      "--metrics-port", "0", "--save", "", "--appendonly", "no",
                                                      "--dir", OUT] + FERRITE_ARGS,
                                stdout=log, stderr=subprocess.STDOUT)
    return proc, wait_ping(p, proc, 60)


def main():
    streams = {name: stream(name) for name in STREAMS}
    print("hit ratio: %d keys, cache %d keys (%.0f%%), %d requests per stream (first %.0f%% not counted), "
          "batches of %d, values %d bytes"
          % (KEYS, CACHE_KEYS, CACHE * 100, REQUESTS, WARMUP * 100, BATCH, len(VALUE)), file=sys.stderr)
    results = {}
    for i, server in enumerate(["redis", "ferrite"]):
        if server not in SERVERS:
            continue
        p = port(i)
        proc, c = start(server, p)
        try:
            for srv, label, policy, admission in CONFIGS:
                if srv != server:
                    continue
                for name, ids in streams.items():
                    t = time.time()
                    results[(label, name)] = run_config(c, p, server, policy, admission, name, ids)
                    ratio, held, limit, evicted = results[(label, name)]
                    print("  %-32s %-5s %6.2f%%  keys held %6d  maxmemory %9d  evicted %8d  (%.0fs)"
                          % (label, name, ratio * 100, held, limit, evicted, time.time() - t), file=sys.stderr)
        finally:
            stop(proc)
    labels = [label for srv, label, _, _ in CONFIGS if srv in SERVERS]
    lines = ["| configuration | " + " | ".join(STREAMS) + " | keys held (" + ", ".join(STREAMS) + ") |",
             "| --- |" + " ---: |" * len(STREAMS) + " --- |"]
    for label in labels:
        lines.append("| %s | %s | %s |" % (
            label, " | ".join("%.2f%%" % (results[(label, s)][0] * 100) for s in STREAMS),
            ", ".join(str(results[(label, s)][1]) for s in STREAMS)))
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(OUT, "..", "bench-hitratio.md"), "w") as f:
        f.write(table + "\n")


if __name__ == "__main__":
    main()
