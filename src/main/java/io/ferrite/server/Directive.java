package io.ferrite.server;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * One configuration directive, as redis.conf and CONFIG GET/SET name it: how its value is
 * parsed and printed, its default, and whether CONFIG SET may change it at run time.
 */
public final class Directive {
    public enum Type { INT, MEMORY, BOOL, STRING, ENUM, CUSTOM }

    /** Properties Redis 7.0's config table gives a directive beside its type (config.c's *_CONFIG flags). */
    public enum Flag {
        /** Accepted for compatibility but without effect in Ferrite yet: start-up warns when it is given. */
        INERT,
        /** Refused by CONFIG SET unless enable-protected-configs allows it (PROTECTED_CONFIG). */
        PROTECTED,
        /** Matched by CONFIG GET only by its exact name, never by a pattern (HIDDEN_CONFIG). */
        HIDDEN,
        /** Takes several words on a config line (MULTI_ARG_CONFIG). */
        MULTI_ARG,
        /** Numeric bounds compared and printed as unsigned 64-bit values (Redis's unsigned long long). */
        UNSIGNED,
        /**
         * Fixed at start-up in Ferrite although Redis may change it at run time (port, bind), or
         * Ferrite's own listener settings: CONFIG SET accepts the current value as a no-op, so a
         * client that writes back what CONFIG GET printed succeeds, and refuses any other.
         */
        START_UP_ONLY
    }

    final String name;
    final Type type;
    final String defaultValue;
    final boolean mutable;
    final long min;
    final long max;
    final List<String> choices;
    /** For CUSTOM directives: returns an error text or null, and the canonical form via {@link #canonical}. */
    final Function<String, String> validator;
    final Function<String, String> canonical;
    private final Set<Flag> flags = EnumSet.noneOf(Flag.class);

    private Directive(String name, Type type, String defaultValue, boolean mutable, long min, long max,
                      List<String> choices, Function<String, String> validator, Function<String, String> canonical) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.mutable = mutable;
        this.min = min;
        this.max = max;
        this.choices = choices;
        this.validator = validator;
        this.canonical = canonical;
    }

    static Directive integer(String name, long def, long min, long max, boolean mutable) {
        return new Directive(name, Type.INT, Long.toString(def), mutable, min, max, List.of(), null, null);
    }

    static Directive memory(String name, long def, long min, long max, boolean mutable) {
        return new Directive(name, Type.MEMORY, Long.toString(def), mutable, min, max, List.of(), null, null);
    }

    static Directive bool(String name, boolean def, boolean mutable) {
        return new Directive(name, Type.BOOL, def ? "yes" : "no", mutable, 0, 0, List.of(), null, null);
    }

    static Directive string(String name, String def, boolean mutable) {
        return new Directive(name, Type.STRING, def, mutable, 0, 0, List.of(), null, null);
    }

    /** A string whose value must pass {@code validator} (null = valid, else Redis's reason). */
    static Directive string(String name, String def, boolean mutable, Function<String, String> validator) {
        return new Directive(name, Type.STRING, def, mutable, 0, 0, List.of(), validator, null);
    }

    static Directive choice(String name, String def, boolean mutable, String... choices) {
        return new Directive(name, Type.ENUM, def, mutable, 0, 0, List.of(choices), null, null);
    }

    static Directive custom(String name, String def, boolean mutable, Function<String, String> validator,
                            Function<String, String> canonical) {
        return new Directive(name, Type.CUSTOM, def, mutable, 0, 0, List.of(), validator, canonical);
    }

    /** Drops the inert flag of a table directive the server now acts on; used only while the table is built. */
    void live() {
        flags.remove(Flag.INERT);
    }

    /** Adds table flags; used only while the directive table is built. */
    Directive with(Flag... more) {
        flags.addAll(List.of(more));
        return this;
    }

    public boolean has(Flag f) {
        return flags.contains(f);
    }

    public String name() {
        return name;
    }

    /** Whether {@code raw} means the value {@code current} (a canonical form); throws as {@link #normalize} on bad input. */
    public boolean normalizedEquals(String current, String raw) {
        return normalize(raw).equals(current);
    }

    /** Parses {@code raw} to the form CONFIG GET prints; throws {@link IllegalArgumentException} with Redis's reason. */
    String normalize(String raw) {
        switch (type) {
            case INT, MEMORY -> {
                long v;
                try {
                    v = type == Type.MEMORY ? parseMemory(raw) : Long.parseLong(raw.trim());
                } catch (NumberFormatException | ArithmeticException e) {
                    throw new IllegalArgumentException(type == Type.MEMORY
                        ? "argument must be a memory value" : "argument couldn't be parsed into an integer");
                }
                boolean unsigned = has(Flag.UNSIGNED);
                boolean out = unsigned
                    ? Long.compareUnsigned(v, min) < 0 || Long.compareUnsigned(v, max) > 0
                    : v < min || v > max;
                if (out) {
                    throw new IllegalArgumentException("argument must be between "
                        + (unsigned ? Long.toUnsignedString(min) : min) + " and "
                        + (unsigned ? Long.toUnsignedString(max) : max) + " inclusive");
                }
                return Long.toString(v);
            }
            case BOOL -> {
                String v = raw.toLowerCase(Locale.ROOT);
                if (!v.equals("yes") && !v.equals("no")) {
                    throw new IllegalArgumentException("argument must be 'yes' or 'no'");
                }
                return v;
            }
            case ENUM -> {
                String v = raw.toLowerCase(Locale.ROOT);
                if (!choices.contains(v)) {
                    throw new IllegalArgumentException("argument(s) must be one of the following: " + String.join(", ", choices));
                }
                return v;
            }
            case CUSTOM -> {
                String err = validator.apply(raw);
                if (err != null) {
                    throw new IllegalArgumentException(err);
                }
                return canonical.apply(raw);
            }
            default -> {
                String err = validator == null ? null : validator.apply(raw);
                if (err != null) {
                    throw new IllegalArgumentException(err);
                }
                return raw;
            }
        }
    }

    /** Redis's memtoull: a number with an optional k/kb/m/mb/g/gb suffix (k = 1000, kb = 1024). */
    public static long parseMemory(String raw) {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        long mul = 1;
        String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"}, {"m", "1000000"}, {"g", "1000000000"}, {"b", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
            throw new NumberFormatException(raw);
        }
        return Math.multiplyExact(Long.parseLong(s), mul);
    }
}
