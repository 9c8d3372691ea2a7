package io.ferrite.scripting;

import io.ferrite.engine.command.Call;
import io.ferrite.persistence.rdb.Crc64;
import io.ferrite.persistence.rdb.DumpPayload;
import io.ferrite.persistence.rdb.FunctionRecord;
import io.ferrite.persistence.rdb.RdbFormatException;
import io.ferrite.persistence.rdb.RdbInput;
import io.ferrite.persistence.rdb.RdbOutput;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FUNCTION DUMP and RESTORE: the libraries as RDB function records (opcode 245 and the library's
 * code), with the version and CRC-64 footer of DUMP payloads, so they move between Ferrite and
 * Redis 7.0 both ways.
 */
final class FunctionDump {
    private static final int RDB_VERSION = 10;

    private FunctionDump() {
    }

    static byte[] dump(Functions f) {
        RdbOutput out = new RdbOutput(256, false);
        for (Functions.Library l : f.libraries().values()) {
            FunctionRecord.write(out, l.code());
        }
        out.writeLittleEndian(RDB_VERSION, 2);
        out.writeLittleEndian(Crc64.of(out.array(), 0, out.length()), 8);
        return out.toByteArray();
    }

    /** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE], on the script thread. */
    static void restore(Functions f, Call call) {
        call.preventPropagation();
        if (call.argc() > 4) {
            call.reply().error("ERR unknown subcommand or wrong number of arguments for '" + call.argString(1)
                + "'. Try FUNCTION HELP.");
            return;
        }
        String policy = call.argc() == 4 ? call.argString(3).toLowerCase(java.util.Locale.ROOT) : "append";
        if (!policy.equals("append") && !policy.equals("replace") && !policy.equals("flush")) {
            call.reply().error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            return;
        }
        byte[] p = call.arg(2);
        if (!DumpPayload.verify(p)) {
            call.reply().error("ERR DUMP payload version or checksum are wrong");
            return;
        }
        LuaEnvironment env = f.environment();
        Map<String, Functions.Library> loaded = new LinkedHashMap<>();
        String err = read(env, p, loaded);
        if (err == null && !policy.equals("flush")) {
            err = join(f, loaded, policy.equals("replace"));
        }
        if (err != null) {
            for (Functions.Library l : loaded.values()) {
                LibraryLoad.release(env, l);
            }
            call.reply().error(err);
            return;
        }
        if (policy.equals("flush")) {
            f.replaceAll(loaded);
        } else {
            for (Functions.Library l : loaded.values()) {
                f.put(l);
            }
        }
        call.alsoPropagate(call.args);
        call.reply().ok();
    }

    /** The payload's libraries into {@code into} (they must not collide among themselves); null or the error. */
    private static String read(LuaEnvironment env, byte[] p, Map<String, Functions.Library> into) {
        RdbInput in = new RdbInput(p, 0, p.length - 10);
        try {
            while (in.remaining() > 0) {
                int type = in.readByte();
                if (!FunctionRecord.opens(type)) {
                    return "ERR given type is not a function";
                }
                Object lib = LibraryLoad.load(env, FunctionRecord.read(in, type), into, false);
                if (lib instanceof String error) {
                    return error;
                }
                Functions.Library l = (Functions.Library) lib;
                into.put(l.name(), l);
            }
        } catch (RdbFormatException e) {
            return "ERR failed loading the given functions payload";
        }
        return null;
    }

    /** Redis's libraryJoin: null when {@code loaded} may join the current libraries. */
    private static String join(Functions f, Map<String, Functions.Library> loaded, boolean replace) {
        Map<String, Functions.Library> current = new LinkedHashMap<>(f.libraries());
        for (Functions.Library l : loaded.values()) {
            if (current.containsKey(l.name())) {
                if (!replace) {
                    return "ERR Library " + l.name() + " already exists";
                }
                current.remove(l.name());
            }
        }
        for (Functions.Library l : loaded.values()) {
            String c = LibraryLoad.collision(l, current);
            if (c != null) {
                return c;
            }
        }
        return null;
    }
}
