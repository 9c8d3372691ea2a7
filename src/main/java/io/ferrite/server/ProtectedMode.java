package io.ferrite.server;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Redis's protected mode (clientAcceptHandler): with protected-mode on and no password for the
 * default user, a client that is not local is told why in one long line and disconnected. Redis
 * 7.0 counts only 127.0.0.1 and ::1 as local (islocalClient), so 127.0.0.2 is refused although it
 * is a loopback address; it no longer looks at `bind`, whose default, like the redis.conf Redis
 * ships, listens everywhere.
 */
final class ProtectedMode {
    /** Redis 7.0's reply, word for word (networking.c). */
    static final byte[] DENIED = ("-DENIED Redis is running in protected mode because protected "
        + "mode is enabled and no password is set for the default user. "
        + "In this mode connections are only accepted from the loopback interface. "
        + "If you want to connect from external computers to Redis you "
        + "may adopt one of the following solutions: "
        + "1) Just disable protected mode sending the command "
        + "'CONFIG SET protected-mode no' from the loopback interface "
        + "by connecting to Redis from the same host the server is "
        + "running, however MAKE SURE Redis is not publicly accessible "
        + "from internet if you do so. Use CONFIG REWRITE to make this "
        + "change permanent. "
        + "2) Alternatively you can just disable the protected mode by "
        + "editing the Redis configuration file, and setting the protected "
        + "mode option to 'no', and then restarting the server. "
        + "3) If you started the server manually just for testing, restart "
        + "it with the '--protected-mode no' option. "
        + "4) Setup a an authentication password for the default user. "
        + "NOTE: You only need to do one of the above things in order for "
        + "the server to start accepting connections from the outside.\r\n").getBytes(StandardCharsets.US_ASCII);

    private ProtectedMode() {
    }

    /**
     * Ends a refused connection so that the client reads the whole -DENIED line: the output is shut
     * first (the client sees the end of the stream after the line), and the socket closed a moment
     * later. Closing at once, with the client's first command still unread, would send a reset
     * that can throw the line away before the client reads it.
     */
    static void hangUp(Channel ch) {
        if (ch instanceof DuplexChannel d && ch.isActive()) {
            d.shutdownOutput().addListener(f -> ch.eventLoop().schedule(() -> {
                ch.close();
            }, 200, TimeUnit.MILLISECONDS));
        } else {
            ch.close();
        }
    }

    /** Whether a client from {@code peer} is refused. */
    static boolean denies(ServerConfig config, boolean passwordSet, SocketAddress peer) {
        return config.getBool("protected-mode") && !passwordSet && !local(peer);
    }

    /** Redis's islocalClient for TCP: 127.0.0.1 and ::1 only (unix socket clients are never refused: RespConnection). */
    static boolean local(SocketAddress peer) {
        if (!(peer instanceof InetSocketAddress a) || a.getAddress() == null) {
            return true;
        }
        byte[] ip = a.getAddress().getAddress();
        if (ip.length == 4) {
            return ip[0] == 127 && ip[1] == 0 && ip[2] == 0 && ip[3] == 1;
        }
        for (int i = 0; i < 15; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[15] == 1;
    }
}
