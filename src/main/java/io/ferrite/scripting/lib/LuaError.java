package io.ferrite.scripting.lib;

/**
 * A Lua error raised by a library function, carrying how Lua 5.1's C API would have built its
 * message: {@code luaL_error} prefixes the caller's position, {@code luaL_argerror} also names the
 * function and the argument, and errors raised by the VM itself (lua_settable's "table index is
 * nil") carry no prefix. Thrown inside Java and turned into a real Lua error by {@link LibFunction}.
 */
final class LuaError extends RuntimeException {
    enum Kind { LOCATED, ARGUMENT, RAW, PROPAGATED }

    final Kind kind;
    final int argument;
    final byte[] text;

    private LuaError(Kind kind, int argument, byte[] text) {
        super(null, null, false, false);
        this.kind = kind;
        this.argument = argument;
        this.text = text;
    }

    /** As luaL_error: "user_script:1: " + text when called from a Lua line. */
    static LuaError located(String text) {
        return new LuaError(Kind.LOCATED, 0, ascii(text));
    }

    static LuaError located(byte[] text) {
        return new LuaError(Kind.LOCATED, 0, text);
    }

    /** As luaL_argerror: "bad argument #n to 'name' (text)". */
    static LuaError argument(int narg, byte[] text) {
        return new LuaError(Kind.ARGUMENT, narg, text);
    }

    static LuaError argument(int narg, String text) {
        return argument(narg, ascii(text));
    }

    /** An error raised by the Lua VM inside a C function, which has no position prefix. */
    static LuaError raw(String text) {
        return new LuaError(Kind.RAW, 0, ascii(text));
    }

    /**
     * An error raised inside Lua code the library ran (a debug hook stopping the script, say),
     * whose value the caller left at stack index 1: raised again unchanged.
     */
    static LuaError propagated() {
        return new LuaError(Kind.PROPAGATED, 0, new byte[0]);
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override
    public String getMessage() {
        return kind + ": " + new String(text, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
