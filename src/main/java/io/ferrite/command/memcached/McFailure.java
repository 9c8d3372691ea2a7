package io.ferrite.command.memcached;

import io.ferrite.common.Log;
import io.netty.buffer.ByteBuf;

/**
 * The reply to a request whose handler threw: one error in the place of the request's reply, so the
 * client's replies stay in step with its requests. memcached's only server-side failure is running out
 * of memory, so an OutOfMemoryError gets its words for the command ("SERVER_ERROR out of memory storing
 * object" ...), anything else "SERVER_ERROR internal error"; binary clients get status 0x82 with the
 * same text without the prefix, as memcached's out_of_memory() sends it.
 */
public final class McFailure {
    private McFailure() {
    }

    static String message(McRequest r, Throwable t) {
        if (!(t instanceof OutOfMemoryError) && !(t instanceof McNoMemory)) {
            return "SERVER_ERROR internal error";
        }
        return switch (r.op) {
            case GET, GETS, GAT, GATS, MG -> "SERVER_ERROR out of memory writing get response";
            case SET, ADD, REPLACE, APPEND, PREPEND, CAS, MS -> "SERVER_ERROR out of memory storing object";
            default -> "SERVER_ERROR out of memory";
        };
    }

    /** Writes the error reply for r; text noreply requests stay silent, as memcached's out_string is. */
    public static void write(McContext ctx, ByteBuf out, McRequest r, Throwable t) {
        boolean full = t instanceof McNoMemory;
        if (!full) {
            Log.warning("memcached " + r.op + " failed: " + t);
        }
        r.failed = true;
        String m = message(r, t);
        // memcached counts store_no_memory in its text and meta stores, not in its binary ones
        if (m.endsWith("storing object") && !(full && r.proto == McRequest.Proto.BINARY)) {
            ctx.storeNoMemory.increment();
        }
        switch (r.proto) {
            case BINARY -> {
                byte[] text = McOps.ascii(full ? binaryNoMemory(r) : m.substring("SERVER_ERROR ".length()));
                McOps.binHeader(out, r.opcode, 0, 0, McOps.ST_ENOMEM, text.length, r.opaque, 0);
                out.writeBytes(text);
            }
            case META -> McOps.writeAscii(out, m + "\r\n");
            case TEXT -> McOps.text(out, r, m + "\r\n");
        }
    }

    /** memcached's binary words for an allocation that failed (proto_bin.c's out_of_memory calls). */
    private static String binaryNoMemory(McRequest r) {
        return switch (r.op) {
            case INCR, DECR -> "Out of memory allocating new item";
            default -> "Out of memory allocating item";
        };
    }
}
