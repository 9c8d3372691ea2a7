package io.ferrite.scripting;

import io.ferrite.persistence.aof.AofManifest;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/**
 * A script's flags from its {@code #!lua flags=...} shebang (Redis 7.0's evalExtractShebangFlags);
 * a body without a shebang runs in EVAL's compatibility mode, with 7.0's legacy behaviour.
 */
record ScriptFlags(boolean compat, Set<Flag> flags, int shebangLength) {
    enum Flag {
        NO_WRITES("no-writes"), ALLOW_OOM("allow-oom"), ALLOW_STALE("allow-stale"), NO_CLUSTER("no-cluster"),
        ALLOW_CROSS_SLOT("allow-cross-slot-keys");

        final String word;

        Flag(String word) {
            this.word = word;
        }

        /** The flag a shebang or register_function names, or null. */
        static Flag of(String word) {
            for (Flag f : values()) {
                if (f.word.equals(word)) {
                    return f;
                }
            }
            return null;
        }
    }

    static final ScriptFlags COMPAT = new ScriptFlags(true, EnumSet.noneOf(Flag.class), 0);

    boolean has(Flag f) {
        return !compat && flags.contains(f);
    }

    /** The flags of {@code body}; throws {@link IllegalArgumentException} with Redis's error text when the shebang is bad. */
    static ScriptFlags of(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return COMPAT;
        }
        int end = 0;
        while (end < body.length && body[end] != '\n') {
            end++;
        }
        if (end == body.length) {
            throw new IllegalArgumentException("Invalid script shebang");
        }
        java.util.List<String> parts = AofManifest.splitArgs(new String(body, 0, end, StandardCharsets.UTF_8));
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("Invalid engine in script shebang");
        }
        if (!parts.get(0).equals("#!lua")) {
            throw new IllegalArgumentException("Unexpected engine in script shebang: " + parts.get(0));
        }
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        for (int i = 1; i < parts.size(); i++) {
            if (!parts.get(i).startsWith("flags=")) {
                throw new IllegalArgumentException("Unknown lua shebang option: " + parts.get(i));
            }
            String list = parts.get(i).substring(6);
            if (list.isEmpty()) {
                continue;
            }
            for (String word : list.split(",", -1)) {
                Flag found = Flag.of(word);
                if (found == null) {
                    throw new IllegalArgumentException("Unexpected flag in script shebang: " + word);
                }
                flags.add(found);
            }
        }
        return new ScriptFlags(false, flags, end);
    }
}
