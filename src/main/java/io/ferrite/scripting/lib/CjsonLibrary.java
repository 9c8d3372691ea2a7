package io.ferrite.scripting.lib;

import party.iroiro.luajava.Lua;

import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * {@code cjson} (Lua CJSON 2.1.0 as patched in Redis, lua_cjson.c): encode and decode plus the
 * setting functions, each returning the setting's value after the change, {@code new()} for a table
 * with settings of its own, {@code null} (a NULL lightuserdata, what JSON null decodes to).
 */
final class CjsonLibrary {
    private static final String[] ON_OFF = {"off", "on"};
    private static final String[] INVALID_NUMBERS = {"off", "on", "null"};

    private CjsonLibrary() {
    }

    static void install(Lua lua, LibraryState state) {
        pushModule(lua, state);
        lua.setGlobal("cjson");
    }

    /** lua_cjson_new: a module table whose functions share one fresh configuration. */
    private static void pushModule(Lua lua, LibraryState state) {
        CjsonConfig cfg = new CjsonConfig();
        lua.newTable();
        set(lua, state, "encode", f -> encode(f, cfg));
        set(lua, state, "decode", f -> decode(f, cfg));
        set(lua, state, "encode_sparse_array", f -> {
            init(f, 3);
            cfg.sparseConvert = enumOption(f, 1, cfg.sparseConvert ? 1 : 0, ON_OFF) == 1;
            cfg.sparseRatio = integerOption(f, 2, cfg.sparseRatio, 0, Integer.MAX_VALUE);
            cfg.sparseSafe = integerOption(f, 3, cfg.sparseSafe, 0, Integer.MAX_VALUE);
            return 3;
        });
        integerSetting(lua, state, "encode_max_depth", () -> cfg.encodeMaxDepth, v -> cfg.encodeMaxDepth = v, Integer.MAX_VALUE);
        integerSetting(lua, state, "decode_max_depth", () -> cfg.decodeMaxDepth, v -> cfg.decodeMaxDepth = v, Integer.MAX_VALUE);
        integerSetting(lua, state, "encode_number_precision",
            () -> cfg.encodeNumberPrecision, v -> cfg.encodeNumberPrecision = v, 14);
        set(lua, state, "encode_keep_buffer", f -> {
            init(f, 1);
            cfg.encodeKeepBuffer = enumOption(f, 1, cfg.encodeKeepBuffer ? 1 : 0, ON_OFF) == 1;
            return 1;
        });
        set(lua, state, "encode_invalid_numbers", f -> {
            init(f, 1);
            cfg.encodeInvalidNumbers = enumOption(f, 1, cfg.encodeInvalidNumbers, INVALID_NUMBERS);
            return 1;
        });
        set(lua, state, "decode_invalid_numbers", f -> {
            init(f, 1);
            cfg.decodeInvalidNumbers = enumOption(f, 1, cfg.decodeInvalidNumbers ? 1 : 0, ON_OFF) == 1;
            return 1;
        });
        set(lua, state, "new", f -> {
            pushModule(f.lua, state);
            return 1;
        });
        lua.getLuaNatives().lua_pushlightuserdata(lua.getPointer(), 0);
        lua.setField(-2, "null");
        lua.push("cjson");
        lua.setField(-2, "_NAME");
        lua.push("2.1.0");
        lua.setField(-2, "_VERSION");
    }

    /** A setting function taking one optional integer from 1 to {@code max}. */
    private static void integerSetting(Lua lua, LibraryState state, String name, IntSupplier get, IntConsumer set, int max) {
        set(lua, state, name, f -> {
            init(f, 1);
            set.accept(integerOption(f, 1, get.getAsInt(), 1, max));
            return 1;
        });
    }

    private static void set(Lua lua, LibraryState state, String name, LibFunction.Body body) {
        lua.push(new LibFunction(state, body));
        lua.setField(-2, name);
    }

    private static int encode(CallFrame f, CjsonConfig cfg) {
        if (f.top() != 1) {
            throw LuaError.argument(1, "expected 1 argument");
        }
        ByteSink out = cfg.encodeKeepBuffer ? cfg.buffer : new ByteSink();
        out.reset();
        new JsonEncoder(f, cfg, out).encode();
        out.pushTo(f);
        return 1;
    }

    private static int decode(CallFrame f, CjsonConfig cfg) {
        if (f.top() != 1) {
            throw LuaError.argument(1, "expected 1 argument");
        }
        JsonDecoder decoder = new JsonDecoder(f.checkBytes(1), cfg);
        Object value = decoder.decode();
        decoder.tree.pushStrings(f, 1);
        decoder.tree.push(f, value, 1);
        return 1;
    }

    /** json_arg_init: at most {@code args} arguments, padded with nil. */
    private static void init(CallFrame f, int args) {
        if (f.top() > args) {
            throw LuaError.argument(args + 1, "found too many arguments");
        }
        f.c.lua_settop(f.l, args);
    }

    /** json_integer_option: a new value when given (range errors name argument 1, as in C); pushes the value. */
    private static int integerOption(CallFrame f, int idx, int setting, int min, int max) {
        int value = setting;
        if (f.type(idx) != CallFrame.TNIL) {
            value = (int) f.checkInteger(idx);
            if (value < min || value > max) {
                throw LuaError.argument(1, "expected integer between " + min + " and " + max);
            }
        }
        f.pushInteger(value);
        return value;
    }

    /** json_enum_option: a boolean or one of the option names; pushes a boolean for 0/1, else the name. */
    private static int enumOption(CallFrame f, int idx, int setting, String[] options) {
        int value = setting;
        if (f.type(idx) != CallFrame.TNIL) {
            if (f.type(idx) == CallFrame.TBOOLEAN) {
                value = f.c.lua_toboolean(f.l, idx);
            } else {
                value = checkOption(f, idx, options);
            }
        }
        if (value == 0 || value == 1) {
            f.pushBoolean(value == 1);
        } else {
            f.pushAscii(options[value]);
        }
        return value;
    }

    /** luaL_checkoption without a default. */
    private static int checkOption(CallFrame f, int idx, String[] options) {
        byte[] name = f.checkBytes(idx);
        int end = 0;
        while (end < name.length && name[end] != 0) {
            end++;
        }
        String given = new String(name, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i < options.length; i++) {
            if (options[i].equals(given)) {
                return i;
            }
        }
        byte[] msg = new byte[end + 17];
        System.arraycopy(LuaError.ascii("invalid option '"), 0, msg, 0, 16);
        System.arraycopy(name, 0, msg, 16, end);
        msg[end + 16] = '\'';
        throw LuaError.argument(idx, msg);
    }
}
