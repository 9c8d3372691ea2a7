package io.ferrite.engine.tracking;

import java.util.List;
import java.util.TreeSet;

/**
 * One client's CLIENT TRACKING state, as Redis keeps it in the client's flags: set on the client's
 * loop, read by the shards that remember its keys and invalidate them.
 */
public final class ClientTracking {
    volatile boolean on;
    volatile boolean bcast;
    volatile boolean optin;
    volatile boolean optout;
    volatile boolean noloop;
    /** The client invalidations go to instead (REDIRECT); 0 for none. */
    volatile long redirect;
    volatile boolean brokenRedirect;
    /** Tracking was ever on: the shards may remember keys for this client. */
    volatile boolean everOn;
    /** The connection has closed: no shard remembers keys for it any more. */
    volatile boolean gone;
    /** CLIENT CACHING yes/no: applies to the commands up to the next one that is not a CLIENT command. */
    volatile boolean caching;
    /** BCAST prefixes, in Redis's (sorted) order. */
    public final TreeSet<Prefix> prefixes = new TreeSet<>();
    /** The in-flight CLIENT TRACKING's outcome, decided on the client's loop before the shards change. */
    volatile Plan plan;

    /** A prefix with byte order, so TRACKINGINFO lists them as Redis's radix tree does. */
    public record Prefix(byte[] bytes) implements Comparable<Prefix> {
        @Override
        public int compareTo(Prefix o) {
            return java.util.Arrays.compareUnsigned(bytes, o.bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Prefix p && java.util.Arrays.equals(bytes, p.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    /** What the shards must do for a CLIENT TRACKING call: error, or prefixes to add or drop. */
    record Plan(String error, List<byte[]> addPrefixes, List<byte[]> dropPrefixes) {
    }

    public boolean on() {
        return on;
    }

    public boolean bcast() {
        return bcast;
    }

    public boolean brokenRedirect() {
        return brokenRedirect;
    }

    /** The client invalidations go to instead (REDIRECT); 0 for none. */
    public long redirect() {
        return redirect;
    }

    /** CLIENT CACHING's choice ends with the transaction it covered. */
    public void caching(boolean value) {
        caching = value;
    }

    /** Whether the keys of a read-only command now running should be remembered (trackingRememberKeys). */
    public boolean remembersReads() {
        return on && !bcast && !(optin && !caching) && !(optout && caching);
    }
}
