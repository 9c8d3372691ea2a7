package io.ferrite.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The process title Redis builds from `proc-title-template` (server.c's expandProcTitleTemplate
 * and redisProcTitleGetVariable): {title} is the name the server was started as, {listen-addr}
 * the first bind address and the port (or "unixsocket:PATH" when no TCP port listens),
 * {server-mode} empty in standalone mode, {port}, {tls-port}, {unixsocket}, and {config-file}
 * ("-" without one).
 */
final class ProcTitle {
    /** Redis's error for a template it cannot expand, or one that expands to nothing. */
    static final String INVALID = "template format is invalid or contains unknown variables";

    /**
     * The name the process was started as, Redis's argv[0]: the launcher scripts pass their own
     * ($0) in this property, since the JVM's argv[0] is the java binary. Without it the title
     * names what java was asked to run (the jar's path, or the main class), so that ps and
     * `pkill -f ferrite.jar` still find the process once its arguments are overwritten.
     */
    static final String ARGV0_PROPERTY = "ferrite.argv0";

    private static final String ARGV0 = readArgv0();

    private ProcTitle() {
    }

    /** The title for {@code config}'s template, or null when the template is invalid. */
    static String render(ServerConfig config, String title) {
        return expand(config.get("proc-title-template"), name -> variable(config, title, name));
    }

    /** Redis's validateProcTitleTemplate: an error message, or null when {@code template} is fine. */
    static String check(String template) {
        // the title is empty while validating, as in Redis; the other variables stand for values
        // that never expand to nothing (the port is a number, the config file "-" at least)
        String t = expand(template, name -> switch (name) {
            case "title", "server-mode", "unixsocket" -> "";
            case "listen-addr", "port", "tls-port" -> "0";
            case "config-file" -> "-";
            default -> null;
        });
        return t == null || t.isEmpty() ? INVALID : null;
    }

    /**
     * Redis's sdstemplate, then the result trimmed of spaces: "{name}" is replaced by
     * {@code variables}' value (null for an unknown name makes the whole template invalid), "{{" is
     * a literal brace; a "}" outside a variable is copied as it is. Null when invalid.
     */
    static String expand(String template, UnaryOperator<String> variables) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);
            if (open + 1 == template.length()) {
                return null;
            }
            if (template.charAt(open + 1) == '{') {
                out.append('{');
                i = open + 2;
                continue;
            }
            int close = template.indexOf('}', open + 1);
            if (close < 0) {
                return null;
            }
            String value = variables.apply(template.substring(open + 1, close));
            if (value == null) {
                return null;
            }
            out.append(value);
            i = close + 1;
        }
        return strip(out);
    }

    /** sdstrim(s, " "): spaces only, both ends. */
    private static String strip(CharSequence s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == ' ') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == ' ') {
            to--;
        }
        return s.subSequence(from, to).toString();
    }

    private static String variable(ServerConfig config, String title, String name) {
        int port = config.getInt("port");
        int tlsPort = config.getInt("tls-port");
        return switch (name) {
            case "title" -> title;
            case "listen-addr" -> port != 0 || tlsPort != 0
                ? firstBindAddress(config) + ":" + (port != 0 ? port : tlsPort)
                : "unixsocket:" + config.get("unixsocket");
            case "server-mode" -> "";
            case "config-file" -> config.file() == null ? "-" : config.file().toString();
            case "port" -> Integer.toString(port);
            case "tls-port" -> Integer.toString(tlsPort);
            case "unixsocket" -> config.get("unixsocket");
            default -> null;
        };
    }

    /** bindaddr[0] as written (a leading '-' kept), "*" with no bind address. */
    private static String firstBindAddress(ServerConfig config) {
        String bind = config.get("bind").trim();
        return bind.isEmpty() ? "*" : bind.split("\\s+")[0];
    }

    /** The name the process was started as (see {@link #ARGV0_PROPERTY}). */
    static String argv0() {
        return ARGV0;
    }

    /** Read once, before any title overwrites the process's argv. */
    private static String readArgv0() {
        String given = System.getProperty(ARGV0_PROPERTY);
        if (given != null && !given.isEmpty()) {
            return given;
        }
        // the launcher's record of `java -jar PATH args` or `java CLASS args`
        String command = System.getProperty("sun.java.command", "").trim();
        if (!command.isEmpty()) {
            return command.split(" ")[0];
        }
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            int end = 0;
            while (end < cmdline.length && cmdline[end] != 0) {
                end++;
            }
            if (end > 0) {
                return new String(cmdline, 0, end, StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM does not tell its argv[0]
        }
        return "ferrite";
    }
}
