package io.ferrite.server;

import io.ferrite.common.Log;
import io.ferrite.engine.StartupMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Starts Ferrite like redis-server: {@code ferrite [config-file] [--directive value ...]}. */
public final class Main {
    /** Netty's capacity of a shared allocator magazine's queue of recycled buffers (default 1024). */
    private static final String SHARED_MAGAZINE_QUEUE = "io.netty.allocator.magazineBufferQueueCapacity";

    private Main() {
    }

    public static void main(String[] argv) {
        // before anything of the server's: used_memory_startup counts what start-up adds to this
        StartupMemory.runtimeBaseline();
        List<String> args = Arrays.asList(argv);
        if (args.contains("--version") || args.contains("-v")) {
            System.out.println("Ferrite server v=" + Version.FERRITE + " redis-compat=" + Version.REDIS);
            return;
        }
        ServerConfig config = ServerConfig.defaults();
        try {
            config.applyDefaults(System.getProperty("ferrite.defaults", ""));
            int from = 0;
            if (!args.isEmpty() && !args.get(0).startsWith("--")) {
                config.load(Path.of(args.get(0)));
                from = 1;
            }
            config.applyArgs(args.subList(from, args.size()));
            String logfile = config.get("logfile");
            try {
                // a relative name lives in dir, as Redis opens it after its chdir
                Log.configure(config.get("loglevel"), logfile.isEmpty() ? null : config.resolve(logfile).toFile());
            } catch (java.io.IOException e) {
                throw new ServerConfig.ConfigError("Reading the configuration", "logfile " + logfile,
                    "Can't open the log file: " + e.getMessage());
            }
        } catch (ServerConfig.ConfigError e) {
            System.err.println(e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            System.err.println("Fatal error, can't open config file '" + args.get(0) + "': " + e.getMessage());
            System.exit(1);
        }
        Log.notice("oO0OoO0OoO0Oo Ferrite is starting oO0OoO0OoO0Oo");
        Log.notice("Ferrite version=" + Version.FERRITE + ", redis-compat=" + Version.REDIS + ", pid="
            + ProcessHandle.current().pid() + ", just started");
        Log.notice(config.file() != null ? "Configuration loaded" : "Warning: no config file specified, using the default config.");
        warnInert(config);
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty's default samples one buffer in 128 with a stack trace (about 1.5% of the CPU
            // under load); that is a debugging aid, so a running server leaves it off unless asked
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        if (System.getProperty(SHARED_MAGAZINE_QUEUE) == null) {
            // Netty's adaptive allocator gives each shared magazine (one per size class, for heap
            // and for direct buffers) a queue of 1024 recycled buffer wrappers, allocated up front:
            // about 400 KB of the start-up heap. The shard loops allocate from magazines of their
            // own; the shared ones serve the few other threads, for which 128 is plenty.
            System.setProperty(SHARED_MAGAZINE_QUEUE, "128");
        }
        Server server;
        try {
            server = Server.open(config);
        } catch (RuntimeException e) {
            if (!(e instanceof LoggedFailure)) {
                Log.warning(e.getMessage());
            }
            String m = String.valueOf(e.getMessage());
            if (m.contains(" RESP TCP listening socket ") || m.contains("listening on RESP port")) {
                // Redis's closing line for this case, which supervisors (its test suite) look for
                Log.warning("Failed listening on port " + config.get("port") + " (TCP), aborting.");
            }
            System.exit(1);
            return;
        }
        Path pidFile = writePidFile(config);
        server.pidFile(pidFile);
        ArgvArea argvArea = ArgvArea.ofThisProcess();
        if (argvArea != null) {
            // as Redis's setproctitle after initServer: ps and /proc/PID/cmdline show proc-title-template
            server.procTitle(argvArea::write);
        }
        server.onShutdown(() -> System.exit(0));
        SignalShutdown.install(server);
        // the fallback for an exit SignalShutdown did not handle (its signals not taken over, SIGHUP)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean signalled = !server.isClosed();
            if (signalled) {
                Log.warning("Received SIGTERM scheduling shutdown...");
                if (server.rdb().savePointsSet() && !server.loading()) {
                    // Redis saves on SIGTERM when save points are set; a JVM exiting cannot refuse to
                    server.rdb().saveWithLog();
                }
                closeWithin(server, CLOSE_WAIT_MILLIS);
            }
            if (pidFile != null) {
                // Redis removes its pid file on the way out, whatever the shutdown's cause
                try {
                    Files.deleteIfExists(pidFile);
                } catch (IOException e) {
                    Log.warning("Unable to remove the pid file " + pidFile + ": " + e.getMessage());
                }
            }
            if (signalled) {
                // SHUTDOWN logs its own farewell
                Log.warning("Ferrite is now ready to exit, bye bye...");
            }
        }));
        startupBanner(config, server);
        try {
            // Redis's main: the banner and "Server initialized", then loadDataFromDisk with the
            // listeners answering -LOADING, then "Ready to accept connections"
            server.loadData();
        } catch (RuntimeException e) {
            // a failure the AOF already reported in Redis's words ends on that line (supervisors read the last one)
            if (!(e instanceof LoggedFailure)) {
                Log.warning(e.getMessage());
            }
            System.exit(1);
            return;
        }
        if (server.isClosed()) {
            // SHUTDOWN or a signal during the load: the shutdown ends the process
            return;
        }
        String unixSocket = server.unixSocketPath();
        if (server.respPort() != 0 || server.tlsPort() != 0 || unixSocket == null) {
            Log.notice("Ready to accept connections");
        }
        if (unixSocket != null) {
            Log.notice("The server is now ready to accept connections at " + unixSocket);
        }
    }

    /**
     * How long SIGTERM waits for the listeners and shards to stop before the JVM exits anyway: a
     * signal must always end the process (and remove the pid file), even when a loop does not stop.
     */
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private static void closeWithin(Server server, long millis) {
        Thread closer = new Thread(server::close, "ferrite-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            Log.warning("The server did not stop within " + millis / 1000 + " seconds: exiting anyway");
        }
    }

    /** One warning per directive that was given but has no effect in Ferrite yet. */
    static void warnInert(ServerConfig config) {
        for (String name : config.inertGiven()) {
            String value = config.get(name);
            if (name.equals("save") && value.isEmpty() || name.equals("appendonly") && value.equals("no")) {
                // what Ferrite does anyway: nothing to warn about
                continue;
            }
            if (name.equals("save")) {
                Log.warning("WARNING: save points make SHUTDOWN and SIGTERM save the dataset, but no background save"
                    + " runs when they are reached (BGSAVE does not exist yet in Ferrite); use SAVE");
                continue;
            }
            Log.warning("WARNING: the directive '" + name + "' is accepted for compatibility with Redis 7.0 but has no effect in Ferrite"
                + (value == null ? "" : " (value '" + value + "')"));
        }
        if (config.getBool("daemonize")) {
            Log.warning("WARNING: 'daemonize yes' is not supported (a JVM cannot fork): Ferrite keeps running in the"
                + " foreground; let the service manager run it in the background");
        }
    }

    /**
     * Redis's start-up lines: with always-show-logo, a block of lines that ends with " PID: n";
     * otherwise one line, which here also carries " PID: n" so that a supervisor (Redis's own test
     * suite among them) can tell the process it started is the one listening.
     */
    static void startupBanner(ServerConfig config, Server server) {
        long pid = ProcessHandle.current().pid();
        String ports = "port=" + server.respPort() + ", tls-port=" + server.tlsPort() + ", memcached-port=" + server.memcachedPort()
            + ", metrics-port=" + server.metricsPort() + ", shards=" + server.engine().shardCount()
            + ", transport=" + (server.epoll() ? "epoll" : "nio");
        if (config.getBool("always-show-logo")) {
            Log.raw(String.join(System.lineSeparator(),
                "",
                "    Ferrite " + Version.FERRITE + " (Redis " + Version.REDIS + " compatible) 64 bit",
                "",
                "    Running in standalone mode",
                "    Port: " + (server.respPort() != 0 ? server.respPort() : server.tlsPort()),
                "    PID: " + pid,
                ""));
            Log.notice("Running mode=standalone, " + ports);
        } else {
            Log.notice("Running mode=standalone, " + ports + ", PID: " + pid);
        }
        Log.notice("Server initialized");
    }

    /** Writes {@code pidfile} (resolved in dir) when set; a failure is logged, as Redis's createPidFile does. */
    static Path writePidFile(ServerConfig config) {
        String name = config.get("pidfile");
        if (name == null || name.isEmpty()) {
            return null;
        }
        Path p = config.resolve(name);
        try {
            Files.writeString(p, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
            return p;
        } catch (IOException e) {
            Log.warning("Failed to write PID file: " + e.getMessage());
            return null;
        }
    }
}
