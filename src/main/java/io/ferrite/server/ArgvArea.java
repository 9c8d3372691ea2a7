package io.ferrite.server;

import io.ferrite.common.Log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The memory of the process's command line, which /proc/PID/cmdline and ps show: Redis's
 * setproctitle overwrites its argv strings there, and a JVM can do the same through
 * /proc/self/mem, between the arg_start and arg_end addresses of /proc/self/stat (fields 48 and 49).
 * <p>
 * Only the argv strings are used, never the environment's that follow them (which setproctitle
 * also takes after copying them elsewhere): the JVM's native code still reads those. A title is
 * cut, as setproctitle cuts it, at 255 bytes and at the area's size less its final NUL; the rest
 * of the area is zeroed. (setproctitle also puts a '.' where argv[0] ended when the title is
 * shorter; here argv[0] is the java binary's path, not a name Redis would have had, so not.)
 */
final class ArgvArea {
    /** setproctitle's SPT_MAXTITLE. */
    static final int MAX_TITLE = 255;

    private final long start;
    private final int length;

    private ArgvArea(long start, int length) {
        this.start = start;
        this.length = length;
    }

    /** This process's argv area, or null where there is none to write (not Linux, /proc/self/mem closed). */
    static ArgvArea ofThisProcess() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
            // the command name (field 2) is in parentheses and may hold spaces: count from after it
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long argStart = Long.parseLong(fields[48 - 3]);
            long argEnd = Long.parseLong(fields[49 - 3]);
            if (argEnd <= argStart || argEnd - argStart > 1 << 20 || !Files.isWritable(Path.of("/proc/self/mem"))) {
                return null;
            }
            return new ArgvArea(argStart, (int) (argEnd - argStart));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The bytes of the area once {@code title} is written: the title, cut to fit, then NULs. */
    static byte[] image(String title, int length) {
        byte[] area = new byte[length];
        byte[] t = title.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, area, 0, Math.max(0, Math.min(t.length, Math.min(MAX_TITLE, length - 1))));
        return area;
    }

    /** Writes {@code title} over the command line; a failure is logged and leaves it as it was. */
    synchronized void write(String title) {
        try (FileChannel mem = FileChannel.open(Path.of("/proc/self/mem"), StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(image(title, length));
            long at = start;
            while (b.hasRemaining()) {
                at += mem.write(b, at);
            }
        } catch (IOException | RuntimeException e) {
            Log.verbose("Could not set the process title: " + e.getMessage());
        }
    }

    int length() {
        return length;
    }
}
