package io.ferrite.server.tls;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * A client that speaks plain RESP to a TLS port is reset, as Redis's OpenSSL leaves it (the
 * client's unread command makes the close a reset): redis-cli then reports "Connection reset by
 * peer" from either server. The TLS handler closes right after this event, so the linger is set
 * in time.
 */
@Sharable
public final class PlaintextReset extends ChannelInboundHandlerAdapter {
    public static final PlaintextReset INSTANCE = new PlaintextReset();

    private PlaintextReset() {
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e && e.cause() instanceof NotSslRecordException) {
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
