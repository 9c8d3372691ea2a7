package io.ferrite.engine.acl;

import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;
import io.ferrite.store.Glob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One set of permissions (Redis's aclSelector): the commands allowed, as a bit set over command
 * ids, the key patterns with their read/write permissions and the channel patterns. A user has a
 * root selector and any number of further ones; a command runs when one selector allows it all.
 * Mutable while rules are applied to a staged copy; never changed once a user's rules are published.
 */
final class Selector {
    final BitSet allowed;
    /** Redis's ALLCOMMANDS flag: set by +@all, cleared as soon as any command is taken away. */
    boolean allCommands;
    /** Redis's reserved "future commands" bit: set by +@all, cleared only by -@all; decides +@all or -@all when described. */
    boolean futureCommands;
    boolean allKeys;
    boolean allChannels;
    final List<KeyPattern> keys;
    final List<byte[]> channels;
    /** First arguments allowed for a command otherwise denied ({@code +select|0}), by command id. */
    final Map<Integer, List<String>> firstArgs;

    Selector(boolean allChannels) {
        this(new BitSet(), false, false, false, allChannels, new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>());
    }

    private Selector(BitSet allowed, boolean allCommands, boolean futureCommands, boolean allKeys, boolean allChannels,
                     List<KeyPattern> keys, List<byte[]> channels, Map<Integer, List<String>> firstArgs) {
        this.allowed = allowed;
        this.allCommands = allCommands;
        this.futureCommands = futureCommands;
        this.allKeys = allKeys;
        this.allChannels = allChannels;
        this.keys = keys;
        this.channels = channels;
        this.firstArgs = firstArgs;
    }

    Selector copy() {
        Map<Integer, List<String>> fa = new LinkedHashMap<>();
        firstArgs.forEach((id, l) -> fa.put(id, new ArrayList<>(l)));
        return new Selector((BitSet) allowed.clone(), allCommands, futureCommands, allKeys, allChannels,
            new ArrayList<>(keys), new ArrayList<>(channels), fa);
    }

    /** Whether this selector lets anything run: every command, key and channel. */
    boolean allowsEverything() {
        return allCommands && allKeys && allChannels;
    }

    void allowAll(int commands) {
        allowed.set(0, commands);
        allCommands = true;
        futureCommands = true;
        firstArgs.clear();
    }

    void denyAll() {
        allowed.clear();
        allCommands = false;
        futureCommands = false;
        firstArgs.clear();
    }

    /** Allows or denies a command and, for a container, all its subcommands (Redis's ACLChangeSelectorPerm). */
    void change(Command cmd, boolean allow) {
        set(cmd.id(), allow);
        firstArgs.remove(cmd.id());
        for (Command sub : cmd.subcommands().values()) {
            set(sub.id(), allow);
        }
    }

    private void set(int id, boolean allow) {
        if (allow) {
            allowed.set(id);
        } else {
            allowed.clear(id);
            allCommands = false;
        }
    }

    void addFirstArg(int id, String arg) {
        List<String> l = firstArgs.computeIfAbsent(id, k -> new ArrayList<>());
        for (String s : l) {
            if (s.equalsIgnoreCase(arg)) {
                return;
            }
        }
        l.add(arg);
    }

    void addKey(byte[] pattern, int perms) {
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).samePattern(pattern)) {
                keys.set(i, keys.get(i).withPerms(perms));
                return;
            }
        }
        keys.add(new KeyPattern(pattern, perms));
        allKeys = false;
    }

    void addChannel(byte[] pattern) {
        for (byte[] c : channels) {
            if (Arrays.equals(c, pattern)) {
                return;
            }
        }
        channels.add(pattern);
        allChannels = false;
    }

    /** Redis's ACLSelectorCheckCmd: null when the call may run, else why not. */
    Denial check(AclCommands commands, Command cmd, byte[][] args) {
        if (!allCommands && !cmd.has(CommandFlag.NO_AUTH) && !allowed.get(cmd.id()) && !firstArgAllowed(cmd, args)) {
            return Denial.COMMAND;
        }
        if (!allKeys && commands.hasKeys(cmd)) {
            int[] denied = {-1};
            commands.keys(cmd, args, (pos, perms) -> {
                if (keyAllowed(args[pos], perms)) {
                    return true;
                }
                denied[0] = pos;
                return false;
            });
            if (denied[0] >= 0) {
                return Denial.key(denied[0]);
            }
        }
        if (!allChannels && AclCommands.hasChannels(cmd)) {
            int[] denied = {-1};
            AclCommands.channels(cmd, args, (pos, kind) -> {
                if (channelAllowed(args[pos], (kind & AclCommands.CHANNEL_PATTERN) != 0)) {
                    return true;
                }
                denied[0] = pos;
                return false;
            });
            if (denied[0] >= 0) {
                return Denial.channel(denied[0]);
            }
        }
        return null;
    }

    private boolean firstArgAllowed(Command cmd, byte[][] args) {
        List<String> l = firstArgs.get(cmd.id());
        int idx = cmd.parent() != null ? 2 : 1;
        if (l == null || args.length <= idx) {
            return false;
        }
        String arg = new String(args[idx], java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String s : l) {
            if (s.equalsIgnoreCase(arg)) {
                return true;
            }
        }
        return false;
    }

    /** Redis's ACLSelectorCheckKey: a pattern granting every permission the access needs matches the key. */
    boolean keyAllowed(byte[] key, int perms) {
        if (allKeys) {
            return true;
        }
        for (KeyPattern p : keys) {
            if ((p.perms() & perms) == perms && p.matches(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Redis's ACLCheckChannelAgainstList: a channel is matched against the patterns; a pattern being
     * subscribed (PSUBSCRIBE) only equals one literally.
     */
    boolean channelAllowed(byte[] channel, boolean isPattern) {
        if (allChannels) {
            return true;
        }
        return channelListAllows(channels, channel, isPattern);
    }

    static boolean channelListAllows(List<byte[]> patterns, byte[] channel, boolean isPattern) {
        for (byte[] p : patterns) {
            if (isPattern ? Arrays.equals(p, channel) : Glob.match(p, channel)) {
                return true;
            }
        }
        return false;
    }

    /** Redis's ACLSelectorHasUnrestrictedKeyAccess: every key is reachable with {@code perms}. */
    boolean unrestrictedKeys(int perms) {
        if (allKeys) {
            return true;
        }
        for (KeyPattern p : keys) {
            if ((p.perms() & perms) == perms && p.pattern().length == 1 && p.pattern()[0] == '*') {
                return true;
            }
        }
        return false;
    }
}
