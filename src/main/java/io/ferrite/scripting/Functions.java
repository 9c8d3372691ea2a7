package io.ferrite.scripting;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The function libraries (Redis 7.0's functions.c): the libraries by name, their functions by
 * name, and the Lua state the functions live in (a state of their own, as in Redis).
 * <p>
 * Threads: libraries change only on the script thread (FUNCTION LOAD, DELETE, FLUSH run there,
 * every shard held), which alone touches {@link #environment}; the maps are replaced whole on each
 * change and published through a volatile field, so FUNCTION LIST and STATS read them anywhere.
 */
final class Functions {
    /** A registered function: its callback is a reference into the function Lua state. */
    record Function(String name, String description, Set<ScriptFlags.Flag> flags, int ref, String library) {
    }

    /** A library: its name, its whole code as loaded, and its functions in registration order. */
    record Library(String name, byte[] code, List<Function> functions) {
    }

    private record State(Map<String, Library> libraries, Map<String, Function> functions) {
    }

    private volatile State state = new State(Map.of(), Map.of());
    /** The function state's Lua heap, measured on the script thread after each change or call. */
    private volatile long memory;

    long memory() {
        return memory;
    }

    void measured(long bytes) {
        memory = bytes;
    }
    private LuaEnvironment environment;

    Map<String, Library> libraries() {
        return state.libraries;
    }

    /** A function by name; names are case-insensitive, as Redis's functions dictionary. */
    Function function(String name) {
        return state.functions.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    int functionCount() {
        return state.functions.size();
    }

    /** On the script thread: the function Lua state. */
    LuaEnvironment environment() {
        if (environment == null) {
            environment = new LuaEnvironment();
        }
        return environment;
    }

    /** On the script thread: {@code lib} replaces any library of its name. */
    void put(Library lib) {
        Map<String, Library> libs = new LinkedHashMap<>(state.libraries);
        Library old = libs.put(lib.name(), lib);
        if (old != null) {
            release(old);
        }
        publish(libs);
    }

    /** On the script thread: FUNCTION RESTORE ... FLUSH, the libraries become {@code libs} (their functions already in this state). */
    void replaceAll(Map<String, Library> libs) {
        for (Library old : state.libraries.values()) {
            release(old);
        }
        publish(new LinkedHashMap<>(libs));
    }

    /** On the script thread: removes a library; false if there is none of that name. */
    boolean delete(String name) {
        Map<String, Library> libs = new LinkedHashMap<>(state.libraries);
        Library old = libs.remove(name);
        if (old == null) {
            return false;
        }
        release(old);
        publish(libs);
        return true;
    }

    /** On the script thread: FUNCTION FLUSH, which also starts a fresh Lua state. */
    void flush() {
        if (environment != null) {
            environment.close();
            environment = null;
        }
        publish(new LinkedHashMap<>());
    }

    private void release(Library lib) {
        for (Function f : lib.functions()) {
            environment().release(f.ref());
        }
    }

    private void publish(Map<String, Library> libs) {
        Map<String, Function> fns = new LinkedHashMap<>();
        for (Library l : libs.values()) {
            for (Function f : l.functions()) {
                fns.put(f.name().toLowerCase(java.util.Locale.ROOT), f);
            }
        }
        state = new State(Collections.unmodifiableMap(libs), Collections.unmodifiableMap(fns));
    }
}
