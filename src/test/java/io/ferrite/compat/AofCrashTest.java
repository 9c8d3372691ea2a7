package io.ferrite.compat;

import io.ferrite.testing.FerriteProcess;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No acknowledged write is lost with appendfsync always: Ferrite runs as a separate JVM on one
 * directory; several clients write (SET of unique keys, INCR of a shared counter, MULTI/EXEC
 * pairs) and record every write the server acknowledged; the process is killed with SIGKILL
 * in the middle of the load and started again on the same directory, which must hold every
 * acknowledged write of every round so far. Twenty rounds in a row, each a few hundred
 * milliseconds of load.
 */
class AofCrashTest {
    private static final int ROUNDS = 20;
    private static final int CLIENTS = 4;
    private static final long LOAD_MILLIS = 300;

    @TempDir
    Path dir;

    @Test
    void killMinus9UnderLoadLosesNoAcknowledgedWriteTwentyTimesInARow() throws Exception {
        rounds("always", ROUNDS);
    }

    /**
     * With everysec a reply still waits for the write into the file (not for its fsync), as Redis
     * writes its AOF buffer before replying: a killed process loses nothing that was acknowledged
     * (only an operating-system crash could lose the last second, which a test here cannot cause).
     */
    @Test
    void withEverysecAKilledProcessLosesNoAcknowledgedWriteEither() throws Exception {
        rounds("everysec", 5);
    }

    private void rounds(String fsync, int rounds) throws Exception {
        Map<String, String> acked = new ConcurrentHashMap<>();
        long counterAcked = 0;
        for (int round = 0; round < rounds; round++) {
            try (FerriteProcess p = start(round, fsync)) {
                try (RawClient c = new RawClient("127.0.0.1", p.port())) {
                    verify(c, acked, counterAcked, round);
                }
                counterAcked = load(p.process(), p.port(), round, acked, counterAcked);
            }
        }
        try (FerriteProcess last = start(rounds, fsync); RawClient c = new RawClient("127.0.0.1", last.port())) {
            verify(c, acked, counterAcked, rounds);
        }
        assertThat(acked.size()).as("acknowledged writes checked").isGreaterThan(rounds * 10);
        System.out.println("AOF crash test (appendfsync " + fsync + "): " + rounds + " kill -9 rounds, " + acked.size()
            + " acknowledged keys and " + counterAcked + " acknowledged INCRs, none lost");
    }

    private FerriteProcess start(int round, String fsync) throws Exception {
        return FerriteProcess.start(dir, dir.resolve("ferrite-" + round + ".log"), "--appendonly", "yes",
            "--appendfsync", fsync, "--save", "", "--shards", "2", "--auto-aof-rewrite-min-size", "4096",
            "--auto-aof-rewrite-percentage", "50");
    }

    private String logs() throws Exception {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                sb.append(f.getFileName()).append(":\n").append(Files.readString(f));
            }
        }
        return sb.toString();
    }

    /** Every acknowledged key with its value, and the counter at least as high as the INCRs acknowledged. */
    private void verify(RawClient c, Map<String, String> acked, long counterAcked, int round) throws Exception {
        List<String> keys = new ArrayList<>(acked.keySet());
        for (int i = 0; i < keys.size(); i += 200) {
            List<String> batch = keys.subList(i, Math.min(keys.size(), i + 200));
            String[] argv = new String[batch.size() + 1];
            argv[0] = "MGET";
            for (int k = 0; k < batch.size(); k++) {
                argv[k + 1] = batch.get(k);
            }
            String reply = c.call(argv);
            StringBuilder expected = new StringBuilder("*" + batch.size() + "\r\n");
            for (String k : batch) {
                String v = acked.get(k);
                expected.append('$').append(v.length()).append("\r\n").append(v).append("\r\n");
            }
            assertThat(reply).as("round %d: acknowledged writes after a restart\n%s", round, logs().length() > 20000 ? "" : logs())
                .isEqualTo(expected.toString());
        }
        String counter = c.call("GET", "counter");
        long have = counter.startsWith("$-1") ? 0 : Long.parseLong(counter.split("\r\n")[1]);
        assertThat(have).as("round %d: counter", round).isGreaterThanOrEqualTo(counterAcked);
    }

    /** Clients write until the server is killed; returns the INCRs acknowledged so far. */
    private long load(Process p, int port, int round, Map<String, String> acked, long counterAcked) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        long[] incrs = new long[CLIENTS];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try (RawClient c = new RawClient("127.0.0.1", port)) {
                    for (int n = 0; !stop.get(); n++) {
                        String key = "r" + round + ":c" + id + ":" + n;
                        String value = "v" + n;
                        if (n % 5 == 4) {
                            c.send(RawClient.encode("MULTI"));
                            c.send(RawClient.encode("SET", key, value));
                            c.send(RawClient.encode("INCR", "counter"));
                            c.send(RawClient.encode("EXEC"));
                            c.readReply();
                            c.readReply();
                            c.readReply();
                            String exec = c.readReply();
                            if (exec.startsWith("*2")) {
                                acked.put(key, value);
                                incrs[id]++;
                            }
                        } else if (c.call("SET", key, value).equals("+OK\r\n")) {
                            acked.put(key, value);
                        }
                    }
                } catch (RuntimeException killed) {
                    // the server went away mid-request: that write was never acknowledged
                }
            });
            threads.add(th);
            th.start();
        }
        Thread.sleep(LOAD_MILLIS);
        return killThenCount(p, threads, stop, incrs, counterAcked);
    }

    /** SIGKILL while the clients still write, then the INCRs acknowledged so far. */
    private static long killThenCount(Process p, List<Thread> threads, AtomicBoolean stop, long[] incrs, long counterAcked)
            throws InterruptedException {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(20));
        }
        long total = counterAcked;
        for (long n : incrs) {
            total += n;
        }
        return total;
    }
}
