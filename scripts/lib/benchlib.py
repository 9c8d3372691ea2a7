"""Helpers the benchmark scripts share: a minimal RESP client, free ports, starting and stopping servers."""
import os
import re
import socket
import subprocess
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            d = self.s.recv(1 << 20)
            if not d:
                raise IOError("server closed the connection")
            self.buf += d
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _bulk(self, n):
        while len(self.buf) < n + 2:
            self.buf += self.s.recv(1 << 20)
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def call(self, *args):
        self.s.sendall(resp(*args))
        line = self._line()
        if line[:1] == b"$":
            return self._bulk(int(line[1:]))
        if line[:1] == b"-":
            raise IOError(line.decode())
        return line

    def pipeline(self, commands):
        """Sends commands in batches; every reply of these loads is one line (+OK or :N)."""
        batch = 500
        for i in range(0, len(commands), batch):
            chunk = commands[i:i + batch]
            self.s.sendall(b"".join(chunk))
            for _ in chunk:
                line = self._line()
                if line[:1] == b"-":
                    raise IOError(line.decode())

    def info_memory(self):
        text = self.call("INFO", "memory").decode()
        return int(re.search(r"used_memory:(\d+)", text).group(1))


def fill(c, n, value_size, key_format="key:%012d"):
    """n keys of value_size bytes, MSET by 100 and pipelined; key_format is redis-benchmark's __rand_int__ form
    by default, so a load with -r n overwrites these keys."""
    value = b"v" * value_size
    batch = []
    for i in range(0, n, 100):
        args = ["MSET"]
        for k in range(i, min(n, i + 100)):
            args.append(key_format % k)
            args.append(value)
        batch.append(resp(*args))
        if len(batch) == 200:
            c.pipeline(batch)
            batch = []
    if batch:
        c.pipeline(batch)


def wait_ping(port, proc, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited during start-up")
        try:
            c = Conn(port)
            if c.call("PING") == b"+PONG":
                return c
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not answer PING on %d" % port)


def stop(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    """utime+stime of a process, all its threads, in clock ticks (/proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def measured_benchmark(pid, args, test, requests):
    """Runs redis-benchmark ARGS --csv for one test; its ops/s and the server's (PID) CPU microseconds per request."""
    before = cpu_ticks(pid)
    out = subprocess.run(["redis-benchmark", *args, "-t", test, "-n", str(requests), "--csv"],
                         capture_output=True, text=True, check=True).stdout
    ticks = cpu_ticks(pid) - before
    row = [line for line in out.splitlines() if line.startswith('"%s"' % test.upper())][0]
    return float(row.split(",")[1].strip('"')), ticks * 1e6 / TICK / requests


def publish(out, name, text):
    """Prints a result table and writes it to target/NAME (OUT is target/bench)."""
    print(text)
    with open(os.path.join(out, "..", name), "w") as f:
        f.write(text)
