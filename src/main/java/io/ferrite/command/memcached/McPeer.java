package io.ferrite.command.memcached;

import io.ferrite.engine.acl.AclUser;

/** A memcached client connection, as "stats conns" lists it. */
public interface McPeer {
    long id();

    /** The ACL user it runs as; null before it logs in. */
    AclUser user();

    void close();

    /** The client's address, host:port. */
    String address();

    /** The address it connected to, host:port. */
    String listenAddress();
}
