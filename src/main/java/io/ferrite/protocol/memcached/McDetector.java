package io.ferrite.protocol.memcached;

import io.ferrite.command.memcached.McContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/** Chooses the protocol from the connection's first byte, as memcached does: 0x80 is binary, else text. */
public final class McDetector extends ByteToMessageDecoder {
    private final McContext ctx;

    public McDetector(McContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void decode(ChannelHandlerContext c, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        McLogin login = c.pipeline().get(McConnection.class).login();
        ByteToMessageDecoder next = (in.getUnsignedByte(in.readerIndex()) == 0x80)
            ? new McBinaryDecoder(ctx, login) : new McTextDecoder(ctx, login);
        c.pipeline().replace(this, "mc-decoder", next);
    }

    /** Counts bytes_read before decoding. */
    @io.netty.channel.ChannelHandler.Sharable
    public static final class InputCounter extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final McContext ctx;

        public InputCounter(McContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            if (msg instanceof ByteBuf b) {
                ctx.bytesRead(b.readableBytes());
            }
            c.fireChannelRead(msg);
        }
    }
}
