package io.ferrite.memcached;

import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real memcached 1.6 started for a test on a free loopback port; skipped when absent unless CI=true. */
final class McReference implements AutoCloseable {
    final Process process;
    final int port;

    private McReference(Process p, int port) {
        this.process = p;
        this.port = port;
    }

    static String binary() {
        String env = System.getenv("MEMCACHED");
        if (env != null && new File(env).canExecute()) {
            return env;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(dir, "memcached");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    static void assumeAvailable(String tool) {
        boolean found = tool.equals("memcached") ? binary() != null : onPath(tool);
        if (!found && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(tool + " not found (apt-get install memcached libmemcached-tools)");
        }
        Assumptions.assumeTrue(found, tool + " not installed");
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** memcached with more options (-S, -Y file) and environment (SASL_CONF_PATH). */
    static McReference start(String... options) throws Exception {
        return start(Map.of(), options);
    }

    static McReference start(Map<String, String> env, String... options) throws Exception {
        assumeAvailable("memcached");
        int port = TestServers.freePort();
        List<String> cmd = new ArrayList<>(List.of(binary()));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "root"));
        }
        cmd.addAll(List.of("-p", Integer.toString(port), "-U", "0", "-l", "127.0.0.1"));
        cmd.addAll(List.of(options));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new McReference(p, port);
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("memcached did not start");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
