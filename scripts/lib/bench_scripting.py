"""Scripting, Ferrite against a real redis-server (scripts/bench scripting).

EVALSHA throughput and server CPU per request, with redis-benchmark (50 clients, random keys), at
each pipeline depth, several rounds alternating which server goes first (medians reported):
  small       GET + INCR + SET of one key
  rmw10       a read-modify-write of 10 keys with different names (on several of Ferrite's shards)
  rmw10-tag   the same with one hash tag (every key on one shard): against rmw10, the cost of a
              script that spans shards
Then the memory a cached script costs: SCRIPT LOAD of SCRIPTS distinct small scripts, INFO's
used_memory and the process RSS before and after (each divided by SCRIPTS).
Usage (from scripts/bench): bench_scripting.py JAVA JAR OUT [JVM flags...]
Environment: ROUNDS (3), PIPELINES ("1 16"), SCRIPT_REQUESTS (200000), SCRIPTS (10000),
FERRITE_ARGS (extra directives, e.g. "--shards 2").
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

from benchlib import Conn, cpu_ticks, free_port, stop, wait_ping

JAVA, JAR, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
JVM_FLAGS = sys.argv[4:]
ROUNDS = int(os.environ.get("ROUNDS", "3"))
PIPELINES = os.environ.get("PIPELINES", "1 16").split()
REQUESTS = os.environ.get("SCRIPT_REQUESTS", "200000")
SCRIPTS = int(os.environ.get("SCRIPTS", "10000"))
FERRITE_ARGS = os.environ.get("FERRITE_ARGS", "").split()
TICKS = os.sysconf("SC_CLK_TCK")

SMALL = "local v = redis.call('GET', KEYS[1]) redis.call('INCR', KEYS[1]) redis.call('SET', KEYS[1], ARGV[1]) return v"
RMW = ("for i = 1, #KEYS do local v = tonumber(redis.call('GET', KEYS[i]) or '0') "
       "redis.call('SET', KEYS[i], v + 1) end return #KEYS")
TESTS = [
    ("small", SMALL, ["key:__rand_int__"]),
    ("rmw10", RMW, ["k%d:__rand_int__" % i for i in range(10)]),
    ("rmw10-tag", RMW, ["{t}:%d:__rand_int__" % i for i in range(10)]),
]


def start(server, workdir):
    port = free_port()
    if server == "redis":
        cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "no", "--save", "",
               "--appendonly", "no", "--dir", workdir]
    else:
        cmd = [JAVA, "-Xms1g", "-Xmx1g"] + JVM_FLAGS + [
            "-jar", JAR, "--port", str(port), "--bind", "127.0.0.1", "--memcached-port", "0", "--metrics-port", "0",
            "--save", "", "--appendonly", "no", "--dir", workdir] + FERRITE_ARGS
    p = subprocess.Popen(cmd, stdout=open(os.path.join(OUT, "scripting-%s.log" % server), "a"), stderr=subprocess.STDOUT)
    return p, port, wait_ping(port, p, 60)


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1)) * 1024


def run(proc, port, sha, keys, pipeline, requests):
    before = cpu_ticks(proc.pid)
    cmd = ["redis-benchmark", "-p", str(port), "-n", str(requests), "-c", "50", "-P", pipeline, "-r", "100000",
           "--csv", "EVALSHA", sha, str(len(keys))] + keys + ["7"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    ticks = cpu_ticks(proc.pid) - before
    row = [l for l in out.splitlines() if l.startswith('"EVALSHA')][0]
    cols = [c.strip('"') for c in row.split('","')]
    return float(cols[1]), ticks / TICKS * 1e6 / int(requests)


def script_memory(proc, c):
    def used():
        return int(re.search(r"used_memory:(\d+)", c.call("INFO", "memory").decode()).group(1))
    c.call("SCRIPT", "FLUSH")
    u0, r0 = used(), rss_bytes(proc.pid)
    for i in range(SCRIPTS):
        c.call("SCRIPT", "LOAD", "return redis.call('GET', KEYS[1]) .. '%d'" % i)
    u1, r1 = used(), rss_bytes(proc.pid)
    c.call("SCRIPT", "FLUSH")
    return (u1 - u0) / SCRIPTS, (r1 - r0) / SCRIPTS


def main():
    os.makedirs(OUT, exist_ok=True)
    servers = {}
    for name in ("redis", "ferrite"):
        work = tempfile.mkdtemp(prefix="bench-scripting-%s-" % name)
        p, port, c = start(name, work)
        shas = {t[0]: c.call("SCRIPT", "LOAD", t[1]).decode() for t in TESTS}
        servers[name] = (p, port, c, shas)
    try:
        # an unrecorded pass: the JIT compiles the paths first
        for name, (p, port, c, shas) in servers.items():
            for test, _, keys in TESTS:
                for pl in PIPELINES:
                    run(p, port, shas[test], keys, pl, 50000)
        results = {}
        for r in range(ROUNDS):
            order = list(servers) if r % 2 == 0 else list(reversed(list(servers)))
            for test, _, keys in TESTS:
                for pl in PIPELINES:
                    for name in order:
                        p, port, c, shas = servers[name]
                        results.setdefault((test, pl, name), []).append(run(p, port, shas[test], keys, pl, REQUESTS))
        lines = ["| script | pipeline | redis ops/s | ferrite ops/s | ratio | redis CPU µs/req | ferrite CPU µs/req |",
                 "|---|--:|--:|--:|--:|--:|--:|"]
        for test, _, _ in TESTS:
            for pl in PIPELINES:
                rr = results[(test, pl, "redis")]
                fr = results[(test, pl, "ferrite")]
                ro, fo = statistics.median(x[0] for x in rr), statistics.median(x[0] for x in fr)
                rc, fc = statistics.median(x[1] for x in rr), statistics.median(x[1] for x in fr)
                lines.append("| %s | %s | %.0f | %.0f | %.2f | %.1f | %.1f |" % (test, pl, ro, fo, fo / ro, rc, fc))
        lines.append("")
        lines.append("| memory per cached script | redis | ferrite |")
        lines.append("|---|--:|--:|")
        mem = {name: script_memory(s[0], s[2]) for name, s in servers.items()}
        lines.append("| used_memory, bytes | %.0f | %.0f |" % (mem["redis"][0], mem["ferrite"][0]))
        lines.append("| RSS, bytes | %.0f | %.0f |" % (mem["redis"][1], mem["ferrite"][1]))
        text = "\n".join(lines)
        print(text)
        with open(os.path.join(OUT, "..", "bench-scripting.md"), "w") as f:
            f.write(text + "\n")
    finally:
        for p, _, _, _ in servers.values():
            stop(p)


main()
