package io.ferrite.server;

import io.ferrite.common.Log;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The `unixsocket` listener, as Redis's initServer opens it: a stale socket file is removed
 * first, the socket bound, its mode set to `unixsocketperm` when that is not 0, and the file
 * removed again at shutdown (closeListeningSockets). Its connections get the same RESP pipeline
 * as the TCP port. The transport follows the server's: epoll's domain sockets with native epoll,
 * otherwise NIO's over the JDK's {@link UnixDomainSocketAddress}.
 */
final class UnixSocketListener {
    /** Linux's sizeof(sockaddr_un.sun_path): Redis refuses a path that does not fit with its NUL. */
    private static final int SUN_PATH_SIZE = 108;

    private final String path;
    private final Channel channel;

    private UnixSocketListener(String path, Channel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Binds {@code path} (as written in the config: Redis shows it so in CLIENT LIST); throws
     * {@link IllegalStateException} with Redis's "Failed opening Unix socket: ..." line when it cannot.
     */
    static UnixSocketListener open(String path, int perm, int backlog, EventLoopGroup acceptor, EventLoopGroup children,
                                   boolean epoll, Consumer<Channel> pipeline) {
        int length = path.getBytes(StandardCharsets.UTF_8).length;
        if (length > SUN_PATH_SIZE - 1) {
            throw failed("unix socket path too long (" + length + "), must be under " + SUN_PATH_SIZE);
        }
        try {
            // Redis unlinks whatever is there, and does not care if that fails
            Files.deleteIfExists(Path.of(path));
        } catch (IOException | RuntimeException e) {
            // the bind below reports the problem, if there is one
        }
        ServerBootstrap b = new ServerBootstrap()
            .group(acceptor, children)
            .channel(epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, backlog)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
            .childHandler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    pipeline.accept(ch);
                }
            });
        SocketAddress address = epoll ? new DomainSocketAddress(path) : UnixDomainSocketAddress.of(path);
        Channel ch;
        try {
            ch = b.bind(address).sync().channel();
        } catch (Exception e) {
            throw failed("bind: " + strerror(e));
        }
        if (perm != 0) {
            try {
                // anetListen: chmod after bind, its failure ignored
                Files.setPosixFilePermissions(Path.of(path), permissions(perm));
            } catch (IOException | RuntimeException e) {
                Log.verbose("Could not chmod the unix socket " + path + ": " + e.getMessage());
            }
        }
        return new UnixSocketListener(path, ch);
    }

    /** Whether {@code ch} is a connection accepted on a unix socket (Redis's CLIENT_UNIX_SOCKET). */
    static boolean accepted(Channel ch) {
        return ch instanceof DomainSocketChannel || ch instanceof NioDomainSocketChannel;
    }

    /** The path, as configured. */
    String path() {
        return path;
    }

    /**
     * Stops listening and removes the socket file; {@code shutdown}: with Redis's log line, as its
     * finishShutdown. A server closing for a start-up failure removes it quietly: Redis, exiting
     * there, logs nothing after the failure (its test suite reads the failure on the last line).
     */
    void close(boolean shutdown) {
        channel.close().syncUninterruptibly();
        if (shutdown) {
            Log.notice("Removing the unix socket file.");
        }
        try {
            Files.deleteIfExists(Path.of(path));
        } catch (IOException | RuntimeException e) {
            Log.warning("Error removing the unix socket file: " + e.getMessage());
        }
    }

    private static IllegalStateException failed(String why) {
        return new IllegalStateException("Failed opening Unix socket: " + why);
    }

    /**
     * The C library's words for the bind error, as Redis writes them: epoll's exceptions read
     * "bind(..) failed with error(-2): No such file or directory", the JDK's carry the words alone.
     */
    static String strerror(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int at = m.lastIndexOf(": ");
        return m.contains(" failed") && at >= 0 ? m.substring(at + 2) : m;
    }

    /** The rwx bits of an octal mode (unixsocketperm is at most 0777). */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(bits[i]);
            }
        }
        return s;
    }
}
