"""The cost of ACL checks, Ferrite and a real redis-server side by side (scripts/bench acl).

Each server gets ACL_USERS users (100), each allowed every command and ACL_PATTERNS key patterns
(50): the first ACL_PATTERNS-1 are "~key:*:u<user>p<n>", which redis-benchmark's keys
("key:000000012345") never match but which make the matcher walk the whole key at the '*' before
failing, and the last is "~key:*", so every key is allowed only at the last pattern (the worst case
for a user whose keys are allowed). For each round (the order of the servers and of the two
clients alternating), each test (SET, GET) and each pipeline depth, redis-benchmark runs as the
default user (allowed everything) and as one of those users (--user, -a), and the server's CPU
time (utime+stime of the process, all threads, from /proc/PID/stat) is read before and after:
ops/s and CPU microseconds per request, medians over the rounds; the ACL cost is the restricted
user's figure against the default user's, for each server.
Usage (from scripts/bench): bench_acl.py JAVA JAR OUT [JVM flags...]
Environment: ROUNDS (3), PIPELINES ("1 16"), ACL_TESTS ("set,get"), CLIENTS (50), KEYSPACE (100000),
ACL_REQUESTS (requests per run; default 200000 at -P 1 and 1000000 above), ACL_USERS (100),
ACL_PATTERNS (50), ACL_PATTERN (the missed patterns' form, "key:*:u%dp%d"), FERRITE_JAVA_OPTS ("-Xms1g -Xmx1g -XX:+AlwaysPreTouch"), FERRITE_ARGS (extra
directives, e.g. "--shards 1").
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from benchlib import Conn, free_port, measured_benchmark, publish, stop, wait_ping

JAVA, JAR, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
JVM_FLAGS = sys.argv[4:]
ROUNDS = int(os.environ.get("ROUNDS", "3"))
PIPELINES = [int(p) for p in os.environ.get("PIPELINES", "1 16").split()]
TESTS = os.environ.get("ACL_TESTS", "set,get").split(",")
CLIENTS = os.environ.get("CLIENTS", "50")
KEYSPACE = os.environ.get("KEYSPACE", "100000")
REQUESTS = os.environ.get("ACL_REQUESTS", "")
USERS = int(os.environ.get("ACL_USERS", "100"))
PATTERNS = int(os.environ.get("ACL_PATTERNS", "50"))
# the patterns the keys miss, by user and number: a literal tail Ferrite rejects at once by default;
# "key:*:u%dp%d*" ends with a star, so every pattern is walked through the glob on both servers
PATTERN_FORM = os.environ.get("ACL_PATTERN", "key:*:u%dp%d")
HEAP_OPTS = os.environ.get("FERRITE_JAVA_OPTS", "-Xms1g -Xmx1g -XX:+AlwaysPreTouch").split()
FERRITE_ARGS = os.environ.get("FERRITE_ARGS", "").split()
# the user the restricted runs log in as: one in the middle of the user table
BENCH_USER = "user%d" % (USERS // 2)
PASSWORD = "bench-pass"


def start(server, work, log):
    port = free_port()
    common = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", work]
    if server == "redis":
        cmd = ["redis-server", "--daemonize", "no"] + common
    else:
        cmd = [JAVA] + HEAP_OPTS + JVM_FLAGS + ["-jar", JAR, "--memcached-port", "0", "--metrics-port", "0"] + common \
            + FERRITE_ARGS
    p = subprocess.Popen(cmd, stdout=open(log, "a"), stderr=subprocess.STDOUT)
    c = wait_ping(port, p, 60)
    for u in range(USERS):
        rules = ["~" + PATTERN_FORM % (u, n) for n in range(PATTERNS - 1)] + ["~key:*"]
        c.call("ACL", "SETUSER", "user%d" % u, "reset", "on", ">" + PASSWORD, "+@all", *rules)
    return p, port


def bench(port, pid, user, test, pipeline, requests):
    auth = ["--user", BENCH_USER, "-a", PASSWORD] if user == "acl" else []
    return measured_benchmark(pid, ["-p", str(port), *auth, "-c", CLIENTS, "-P", str(pipeline), "-r", KEYSPACE],
                              test, requests)


def check_denied(port):
    """The restricted user really is restricted: a key outside its patterns is refused."""
    c = Conn(port)
    c.call("AUTH", BENCH_USER, PASSWORD)
    try:
        c.call("GET", "other")
    except IOError as e:
        if "NOPERM" in str(e):
            return
    raise RuntimeError("the benchmark user was not refused a key outside its patterns")


def main():
    d = tempfile.mkdtemp(prefix="ferrite-bench-acl-")
    servers = {}
    try:
        for s in ("redis", "ferrite"):
            work = os.path.join(d, s)
            os.mkdir(work)
            servers[s] = start(s, work, os.path.join(OUT, "acl-%s.log" % s))
            check_denied(servers[s][1])
        results = {}
        order = [(s, u) for s in ("redis", "ferrite") for u in ("default", "acl")]
        # one unrecorded pass: the JIT compiles both paths before the first round counts
        for pipeline in PIPELINES:
            for test in TESTS:
                for u in ("default", "acl"):
                    bench(servers["ferrite"][1], servers["ferrite"][0].pid, u, test, pipeline, 100000)
        for r in range(ROUNDS):
            for pipeline in PIPELINES:
                requests = int(REQUESTS) if REQUESTS else (200000 if pipeline == 1 else 1000000)
                for test in TESTS:
                    for s, u in (order if r % 2 == 0 else order[::-1]):
                        p, port = servers[s]
                        res = bench(port, p.pid, u, test, pipeline, requests)
                        results.setdefault((test, pipeline, s, u), []).append(res)
                        print("round %d %s P%d %s as %s: %.0f ops/s, %.2f us CPU/request" % (
                            r + 1, test, pipeline, s, u, *res), file=sys.stderr)
        lines = ["| test | pipeline | server | default ops/s | ACL user ops/s | throughput cost | default CPU µs/req "
                 "| ACL user CPU µs/req | CPU cost |",
                 "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for pipeline in PIPELINES:
            for test in TESTS:
                for s in ("redis", "ferrite"):
                    def med(u, i):
                        return statistics.median(x[i] for x in results[(test, pipeline, s, u)])
                    do, ao, dc, ac = med("default", 0), med("acl", 0), med("default", 1), med("acl", 1)
                    lines.append("| %s | %d | %s | %.0f | %.0f | %+.1f%% | %.2f | %.2f | %+.1f%% |" % (
                        test.upper(), pipeline, "Redis 7.0" if s == "redis" else "Ferrite", do, ao,
                        (do / ao - 1) * 100, dc, ac, (ac / dc - 1) * 100))
        head = ("ACL check cost: %d users with %d key patterns each (%s ... key:*), the keys matching only the last; "
                "%s clients, %s random keys, %d rounds (medians). throughput cost = default / ACL user ops/s - 1; "
                "CPU cost = ACL user / default CPU per request - 1 (server process, all threads)."
                % (USERS, PATTERNS, PATTERN_FORM.replace("%d", "N"), CLIENTS, KEYSPACE, ROUNDS))
        publish(OUT, "bench-acl.md", head + "\n\n" + "\n".join(lines) + "\n")
    finally:
        for p, _ in servers.values():
            stop(p)
        shutil.rmtree(d, ignore_errors=True)


main()
