package io.ferrite.scripting.lib;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Values a decoder (cjson.decode, cmsgpack.unpack) has read, held in Java until the input proved
 * valid and then pushed into Lua in one go. Strings of plain ASCII, or a few pieces in all, are
 * pushed one by one; otherwise they all cross in a single chunk (see {@link LuaBytes}) that takes
 * the stack slot of the consumed input string. Either way the Lua stack grows as the C decoders
 * grow it. Tables are filled in the C decoders' order, key by key
 * from an empty table, so Lua lays them out (and {@code next} walks them) as in Redis.
 */
final class DecodedTree {
    /** Lua nil (cmsgpack). */
    static final Object NIL = new Object();
    /** A NULL lightuserdata: cjson.null. */
    static final Object NULL_POINTER = new Object();

    /** The index of a string in {@link #strings}. */
    record Str(int index) {
    }

    /** A Lua table: values at 1..n when {@code sequence}, else alternating keys and values. */
    static final class Table {
        final boolean sequence;
        final ArrayList<Object> items = new ArrayList<>();

        Table(boolean sequence) {
            this.sequence = sequence;
        }
    }

    final List<byte[]> strings = new ArrayList<>();
    /** The Lua stack's top while pushing, and how far it may grow before asking Lua for room. */
    private int top;
    private int room;
    /** Pieces (see {@link LuaBytes#pieces}) beyond one per string, summed up to a cap. */
    private int extraPieces;
    private boolean viaTable;

    Str string(byte[] b) {
        strings.add(b);
        if (extraPieces <= LuaBytes.MAX_PIECES) {
            extraPieces += Math.max(0, LuaBytes.pieces(b, 0, b.length, LuaBytes.MAX_PIECES + 1) - 1);
        }
        return new Str(strings.size() - 1);
    }

    /**
     * Makes the strings ready to push: when they need a chunk, it replaces stack slot
     * {@code inputSlot} (the decoded input, no longer needed) by the table of strings.
     */
    void pushStrings(CallFrame f, int inputSlot) {
        viaTable = extraPieces > LuaBytes.MAX_PIECES;
        if (viaTable) {
            f.state.bytes.pushTable(f, strings);
            f.c.lua_replace(f.l, inputSlot);
        }
    }

    /** Pushes one value; tables depth-first without Java recursion. */
    void push(CallFrame f, Object value, int stringsSlot) {
        top = f.top();
        room = top; // a C function may always use LUA_MINSTACK slots, but lua_checkstack decides
        if (!(value instanceof Table root)) {
            pushScalar(f, value, stringsSlot);
            return;
        }
        ArrayDeque<int[]> cursors = new ArrayDeque<>();
        ArrayDeque<Table> tables = new ArrayDeque<>();
        open(f, root, tables, cursors);
        while (!tables.isEmpty()) {
            Table t = tables.peek();
            int[] cursor = cursors.peek();
            if (cursor[0] == t.items.size()) {
                tables.pop();
                cursors.pop();
                if (!tables.isEmpty()) {
                    placed(f, tables.peek(), cursors.peek());
                }
                continue;
            }
            Object item = t.items.get(cursor[0]);
            if (item instanceof Table child) {
                open(f, child, tables, cursors);
            } else {
                pushScalar(f, item, stringsSlot);
                placed(f, t, cursor);
            }
        }
    }

    private void open(CallFrame f, Table t, ArrayDeque<Table> tables, ArrayDeque<int[]> cursors) {
        room(f);
        f.c.lua_createtable(f.l, 0, 0);
        tables.push(t);
        cursors.push(new int[1]);
    }

    /** The item at the cursor is on top of the stack: store it (a value) or keep it (a key). */
    private void placed(CallFrame f, Table t, int[] cursor) {
        int k = cursor[0]++;
        if (t.sequence) {
            f.c.lua_rawseti(f.l, -2, k + 1);
            top--;
        } else if ((k & 1) == 1) {
            f.c.lua_rawset(f.l, -3);
            top -= 2;
        }
    }

    private void pushScalar(CallFrame f, Object v, int stringsSlot) {
        room(f);
        if (v instanceof Str s) {
            if (viaTable) {
                f.c.lua_rawgeti(f.l, stringsSlot, s.index() + 1);
            } else {
                f.pushBytes(strings.get(s.index()));
            }
        } else if (v instanceof Double d) {
            f.c.lua_pushnumber(f.l, d);
        } else if (v instanceof Boolean b) {
            f.c.lua_pushboolean(f.l, b ? 1 : 0);
        } else if (v == NULL_POINTER) {
            f.c.lua_pushlightuserdata(f.l, 0);
        } else {
            f.c.lua_pushnil(f.l);
        }
    }

    /**
     * Makes room for one more value. The decoders checked the C stack budget already; this only
     * makes the stack memory exist, asking Lua for a few slots at a time, never past the budget.
     */
    private void room(CallFrame f) {
        if (top == room) {
            int more = Math.min(32, CallFrame.MAX_C_STACK - top);
            if (more <= 0 || f.c.lua_checkstack(f.l, more) == 0) {
                throw LuaError.raw("stack overflow");
            }
            room = top + more;
        }
        top++;
    }
}
