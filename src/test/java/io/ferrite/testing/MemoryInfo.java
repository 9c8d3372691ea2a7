package io.ferrite.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * INFO memory figures for tests that set maxmemory from used_memory. Clients' buffers count in
 * used_memory, as in Redis: a pipelined burst grows a query buffer that the clients cron trims
 * within moments, so a limit is computed from used_memory once the clients' part has settled.
 */
public final class MemoryInfo {
    private MemoryInfo() {
    }

    /** A numeric INFO field. */
    public static long field(RawClient c, String name) {
        Matcher m = Pattern.compile("\r\n" + name + ":(\\d+)\r\n").matcher(c.call("INFO", "everything"));
        if (!m.find()) {
            throw new AssertionError("no INFO field " + name);
        }
        return Long.parseLong(m.group(1));
    }

    /** used_memory once mem_clients_normal read the same twice 150 ms apart (or after 3 s). */
    public static long settledUsedMemory(RawClient c) throws InterruptedException {
        long clients = field(c, "mem_clients_normal");
        for (int i = 0; i < 20; i++) {
            Thread.sleep(150);
            long now = field(c, "mem_clients_normal");
            if (now == clients) {
                break;
            }
            clients = now;
        }
        return field(c, "used_memory");
    }
}
