package io.ferrite.server.metrics;

import io.ferrite.command.memcached.McContext;
import io.ferrite.engine.Engine;
import io.ferrite.engine.command.Settings;
import io.ferrite.server.ServerStats;
import io.ferrite.server.replication.Replication;
import io.ferrite.server.replication.replica.Replica;

/** Where the Prometheus meters read their figures: the server, seen only as what they measure. */
public interface MeterSources {
    Engine engine();

    ServerStats stats();

    CommandObserver observer();

    Settings config();

    McContext memcached();

    long blockedClients();

    long startMillis();

    /** Null until replication has started. */
    Replication replication();

    Replica replica();
}
