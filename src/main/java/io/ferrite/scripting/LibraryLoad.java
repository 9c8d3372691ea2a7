package io.ferrite.scripting;

import io.ferrite.persistence.aof.AofManifest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Redis's functionsCreateWithLibraryCtx: a library's code read (its {@code #!lua name=...} line),
 * run in the function Lua state, and checked against the libraries it would join. On the script
 * thread.
 */
final class LibraryLoad {
    static final String BAD_NAME = "ERR Library names can only contain letters, numbers, or underscores(_)"
        + " and must be at least one character long";

    private LibraryLoad() {
    }

    /** The loaded library, or Redis's error (a String); nothing of a failed load is kept. */
    static Object load(LuaEnvironment env, byte[] code, Map<String, Functions.Library> existing, boolean replace) {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            return "ERR Missing library metadata";
        }
        int end = 0;
        while (end < code.length && code[end] != '\n') {
            end++;
        }
        if (end == code.length) {
            return "ERR Invalid library metadata";
        }
        List<String> parts = AofManifest.splitArgs(new String(code, 0, end, StandardCharsets.UTF_8));
        if (parts == null || parts.isEmpty()) {
            return "ERR Invalid library metadata";
        }
        String engine = parts.get(0).substring(2);
        String name = null;
        for (int i = 1; i < parts.size(); i++) {
            if (parts.get(i).regionMatches(true, 0, "name=", 0, 5)) {
                if (name != null) {
                    return "ERR Invalid metadata value, name argument was given multiple times";
                }
                name = parts.get(i).substring(5);
                continue;
            }
            return "ERR Invalid metadata value given: " + parts.get(i);
        }
        if (name == null) {
            return "ERR Library name was not given";
        }
        if (name.isEmpty() || !name.matches("[A-Za-z0-9_]+")) {
            return BAD_NAME;
        }
        if (!engine.equalsIgnoreCase("lua")) {
            return "ERR Engine '" + engine + "' not found";
        }
        if (existing.containsKey(name) && !replace) {
            return "ERR Library '" + name + "' already exists";
        }
        LuaEnvironment.Library loaded = env.loadLibrary(code, end);
        if (loaded.error() != null) {
            return loaded.error();
        }
        List<Functions.Function> fns = new ArrayList<>();
        for (LuaEnvironment.Registered r : loaded.functions()) {
            Set<ScriptFlags.Flag> flags = EnumSet.noneOf(ScriptFlags.Flag.class);
            for (String w : r.flags()) {
                flags.add(ScriptFlags.Flag.of(w));
            }
            fns.add(new Functions.Function(r.name(), r.description(), flags, r.ref(), name));
        }
        Functions.Library lib = new Functions.Library(name, code, fns);
        String refused = fns.isEmpty() ? "ERR No functions registered" : collision(lib, existing);
        if (refused != null) {
            release(env, lib);
            return refused;
        }
        return lib;
    }

    /** "Function x already exists" when {@code lib} names a function of another library of {@code existing}. */
    static String collision(Functions.Library lib, Map<String, Functions.Library> existing) {
        for (Functions.Function fn : lib.functions()) {
            for (Functions.Library other : existing.values()) {
                if (other.name().equals(lib.name())) {
                    continue;
                }
                for (Functions.Function o : other.functions()) {
                    if (o.name().toLowerCase(Locale.ROOT).equals(fn.name().toLowerCase(Locale.ROOT))) {
                        return "ERR Function " + fn.name() + " already exists";
                    }
                }
            }
        }
        return null;
    }

    static void release(LuaEnvironment env, Functions.Library lib) {
        for (Functions.Function fn : lib.functions()) {
            env.release(fn.ref());
        }
    }
}
