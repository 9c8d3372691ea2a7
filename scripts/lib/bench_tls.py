"""TLS throughput, Ferrite against a real redis-server (scripts/bench tls).

Both servers listen on a TLS port only (port 0), with the same certificates made here by the
openssl command (a CA, a server and a client certificate, in the layout of Redis's
utils/gen-test-certs.sh) and tls-auth-clients yes, so every connection is mutual TLS. For each
round (the order of the servers alternating), each test (SET, GET) and each pipeline depth,
redis-benchmark --tls runs against each server, and the server's CPU time (utime+stime of the
process, all threads, from /proc/PID/stat) is read before and after: ops/s and CPU microseconds
per request, medians over the rounds, and the ratios Ferrite / Redis.
Usage (from scripts/bench): bench_tls.py JAVA JAR OUT [JVM flags...]
Environment: ROUNDS (3), PIPELINES ("1 16"), TLS_TESTS ("set,get"), CLIENTS (50), KEYSPACE (100000),
TLS_REQUESTS (requests per run; default 100000 at -P 1 and 400000 above), FERRITE_JAVA_OPTS
("-Xms1g -Xmx1g"), FERRITE_ARGS (extra directives, e.g. "--ssl-provider jdk").
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import free_port, measured_benchmark, publish, stop

JAVA, JAR, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
JVM_FLAGS = sys.argv[4:]
ROUNDS = int(os.environ.get("ROUNDS", "3"))
PIPELINES = [int(p) for p in os.environ.get("PIPELINES", "1 16").split()]
TESTS = os.environ.get("TLS_TESTS", "set,get").split(",")
CLIENTS = os.environ.get("CLIENTS", "50")
KEYSPACE = os.environ.get("KEYSPACE", "100000")
REQUESTS = os.environ.get("TLS_REQUESTS", "")
HEAP_OPTS = os.environ.get("FERRITE_JAVA_OPTS", "-Xms1g -Xmx1g").split()
FERRITE_ARGS = os.environ.get("FERRITE_ARGS", "").split()


def openssl(d, *args):
    subprocess.run(["openssl", *args], cwd=d, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certs(d):
    openssl(d, "genrsa", "-out", "ca.key", "2048")
    openssl(d, "req", "-x509", "-new", "-nodes", "-sha256", "-key", "ca.key", "-days", "2",
            "-subj", "/O=Ferrite Bench/CN=Certificate Authority", "-out", "ca.crt")
    for name in ("server", "client"):
        openssl(d, "genrsa", "-out", name + ".key", "2048")
        openssl(d, "req", "-new", "-sha256", "-subj", "/O=Ferrite Bench/CN=" + name, "-key", name + ".key",
                "-out", name + ".csr")
        openssl(d, "x509", "-req", "-sha256", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-out", name + ".crt")


def tls_args(d):
    return ["--tls-cert-file", d + "/server.crt", "--tls-key-file", d + "/server.key",
            "--tls-ca-cert-file", d + "/ca.crt", "--tls-auth-clients", "yes"]


def cli(d, port, *cmd):
    return subprocess.run(["redis-cli", "-p", str(port), "--tls", "--cacert", d + "/ca.crt", "--cert",
                           d + "/client.crt", "--key", d + "/client.key", *cmd], capture_output=True, text=True).stdout


def start(server, d, work, log):
    port = free_port()
    common = ["--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
              "--dir", work] + tls_args(d)
    if server == "redis":
        cmd = ["redis-server", "--daemonize", "no"] + common
    else:
        cmd = [JAVA] + HEAP_OPTS + JVM_FLAGS + ["-jar", JAR, "--memcached-port", "0", "--metrics-port", "0"] + common \
            + FERRITE_ARGS
    p = subprocess.Popen(cmd, stdout=open(log, "a"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if p.poll() is not None:
            raise RuntimeError("%s exited during start-up, see %s" % (server, log))
        if cli(d, port, "PING").strip() == "PONG":
            return p, port
        time.sleep(0.2)
    raise RuntimeError("%s did not answer PING over TLS, see %s" % (server, log))


def bench(d, port, pid, test, pipeline, requests):
    return measured_benchmark(pid, ["-p", str(port), "--tls", "--cacert", d + "/ca.crt", "--cert", d + "/client.crt",
                                    "--key", d + "/client.key", "-c", CLIENTS, "-P", str(pipeline), "-r", KEYSPACE],
                              test, requests)


def main():
    d = tempfile.mkdtemp(prefix="ferrite-bench-tls-")
    servers = {}
    try:
        make_certs(d)
        for s in ("redis", "ferrite"):
            work = os.path.join(d, s)
            os.mkdir(work)
            servers[s] = start(s, d, work, os.path.join(OUT, "tls-%s.log" % s))
        provider = "openssl"
        if "jdk" in FERRITE_ARGS:
            provider = "jdk"
        results = {}
        order = ["redis", "ferrite"]
        # one unrecorded pass: the JIT compiles the TLS and RESP paths before the first round counts
        for pipeline in PIPELINES:
            for test in TESTS:
                bench(d, servers["ferrite"][1], servers["ferrite"][0].pid, test, pipeline, 100000)
        for r in range(ROUNDS):
            for pipeline in PIPELINES:
                requests = int(REQUESTS) if REQUESTS else (100000 if pipeline == 1 else 400000)
                for test in TESTS:
                    for s in (order if r % 2 == 0 else order[::-1]):
                        p, port = servers[s]
                        results.setdefault((test, pipeline, s), []).append(bench(d, port, p.pid, test, pipeline, requests))
                        print("round %d %s P%d %s: %.0f ops/s, %.2f us CPU/request" % (
                            r + 1, test, pipeline, s, *results[(test, pipeline, s)][-1]), file=sys.stderr)
        lines = ["| test | pipeline | Redis ops/s | Ferrite ops/s | ratio | Redis CPU µs/req | Ferrite CPU µs/req | CPU ratio |",
                 "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for pipeline in PIPELINES:
            for test in TESTS:
                ro = statistics.median(x[0] for x in results[(test, pipeline, "redis")])
                fo = statistics.median(x[0] for x in results[(test, pipeline, "ferrite")])
                rc = statistics.median(x[1] for x in results[(test, pipeline, "redis")])
                fc = statistics.median(x[1] for x in results[(test, pipeline, "ferrite")])
                lines.append("| %s | %d | %.0f | %.0f | %.2fx | %.2f | %.2f | %.2fx |" % (
                    test.upper(), pipeline, ro, fo, fo / ro, rc, fc, fc / rc))
        head = ("TLS (mutual, TLSv1.3), %s clients, %s random keys, %d rounds (medians); Ferrite's TLS through %s. "
                "ratio = Ferrite / Redis ops/s; CPU ratio = Ferrite / Redis CPU per request (lower is better)."
                % (CLIENTS, KEYSPACE, ROUNDS, provider))
        publish(OUT, "bench-tls.md", head + "\n\n" + "\n".join(lines) + "\n")
    finally:
        for p, _ in servers.values():
            stop(p)
        shutil.rmtree(d, ignore_errors=True)


main()
