package io.ferrite.server;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import io.netty.handler.ssl.SslHandler;
import io.netty.buffer.ByteBufAllocator;
import io.ferrite.engine.Blocking;
import io.ferrite.command.family.Families;
import io.ferrite.command.memcached.McContext;
import io.ferrite.common.Log;
import io.ferrite.common.Watchdog;
import io.ferrite.persistence.snapshot.LoadProgress;
import io.ferrite.engine.AccessTracking;
import io.ferrite.engine.CallRunner;
import io.ferrite.engine.Client;
import io.ferrite.engine.acl.Acl;
import io.ferrite.protocol.resp.InlineArgs;
import io.ferrite.engine.Dispatcher;
import io.ferrite.engine.Engine;
import io.ferrite.engine.StartupMemory;
import io.ferrite.engine.Eviction;
import io.ferrite.engine.ExpiryCycle;
import io.ferrite.engine.Shard;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.engine.command.Host;
import io.ferrite.protocol.memcached.McConnection;
import io.ferrite.protocol.memcached.McDetector;
import io.ferrite.protocol.resp.RespDecoder;
import io.ferrite.protocol.resp.RespLimits;
import io.ferrite.server.aof.AofHost;
import io.ferrite.server.aof.AofPersistence;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.server.commands.ServerCommands;
import io.ferrite.scripting.EvalCommands;
import io.ferrite.scripting.FunctionCommands;
import io.ferrite.scripting.Scripting;
import io.ferrite.replication.ReplicationLog;
import io.ferrite.reply.Reply;
import io.ferrite.server.replication.Failover;
import io.ferrite.server.replication.Replication;
import io.ferrite.server.replication.ReplicationHost;
import io.ferrite.server.metrics.CommandObserver;
import io.ferrite.server.metrics.FerriteMeters;
import io.ferrite.server.metrics.InstantaneousMetrics;
import io.ferrite.server.metrics.MeterSources;
import io.ferrite.server.metrics.MetricsEndpoint;
import io.ferrite.server.replication.replica.LinkState;
import io.ferrite.server.replication.replica.Replica;
import io.ferrite.server.replication.replica.ReplicaHost;
import io.ferrite.server.replication.replica.ReplicaInfo;
import io.ferrite.server.tls.PlaintextReset;
import io.ferrite.server.tls.TlsContexts;
import io.ferrite.server.tls.TlsSetupException;
import io.netty.buffer.ByteBuf;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A running Ferrite: the shard event loops, the command table, the listeners and the registry of
 * connected clients. {@link #start} returns once every listener is bound.
 */
public final class Server implements AutoCloseable, Host, MeterSources, AofHost, ReplicationHost, ReplicaHost {
    private final ServerConfig config;
    private final Acl acl;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup shards;
    /** Shard loops that serve connections (io-threads); the others only run their shard's work. */
    private final int ioThreads;
    private volatile boolean cronPaused;
    private final Engine engine;
    private final Scripting scripting;
    private final Dispatcher dispatcher;
    private final RdbPersistence rdb;
    private final LoadProgress loadProgress;
    private final AofPersistence aof;
    private final Replication replication;
    /** watchdog-period: reports a shard loop, or a data set's load, that holds up the server longer than the period. */
    private final Watchdog watchdog;
    private final Replica replica;
    /** The listening sockets by what they serve ("RESP", "TLS", "memcached"): `port` and `tls-port` are rebound by CONFIG SET. */
    private final Map<String, List<Channel>> listeners = new ConcurrentHashMap<>();
    private final TlsContexts tls = new TlsContexts();
    private volatile int tlsPort;
    /** The `unixsocket` listener, null when none is configured. */
    private volatile UnixSocketListener unixSocket;
    /** Set by {@link #finishShutdown}: the close is a shutdown's, with its log lines. */
    private volatile boolean shuttingDown;
    /** Where the process title goes (Main writes it into the process's argv); nowhere by default. */
    private volatile Consumer<String> procTitle = title -> { };
    private final Map<Long, RespConnection> clients = new ConcurrentHashMap<>();
    private final AtomicLong clientIds = new AtomicLong();
    private final ServerStats stats = new ServerStats();
    private final ClientMemory clientMemory = new ClientMemory(stats);
    private final List<ExpiryCycle> expiryCycles = new ArrayList<>();
    private final long startMillis = System.currentTimeMillis();
    private final String runId = ReplicationLog.randomId();
    private final boolean epoll = Epoll.isAvailable();
    private final MigrateLinks migrateLinks = new MigrateLinks(epoll, new MigrateLinks.OutgoingTls() {
        @Override
        public boolean useTls() {
            // Redis's migrateGetSocket: TLS when tls-cluster is set
            return config.getBool("tls-cluster") && tls.configured();
        }

        @Override
        public SslHandler handler(Channel ch, InetSocketAddress target) {
            return tls.clientHandler(ch.alloc(), target.getHostString(), target.getPort());
        }
    });
    private volatile int respPort;
    private volatile int memcachedPort;
    private final McContext memcached = new McContext(this);
    private volatile boolean closed;
    private final CommandObserver observer;
    private final InstantaneousMetrics instantaneous;
    private FerriteMeters meters;
    private MetricsEndpoint metricsEndpoint;
    private volatile int metricsPort;
    private volatile Runnable onShutdown = () -> { };
    private final Shutdown shutdown = new Shutdown(this);
    private volatile Path pidFile;
    /** Counts the bytes read from clients for INFO's total_net_input_bytes. */
    private final io.netty.channel.ChannelInboundHandler inputCounter = new InputCounter();

    @io.netty.channel.ChannelHandler.Sharable
    private final class InputCounter extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.buffer.ByteBuf b) {
                stats.netInputBytes.add(b.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }
    }

    private Server(ServerConfig config) {
        this.config = config;
        int n = config.getInt("shards");
        if (n <= 0) {
            n = Runtime.getRuntime().availableProcessors();
        }
        var ioFactory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ferrite-accept"), ioFactory);
        ioThreads = ConnectionLoops.count(config.getInt("io-threads"), n);
        if (config.getInt("io-threads") > n) {
            Log.warning("io-threads " + config.getInt("io-threads") + " is more than the " + n
                + " shards: connections are served by every shard's loop");
        }
        shards = new MultiThreadIoEventLoopGroup(n, new io.netty.util.concurrent.ThreadPerTaskExecutor(
            new DefaultThreadFactory("ferrite-shard")), new ConnectionLoops(ioThreads), ioFactory);
        CommandRegistry registry = new CommandRegistry();
        Families.registerAll(registry);
        ServerCommands.registerAll(registry);
        scripting = new Scripting(() -> config.getLong("busy-reply-threshold"));
        EvalCommands.register(registry, scripting);
        FunctionCommands.register(registry, scripting);
        CommandTable table;
        try {
            table = registry.build().renamed(config.renames());
        } catch (IllegalArgumentException e) {
            // Redis stops on a bad rename-command line while it reads the config file
            throw new IllegalStateException("rename-command: " + e.getMessage(), e);
        }
        acl = new Acl(table, InlineArgs::split);
        AclSetup.atStartup(acl, config);
        engine = new Engine(shards, config.getInt("databases"), table, memcached.commands(table.endId()));
        engine.notifyFlags(config::notifyFlags);
        engine.busyGate(scripting);
        engine.otherMemory(scripting::countedMemory);
        engine.acl(acl);
        engine.feed().lazyExpire(() -> config.getBool("lazyfree-lazy-expire"));
        engine.feed().lazyEvict(() -> config.getBool("lazyfree-lazy-eviction"));
        engine.replicaIgnoresMaxMemory(() -> config.getBool("replica-ignore-maxmemory"));
        engine.sessions(id -> clients.get(id));
        engine.trackingLimit().maxKeys(() -> config.getLong("tracking-table-max-keys"));
        // clients' buffers count in used_memory; replicas' are left out of what maxmemory weighs (freeMemoryGetNotCountedMemory)
        engine.clientMemory(() -> clientMemory.normal() + clientMemory.replicas(), clientMemory::replicas);
        applyEviction();
        dispatcher = new Dispatcher(this, engine);
        rdb = new RdbPersistence(this, engine.shardCount());
        loadProgress = new LoadProgress(rdb.state());
        aof = new AofPersistence(this);
        replication = new Replication(config, engine, rdb, aof);
        replication.host(this);
        replica = new Replica(this);
        watchdog = new Watchdog(() -> config.getLong("watchdog-period"));
        observer = new CommandObserver(config, stats);
        instantaneous = new InstantaneousMetrics(engine, stats,
            engine::usedMemory);
    }

    /** maxmemory, maxmemory-policy, maxmemory-samples, maxmemory-admission and the lfu-* directives, as the engine applies them. */
    public void applyEviction() {
        engine.maxMemory(config.getLong("maxmemory"));
        Eviction.Policy policy = Eviction.Policy.of(config.get("maxmemory-policy"));
        engine.access(policy.lfu()
            ? AccessTracking.lfu(config.getInt("lfu-log-factor"), config.getInt("lfu-decay-time"))
            : AccessTracking.LRU);
        engine.eviction(policy, config.getInt("maxmemory-samples"), config.getInt("maxmemory-eviction-tenacity"));
        // the sketch costs memory and a hash per lookup: kept only while something may be evicted
        engine.admission(config.get("maxmemory-admission").equals("tinylfu") && config.getLong("maxmemory") != 0
            && policy != Eviction.Policy.NOEVICTION);
        clientMemory.configure(config.get("maxmemory-clients"), config.getLong("maxmemory"));
        // as Redis's CONFIG SET maxmemory-clients: a limit now under the clients' memory evicts at once
        clientMemory.evictIfOver(clients.values());
    }

    /** Clients' memory and client eviction (maxmemory-clients). */
    public ClientMemory clientMemory() {
        return clientMemory;
    }

    /** Connections may move to the loop of the shard they use (only when every shard's loop serves connections). */
    boolean connectionsMayMove() {
        return ioThreads == engine.shardCount();
    }

    /** A server bound and with its data set loaded: {@link #open} then {@link #loadData}. */
    public static Server start(ServerConfig config) {
        Server s = open(config);
        s.loadData();
        return s;
    }

    /**
     * A server listening, its data set not loaded yet: as Redis's initServer binds before
     * loadDataFromDisk, so that clients get -LOADING rather than a refused connection meanwhile.
     */
    public static Server open(ServerConfig config) {
        Server s = new Server(config);
        try {
            s.bind();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        // started, no data yet: where Redis takes used_memory_startup (InitServerLast)
        StartupMemory.measure();
        return s;
    }

    /**
     * Loads the RDB file (Redis's loadDataFromDisk) while the listeners serve; commands without
     * the loading flag answer -LOADING until it ends. A file that cannot be loaded closes the
     * server and throws.
     */
    public void loadData() {
        // [repl-replica] replicaof in the config: a replica from the start, so the load keeps expired keys
        replica.configured(config.get("replicaof"));
        try {
            if (config.getBool("appendonly")) {
                // the AOF is loaded instead of the RDB file, through the dispatcher (a fake client),
                // with no expiry meanwhile; then it is opened for writing
                engine.loading(true);
                aof.start();
            } else {
                rdb.loadAtStartup();
            }
            replica.startFromConfig(rdb.startupReplication());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The load in progress, if any, for INFO persistence and -LOADING. */
    public LoadProgress loadProgress() {
        return loadProgress;
    }

    @Override
    public boolean loading() {
        return loadProgress.loading() || engine.loading();
    }

    @Override
    public boolean asyncLoading() {
        return loadProgress.asyncLoading();
    }

    private void bind() {
        for (int i = 0; i < engine.shardCount(); i++) {
            Shard shard = engine.shard(i);
            ExpiryCycle cycle = new ExpiryCycle(shard, () -> config.getInt("hz"), observer::latencyThreshold);
            expiryCycles.add(cycle);
            watchdog.watchLoop(shard.loop, () -> config.getInt("hz"));
            memcached.countReclaims(shard);
            shard.loop.execute(cycle::start);
        }
        watchdog.start();
        engine.shard(0).loop.scheduleAtFixedRate(this::clientsCron, 100, 100, TimeUnit.MILLISECONDS);
        aof.startCron();
        engine.shard(0).loop.scheduleAtFixedRate(() -> {
            rdb.cron();
            migrateLinks.closeIdle();
        }, 1, 1, TimeUnit.SECONDS);
        engine.shard(0).loop.scheduleAtFixedRate(() -> {
            if (!cronPaused) {
                instantaneous.tick();
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        configureTls();
        replication.start();
        startMetrics();
        replica.start();
        var mcInput = new McDetector.InputCounter(memcached);
        var mcRunner = new CallRunner(engine);
        boolean mcTls = config.getBool("memcached-tls");
        memcachedPort = listen("memcached", config.getInt("memcached-port"), ch -> {
            if (mcTls) {
                // memcached 1.6's -Z: the whole port speaks TLS, with the server's certificates
                ch.pipeline().addLast("tls", tls.serverHandler(ch.alloc()));
            }
            // memcached text, meta and binary (told apart by the first byte), on the same shards
            ch.pipeline().addLast("net-input", inputCounter);
            ch.pipeline().addLast("mc-input", mcInput);
            ch.pipeline().addLast("mc-detect", new McDetector(memcached));
            ch.pipeline().addLast("mc-connection", new McConnection(memcached, mcRunner));
        });
        respPort = listen("RESP", config.getInt("port"), respPipeline(false));
        tlsPort = listen("TLS", config.getInt("tls-port"), respPipeline(true));
        String socketPath = config.get("unixsocket");
        if (!socketPath.isEmpty()) {
            unixSocket = UnixSocketListener.open(socketPath, Integer.parseInt(config.get("unixsocketperm"), 8),
                config.getInt("tcp-backlog"), acceptor, shards, epoll, respPipeline(false));
        }
        if (!listening("RESP") && !listening("TLS") && unixSocket == null && memcachedPort == 0) {
            // Redis: "Configured to not listen anywhere, exiting." (a memcached-only server is fine here)
            throw new IllegalStateException("Configured to not listen anywhere, exiting.");
        }
    }

    /** The unix socket's path when one is listening, else null. */
    public String unixSocketPath() {
        UnixSocketListener u = unixSocket;
        return u == null ? null : u.path();
    }

    /**
     * Where the process title goes: Main writes it into the process's argv, as Redis's
     * setproctitle; the title is set at once when `set-proc-title` is on.
     */
    public void procTitle(Consumer<String> sink) {
        this.procTitle = sink;
        if (config.getBool("set-proc-title")) {
            updateProcTitle();
        }
    }

    /**
     * Sets the process title from `proc-title-template`, as Redis's redisSetProcTitle: after the
     * listeners bind or move, and on CONFIG SET proc-title-template (whatever `set-proc-title`).
     */
    public void updateProcTitle() {
        String title = ProcTitle.render(config, ProcTitle.argv0());
        if (title != null) {
            procTitle.accept(title);
        }
    }

    /** The RESP pipeline of an accepted connection, behind a TLS handler on the tls-port. */
    private Consumer<Channel> respPipeline(boolean overTls) {
        return ch -> {
            if (overTls) {
                ch.pipeline().addLast("tls", tls.serverHandler(ch.alloc()));
                ch.pipeline().addLast("tls-plaintext", PlaintextReset.INSTANCE);
            }
            RespConnection conn = new RespConnection(Server.this);
            ch.pipeline().addLast("net-input", inputCounter);
            ch.pipeline().addLast("resp-decoder", new RespDecoder(limitsFor(conn), conn.queryBuffer()));
            ch.pipeline().addLast("resp-connection", conn);
        };
    }

    /**
     * Whether anything needs a TLS context: a TLS listener or outgoing TLS links (Redis configures
     * TLS when tls-port, tls-replication or tls-cluster is set; memcached-tls and metrics-tls here too).
     */
    private boolean tlsWanted() {
        return config.getInt("tls-port") != 0 || config.getBool("tls-replication") || config.getBool("tls-cluster")
            || (config.getBool("memcached-tls") && config.getInt("memcached-port") != 0)
            || (config.getBool("metrics-tls") && config.getInt("metrics-port") != 0);
    }

    /** Builds the TLS contexts at start-up when {@link #tlsWanted}; a bad configuration stops the server, as in Redis. */
    private void configureTls() {
        if (!tlsWanted()) {
            return;
        }
        try {
            tls.configure(config);
        } catch (TlsSetupException e) {
            Log.warning(e.getMessage());
            throw new IllegalStateException("Failed to configure TLS. Check logs for more info.", e);
        }
        tls.logProvider();
    }

    /**
     * CONFIG SET of a tls-* directive: the contexts are rebuilt from the new values (certificates
     * reread), as Redis's applyTlsCfg; returns null, or Redis's error when they do not build.
     */
    public String reloadTls() {
        if (!tlsWanted()) {
            return null;
        }
        try {
            tls.configure(config);
            return null;
        } catch (TlsSetupException e) {
            Log.warning(e.getMessage());
            return "Unable to update TLS configuration. Check server logs.";
        }
    }

    /**
     * CONFIG SET port or tls-port: the old listeners close and the new port is bound, as Redis's
     * changeListenPort; when it cannot be bound the old port is bound again and the error returned.
     */
    public String changePort(String directive, int oldPort) {
        boolean overTls = directive.equals("tls-port");
        String what = overTls ? "TLS" : "RESP";
        int port = config.getInt(directive);
        if (overTls && port != 0 && !tls.configured()) {
            String err = reloadTls();
            if (err != null) {
                return err;
            }
        }
        closeListeners(what);
        try {
            int bound = listen(what, port, respPipeline(overTls));
            setPort(overTls, bound);
            if (config.getBool("set-proc-title")) {
                updateProcTitle();
            }
            return null;
        } catch (IllegalStateException e) {
            Log.warning(e.getMessage());
            closeListeners(what);
            setPort(overTls, listen(what, oldPort, respPipeline(overTls)));
            return "Unable to listen on this port. Check server logs.";
        }
    }

    /**
     * CONFIG SET bind: the TCP and TLS listeners close and bind the new addresses, as Redis's
     * changeBindAddr; null, or Redis's error once they are closed again (the caller puts the old
     * addresses back and calls this again, as Redis restores its previous settings).
     */
    public String changeBind() {
        closeListeners("RESP");
        closeListeners("TLS");
        try {
            respPort = listen("RESP", config.getInt("port"), respPipeline(false));
            tlsPort = listen("TLS", config.getInt("tls-port"), respPipeline(true));
        } catch (IllegalStateException e) {
            Log.warning(e.getMessage());
            Log.warning("Failed to bind");
            closeListeners("RESP");
            closeListeners("TLS");
            return "Failed to bind to specified addresses.";
        }
        if (config.getBool("set-proc-title")) {
            updateProcTitle();
        }
        return null;
    }

    /** Whether a TCP listener of this kind ("RESP", "TLS") is bound. */
    private boolean listening(String what) {
        List<Channel> chs = listeners.get(what);
        return chs != null && !chs.isEmpty();
    }

    private void setPort(boolean overTls, int bound) {
        if (overTls) {
            tlsPort = bound;
        } else {
            respPort = bound;
        }
    }

    private void closeListeners(String what) {
        List<Channel> chs = listeners.remove(what);
        if (chs != null) {
            chs.forEach(ch -> ch.close().syncUninterruptibly());
        }
    }

    /** The TLS contexts (the replica's and MIGRATE's links to TLS servers use the client one). */
    public TlsContexts tls() {
        return tls;
    }

    /** The bound tls-port, 0 when TLS is not served. */
    public int tlsPort() {
        return tlsPort;
    }

    /**
     * Binds a listener on every `bind` address (a leading '-' marks one that may fail, as in
     * Redis) whose connections are served by the shard event loops; returns the bound port, or 0
     * when {@code port} is 0 (disabled). An empty `bind` binds nothing, as in Redis (only the
     * unix socket serves then): the port is still the one configured.
     */
    private int listen(String what, int port, Consumer<? super SocketChannel> pipeline) {
        if (port == 0) {
            return 0;
        }
        ServerBootstrap b = new ServerBootstrap()
            .group(acceptor, shards)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, config.getInt("tcp-backlog"))
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, config.getInt("tcp-keepalive") > 0)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    pipeline.accept(ch);
                }
            });
        List<BindAddress> addresses = BindAddress.parse(config.get("bind"));
        if (addresses.isEmpty()) {
            return port;
        }
        int bound = 0;
        for (BindAddress a : addresses) {
            String host = a.host();
            try {
                Channel ch = b.bind(new InetSocketAddress(host, port)).sync().channel();
                listeners.computeIfAbsent(what, k -> new CopyOnWriteArrayList<>()).add(ch);
                bound = ((InetSocketAddress) ch.localAddress()).getPort();
            } catch (Exception e) {
                if (!a.optional()) {
                    throw new IllegalStateException("Could not create " + what + " TCP listening socket " + host + ":"
                        + port + ": " + e.getMessage(), e);
                }
            }
        }
        if (bound == 0) {
            throw new IllegalStateException("Failed listening on " + what + " port " + port + " (tcp), aborting.");
        }
        return bound;
    }

    /** The Prometheus endpoint on `metrics-port`, when it is not 0. */
    private void startMetrics() {
        int port = config.getInt("metrics-port");
        if (port == 0) {
            return;
        }
        meters = new FerriteMeters(this);
        metricsEndpoint = new MetricsEndpoint(meters);
        try {
            metricsPort = metricsEndpoint.start(config.get("bind"), port,
                config.getBool("metrics-tls") ? tls.jdkServerContext() : null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (TlsSetupException e) {
            throw new IllegalStateException("Failed to configure TLS for the metrics port: " + e.getMessage(), e);
        }
    }

    /** The bound metrics port, 0 when the endpoint is disabled. */
    public int metricsPort() {
        return metricsPort;
    }

    /** The Prometheus meters, null when `metrics-port` is 0. */
    public FerriteMeters meters() {
        return meters;
    }

    @Override
    public CommandObserver observer() {
        return observer;
    }

    public InstantaneousMetrics instantaneous() {
        return instantaneous;
    }

    /** The bound memcached port, 0 when the listener is disabled. */
    public int memcachedPort() {
        return memcachedPort;
    }

    @Override
    public McContext memcached() {
        return memcached;
    }

    private RespLimits limitsFor(RespConnection conn) {
        return new RespLimits() {
            @Override
            public long maxBulkLength() {
                return config.getLong("proto-max-bulk-len");
            }

            @Override
            public long queryBufferLimit() {
                return config.getLong("client-query-buffer-limit");
            }

            @Override
            public boolean authenticated() {
                return conn.client() == null || conn.client().authenticated();
            }
        };
    }

    /** Ticks of {@link #clientsCron}: each client is visited once every CRON_ROUNDS ticks, or every tick when they are few. */
    private long cronTicks;
    private final ClientBufferPeaks bufferPeaks = new ClientBufferPeaks();
    private static final int CRON_ROUNDS = 10;
    private static final int CRON_VISIT_ALL_BELOW = 50;

    /**
     * Ten times a second, as Redis's clientsCron (which visits every client each time while they are
     * few, and each once a second when many): closes clients idle longer than `timeout`
     * (clientsCronHandleTimeout: clients blocked in a command or by CLIENT PAUSE, subscribers and
     * MONITOR clients wait by design and are never idle) and trims query buffers.
     */
    private void clientsCron() {
        if (cronPaused) {
            return;
        }
        int timeout = config.getInt("timeout");
        long now = System.currentTimeMillis();
        long round = cronTicks++ % CRON_ROUNDS;
        bufferPeaks.tick(now);
        boolean all = clients.size() < CRON_VISIT_ALL_BELOW;
        for (RespConnection c : clients.values()) {
            Client cl = c.client();
            if (!all && cl.id % CRON_ROUNDS != round) {
                continue;
            }
            if (timeout > 0 && now - cl.lastInteraction() > timeout * 1000L
                && !cl.isBlocked() && !cl.subscriptions.active() && !cl.monitor() && !cl.replica()) {
                Log.verbose("Closing idle client");
                c.close();
            } else {
                c.cron(now);
            }
        }
    }

    /** INFO's client_recent_max_input_buffer: the largest query buffer of the last seconds. */
    public long recentMaxInputBuffer() {
        return bufferPeaks.recentMaxInput();
    }

    /** INFO's client_recent_max_output_buffer: the largest pending output of the last seconds. */
    public long recentMaxOutputBuffer() {
        return bufferPeaks.recentMaxOutput();
    }

    ClientBufferPeaks bufferPeaks() {
        return bufferPeaks;
    }

    public int respPort() {
        return respPort;
    }

    @Override
    public ServerConfig config() {
        return config;
    }

    /** EVAL's and FUNCTION's state (DEBUG SET-DISABLE-DENY-SCRIPTS, INFO memory). */
    public Scripting scripting() {
        return scripting;
    }

    @Override
    public Engine engine() {
        return engine;
    }

    /** INFO's blocked_clients: clients in a blocking command, those a pause holds back, and SHUTDOWNs waiting for replicas. */
    public long blockedClients() {
        return engine.blockedClients() + dispatcher().clientPause().postponedCount() + shutdown.blockedClients();
    }

    public RdbPersistence rdb() {
        return rdb;
    }

    public AofPersistence aof() {
        return aof;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** The master side of replication: the stream, the backlog, the replicas. */
    @Override
    public Replication replication() {
        return replication;
    }

    @Override
    public Channel channelOf(long clientId) {
        RespConnection c = clients.get(clientId);
        return c == null ? null : c.channel();
    }

    @Override
    public ServerStats stats() {
        return stats;
    }

    @Override
    public long startMillis() {
        return startMillis;
    }

    public String runId() {
        return runId;
    }

    /** MIGRATE's cached connections to its targets. */
    public MigrateLinks migrateLinks() {
        return migrateLinks;
    }

    public boolean epoll() {
        return epoll;
    }

    @Override
    public boolean authRequired() {
        return acl.authRequired();
    }

    /** The ACL users and log. */
    public Acl acl() {
        return acl;
    }

    long nextClientId() {
        return clientIds.incrementAndGet();
    }

    void register(RespConnection c) {
        clients.put(c.client().id, c);
    }

    void unregister(RespConnection c) {
        clients.remove(c.client().id);
    }

    boolean isRegistered(RespConnection c) {
        return clients.containsKey(c.client().id);
    }

    public Collection<RespConnection> clients() {
        return clients.values();
    }

    @Override
    public Collection<RespConnection> sessions() {
        return clients.values();
    }

    @Override
    public void changesSaved() {
        rdb.state().countFrom(rdb.dirtyNow());
    }

    @Override
    public boolean snapshotting() {
        return rdb.backgroundInProgress();
    }

    @Override
    public Limits rdbLimits() {
        return rdb.limits();
    }

    @Override
    public List<byte[]> libraryCodes() {
        return scripting.libraryCodes();
    }

    @Override
    public RdbLoader.Result loadBase(Path file) throws RdbLoadException {
        return rdb.loadBase(file);
    }

    @Override
    public void flushedAll() {
        rdb.afterFlushAll();
    }

    @Override
    public String writesDeniedBecause() {
        // Redis looks at the last BGSAVE first, then at the AOF's last write and fsync
        String rdbError = rdb.writesDeniedBecause();
        return rdbError != null ? rdbError : aof.writesDenied();
    }

    @Override
    public String replicasDenyWrites() {
        return replication.writesDenied();
    }

    @Override
    public RespConnection session(long id) {
        return clients.get(id);
    }

    // ---------------------------------------------------------------- [repl-replica] ReplicaHost

    @Override
    public Watchdog watchdog() {
        return watchdog;
    }

    @Override
    public Replica replica() {
        return replica;
    }

    @Override
    public int replicationPort() {
        // Redis's REPLCONF listening-port: the TLS port when replication is over TLS
        return config.getBool("tls-replication") && tlsPort != 0 ? tlsPort : respPort;
    }

    @Override
    public SslHandler masterTls(ByteBufAllocator alloc, String host, int port) {
        return config.getBool("tls-replication") ? tls.clientHandler(alloc, host, port) : null;
    }

    @Override
    public void unexpectedError(String message) {
        stats.unexpectedErrorReplies.increment();
        stats.error(message);
    }

    @Override
    public long newClientId() {
        return nextClientId();
    }

    @Override
    public Path rdbFile() {
        return rdb.file();
    }

    @Override
    public RdbLoader.Result loadFromMaster(Path file) throws IOException, RdbLoadException {
        try {
            return rdb.loadFromMaster(file);
        } finally {
            if (rdb.deletesSyncFiles(aof.enabled())) {
                Log.notice("Removing the RDB file obtained from the master. This replica has persistence disabled");
                Files.deleteIfExists(file);
            }
        }
    }

    @Override
    public RdbLoader.Result loadFromMasterStream(java.io.InputStream payload, long size) throws IOException, RdbLoadException {
        return rdb.loadFromMasterStream(payload, size);
    }

    @Override
    public RdbLoader.Result loadAside(java.io.InputStream payload, long size, boolean async)
            throws IOException, RdbLoadException {
        return rdb.loadAside(payload, size, async);
    }

    @Override
    public void swapInLoaded(RdbLoader.Result r) {
        rdb.swapInLoaded(r);
    }

    @Override
    public void dropLoaded() {
        rdb.dropLoaded();
    }

    @Override
    public String replid() {
        return replication.pump().figures().replid();
    }

    @Override
    public void fullSyncLoaded() {
        // Redis restarts the AOF after a sync (restartAOFAfterSYNC): a rewrite puts the new data set in it
        if (aof.enabled()) {
            aof.scheduleRewrite();
        }
    }

    @Override
    public void ownHistory(java.util.function.BiConsumer<String, Long> then) {
        replication.pump().whenSettled(f -> then.accept(f.replid(), f.offset()));
    }

    @Override
    public void adopt(String replid, long offset) {
        replication.pump().adopt(replid, offset);
    }

    @Override
    public void replidChanged(String replid) {
        replication.pump().replidChanged(replid);
    }

    @Override
    public void masterStream(ByteBuf bytes) {
        // proxied to this server's own replicas as received (the pump owns the bytes from here)
        replication.pump().appendRaw(bytes);
    }

    @Override
    public boolean replicaRole(Reply reply) {
        if (!replica.isReplica()) {
            return false;
        }
        ReplicaInfo.role(reply, replica);
        return true;
    }

    @Override
    public boolean masterLinkDown() {
        return replica.isReplica() && replica.state() != LinkState.CONNECTED;
    }

    @Override
    public void followMaster() {
        replication.pump().following(true);
    }

    @Override
    public void disconnectBlockedClients() {
        for (RespConnection c : clients.values()) {
            Blocking.unblockForRoleChange(c.client());
        }
    }

    @Override
    public void promoted() {
        replication.pump().promote();
    }

    @Override
    public boolean failoverInProgress() {
        return replication.failover().inProgress();
    }

    @Override
    public boolean failoverUnderway() {
        return replication.failover().state() != Failover.State.NO_FAILOVER;
    }

    @Override
    public void failoverTargetAccepted() {
        replication.failover().targetAccepted();
    }

    @Override
    public void failoverTargetRejected(String why) {
        replication.failover().targetRejected(why);
    }

    @Override
    public boolean followsMaster() {
        return replica.isReplica();
    }

    @Override
    public void replicaOf(String host, int port) {
        replica.replicaOf(host, port);
    }

    @Override
    public void masterMode() {
        replica.unsetMaster();
    }

    @Override
    public String clientInfo(long clientId) {
        RespConnection c = clients.get(clientId);
        return c == null ? "id=" + clientId : ClientLine.of(null, null, c.client(), c.queryBuffer(), c.channel());
    }

    @Override
    public boolean readOnlyReplica() {
        return replica.isReplica() && config.getBool("replica-read-only");
    }

    @Override
    public boolean staleDataRefused() {
        return replica.isReplica() && !replica.linkUp() && !config.getBool("replica-serve-stale-data");
    }

    /** The server a command it registered runs on (the commands about the server itself). */
    public static Server of(Call c) {
        return (Server) c.server;
    }

    public RespConnection client(long id) {
        return clients.get(id);
    }

    public void activeExpiry(boolean on) {
        expiryCycles.forEach(c -> c.enabled(on));
    }

    /**
     * DEBUG PAUSE-CRON: stops the periodic work Redis's serverCron does (clients cron, active
     * expiry, instantaneous metrics), keeping only the clock fresh, as Redis does.
     */
    public void pauseCron(boolean on) {
        cronPaused = on;
        expiryCycles.forEach(c -> c.paused(on));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutdown.stop();
        watchdog.stop();
        // before the shards stop: a runaway script holds them all
        scripting.stop();
        rdb.abortBackground();
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        if (meters != null) {
            meters.close();
        }
        for (List<Channel> chs : listeners.values()) {
            chs.forEach(ch -> ch.close().syncUninterruptibly());
        }
        UnixSocketListener u = unixSocket;
        if (u != null) {
            unixSocket = null;
            u.close(shuttingDown);
        }
        migrateLinks.closeAll();
        replica.close();
        replication.close();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        shards.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        // every effect of the commands that ran is written and fsynced before the process goes
        aof.close();
    }

    /** What SHUTDOWN does once the server is closed (Main exits the JVM); nothing by default. */
    public void onShutdown(Runnable action) {
        this.onShutdown = action;
    }

    /** The shutdown sequence SHUTDOWN and the signals start (it waits for lagging replicas, saves, then ends here). */
    public Shutdown shutdown() {
        return shutdown;
    }

    /**
     * The end of Redis's finishShutdown: the pid file removed, the listeners and shards stopped,
     * the farewell Redis's supervisors wait for, then {@link #onShutdown} (Main exits the JVM).
     */
    public void finishShutdown() {
        Path pid = pidFile;
        if (pid != null) {
            Log.notice("Removing the pid file.");
            try {
                Files.deleteIfExists(pid);
            } catch (IOException e) {
                Log.warning("Unable to remove the pid file " + pid + ": " + e.getMessage());
            }
        }
        shuttingDown = true;
        close();
        Log.warning("Ferrite is now ready to exit, bye bye...");
        onShutdown.run();
    }

    /** The pid file a shutdown removes (Main wrote it), or null. */
    public void pidFile(Path file) {
        this.pidFile = file;
    }

    public boolean isClosed() {
        return closed;
    }
}
