package io.ferrite.protocol.resp;

/** The request limits Redis enforces while parsing (server.h PROTO_* and config). */
public interface RespLimits {
    /** Longest inline request or count line before Redis gives up (PROTO_INLINE_MAX_SIZE). */
    int INLINE_MAX = 64 * 1024;

    long maxBulkLength();

    long queryBufferLimit();

    boolean authenticated();
}
