package io.ferrite.engine.command;

import io.ferrite.store.Bytes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The registered commands, found by their name's bytes without building a String per request:
 * an open-addressing table over ASCII-case-folded names.
 */
public final class CommandTable {
    private final Command[] slots;
    private final byte[][] names;
    private final List<Command> all;

    private final int firstId;

    CommandTable(List<Command> commands, int firstId) {
        this.firstId = firstId;
        int cap = Integer.highestOneBit(Math.max(commands.size(), 8) * 4);
        slots = new Command[cap];
        names = new byte[cap][];
        all = new ArrayList<>();
        for (Command c : commands) {
            byte[] n = Bytes.of(c.name());
            int i = foldedHash(n) & (cap - 1);
            while (slots[i] != null) {
                i = (i + 1) & (cap - 1);
            }
            slots[i] = c;
            names[i] = n;
            all.add(c);
            for (Command sub : c.subcommands().values()) {
                all.add(sub);
            }
        }
        for (int i = 0; i < all.size(); i++) {
            all.get(i).id = firstId + i;
        }
    }

    /** The top-level command named by {@code name} in any letter case, or null. */
    public Command lookup(byte[] name) {
        int mask = slots.length - 1;
        int i = foldedHash(name) & mask;
        while (slots[i] != null) {
            if (Bytes.equalsIgnoreCase(names[i], name)) {
                return slots[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    public Command lookup(String name) {
        return lookup(Bytes.of(name));
    }

    /** Every command and subcommand; a command's id is its index here plus {@link #firstId}. */
    public List<Command> all() {
        return Collections.unmodifiableList(all);
    }

    public Collection<Command> topLevel() {
        List<Command> top = new ArrayList<>();
        for (Command c : all) {
            if (c.parent() == null) {
                top.add(c);
            }
        }
        return top;
    }

    public int size() {
        return all.size();
    }

    /** The id of this table's first command (0 for Redis's; memcached's follow Redis's). */
    public int firstId() {
        return firstId;
    }

    /** One past the largest id of this table: how many per-command counters its commands need. */
    public int endId() {
        return firstId + all.size();
    }

    private static int foldedHash(byte[] b) {
        int h = 0;
        for (byte x : b) {
            int c = x;
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            h = 31 * h + c;
        }
        return h ^ (h >>> 15);
    }
}
