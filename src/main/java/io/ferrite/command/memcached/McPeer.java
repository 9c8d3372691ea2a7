package io.ferrite.command.memcached;

/** A memcached client connection, as "stats conns" lists it. */
public interface McPeer {
    long id();

    /** The client's address, host:port. */
    String address();

    /** The address it connected to, host:port. */
    String listenAddress();
}
