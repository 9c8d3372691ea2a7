package io.ferrite.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The texts of LATENCY GRAPH (an ASCII sparkline, Redis's sparkline.c) and LATENCY DOCTOR (Redis's
 * createLatencyReport), computed from the merged samples. Only the advice that can apply to
 * Ferrite's events is given (it has no fork, AOF or eviction events).
 */
public final class LatencyReport {
    private static final int GRAPH_COLS = 80;
    private static final int GRAPH_ROWS = 4;
    private static final String FILL = "_o#";

    private LatencyReport() {
    }

    /** An event's merged samples (second, ms), oldest first, and its all-time worst. */
    public record Event(List<long[]> samples, long max) {
    }

    public static String graph(String event, List<long[]> samples, long allTimeMax, long now) {
        long min = 0;
        long max = 0;
        double[] values = new double[samples.size()];
        String[] labels = new String[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            long[] s = samples.get(i);
            if (i == 0) {
                min = max = s[1];
            } else {
                max = Math.max(max, s[1]);
                min = Math.min(min, s[1]);
            }
            values[i] = s[1];
            long elapsed = now - s[0];
            labels[i] = elapsed < 60 ? elapsed + "s" : elapsed < 3600 ? elapsed / 60 + "m"
                : elapsed < 86400 ? elapsed / 3600 + "h" : elapsed / 86400 + "d";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(event).append(" - high ").append(max).append(" ms, low ").append(min)
            .append(" ms (all time high ").append(allTimeMax).append(" ms)\n");
        sb.append("-".repeat(GRAPH_COLS)).append('\n');
        for (int j = 0; j < values.length; j += GRAPH_COLS) {
            if (j != 0) {
                sb.append('\n');
            }
            renderRange(sb, values, labels, j, Math.min(GRAPH_COLS, values.length - j));
        }
        return sb.toString();
    }

    /** Rows of fill characters scaled between the sequence's min and max, then the labels written downwards. */
    private static void renderRange(StringBuilder sb, double[] values, String[] labels, int offset, int len) {
        double seqMin = Double.MAX_VALUE;
        double seqMax = -Double.MAX_VALUE;
        for (double v : values) {
            seqMin = Math.min(seqMin, v);
            seqMax = Math.max(seqMax, v);
        }
        double relmax = seqMax - seqMin;
        if (relmax == 0) {
            relmax = 1;
        }
        int steps = FILL.length() * GRAPH_ROWS;
        char[] chars = new char[len];
        for (int row = 0; ; row++) {
            boolean loop = false;
            java.util.Arrays.fill(chars, ' ');
            for (int j = 0; j < len; j++) {
                double relval = values[j + offset] - seqMin;
                int step = (int) (relval * steps / relmax);
                step = Math.max(0, Math.min(steps - 1, step));
                if (row < GRAPH_ROWS) {
                    int charidx = step - (GRAPH_ROWS - row - 1) * FILL.length();
                    loop = true;
                    if (charidx >= 0 && charidx < FILL.length()) {
                        chars[j] = FILL.charAt(charidx);
                    } else if (charidx >= FILL.length()) {
                        chars[j] = '|';
                    }
                } else {
                    if (row - GRAPH_ROWS < 1) {
                        // one blank row between the graph and the labels
                        loop = true;
                        break;
                    }
                    String label = labels[j + offset];
                    int labelChar = row - GRAPH_ROWS - 1;
                    if (label.length() > labelChar) {
                        loop = true;
                        chars[j] = label.charAt(labelChar);
                    }
                }
            }
            if (!loop) {
                return;
            }
            sb.append(chars).append('\n');
        }
    }

    public static String doctor(Map<String, Event> events, long threshold, long slowerThan, int hz, long now) {
        if (events.isEmpty() && threshold == 0) {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
                + "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep "
                + "space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
        }
        StringBuilder sb = new StringBuilder();
        boolean slowlogEnable = false;
        boolean slowlogTuning = false;
        boolean slowlogInspect = false;
        boolean scheduler = false;
        boolean hzAdvice = false;
        boolean largeObjects = false;
        int advices = 0;
        int n = 0;
        for (Map.Entry<String, Event> e : events.entrySet()) {
            String event = e.getKey();
            List<long[]> samples = e.getValue().samples();
            n++;
            if (n == 1) {
                sb.append("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
            }
            long sum = 0;
            long oldest = 0;
            for (long[] s : samples) {
                sum += s[1];
                oldest = oldest == 0 ? s[0] : Math.min(oldest, s[0]);
            }
            long avg = samples.isEmpty() ? 0 : sum / samples.size();
            long mad = 0;
            for (long[] s : samples) {
                mad += Math.abs(avg - s[1]);
            }
            mad = samples.isEmpty() ? 0 : mad / samples.size();
            long period = samples.isEmpty() ? 0 : Math.max(1, now - oldest);
            sb.append(String.format(Locale.ROOT,
                "%d. %s: %d latency spikes (average %dms, mean deviation %dms, period %.2f sec). Worst all time event %dms.",
                n, event, samples.size(), avg, mad, samples.isEmpty() ? 0.0 : (double) period / samples.size(),
                e.getValue().max()));
            if (event.equalsIgnoreCase("command")) {
                if (slowerThan < 0) {
                    slowlogEnable = true;
                    advices++;
                } else if (slowerThan / 1000 > threshold) {
                    slowlogTuning = true;
                    advices++;
                }
                slowlogInspect = true;
                largeObjects = true;
                advices += 2;
            }
            if (event.equalsIgnoreCase("fast-command")) {
                scheduler = true;
                advices++;
            }
            if (event.equalsIgnoreCase("expire-cycle")) {
                hzAdvice = true;
                largeObjects = true;
                advices += 2;
            }
            sb.append('\n');
        }
        boolean thp = anonHugePages() > 0;
        if (thp) {
            advices++;
        }
        if (n == 0 && advices == 0) {
            sb.append("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest "
                + "bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n");
            return sb.toString();
        }
        if (n > 0 && advices == 0) {
            sb.append("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis "
                + "community to get some help, providing this report in your help request.\n");
            return sb.toString();
        }
        sb.append("\nI have a few advices for you:\n\n");
        if (slowlogEnable) {
            sb.append("- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log "
                + "Redis feature using the command 'CONFIG SET slowlog-log-slower-than ").append(threshold * 1000)
                .append("'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n");
        }
        if (slowlogTuning) {
            sb.append("- Your current Slow Log configuration only logs events that are slower than your configured latency "
                + "monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ").append(threshold * 1000).append("'.\n");
        }
        if (slowlogInspect) {
            sb.append("- Check your Slow Log to understand what are the commands you are running which are too slow to "
                + "execute. Please check https://redis.io/commands/slowlog for more information.\n");
        }
        if (scheduler) {
            sb.append("- The system is slow to execute Redis code paths not containing system calls. This usually means the "
                + "system does not provide Redis CPU time to run for long periods. You should try to:\n"
                + "  1) Lower the system load.\n"
                + "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
                + "  3) Check if you have a \"noisy neighbour\" problem.\n"
                + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
                + "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using "
                + "Jemalloc. However this may create fragmentation problems.\n");
        }
        if (hzAdvice && hz < 100) {
            sb.append("- In order to make the Redis keys expiring process more incremental, try to set the 'hz' "
                + "configuration parameter to 100 using 'CONFIG SET hz 100'.\n");
        }
        if (largeObjects) {
            sb.append("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. "
                + "If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects "
                + "into multiple smaller objects.\n");
        }
        if (thp) {
            sb.append("- I detected a non zero amount of anonymous huge pages used by your process. This creates very "
                + "serious latency events in different conditions, especially when Redis is persisting on disk. To disable "
                + "THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to "
                + "also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even "
                + "if you have already disabled THP, you still need to restart the Redis process to get rid of the huge "
                + "pages already created.\n");
        }
        return sb.toString();
    }

    /** AnonHugePages of this process (kB), as Redis's THPGetAnonHugePagesSize; 0 where unknown. */
    static long anonHugePages() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (l.startsWith("AnonHugePages:")) {
                    return Long.parseLong(l.substring(14).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
