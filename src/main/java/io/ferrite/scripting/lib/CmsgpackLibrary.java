package io.ferrite.scripting.lib;

import party.iroiro.luajava.Lua;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code cmsgpack} (lua-cmsgpack 0.4.0, lua_cmsgpack.c): pack(...) concatenates the encodings of
 * its arguments; unpack returns every value of a stream; unpack_one and unpack_limit also return
 * the offset to continue from (-1 at the end).
 */
final class CmsgpackLibrary {
    private CmsgpackLibrary() {
    }

    static void install(Lua lua, LibraryState state) {
        lua.newTable();
        set(lua, state, "pack", CmsgpackLibrary::pack);
        set(lua, state, "unpack", f -> unpack(f, 0, 0));
        set(lua, state, "unpack_one", CmsgpackLibrary::unpackOne);
        set(lua, state, "unpack_limit", CmsgpackLibrary::unpackLimit);
        field(lua, "_NAME", "cmsgpack");
        field(lua, "_VERSION", "lua-cmsgpack 0.4.0");
        field(lua, "_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
        field(lua, "_DESCRIPTION", "MessagePack C implementation for Lua");
        lua.setGlobal("cmsgpack");
    }

    private static void set(Lua lua, LibraryState state, String name, LibFunction.Body body) {
        lua.push(new LibFunction(state, body));
        lua.setField(-2, name);
    }

    private static void field(Lua lua, String name, String value) {
        lua.push(value);
        lua.setField(-2, name);
    }

    private static int pack(CallFrame f) {
        int nargs = f.top();
        if (nargs == 0) {
            throw LuaError.argument(0, "MessagePack pack needs input.");
        }
        if (nargs + nargs > CallFrame.MAX_C_STACK) {
            throw LuaError.argument(0, "Too many arguments for MessagePack pack.");
        }
        ByteSink out = new ByteSink();
        MsgpackEncoder encoder = new MsgpackEncoder(f, out);
        for (int i = 1; i <= nargs; i++) {
            f.c.lua_pushvalue(f.l, i);
            encoder.encodeTop(0);
        }
        out.pushTo(f);
        return 1;
    }

    private static int unpackOne(CallFrame f) {
        long offset = f.optInteger(2, 0);
        f.c.lua_settop(f.l, Math.min(f.top(), 1));
        return unpack(f, 1, offset);
    }

    private static int unpackLimit(CallFrame f) {
        long limit = f.checkInteger(2);
        long offset = f.optInteger(3, 0);
        f.c.lua_settop(f.l, Math.min(f.top(), 1));
        return unpack(f, limit, offset);
    }

    /** mp_unpack_full: up to {@code limit} values from {@code offset}; both zero means all, without offset. */
    private static int unpack(CallFrame f, long limit, long offset) {
        byte[] s = f.checkBytes(1);
        boolean all = limit == 0 && offset == 0;
        if (offset < 0 || limit < 0) {
            throw LuaError.located("Invalid request to unpack with offset of " + (int) offset
                + " and limit of " + s.length + ".");
        } else if (offset > s.length) {
            throw LuaError.located("Start offset " + (int) offset + " greater than input length " + s.length + ".");
        }
        if (all) {
            limit = Integer.MAX_VALUE;
        }
        MsgpackDecoder decoder = new MsgpackDecoder(s, (int) offset, f.top());
        List<Object> values = new ArrayList<>();
        try {
            for (int count = 0; decoder.left() > 0 && count < limit; count++) {
                values.add(decoder.next());
            }
        } catch (MsgpackDecoder.CursorError e) {
            throw LuaError.located(e.missingBytes ? "Missing bytes in input." : "Bad data format in input.");
        }
        if (!all && decoder.used + 1 > CallFrame.MAX_C_STACK) {
            throw LuaError.located("stack overflow (in function mp_unpack_full)");
        }
        DecodedTree tree = decoder.tree;
        tree.pushStrings(f, 1);
        if (!all) {
            f.pushInteger(decoder.left() == 0 ? -1 : decoder.position());
        }
        for (Object v : values) {
            tree.push(f, v, 1);
        }
        return values.size() + (all ? 0 : 1);
    }
}
