package io.ferrite.protocol.resp;

/** The request limits Redis enforces while parsing (server.h PROTO_* and config). */
public interface RespLimits {
    /** Longest inline request or count line before Redis gives up (PROTO_INLINE_MAX_SIZE). */
    int INLINE_MAX = 64 * 1024;
    /**
     * The least either limit can be set to (Redis's minimum for proto-max-bulk-len and
     * client-query-buffer-limit): input below it is within both, so the decoder looks the limits
     * up only past it, not on every read.
     */
    long LEAST_LIMIT = 1024 * 1024;

    long maxBulkLength();

    long queryBufferLimit();

    boolean authenticated();
}
