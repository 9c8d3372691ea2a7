package io.ferrite.server.replication;

import io.ferrite.reply.Reply;
import io.netty.channel.Channel;

/** What the replication commands need of the server they run on, so they do not depend back on it. */
public interface ReplicationHost {
    Replication replication();

    /** The channel of a client's connection, or null for a client without one (a script, the AOF). */
    Channel channelOf(long clientId);

    /** ROLE in its replica form when this server follows a master (true, answered); false on a master. */
    boolean replicaRole(Reply reply);

    /** Whether this server follows a master and its link to it is not up (SYNC then answers -NOMASTERLINK). */
    boolean masterLinkDown();

    /** Whether this server follows a master (Redis's masterhost is set). */
    boolean followsMaster();

    /** replicationSetMaster: this server follows {@code host:port} from now on (a failover's last step). */
    void replicaOf(String host, int port);

    /** replicationUnsetMaster: a master again under a new replication id (a failover given up, or accepted by this replica). */
    void masterMode();

    /** The CLIENT LIST line of a client, for the log. */
    String clientInfo(long clientId);
}
