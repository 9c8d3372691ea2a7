package io.ferrite.server.replication;

import io.ferrite.command.Args;
import io.ferrite.command.BlockTimeout;
import io.ferrite.common.Log;
import io.ferrite.engine.Client;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.OutsideWork;
import io.ferrite.store.Bytes;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The master's replication commands (replication.c): SYNC and PSYNC turn the connection into a
 * replica, REPLCONF configures it and carries its ACKs, WAIT blocks a client (holding no shard)
 * until enough replicas acknowledged its last write, ROLE answers in its master form.
 */
public final class ReplicationCommands {
    /** Redis's NET_HOST_STR_LEN: the longest ip-address REPLCONF takes, less one. */
    private static final int HOST_MAX = 256;

    private ReplicationCommands() {
    }

    public static void register(CommandRegistry r) {
        r.add("sync", c -> sync(c, false));
        r.add("psync", c -> sync(c, true));
        r.add("replconf", ReplicationCommands::replconf);
        r.addAwaiting("wait", ReplicationCommands::waitCommand);
        r.add("role", ReplicationCommands::role);
        r.add("failover", ReplicationCommands::failover);
    }

    private static Replication replication(Call c) {
        return ((ReplicationHost) c.server).replication();
    }

    /** The link of the calling connection, or null for a client with no connection of its own (a script). */
    private static ReplicaLink link(Call c) {
        Channel ch = ((ReplicationHost) c.server).channelOf(c.client.id);
        return ch == null ? null : replication(c).link(c.client, ch);
    }

    /** syncCommand: nothing is replied here; the pump writes +FULLRESYNC or +CONTINUE and the stream. */
    private static void sync(Call c, boolean psync) {
        if (c.client.replica()) {
            return;
        }
        if (((ReplicationHost) c.server).masterLinkDown()) {
            c.reply().error("NOMASTERLINK Can't SYNC while not connected with my master");
            return;
        }
        ReplicationHost host = (ReplicationHost) c.server;
        if (psync && c.argc() > 3 && c.argIs(3, "failover")) {
            // the master failing over to this replica (its FAILOVER command): this replica takes over its history
            Log.warning("Failover request received for replid " + c.argString(1) + ".");
            if (!host.followsMaster()) {
                c.reply().error("ERR PSYNC FAILOVER can't be sent to a master.");
                return;
            }
            if (!c.argString(1).equalsIgnoreCase(replication(c).pump().figures().replid())) {
                c.reply().error("ERR PSYNC FAILOVER replid must match my replid.");
                return;
            }
            host.masterMode();
            Log.notice("MASTER MODE enabled (failover request from '" + host.clientInfo(c.client.id) + "')");
        }
        if (replication(c).failover().state() != Failover.State.NO_FAILOVER) {
            c.reply().error("NOMASTERLINK Can't SYNC while failing over");
            return;
        }
        long offset = -1;
        String replid = null;
        if (psync) {
            Long o = Bytes.parseLongStrict(c.arg(2));
            if (o == null) {
                ReplicaLink l = link(c);
                String name = l != null ? l.name() : "client id #" + c.client.id;
                Log.notice("Replica " + name + " asks for synchronization");
                Log.warning("Replica " + name + " asks for synchronization but with a wrong offset");
                c.reply().error("ERR value is not an integer or out of range");
                return;
            }
            offset = o;
            replid = c.argString(1);
        }
        ReplicaLink link = link(c);
        if (link == null) {
            return;
        }
        c.client.replica(true);
        // what a replica sends from now on (REPLCONF ACK) is answered by nothing: its socket carries the stream
        c.client.replyMode(Client.ReplyMode.OFF);
        replication(c).pump().sync(link, replid, offset, psync);
    }

    /**
     * FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms] (failoverCommand): the arguments are
     * checked here, the rest is {@link Failover#start}'s; the reply is +OK once writes are paused.
     */
    private static void failover(Call c) {
        Failover failover = replication(c).failover();
        if (c.argc() == 2 && c.argIs(1, "abort")) {
            if (!failover.abortByUser()) {
                c.reply().error("ERR No failover in progress.");
                return;
            }
            c.reply().ok();
            return;
        }
        long timeout = 0;
        boolean force = false;
        String host = null;
        long port = 0;
        for (int j = 1; j < c.argc(); j++) {
            if (c.argIs(j, "timeout") && j + 1 < c.argc() && timeout == 0) {
                Long t = Args.longOrReply(c, j + 1);
                if (t == null) {
                    return;
                }
                if (t <= 0) {
                    c.reply().error("ERR FAILOVER timeout must be greater than 0");
                    return;
                }
                timeout = t;
                j++;
            } else if (c.argIs(j, "to") && j + 2 < c.argc() && host == null) {
                Long p = Args.longOrReply(c, j + 2);
                if (p == null) {
                    return;
                }
                port = p;
                host = c.argString(j + 1);
                j += 2;
            } else if (c.argIs(j, "force") && !force) {
                force = true;
            } else {
                c.reply().error("ERR syntax error");
                return;
            }
        }
        // a port no replica listens on finds no replica, as Redis's int comparison would
        int targetPort = port < 0 || port > 65535 ? -1 : (int) port;
        String error = failover.start(host, targetPort, timeout, force, replication(c).replicas());
        if (error != null) {
            c.reply().error(error);
            return;
        }
        c.reply().ok();
    }

    /** replconfCommand. */
    private static void replconf(Call c) {
        if (c.argc() % 2 == 0) {
            c.reply().error("ERR syntax error");
            return;
        }
        for (int j = 1; j < c.argc(); j += 2) {
            String option = c.argString(j).toLowerCase(Locale.ROOT);
            switch (option) {
                case "listening-port" -> {
                    Long port = Args.longOrReply(c, j + 1);
                    if (port == null) {
                        return;
                    }
                    ReplicaLink l = link(c);
                    if (l != null) {
                        l.listeningPort = port.intValue();
                    }
                }
                case "ip-address" -> {
                    byte[] addr = c.arg(j + 1);
                    if (addr.length >= HOST_MAX) {
                        c.reply().error("ERR REPLCONF ip-address provided by replica instance is too long: "
                            + addr.length + " bytes");
                        return;
                    }
                    ReplicaLink l = link(c);
                    if (l != null) {
                        l.announcedIp = new String(addr, StandardCharsets.UTF_8);
                    }
                }
                case "capa" -> {
                    ReplicaLink l = link(c);
                    if (l != null && c.argIs(j + 1, "eof")) {
                        l.capaEof = true;
                    } else if (l != null && c.argIs(j + 1, "psync2")) {
                        l.capaPsync2 = true;
                    }
                }
                case "ack" -> {
                    // from a replica only, and never answered
                    ReplicaLink l = replication(c).existing(c.client.id);
                    Long offset = Bytes.parseLongStrict(c.arg(j + 1));
                    if (l != null && c.client.replica() && offset != null) {
                        l.ack(offset, System.currentTimeMillis());
                        replication(c).pump().wake();
                    }
                    return;
                }
                case "getack" -> {
                    // a master asking its replica: the replica side answers it; a master says nothing
                    return;
                }
                case "rdb-only" -> {
                    Long v = Bytes.parseLongStrict(c.arg(j + 1));
                    if (v == null) {
                        c.reply().error("ERR value is not an integer or out of range");
                        return;
                    }
                    if (v < 0 || v > 1) {
                        c.reply().error("ERR value is out of range, value must between 0 and 1");
                        return;
                    }
                }
                case "rdb-filter-only" -> {
                    for (String f : c.argString(j + 1).trim().split("\\s+")) {
                        if (!f.isEmpty() && !f.equalsIgnoreCase("functions")) {
                            c.reply().error("ERR Unsupported rdb-filter-only option: " + f);
                            return;
                        }
                    }
                }
                default -> {
                    c.reply().error("ERR Unrecognized REPLCONF option: " + c.argString(j));
                    return;
                }
            }
        }
        c.reply().ok();
    }

    /** WAIT numreplicas timeout: the client waits outside the engine (no shard held) for the pump's answer. */
    private static void waitCommand(Call c) {
        AckCount done = c.awaited();
        if (done != null) {
            c.reply().integer(done.count);
            return;
        }
        ReplicationPump pump = replication(c).pump();
        if (pump.followingMaster()) {
            c.reply().error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a"
                + " replica is configured to be writable (which is not the default) writes to replicas are just local"
                + " and are not propagated.");
            return;
        }
        Long num = Args.longOrReply(c, 1);
        if (num == null) {
            return;
        }
        long deadline = BlockTimeout.deadline(c, 2, false);
        if (deadline < 0) {
            return;
        }
        if (!c.mayBlock()) {
            // inside MULTI Redis answers at once with what is acknowledged
            c.reply().integer(pump.countAcks(pump.offsetNow()));
            return;
        }
        c.awaitOutside(new AckCount(pump, c.client.effectsSeq(), num, deadline));
    }

    /** WAIT's work outside the engine: the pump counts acknowledgements until enough or the deadline. */
    private static final class AckCount implements OutsideWork {
        private final ReplicationPump pump;
        private final long seq;
        private final long num;
        private final long deadline;
        volatile long count;

        AckCount(ReplicationPump pump, long seq, long num, long deadline) {
            this.pump = pump;
            this.seq = seq;
            this.num = num;
            this.deadline = deadline;
        }

        @Override
        public void start(Runnable done) {
            pump.await(seq, num, deadline, n -> {
                count = n;
                done.run();
            });
        }
    }

    /** roleCommand: on a master, the online replicas with their address, port and acknowledged offset. */
    private static void role(Call c) {
        if (((ReplicationHost) c.server).replicaRole(c.reply())) {
            return;
        }
        List<ReplicaLink> online = replication(c).replicas().stream()
            .filter(r -> r.state == ReplicaLink.State.ONLINE).toList();
        c.reply().array(3);
        c.reply().bulk("master");
        c.reply().integer(replication(c).figuresNow().offset());
        c.reply().array(online.size());
        for (ReplicaLink r : online) {
            c.reply().array(3);
            c.reply().bulk(r.ip());
            c.reply().bulk(Integer.toString(r.listeningPort));
            c.reply().bulk(Long.toString(r.ackOffset));
        }
    }
}
