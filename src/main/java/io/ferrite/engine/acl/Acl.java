package io.ferrite.engine.acl;

import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandTable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

/**
 * The users (Redis's Users radix tree and DefaultUser) and the ACL log. Commands are checked
 * against a user's published rules without a lock; changes to the set of users (ACL SETUSER,
 * DELUSER, LOAD) take this object's monitor, so two never interleave.
 */
public final class Acl {
    public static final String DEFAULT = "default";

    private final AclCommands commands;
    private final Function<byte[], List<byte[]>> splitter;
    private volatile boolean allChannelsByDefault;
    /** By name, in byte order as Redis's rax lists them (names are ISO-8859-1 strings: one char per byte). */
    private final ConcurrentSkipListMap<String, AclUser> users = new ConcurrentSkipListMap<>();
    private volatile AclUser defaultUser;
    private final AclLog log = new AclLog();

    public Acl(CommandTable table, Function<byte[], List<byte[]>> splitter) {
        this.commands = new AclCommands(table);
        this.splitter = splitter;
        this.defaultUser = new AclUser(DEFAULT, defaultRules());
        users.put(DEFAULT, defaultUser);
    }

    /** Redis's ACLCreateDefaultUser: every command, key and channel, on, nopass. */
    private UserRules defaultRules() {
        UserRules r = AclRules.newUser(context());
        r.root().allowAll(commands.size());
        r.root().allKeys = true;
        r.root().allChannels = true;
        r.enabled = true;
        r.nopass = true;
        return r.seal();
    }

    public AclRules.Context context() {
        return new AclRules.Context(commands, allChannelsByDefault, splitter);
    }

    public AclCommands commands() {
        return commands;
    }

    public AclLog log() {
        return log;
    }

    /** acl-pubsub-default: whether users created from now on start with every channel. */
    public void allChannelsByDefault(boolean all) {
        allChannelsByDefault = all;
    }

    public AclUser defaultUser() {
        return defaultUser;
    }

    public AclUser user(String name) {
        return users.get(name);
    }

    public AclUser user(byte[] name) {
        return users.get(new String(name, StandardCharsets.ISO_8859_1));
    }

    /** Every user in name order. */
    public List<AclUser> users() {
        return new ArrayList<>(users.values());
    }

    /**
     * Whether a connection must authenticate before running commands (Redis's authRequired): the
     * default user has a password, or is off.
     */
    public boolean authRequired() {
        UserRules r = defaultUser.rules();
        return !r.nopass || !r.enabled;
    }

    /**
     * ACL SETUSER: applies {@code ops} to the user (created when missing) all or nothing; returns
     * the user's rules before (null for a new user) and after.
     */
    public synchronized Change setUser(String name, List<byte[]> ops) throws AclRules.Refused {
        AclUser u = users.get(name);
        UserRules before = u == null ? null : u.rules();
        UserRules after = AclRules.applied(before, ops, context());
        if (u == null) {
            u = new AclUser(name, after);
            users.put(name, u);
        } else {
            u.rules(after);
        }
        return new Change(u, before, after);
    }

    /** A user's rules changed: who, and the rules before (null when created) and after. */
    public record Change(AclUser user, UserRules before, UserRules after) {
        /**
         * Redis's ACLKillPubsubClientsIfNeeded: whether a subscriber of this user may have lost a
         * channel (the new patterns are not a superset of the old), so subscribers must be checked.
         */
        public boolean mayRevokeChannels() {
            if (before == null) {
                return false;
            }
            List<byte[]> upcoming = new ArrayList<>();
            for (Selector s : after.selectors) {
                if (s.allChannels) {
                    return false;
                }
                upcoming.addAll(s.channels);
            }
            for (Selector s : before.selectors) {
                if (s.allChannels) {
                    return true;
                }
                for (byte[] c : s.channels) {
                    if (!Selector.channelListAllows(upcoming, c, true)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Whether a subscription to {@code name} survives the change (patterns: {@code pattern}). */
        public boolean keeps(byte[] name, boolean pattern) {
            List<byte[]> upcoming = new ArrayList<>();
            for (Selector s : after.selectors) {
                if (s.allChannels) {
                    return true;
                }
                upcoming.addAll(s.channels);
            }
            return Selector.channelListAllows(upcoming, name, pattern);
        }
    }

    /** ACL DELUSER: removes the users named (never default); returns the users removed. */
    public synchronized List<AclUser> deleteUsers(List<String> names) {
        List<AclUser> gone = new ArrayList<>();
        for (String n : names) {
            if (!n.equals(DEFAULT)) {
                AclUser u = users.remove(n);
                if (u != null) {
                    gone.add(u);
                }
            }
        }
        return gone;
    }

    /**
     * Replaces every user at once (ACL LOAD, the aclfile at start-up): the default user keeps its
     * identity (connections stay with it) and takes the new rules, or Redis's defaults when the
     * file has none; returns the users that no longer exist or were replaced.
     */
    public synchronized List<AclUser> replaceAll(List<AclUser> loaded) {
        List<AclUser> old = new ArrayList<>(users.values());
        users.clear();
        UserRules def = defaultRules();
        for (AclUser u : loaded) {
            if (u.name().equals(DEFAULT)) {
                def = u.rules();
            } else {
                users.put(u.name(), u);
            }
        }
        defaultUser.rules(def);
        users.put(DEFAULT, defaultUser);
        old.remove(defaultUser);
        return old;
    }

    /** Builds a user that belongs to no registry yet (ACL LOAD stages every user before replacing them). */
    public AclUser detached(String name, List<byte[]> ops) throws AclRules.Refused {
        return new AclUser(name, AclRules.applied(null, ops, context()));
    }

    /** requirepass: the default user's only password, or nopass when empty (Redis's ACLUpdateDefaultUserPassword). */
    public synchronized void defaultPassword(byte[] password) {
        List<byte[]> ops = new ArrayList<>();
        ops.add("resetpass".getBytes(StandardCharsets.US_ASCII));
        if (password.length == 0) {
            ops.add("nopass".getBytes(StandardCharsets.US_ASCII));
        } else {
            byte[] op = new byte[password.length + 1];
            op[0] = '>';
            System.arraycopy(password, 0, op, 1, password.length);
            ops.add(op);
        }
        try {
            defaultUser.rules(AclRules.applied(defaultUser.rules(), ops, context()));
        } catch (AclRules.Refused e) {
            throw new IllegalStateException("password rules always apply", e);
        }
    }

    /**
     * Redis's ACLCheckUserCredentials: the user, when it exists, is on, and takes {@code password}
     * (compared as digests in constant time); else null.
     */
    public AclUser authenticate(byte[] name, byte[] password) {
        AclUser u = user(name);
        if (u == null) {
            return null;
        }
        UserRules r = u.rules();
        if (!r.enabled) {
            return null;
        }
        if (r.nopass) {
            return u;
        }
        byte[] hashed = AclRules.hash(password).getBytes(StandardCharsets.US_ASCII);
        for (String p : r.passwords) {
            if (MessageDigest.isEqual(hashed, p.getBytes(StandardCharsets.US_ASCII))) {
                return u;
            }
        }
        return null;
    }

    /**
     * Redis's ACLCheckAllUserCommandPerm: null when one of the user's selectors allows the call,
     * else the refusal to report: the highest reason, and among equal ones the last argument.
     */
    public Denial check(UserRules rules, Command cmd, byte[][] args) {
        if (rules.allowsEverything()) {
            return null;
        }
        Denial relevant = null;
        for (Selector s : rules.selectors) {
            Denial d = s.check(commands, cmd, args);
            if (d == null) {
                return null;
            }
            if (relevant == null || d.reason().compareTo(relevant.reason()) > 0
                    || (d.reason() == relevant.reason() && d.position() > relevant.position())) {
                relevant = d;
            }
        }
        return relevant;
    }

    /**
     * Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess: whether one selector allows the call and
     * reaches every key with {@code perms} (SORT BY/GET patterns, scripts' undeclared keys).
     */
    public boolean allowsOnAnyKey(UserRules rules, Command cmd, byte[][] args, int perms) {
        for (Selector s : rules.selectors) {
            if (s.check(commands, cmd, args) == null && s.unrestrictedKeys(perms)) {
                return true;
            }
        }
        return false;
    }

    /** Redis's ACLUserCheckKeyPerm: whether one selector reaches {@code key} with {@code perms}. */
    public boolean allowsKey(UserRules rules, byte[] key, int perms) {
        for (Selector s : rules.selectors) {
            if (s.keyAllowed(key, perms)) {
                return true;
            }
        }
        return false;
    }

    /** Redis's ACLUserCheckChannelPerm. */
    public boolean allowsChannel(UserRules rules, byte[] channel, boolean pattern) {
        for (Selector s : rules.selectors) {
            if (s.channelAllowed(channel, pattern)) {
                return true;
            }
        }
        return false;
    }
}
