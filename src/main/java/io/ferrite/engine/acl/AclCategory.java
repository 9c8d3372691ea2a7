package io.ferrite.engine.acl;

import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * Redis 7.0's command categories, in the order ACL CAT lists them and the describer tries them.
 * A command's categories are the ones its spec names plus those Redis derives from its flags
 * (server.c's setImplicitACLCategories).
 */
public enum AclCategory {
    KEYSPACE, READ, WRITE, SET, SORTEDSET, LIST, HASH, STRING, BITMAP, HYPERLOGLOG, GEO, STREAM, PUBSUB, ADMIN,
    FAST, SLOW, BLOCKING, DANGEROUS, CONNECTION, TRANSACTION, SCRIPTING;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The name ACL CAT prints and rules spell after {@code @}. */
    public String label() {
        return label;
    }

    public long bit() {
        return 1L << ordinal();
    }

    /** The category named {@code name} (case-insensitive), or null. */
    public static AclCategory byName(String name) {
        for (AclCategory c : values()) {
            if (c.label.equalsIgnoreCase(name)) {
                return c;
            }
        }
        return null;
    }

    /** The categories of {@code cmd} as a bit set of {@link #bit()}s. */
    public static long of(Command cmd) {
        long bits = 0;
        for (JsonNode c : cmd.spec().path("acl_categories")) {
            AclCategory cat = byName(c.asText());
            if (cat != null) {
                bits |= cat.bit();
            }
        }
        if (cmd.has(CommandFlag.WRITE)) {
            bits |= WRITE.bit();
        }
        // scripting commands that only read are not in @read
        if (cmd.has(CommandFlag.READONLY) && (bits & SCRIPTING.bit()) == 0) {
            bits |= READ.bit();
        }
        if (cmd.has(CommandFlag.ADMIN)) {
            bits |= ADMIN.bit() | DANGEROUS.bit();
        }
        if (cmd.has(CommandFlag.PUBSUB)) {
            bits |= PUBSUB.bit();
        }
        if (cmd.has(CommandFlag.FAST)) {
            bits |= FAST.bit();
        }
        if (cmd.has(CommandFlag.BLOCKING)) {
            bits |= BLOCKING.bit();
        }
        if ((bits & FAST.bit()) == 0) {
            bits |= SLOW.bit();
        }
        return bits;
    }
}
