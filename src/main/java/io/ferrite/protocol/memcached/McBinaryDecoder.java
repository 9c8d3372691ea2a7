package io.ferrite.protocol.memcached;

import io.ferrite.command.memcached.McContext;
import io.ferrite.command.memcached.McOps;
import io.ferrite.command.memcached.McRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/** memcached's binary protocol: 24-byte request headers, extras, key and value. */
final class McBinaryDecoder extends ByteToMessageDecoder {
    private final McContext ctx;
    private final McLogin login;
    private long swallow;
    private McRequest afterSwallow;
    private boolean dead;

    McBinaryDecoder(McContext ctx, McLogin login) {
        this.ctx = ctx;
        this.login = login;
    }

    @Override
    protected void decode(ChannelHandlerContext c, ByteBuf in, List<Object> out) {
        while (in.isReadable() && !dead) {
            if (swallow > 0) {
                int n = (int) Math.min(swallow, in.readableBytes());
                in.skipBytes(n);
                swallow -= n;
                if (swallow > 0) {
                    return;
                }
                if (afterSwallow != null) {
                    out.add(afterSwallow);
                    afterSwallow = null;
                }
                continue;
            }
            if (in.readableBytes() < 24) {
                return;
            }
            int h = in.readerIndex();
            int magic = in.getUnsignedByte(h);
            int opcode = in.getUnsignedByte(h + 1);
            int keylen = in.getUnsignedShort(h + 2);
            int extlen = in.getUnsignedByte(h + 4);
            long bodylen = in.getUnsignedInt(h + 8);
            int opaque = in.getInt(h + 12);
            long cas = in.getLong(h + 16);
            if (magic != 0x80) {
                dead = true;
                in.skipBytes(in.readableBytes());
                out.add(McRequest.close(null));
                return;
            }
            if (!login.admitsBinary(opcode)) {
                // memcached -S: a request before a login is refused and the connection closed
                dead = true;
                in.skipBytes(in.readableBytes());
                out.add(McLogin.binaryRefusal(opcode, opaque));
                return;
            }
            McRequest r = new McRequest();
            r.proto = McRequest.Proto.BINARY;
            r.opcode = opcode;
            r.opaque = opaque;
            r.cas = cas;
            if (keylen > McTextDecoder.KEY_MAX) {
                protocolError(in, out, r);
                return;
            }
            boolean ok;
            switch (opcode) {
                case 0x00, 0x09, 0x0c, 0x0d -> { // get getq getk getkq
                    r.op = McRequest.Op.GET;
                    r.quiet = opcode == 0x09 || opcode == 0x0d;
                    r.returnKey = opcode == 0x0c || opcode == 0x0d;
                    ok = extlen == 0 && bodylen == keylen && keylen > 0;
                }
                case 0x1d, 0x1e, 0x23, 0x24 -> { // gat gatq gatk gatkq
                    r.op = McRequest.Op.GAT;
                    r.quiet = opcode == 0x1e || opcode == 0x24;
                    r.returnKey = opcode == 0x23 || opcode == 0x24;
                    ok = extlen == 4 && keylen > 0 && bodylen == keylen + 4;
                }
                case 0x1c -> {
                    r.op = McRequest.Op.TOUCH;
                    ok = extlen == 4 && keylen > 0 && bodylen == keylen + 4;
                }
                case 0x01, 0x02, 0x03, 0x11, 0x12, 0x13 -> {
                    r.op = switch (opcode & 0x0f) {
                        case 0x01 -> McRequest.Op.SET;
                        case 0x02 -> McRequest.Op.ADD;
                        default -> McRequest.Op.REPLACE;
                    };
                    r.quiet = opcode >= 0x11;
                    ok = extlen == 8 && keylen > 0 && bodylen >= keylen + 8L;
                }
                case 0x0e, 0x0f, 0x19, 0x1a -> {
                    r.op = (opcode == 0x0e || opcode == 0x19) ? McRequest.Op.APPEND : McRequest.Op.PREPEND;
                    r.quiet = opcode >= 0x19;
                    ok = extlen == 0 && keylen > 0 && bodylen >= keylen;
                }
                case 0x04, 0x14 -> {
                    r.op = McRequest.Op.DELETE;
                    r.quiet = opcode == 0x14;
                    ok = extlen == 0 && keylen > 0 && bodylen == keylen;
                }
                case 0x05, 0x06, 0x15, 0x16 -> {
                    r.op = (opcode == 0x05 || opcode == 0x15) ? McRequest.Op.INCR : McRequest.Op.DECR;
                    r.quiet = opcode >= 0x15;
                    ok = extlen == 20 && keylen > 0 && bodylen == keylen + 20L;
                }
                case 0x07, 0x17 -> {
                    r.op = McRequest.Op.QUIT;
                    r.quiet = opcode == 0x17;
                    ok = extlen == 0 && keylen == 0 && bodylen == 0;
                }
                case 0x0a -> {
                    r.op = McRequest.Op.NOOP;
                    ok = extlen == 0 && keylen == 0 && bodylen == 0;
                }
                case 0x0b -> {
                    r.op = McRequest.Op.VERSION;
                    ok = extlen == 0 && keylen == 0 && bodylen == 0;
                }
                case 0x08, 0x18 -> {
                    r.op = McRequest.Op.FLUSH;
                    r.quiet = opcode == 0x18;
                    ok = keylen == 0 && bodylen == extlen && (extlen == 0 || extlen == 4);
                }
                case 0x10 -> {
                    r.op = McRequest.Op.STATS;
                    ok = extlen == 0 && bodylen == keylen;
                }
                case McLogin.OP_SASL_LIST -> {
                    if (extlen != 0 || keylen != 0 || bodylen != 0) {
                        protocolError(in, out, r);
                        return;
                    }
                    in.skipBytes(24);
                    out.add(McLogin.mechanisms(opcode, opaque));
                    continue;
                }
                case McLogin.OP_SASL_AUTH, McLogin.OP_SASL_STEP -> {
                    if (extlen != 0 || keylen == 0 || bodylen < keylen) {
                        protocolError(in, out, r);
                        return;
                    }
                    if (!ctx.sizeOk(keylen, bodylen - keylen)) {
                        // memcached reads the data into an item: too large for one is out of memory
                        in.skipBytes(24);
                        ByteBuf b = Unpooled.buffer(40);
                        McOps.binError(b, opcode, opaque, McOps.ST_ENOMEM);
                        McRequest e = McRequest.raw(toBytes(b));
                        e.proto = McRequest.Proto.BINARY;
                        swallow = bodylen;
                        afterSwallow = e;
                        continue;
                    }
                    if (in.readableBytes() < 24 + bodylen) {
                        return;
                    }
                    in.skipBytes(24);
                    byte[] mech = new byte[keylen];
                    in.readBytes(mech);
                    byte[] data = new byte[(int) (bodylen - keylen)];
                    in.readBytes(data);
                    out.add(login.sasl(opcode, opaque, mech, data));
                    continue;
                }
                default -> {
                    // unknown command: error, then the body is swallowed
                    in.skipBytes(24);
                    ByteBuf b = Unpooled.buffer(40);
                    McOps.binError(b, opcode, opaque, McOps.ST_UNKNOWN);
                    McRequest e = McRequest.raw(toBytes(b));
                    e.proto = McRequest.Proto.BINARY;
                    if (bodylen > 0) {
                        swallow = bodylen;
                        afterSwallow = e;
                    } else {
                        out.add(e);
                    }
                    continue;
                }
            }
            if (!ok) {
                protocolError(in, out, r);
                return;
            }
            boolean storage = r.op == McRequest.Op.SET || r.op == McRequest.Op.ADD || r.op == McRequest.Op.REPLACE
                || r.op == McRequest.Op.APPEND || r.op == McRequest.Op.PREPEND;
            long vlen = bodylen - keylen - extlen;
            if (storage && !ctx.sizeOk(keylen, vlen)) {
                if (in.readableBytes() < 24 + extlen + keylen) {
                    return;
                }
                ctx.storeTooLarge();
                in.skipBytes(24 + extlen);
                byte[] key = new byte[keylen];
                in.readBytes(key);
                ByteBuf b = Unpooled.buffer(40);
                McOps.binError(b, opcode, opaque, McOps.ST_TOO_LARGE);
                McRequest e = new McRequest();
                e.proto = McRequest.Proto.BINARY;
                e.op = McRequest.Op.RAW;
                e.raw = toBytes(b);
                if (r.op == McRequest.Op.SET) {
                    e.op = McRequest.Op.DELETE;
                    e.key = key;
                    e.hasArg = true;
                    e.opcode = opcode;
                }
                swallow = vlen;
                afterSwallow = e;
                if (swallow == 0) {
                    out.add(e);
                    afterSwallow = null;
                }
                continue;
            }
            if (in.readableBytes() < 24 + bodylen) {
                return;
            }
            in.skipBytes(24);
            switch (r.op) {
                case SET, ADD, REPLACE -> {
                    r.flags = in.readInt();
                    r.exptime = in.readInt() & 0xffffffffL;
                }
                case GAT, TOUCH -> r.exptime = in.readInt() & 0xffffffffL;
                case INCR, DECR -> {
                    r.delta = in.readLong();
                    r.initial = in.readLong();
                    r.exptime = in.readInt() & 0xffffffffL;
                }
                case FLUSH -> {
                    if (extlen == 4) {
                        r.exptime = in.readInt() & 0xffffffffL;
                        r.hasArg = true;
                    }
                }
                default -> in.skipBytes(extlen);
            }
            if (keylen > 0) {
                r.key = new byte[keylen];
                in.readBytes(r.key);
            }
            if (r.op == McRequest.Op.STATS) {
                r.hasArg = keylen > 0;
                r.arg = keylen > 0 ? new String(r.key, java.nio.charset.StandardCharsets.ISO_8859_1) : null;
                r.key = null;
            }
            if (storage) {
                r.value = new byte[(int) vlen];
                in.readBytes(r.value);
            }
            out.add(r);
        }
        if (dead) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void protocolError(ByteBuf in, List<Object> out, McRequest r) {
        ByteBuf b = Unpooled.buffer(40);
        McOps.binError(b, r.opcode, r.opaque, McOps.ST_EINVAL);
        dead = true;
        in.skipBytes(in.readableBytes());
        out.add(McRequest.close(toBytes(b)));
    }

    static byte[] toBytes(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        b.release();
        return a;
    }
}
