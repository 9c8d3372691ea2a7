package io.ferrite.engine.acl;

import io.ferrite.engine.command.Command;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Rules written back as rules (Redis's ACLDescribeUser and ACLDescribeSelectorCommandRules): what
 * ACL LIST, ACL GETUSER and ACL SAVE print. Strings hold bytes one char each (ISO-8859-1), so
 * binary patterns come back unchanged.
 */
public final class AclDescription {
    private AclDescription() {
    }

    /** The user's rules as ACL LIST prints them after {@code user <name> }. */
    public static byte[] user(UserRules u, AclCommands commands) {
        StringBuilder sb = new StringBuilder();
        sb.append(u.enabled ? "on " : "off ");
        if (u.nopass) {
            sb.append("nopass ");
        }
        if (u.sanitize == UserRules.Sanitize.SKIP) {
            sb.append("skip-sanitize-payload ");
        } else if (u.sanitize == UserRules.Sanitize.SANITIZE) {
            sb.append("sanitize-payload ");
        }
        for (String p : u.passwords) {
            sb.append('#').append(p).append(' ');
        }
        for (int i = 0; i < u.selectors.size(); i++) {
            String s = selector(u.selectors.get(i), commands);
            sb.append(i == 0 ? s : " (" + s + ")");
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The flags ACL GETUSER lists, in Redis's order. */
    public static List<String> flags(UserRules u) {
        List<String> f = new java.util.ArrayList<>();
        f.add(u.enabled ? "on" : "off");
        if (u.nopass) {
            f.add("nopass");
        }
        if (u.sanitize == UserRules.Sanitize.SKIP) {
            f.add("skip-sanitize-payload");
        } else if (u.sanitize == UserRules.Sanitize.SANITIZE) {
            f.add("sanitize-payload");
        }
        return f;
    }

    /** ACL GETUSER's passwords: the SHA-256 digests in hex. */
    public static List<String> passwords(UserRules u) {
        return List.copyOf(u.passwords);
    }

    /** ACL GETUSER's description of each selector, the root first: its commands, keys and channels fields. */
    public static List<byte[][]> selectors(UserRules u, AclCommands commands) {
        List<byte[][]> out = new java.util.ArrayList<>();
        for (Selector s : u.selectors) {
            out.add(new byte[][] {commands(s, commands).getBytes(StandardCharsets.US_ASCII), keys(s), channels(s)});
        }
        return out;
    }

    static String selector(Selector s, AclCommands commands) {
        StringBuilder sb = new StringBuilder();
        if (s.allKeys) {
            sb.append("~* ");
        } else {
            for (KeyPattern p : s.keys) {
                sb.append(p.prefix()).append(AclRules.latin1(p.pattern())).append(' ');
            }
        }
        if (s.allChannels) {
            sb.append("&* ");
        } else {
            sb.append("resetchannels ");
            for (byte[] c : s.channels) {
                sb.append('&').append(AclRules.latin1(c)).append(' ');
            }
        }
        return sb.append(commands(s, commands)).toString();
    }

    /** ACL GETUSER's "keys" field: the patterns separated by spaces, or {@code ~*}. */
    static byte[] keys(Selector s) {
        if (s.allKeys) {
            return "~*".getBytes(StandardCharsets.US_ASCII);
        }
        StringBuilder sb = new StringBuilder();
        for (KeyPattern p : s.keys) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(p.prefix()).append(AclRules.latin1(p.pattern()));
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** ACL GETUSER's "channels" field: {@code &pattern} separated by spaces, or {@code &*}. */
    static byte[] channels(Selector s) {
        if (s.allChannels) {
            return "&*".getBytes(StandardCharsets.US_ASCII);
        }
        StringBuilder sb = new StringBuilder();
        for (byte[] c : s.channels) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append('&').append(AclRules.latin1(c));
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The command rules rebuilding {@code s}'s bit set: {@code +@all} or {@code -@all}, then the
     * categories that fit best, then single commands. Redis's trick: the rules are applied to a
     * fake selector as they are chosen, so each step sees what is still different.
     */
    static String commands(Selector s, AclCommands commands) {
        boolean additive = !s.futureCommands;
        StringBuilder rules = new StringBuilder(additive ? "-@all " : "+@all ");
        Selector fake = new Selector(false);
        if (!additive) {
            fake.allowAll(commands.size());
        }
        Selector temp = new Selector(false);
        temp.allowed.or(s.allowed);
        AclCategory[] cats = AclCategory.values();
        boolean[] applied = new boolean[cats.length];
        while (true) {
            int best = -1;
            long minDiff = Integer.MAX_VALUE;
            long maxSame = 0;
            for (int j = 0; j < cats.length; j++) {
                if (applied[j]) {
                    continue;
                }
                long on = 0;
                long off = 0;
                for (Command c : commands.inCategory(cats[j])) {
                    if (temp.allowed.get(c.id())) {
                        on++;
                    } else {
                        off++;
                    }
                }
                long diff = additive ? off : on;
                long same = additive ? on : off;
                if (same > diff && (diff < minDiff || (diff == minDiff && same > maxSame))) {
                    best = j;
                    minDiff = diff;
                    maxSame = same;
                }
            }
            if (best < 0) {
                break;
            }
            for (Command c : commands.inCategory(cats[best])) {
                fake.change(c, additive);
                temp.change(c, !additive);
            }
            rules.append(additive ? "+@" : "-@").append(cats[best].label()).append(' ');
            applied[best] = true;
        }
        for (Command c : commands.all()) {
            boolean user = s.allowed.get(c.id());
            if (user != fake.allowed.get(c.id())) {
                rules.append(user ? '+' : '-').append(c.fullName()).append(' ');
                fake.change(c, user);
            }
            List<String> firstArgs = s.firstArgs.get(c.id());
            if (!user && firstArgs != null) {
                for (String a : firstArgs) {
                    rules.append('+').append(c.fullName()).append('|').append(a).append(' ');
                }
            }
        }
        rules.setLength(rules.length() - 1);
        return rules.toString();
    }
}
