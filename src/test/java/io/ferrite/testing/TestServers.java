package io.ferrite.testing;

import io.ferrite.server.Server;
import io.ferrite.server.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-process Ferrite servers shared by the tests of one JVM: one per shard count, started on an
 * ephemeral loopback port the first time a test asks for it and stopped when the JVM exits.
 */
public final class TestServers {
    private static final Map<Integer, Server> SERVERS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> SERVERS.values().forEach(Server::close)));
    }

    private TestServers() {
    }

    /** The shard counts every test runs with: system property ferrite.test.shards, default "1,4". */
    public static List<Integer> shardCounts() {
        String p = System.getProperty("ferrite.test.shards", "1,4");
        return Arrays.stream(p.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    public static Server shared(int shards) {
        return SERVERS.computeIfAbsent(shards, n -> start(n, Map.of()));
    }

    /** A private server with its memcached listener on a free port. */
    public static Server startWithMemcached(int shards) {
        return start(shards, Map.of("memcached-port", Integer.toString(freePort())));
    }

    /**
     * A private server with extra directives; the caller closes it. A port found free can be taken
     * by another socket (a client's outgoing connection gets one from the same range) before the
     * server binds it: then the server starts again on ports found afresh, any "-port" directive
     * the caller chose included (callers read the ports from the server).
     */
    public static Server start(int shards, Map<String, String> directives) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(shards, attempt == 1 ? directives : freshPorts(directives));
            } catch (IllegalStateException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    private static Map<String, String> freshPorts(Map<String, String> directives) {
        Map<String, String> again = new java.util.HashMap<>(directives);
        again.replaceAll((k, v) -> k.endsWith("-port") && !v.equals("0") ? Integer.toString(freePort()) : v);
        return again;
    }

    private static Server startOnce(int shards, Map<String, String> directives) {
        ServerConfig cfg = ServerConfig.defaults();
        cfg.set("bind", "127.0.0.1");
        cfg.set("port", Integer.toString(freePort()));
        cfg.set("shards", Integer.toString(shards));
        cfg.set("memcached-port", "0");
        cfg.set("metrics-port", "0");
        // DEBUG is refused by default, as in Redis; the tests use it as Redis's own suite does
        cfg.set("enable-debug-command", "yes");
        // no save points, and a directory of its own: an in-process server never loads or writes the
        // working directory's dump.rdb (DEBUG RELOAD, SAVE and SHUTDOWN write there)
        cfg.set("save", "");
        cfg.set("dir", freshDir());
        directives.forEach(cfg::set);
        return Server.start(cfg);
    }

    private static String freshDir() {
        try {
            java.nio.file.Path d = java.nio.file.Files.createTempDirectory("ferrite-test-");
            d.toFile().deleteOnExit();
            return d.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes each of the servers a test class started (Ferrite's or a real Redis), skipping those never started. */
    public static void closeAll(AutoCloseable... servers) throws Exception {
        for (AutoCloseable s : servers) {
            if (s != null) {
                s.close();
            }
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
