package io.ferrite.server;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code client-output-buffer-limit} directive in Redis's syntax: groups of
 * {@code <class> <hard> <soft> <soft seconds>} for the classes normal, slave (replica) and pubsub.
 * Setting some classes keeps the others, as Redis does; CONFIG GET prints all three in bytes.
 */
public final class OutputBufferLimits {
    static final String DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

    /** One class's limits: bytes, and how long the soft limit may be exceeded (0 limits mean none). */
    public record Limit(long hard, long soft, long softSeconds) {
    }

    private OutputBufferLimits() {
    }

    /** An error text for a bad value, or null. */
    static String check(String value) {
        try {
            parse(value);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Applies {@code update}'s classes over {@code current}, giving the canonical text. */
    static String merge(String current, String update) {
        Map<String, Limit> m = parse(current == null ? DEFAULT : current);
        m.putAll(parse(update));
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Limit> e : m.entrySet()) {
            Limit l = e.getValue();
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(e.getKey()).append(' ').append(l.hard).append(' ').append(l.soft).append(' ').append(l.softSeconds);
        }
        return sb.toString();
    }

    /** Parses groups of four words, in the canonical class order normal, slave, pubsub. */
    static Map<String, Limit> parse(String value) {
        String[] w = value.trim().isEmpty() ? new String[0] : value.trim().split("\\s+");
        if (w.length % 4 != 0) {
            throw new IllegalArgumentException("Wrong number of arguments in buffer limit configuration.");
        }
        Map<String, Limit> byClass = new LinkedHashMap<>();
        for (int i = 0; i < w.length; i += 4) {
            String cls = switch (w[i].toLowerCase(Locale.ROOT)) {
                case "normal" -> "normal";
                case "slave", "replica" -> "slave";
                case "pubsub" -> "pubsub";
                default -> throw new IllegalArgumentException("Invalid client class specified in buffer limit configuration.");
            };
            try {
                long hard = Directive.parseMemory(w[i + 1]);
                long soft = Directive.parseMemory(w[i + 2]);
                long secs = Long.parseLong(w[i + 3]);
                if (secs < 0) {
                    throw new NumberFormatException(w[i + 3]);
                }
                byClass.put(cls, new Limit(hard, soft, secs));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
        }
        Map<String, Limit> ordered = new LinkedHashMap<>();
        for (String c : new String[] {"normal", "slave", "pubsub"}) {
            if (byClass.containsKey(c)) {
                ordered.put(c, byClass.get(c));
            }
        }
        return ordered;
    }

    /** The last parsed directive value with its limits, swapped as one, so readers on any loop see a matching pair. */
    private record Parsed(String text, Map<String, Limit> limits) {
    }

    private static volatile Parsed cached;

    /** The limits of one class from the current directive value (parsed once per change). */
    public static Limit of(ServerConfig config, String cls) {
        String text = config.get("client-output-buffer-limit");
        Parsed p = cached;
        if (p == null || !text.equals(p.text())) {
            p = new Parsed(text, parse(text));
            cached = p;
        }
        Map<String, Limit> m = p.limits();
        return m.getOrDefault(cls, new Limit(0, 0, 0));
    }
}
