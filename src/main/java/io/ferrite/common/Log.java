package io.ferrite.common;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.TimeZone;

/** Redis-style log lines: {@code pid:M 25 Nov 2026 00:07:24.123 * message}, filtered by loglevel. */
public final class Log {
    public enum Level { DEBUG('.'), VERBOSE('-'), NOTICE('*'), WARNING('#');
        final char mark;

        Level(char mark) {
            this.mark = mark;
        }
    }

    /**
     * English month abbreviations, as Redis's strftime prints them in the C locale. Written by hand
     * rather than through a DateTimeFormatter: its month names load the JDK's locale data (a
     * table of every locale, about 200 KB) and its zone the whole time-zone database, both of
     * which would then stay in the server's start-up heap for one log line's sake.
     */
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};
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
        out.println(ProcessHandle.current().pid() + ":M " + timestamp(System.currentTimeMillis()) + " " + l.mark + " "
            + msg);
    }

    /** {@code dd MMM yyyy HH:mm:ss.SSS} in the local time zone, as Redis's log lines print the time. */
    static String timestamp(long millis) {
        long local = millis + TimeZone.getDefault().getOffset(millis);
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(local, 1000), 0, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(24);
        two(b, t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ').append(t.getYear())
            .append(' ');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append('.');
        int ms = (int) Math.floorMod(local, 1000);
        return b.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10))
            .toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
}
