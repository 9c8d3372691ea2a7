package io.ferrite.server;

/** Versions reported to clients: the Redis version whose behaviour Ferrite matches, and Ferrite's own. */
public final class Version {
    /** Clients choose features by this (HELLO, INFO redis_version). */
    public static final String REDIS = "7.0.15";
    public static final String FERRITE = "0.1.0";

    private Version() {
    }
}
