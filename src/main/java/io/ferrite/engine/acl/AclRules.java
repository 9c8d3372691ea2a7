package io.ferrite.engine.acl;

import io.ferrite.engine.command.Command;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * The ACL rule language (Redis 7.0's ACLSetUser and ACLSetSelector) as pure functions over
 * {@link UserRules}: nothing here touches the server, so a fuzz target can drive it directly.
 */
public final class AclRules {
    /**
     * What rules are applied against: the command table, whether new selectors start with every
     * channel ({@code acl-pubsub-default allchannels}) and how a selector's inner text splits into
     * rules (Redis's sdssplitargs: quotes allowed).
     */
    public record Context(AclCommands commands, boolean allChannelsByDefault, Function<byte[], List<byte[]>> splitter) {
    }

    private AclRules() {
    }

    /** The rules of a user just created: off, no password, nothing allowed. */
    public static UserRules newUser(Context ctx) {
        return new UserRules(ctx.allChannelsByDefault());
    }

    /**
     * Applies {@code ops} in order to a copy of {@code base} (a new user when null) and returns it
     * sealed, or throws on the first rule that does not apply, naming it; {@code base} never changes.
     */
    public static UserRules applied(UserRules base, List<byte[]> ops, Context ctx) throws Refused {
        List<byte[]> merged = mergeSelectors(ops);
        UserRules u = base == null ? newUser(ctx) : base.copy();
        for (byte[] op : merged) {
            try {
                apply(u, op, ctx);
            } catch (AclRuleError e) {
                throw new Refused(op, e);
            }
        }
        return u.seal();
    }

    /** A rule refused while applying several: the rule as given and why. */
    public static final class Refused extends Exception {
        private final transient byte[] op;
        private final AclRuleError.Kind kind;

        Refused(byte[] op, AclRuleError cause) {
            super(cause.getMessage(), null, false, false);
            this.op = op;
            this.kind = cause.kind();
        }

        /** The rule (a whole selector when it was given in parts). */
        public byte[] op() {
            return op;
        }

        public AclRuleError.Kind kind() {
            return kind;
        }
    }

    /** A selector given over several words ({@code "(~key" "+get)"}) whose parenthesis is never closed. */
    public static final class UnmatchedParenthesis extends RuntimeException {
        private final transient byte[] start;

        UnmatchedParenthesis(byte[] start) {
            super(null, null, false, false);
            this.start = start;
        }

        /** The word opening the selector. */
        public byte[] start() {
            return start;
        }
    }

    /**
     * Joins a selector spread over several words back into one rule (Redis's
     * ACLMergeSelectorArguments); throws {@link UnmatchedParenthesis} when one is never closed.
     */
    public static List<byte[]> mergeSelectors(List<byte[]> ops) {
        List<byte[]> out = new ArrayList<>(ops.size());
        StringBuilder open = null;
        byte[] opening = null;
        for (byte[] op : ops) {
            if (op.length > 0 && op[0] == '(' && op[op.length - 1] != ')' && open == null) {
                open = new StringBuilder(latin1(op));
                opening = op;
                continue;
            }
            if (open != null) {
                open.append(' ').append(latin1(op));
                if (op.length > 0 && op[op.length - 1] == ')') {
                    out.add(open.toString().getBytes(StandardCharsets.ISO_8859_1));
                    open = null;
                }
                continue;
            }
            out.add(op);
        }
        if (open != null) {
            throw new UnmatchedParenthesis(opening);
        }
        return out;
    }

    /** Applies one rule to {@code u} in place (Redis's ACLSetUser). */
    public static void apply(UserRules u, byte[] op, Context ctx) throws AclRuleError {
        if (op.length == 0) {
            return;
        }
        String s = latin1(op);
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "on" -> u.enabled = true;
            case "off" -> u.enabled = false;
            case "skip-sanitize-payload" -> u.sanitize = UserRules.Sanitize.SKIP;
            case "sanitize-payload" -> u.sanitize = UserRules.Sanitize.SANITIZE;
            case "nopass" -> {
                u.nopass = true;
                u.passwords.clear();
            }
            case "resetpass" -> {
                u.nopass = false;
                u.passwords.clear();
            }
            case "clearselectors" -> u.selectors.subList(1, u.selectors.size()).clear();
            case "reset" -> {
                u.nopass = false;
                u.passwords.clear();
                Selector root = u.root();
                root.allKeys = false;
                root.keys.clear();
                root.allChannels = ctx.allChannelsByDefault();
                root.channels.clear();
                u.enabled = false;
                u.sanitize = UserRules.Sanitize.SANITIZE;
                u.selectors.subList(1, u.selectors.size()).clear();
                root.denyAll();
            }
            default -> applyOther(u, op, s, ctx);
        }
    }

    private static void applyOther(UserRules u, byte[] op, String s, Context ctx) throws AclRuleError {
        char first = s.charAt(0);
        if (first == '>' || first == '#') {
            String hash = first == '>' ? hash(Arrays.copyOfRange(op, 1, op.length)) : checkedHash(s.substring(1));
            if (!u.passwords.contains(hash)) {
                u.passwords.add(hash);
            }
            u.nopass = false;
        } else if (first == '<' || first == '!') {
            String hash = first == '<' ? hash(Arrays.copyOfRange(op, 1, op.length)) : checkedHash(s.substring(1));
            if (!u.passwords.remove(hash)) {
                throw new AclRuleError(AclRuleError.Kind.NO_SUCH_PASSWORD);
            }
        } else if (first == '(' && s.charAt(s.length() - 1) == ')') {
            Selector sel = new Selector(ctx.allChannelsByDefault());
            List<byte[]> inner = ctx.splitter().apply(Arrays.copyOfRange(op, 1, op.length - 1));
            if (inner == null) {
                // Redis's sdssplitargs gives no rules for unbalanced quotes: an empty selector
                inner = List.of();
            }
            for (byte[] rule : inner) {
                applySelector(sel, rule, ctx);
            }
            u.selectors.add(sel);
        } else {
            applySelector(u.root(), op, ctx);
        }
    }

    /** Applies one rule to a selector (Redis's ACLSetSelector). */
    static void applySelector(Selector sel, byte[] op, Context ctx) throws AclRuleError {
        String s = latin1(op);
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("allkeys") || lower.equals("~*")) {
            sel.allKeys = true;
            sel.keys.clear();
        } else if (lower.equals("resetkeys")) {
            sel.allKeys = false;
            sel.keys.clear();
        } else if (lower.equals("allchannels") || lower.equals("&*")) {
            sel.allChannels = true;
            sel.channels.clear();
        } else if (lower.equals("resetchannels")) {
            sel.allChannels = false;
            sel.channels.clear();
        } else if (lower.equals("allcommands") || lower.equals("+@all")) {
            sel.allowAll(ctx.commands().size());
        } else if (lower.equals("nocommands") || lower.equals("-@all")) {
            sel.denyAll();
        } else if (s.isEmpty()) {
            throw new AclRuleError(AclRuleError.Kind.SYNTAX);
        } else if (s.charAt(0) == '~' || s.charAt(0) == '%') {
            keyPattern(sel, op, s);
        } else if (s.charAt(0) == '&') {
            if (sel.allChannels) {
                throw new AclRuleError(AclRuleError.Kind.CHANNEL_AFTER_ALL);
            }
            byte[] pattern = Arrays.copyOfRange(op, 1, op.length);
            if (hasSpaces(pattern)) {
                throw new AclRuleError(AclRuleError.Kind.SYNTAX);
            }
            sel.addChannel(pattern);
        } else if ((s.charAt(0) == '+' || s.charAt(0) == '-') && s.length() > 1 && s.charAt(1) == '@') {
            AclCategory cat = AclCategory.byName(s.substring(2));
            if (cat == null) {
                throw new AclRuleError(AclRuleError.Kind.UNKNOWN_NAME);
            }
            boolean allow = s.charAt(0) == '+';
            for (Command c : ctx.commands().inCategory(cat)) {
                sel.change(c, allow);
            }
        } else if (s.charAt(0) == '+') {
            allowCommand(sel, s.substring(1), ctx.commands());
        } else if (s.charAt(0) == '-') {
            Command cmd = ctx.commands().lookup(s.substring(1));
            if (cmd == null) {
                throw new AclRuleError(AclRuleError.Kind.UNKNOWN_NAME);
            }
            sel.change(cmd, false);
        } else {
            throw new AclRuleError(AclRuleError.Kind.SYNTAX);
        }
    }

    private static void allowCommand(Selector sel, String name, AclCommands commands) throws AclRuleError {
        int bar = name.lastIndexOf('|');
        if (bar < 0) {
            Command cmd = commands.lookup(name);
            if (cmd == null) {
                throw new AclRuleError(AclRuleError.Kind.UNKNOWN_NAME);
            }
            sel.change(cmd, true);
            return;
        }
        Command cmd = commands.lookup(name.substring(0, bar));
        if (cmd == null) {
            throw new AclRuleError(AclRuleError.Kind.UNKNOWN_NAME);
        }
        if (cmd.parent() != null) {
            throw new AclRuleError(AclRuleError.Kind.SUBCOMMAND_FIRST_ARG);
        }
        String sub = name.substring(bar + 1);
        if (sub.isEmpty()) {
            throw new AclRuleError(AclRuleError.Kind.SYNTAX);
        }
        if (cmd.hasSubcommands()) {
            Command subcommand = commands.lookup(name);
            if (subcommand == null) {
                throw new AclRuleError(AclRuleError.Kind.UNKNOWN_NAME);
            }
            sel.change(subcommand, true);
        } else {
            // Redis's deprecated first-arg form (+select|0): that command only with that first argument
            sel.addFirstArg(cmd.id(), sub);
        }
    }

    /** {@code ~pattern}, or {@code %R~}, {@code %W~}, {@code %RW~} with their permissions. */
    private static void keyPattern(Selector sel, byte[] op, String s) throws AclRuleError {
        if (sel.allKeys) {
            throw new AclRuleError(AclRuleError.Kind.KEY_AFTER_ALL);
        }
        int perms = 0;
        int offset = 1;
        if (s.charAt(0) == '%') {
            for (; offset < s.length(); offset++) {
                char c = Character.toUpperCase(s.charAt(offset));
                if (c == 'R' && (perms & AclCommands.READ) == 0) {
                    perms |= AclCommands.READ;
                } else if (c == 'W' && (perms & AclCommands.WRITE) == 0) {
                    perms |= AclCommands.WRITE;
                } else if (s.charAt(offset) == '~') {
                    offset++;
                    break;
                } else {
                    throw new AclRuleError(AclRuleError.Kind.SYNTAX);
                }
            }
            if (perms == 0) {
                // "%~p" grants nothing; Redis takes it and then cannot describe it (an assertion)
                throw new AclRuleError(AclRuleError.Kind.SYNTAX);
            }
        } else {
            perms = AclCommands.READ_WRITE;
        }
        byte[] pattern = Arrays.copyOfRange(op, offset, op.length);
        if (hasSpaces(pattern)) {
            throw new AclRuleError(AclRuleError.Kind.SYNTAX);
        }
        sel.addKey(pattern, perms);
    }

    /** Redis's ACLStringHasSpaces: whitespace or NUL, which no user name or pattern may hold. */
    public static boolean hasSpaces(byte[] s) {
        for (byte b : s) {
            if (b == 0 || b == ' ' || (b >= '\t' && b <= '\r')) {
                return true;
            }
        }
        return false;
    }

    /** The SHA-256 of a password in lower-case hex, as Redis keeps passwords (ACLHashPassword). */
    public static String hash(byte[] password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String checkedHash(String hex) throws AclRuleError {
        if (hex.length() != 64) {
            throw new AclRuleError(AclRuleError.Kind.BAD_HASH);
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                throw new AclRuleError(AclRuleError.Kind.BAD_HASH);
            }
        }
        return hex;
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
