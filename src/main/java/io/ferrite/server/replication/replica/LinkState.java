package io.ferrite.server.replication.replica;

/**
 * Redis's repl_state, as far as INFO and ROLE tell them apart: the handshake's many states are
 * one here, since nothing outside the link distinguishes them.
 */
public enum LinkState {
    /** Not a replica. */
    NONE("none"),
    /** A replica that must connect to its master (the next second's cron does). */
    CONNECT("connect"),
    /** A connect in progress. */
    CONNECTING("connecting"),
    /** PING, AUTH, REPLCONF and PSYNC exchanged. */
    HANDSHAKE("handshake"),
    /** A full sync's RDB is being received or loaded. */
    TRANSFER("sync"),
    /** The master's command stream flows. */
    CONNECTED("connected");

    private final String roleName;

    LinkState(String roleName) {
        this.roleName = roleName;
    }

    /** The state's word in ROLE's reply. */
    public String roleName() {
        return roleName;
    }
}
