package io.ferrite.server;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Starts Ferrite like redis-server: {@code ferrite [config-file] [--directive value ...]}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] argv) {
        List<String> args = Arrays.asList(argv);
        if (args.contains("--version") || args.contains("-v")) {
            System.out.println("Ferrite server v=" + Version.FERRITE + " redis-compat=" + Version.REDIS);
            return;
        }
        ServerConfig config = ServerConfig.defaults();
        try {
            int from = 0;
            if (!args.isEmpty() && !args.get(0).startsWith("--")) {
                config.load(Path.of(args.get(0)));
                from = 1;
            }
            config.applyArgs(args.subList(from, args.size()));
            Log.configure(config);
        } catch (ServerConfig.ConfigError e) {
            System.err.println(e.getMessage());
            System.exit(1);
        } catch (java.io.IOException e) {
            System.err.println("Fatal error, can't open config file '" + args.get(0) + "': " + e.getMessage());
            System.exit(1);
        }
        Log.notice("oO0OoO0OoO0Oo Ferrite is starting oO0OoO0OoO0Oo");
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty's default samples one buffer in 128 with a stack trace (about 1.5% of the CPU
            // under load); that is a debugging aid, so a running server leaves it off unless asked
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        Server server;
        try {
            server = Server.start(config);
        } catch (RuntimeException e) {
            Log.warning(e.getMessage());
            System.exit(1);
            return;
        }
        server.onShutdown(() -> System.exit(0));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (server.isClosed()) {
                return;
            }
            Log.warning("Received SIGTERM scheduling shutdown...");
            server.close();
            Log.warning("Ferrite is now ready to exit, bye bye...");
        }));
        Log.notice("Ferrite version=" + Version.FERRITE + ", redis-compat=" + Version.REDIS + ", pid="
            + ProcessHandle.current().pid() + ", shards=" + server.engine().shardCount()
            + ", transport=" + (server.epoll() ? "epoll" : "nio") + (config.file() != null ? ", config=" + config.file() : ""));
        Log.notice("Ready to accept connections: resp port " + config.get("port")
            + ", memcached port " + config.get("memcached-port") + ", metrics port " + config.get("metrics-port")
            + (server.metricsPort() != 0 ? " (/metrics)" : ""));
    }
}
