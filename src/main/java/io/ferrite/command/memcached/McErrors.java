package io.ferrite.command.memcached;

import io.netty.buffer.ByteBuf;

/**
 * Which memcached replies are errors, for the engine's failed-calls count (Redis counts a command
 * that replied an error as failed): the text and meta protocols' ERROR, CLIENT_ERROR and
 * SERVER_ERROR lines, and the binary protocol's statuses for bad requests and server failures.
 * Misses and refused conditional stores (NOT_FOUND, EXISTS, NOT_STORED) are answers, not errors.
 */
final class McErrors {
    private McErrors() {
    }

    /** True when the reply written to {@code out} from {@code from} on starts with an error. */
    static boolean isError(McRequest r, ByteBuf out, int from) {
        if (out.writerIndex() <= from) {
            return false;
        }
        if (r.proto == McRequest.Proto.BINARY) {
            if (out.writerIndex() - from < 8) {
                return false;
            }
            int status = out.getUnsignedShort(from + 6);
            return status == McOps.ST_EINVAL || status == McOps.ST_DELTA_BADVAL || status == McOps.ST_TOO_LARGE
                || status >= 0x80;
        }
        return startsWith(out, from, "ERROR") || startsWith(out, from, "CLIENT_ERROR")
            || startsWith(out, from, "SERVER_ERROR");
    }

    private static boolean startsWith(ByteBuf out, int from, String prefix) {
        if (out.writerIndex() - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (out.getByte(from + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
