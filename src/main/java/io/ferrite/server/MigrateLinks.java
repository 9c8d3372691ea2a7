package io.ferrite.server;

import io.netty.handler.ssl.SslHandler;
import io.ferrite.common.CNumbers;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * MIGRATE's connections to its targets, kept per "host:port" for a while after use, as Redis's
 * migrate_cached_sockets (cluster.c): a burst of MIGRATEs to one target pays one connect and one
 * SELECT. A link idle for more than {@link #IDLE_SECONDS} is closed by {@link #closeIdle}, called
 * once a second; at most {@link #MAX_LINKS} are kept. Nothing here blocks a thread: connects,
 * writes and reads are Netty's, and host names are resolved on a virtual thread.
 */
public final class MigrateLinks {
    /** Redis's MIGRATE_SOCKET_CACHE_TTL: a link unused for longer is closed. */
    static final long IDLE_SECONDS = 10;
    /** Redis's MIGRATE_SOCKET_CACHE_ITEMS: a new link beyond it closes one at random. */
    static final int MAX_LINKS = 64;
    /** The longest reply line read from a target; longer ones end the link as a read error. */
    private static final int MAX_LINE = 64 * 1024;

    private final boolean epoll;
    private final OutgoingTls tls;
    private final Map<String, Link> links = new ConcurrentHashMap<>();

    /** Whether new links speak TLS, and their handler (Redis's MIGRATE uses TLS under tls-cluster). */
    interface OutgoingTls {
        boolean useTls();

        SslHandler handler(Channel ch, InetSocketAddress target);
    }

    MigrateLinks(boolean epoll, OutgoingTls tls) {
        this.epoll = epoll;
        this.tls = tls;
    }

    /** INFO's migrate_cached_sockets. */
    public int size() {
        return links.size();
    }

    /** One connection to a target, used by one MIGRATE at a time. */
    public static final class Link {
        public final Channel channel;
        /** The database the target connection has selected (Redis's last_dbid), -1 when unknown; read and written by the user of the link. */
        public long lastDb = -1;
        private volatile long lastUseSeconds;
        private final AtomicBoolean busy = new AtomicBoolean(true);
        /** False for a link opened while another to the same target was cached and in use: closed after its one use. */
        private boolean cached;
        /** Where the reply lines go; set by the MIGRATE using the link, on the channel's loop. */
        private LineListener listener;

        Link(Channel channel) {
            this.channel = channel;
            lastUseSeconds = nowSeconds();
        }

        public boolean cached() {
            return cached;
        }

        /** On the channel's loop: the reply lines and the end of the connection go to {@code l}. */
        public void listen(LineListener l) {
            listener = l;
        }
    }

    /** Receives a target's reply lines, without their CRLF, on the link's event loop. */
    public interface LineListener {
        void line(String line);

        /** The connection closed or failed; no more lines come. */
        void closed();
    }

    /**
     * A free cached link to {@code host:port}, marked busy, or null (none, or another MIGRATE uses
     * it). A cached link the target closed meanwhile is dropped and null returned.
     */
    public Link take(String host, String port) {
        String name = host + ":" + port;
        Link l = links.get(name);
        if (l == null || !l.busy.compareAndSet(false, true)) {
            return null;
        }
        if (!l.channel.isActive()) {
            links.remove(name, l);
            l.channel.close();
            return null;
        }
        l.lastUseSeconds = nowSeconds();
        return l;
    }

    /** Ends a use of {@code l}: kept for the next MIGRATE, or closed when {@code broken} or not cached. */
    public void giveBack(String host, String port, Link l, boolean broken) {
        l.lastUseSeconds = nowSeconds();
        l.listener = null;
        if (broken || !l.cached) {
            close(host + ":" + port, l);
            return;
        }
        l.busy.set(false);
    }

    /** Closes the link to {@code host:port} if it is {@code l}. */
    private void close(String name, Link l) {
        links.remove(name, l);
        l.channel.close();
    }

    /** How a connect ends, on the loop that asked for it. */
    public interface Connected {
        /** The link, busy, cached unless one is cached for the target already. */
        void connected(Link link);

        /**
         * No link: {@code refused} when the target refused it at once. Redis's non-blocking connect
         * reports success then, and its first write fails, so MIGRATE answers as for a failed write;
         * a timeout or a host that does not resolve fails the connect itself.
         */
        void failed(boolean refused);
    }

    /** Connects to {@code host:port} from {@code loop} within {@code timeoutMillis}. Called and answered on {@code loop}. */
    public void connect(String host, String port, EventLoop loop, long timeoutMillis, Connected done) {
        long v = CNumbers.atoll(port);
        // beyond a port's range: a port no connect reaches
        int p = v < 0 || v > 65535 ? 0 : (int) v;
        Thread.ofVirtual().name("ferrite-migrate-resolve").start(() -> {
            InetSocketAddress address;
            try {
                address = new InetSocketAddress(InetAddress.getByName(host), p);
            } catch (Exception e) {
                loop.execute(() -> done.failed(false));
                return;
            }
            loop.execute(() -> connect(address, host + ":" + port, loop, timeoutMillis, done));
        });
    }

    private void connect(InetSocketAddress address, String name, EventLoop loop, long timeoutMillis, Connected done) {
        boolean overTls = tls.useTls();
        Link[] made = new Link[1];
        ChannelFuture f;
        try {
            f = new Bootstrap().group(loop)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (overTls) {
                            // writes wait in the handler until the handshake is done
                            ch.pipeline().addLast("tls", tls.handler(ch, address));
                        }
                        ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE, true, true));
                        ch.pipeline().addLast(new LineHandler(made));
                    }
                })
                .connect(address);
        } catch (RuntimeException e) {
            done.failed(false);
            return;
        }
        f.addListener(r -> {
            if (!r.isSuccess()) {
                done.failed(r.cause() instanceof java.net.ConnectException && !(r.cause() instanceof ConnectTimeoutException));
                return;
            }
            Link l = new Link(f.channel());
            made[0] = l;
            if (links.size() >= MAX_LINKS) {
                dropOne();
            }
            l.cached = links.putIfAbsent(name, l) == null;
            done.connected(l);
        });
    }

    private void dropOne() {
        Object[] names = links.keySet().toArray();
        if (names.length > 0) {
            String name = (String) names[ThreadLocalRandom.current().nextInt(names.length)];
            Link l = links.get(name);
            if (l != null && l.busy.compareAndSet(false, true)) {
                close(name, l);
            }
        }
    }

    /** Once a second: closes the links not used for more than {@link #IDLE_SECONDS} (Redis's migrateCloseTimedoutSockets). */
    void closeIdle() {
        long now = nowSeconds();
        links.forEach((name, l) -> {
            if (now - l.lastUseSeconds > IDLE_SECONDS && l.busy.compareAndSet(false, true)) {
                close(name, l);
            }
        });
    }

    void closeAll() {
        links.forEach(this::close);
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /** Hands each line to the link's current listener. */
    private static final class LineHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final Link[] link;

        LineHandler(Link[] link) {
            this.link = link;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
            Link l = link[0];
            LineListener to = l == null ? null : l.listener;
            if (to != null) {
                to.line(line.toString(StandardCharsets.ISO_8859_1));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Link l = link[0];
            LineListener to = l == null ? null : l.listener;
            if (to != null) {
                l.listener = null;
                to.closed();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
