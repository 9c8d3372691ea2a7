package io.ferrite.command.memcached;

/**
 * A store refused for want of memory, as memcached's item allocation returning nothing: over
 * maxmemory with memcached-no-evict (memcached's -M), or with no item of the shard left to evict.
 * {@link McFailure} answers it with memcached's out-of-memory words. Thrown often under -M, so it
 * carries no stack trace.
 */
final class McNoMemory extends RuntimeException {
    static final McNoMemory INSTANCE = new McNoMemory();

    private McNoMemory() {
        super("out of memory", null, false, false);
    }
}
