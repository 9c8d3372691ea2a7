package io.ferrite.common;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Redis-style log lines: {@code pid:M 25 Nov 2026 00:07:24.123 * message}, filtered by loglevel. */
public final class Log {
    public enum Level { DEBUG('.'), VERBOSE('-'), NOTICE('*'), WARNING('#');
        final char mark;

        Level(char mark) {
            this.mark = mark;
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ENGLISH);
    private static volatile PrintStream out = System.out;
    private static volatile Level level = Level.NOTICE;

    private Log() {
    }

    /** Applies loglevel, and logfile when one is given (an empty path keeps standard output). */
    public static void configure(String levelName, java.io.File file) throws IOException {
        level = Level.valueOf(levelName.toUpperCase(Locale.ROOT));
        if (file != null) {
            out = new PrintStream(new FileOutputStream(file, true), true);
        }
    }

    public static void level(String name) {
        level = Level.valueOf(name.toUpperCase(Locale.ROOT));
    }

    public static void notice(String msg) {
        log(Level.NOTICE, msg);
    }

    /**
     * Redis's afterErrorReply line for an error a replica link swallows (master to replica or back):
     * what was answered, without the ERR code Redis adds itself, and the command that got it.
     */
    public static void errorToPeer(String from, String to, String error, String command) {
        warning("== CRITICAL == This " + from + " is sending an error to its " + to + ": '"
            + (error.startsWith("ERR ") ? error.substring(4) : "-" + error)
            + "' after processing the command '" + command + "'");
    }

    public static void warning(String msg) {
        log(Level.WARNING, msg);
    }

    public static void verbose(String msg) {
        log(Level.VERBOSE, msg);
    }

    /** Lines written as they are (the start-up banner), under the NOTICE level like Redis's LL_RAW logo. */
    public static void raw(String lines) {
        if (Level.NOTICE.ordinal() < level.ordinal()) {
            return;
        }
        out.println(lines);
    }

    public static void log(Level l, String msg) {
        if (l.ordinal() < level.ordinal()) {
            return;
        }
        out.println(ProcessHandle.current().pid() + ":M " + TIME.format(ZonedDateTime.now()) + " " + l.mark + " " + msg);
    }
}
