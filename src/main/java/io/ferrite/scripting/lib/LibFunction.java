package io.ferrite.scripting.lib;

import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.Lua;

/**
 * One library function as Lua sees it (a C closure made by luajava). Runs the body on a
 * {@link CallFrame} and turns a {@link LuaError} into a real Lua error: luajava raises the value on
 * top of the stack when a JFunction returns a negative count.
 */
final class LibFunction implements JFunction {
    interface Body {
        int call(CallFrame frame);
    }

    private final LibraryState state;
    private final Body body;

    LibFunction(LibraryState state, Body body) {
        this.state = state;
        this.body = body;
    }

    @Override
    public int __call(Lua lua) {
        CallFrame frame = new CallFrame(lua, state);
        try {
            return body.call(frame);
        } catch (LuaError e) {
            try {
                state.pushError(frame, e);
            } catch (LuaError stopped) {
                frame.c.lua_settop(frame.l, 1); // a hook stopped the script while the message was built
            }
            return -1;
        }
    }
}
