package io.ferrite.engine.command;

import io.ferrite.store.Bytes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
        all = new ArrayList<>();
        Map<String, Command> byName = new LinkedHashMap<>();
        for (Command c : commands) {
            byName.put(c.name(), c);
            all.add(c);
            for (Command sub : c.subcommands().values()) {
                all.add(sub);
            }
        }
        for (int i = 0; i < all.size(); i++) {
            all.get(i).id = firstId + i;
        }
        int cap = Integer.highestOneBit(Math.max(byName.size(), 8) * 4);
        slots = new Command[cap];
        names = new byte[cap][];
        index(byName);
    }

    /** The same commands (and ids) found under other names. */
    private CommandTable(CommandTable from, Map<String, Command> byName) {
        firstId = from.firstId;
        all = from.all;
        int cap = Integer.highestOneBit(Math.max(byName.size(), 8) * 4);
        slots = new Command[cap];
        names = new byte[cap][];
        index(byName);
    }

    private void index(Map<String, Command> byName) {
        int mask = slots.length - 1;
        for (Map.Entry<String, Command> e : byName.entrySet()) {
            byte[] n = Bytes.of(e.getKey());
            int i = foldedHash(n) & mask;
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = e.getValue();
            names[i] = n;
        }
    }

    /**
     * The table after the config file's rename-command lines, in order, as Redis 7.0 applies them:
     * the command leaves its old name, and comes back under the new one unless that is empty (the
     * command is then gone). A command keeps its own name everywhere else (errors, COMMAND INFO,
     * statistics), as Redis keeps cmd->fullname. Throws with Redis's reason for a bad line.
     */
    public CommandTable renamed(List<Map.Entry<String, String>> renames) {
        if (renames.isEmpty()) {
            return this;
        }
        Map<String, Command> byName = new LinkedHashMap<>();
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                byName.put(Bytes.str(names[i]).toLowerCase(Locale.ROOT), slots[i]);
            }
        }
        for (Map.Entry<String, String> r : renames) {
            Command c = byName.remove(r.getKey().toLowerCase(Locale.ROOT));
            if (c == null) {
                throw new IllegalArgumentException("No such command in rename-command");
            }
            if (!r.getValue().isEmpty() && byName.putIfAbsent(r.getValue().toLowerCase(Locale.ROOT), c) != null) {
                throw new IllegalArgumentException("Target command name already exists");
            }
        }
        return new CommandTable(this, byName);
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
