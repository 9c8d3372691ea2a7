package io.ferrite.engine.acl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ACL file's text both ways (Redis's ACLLoadFromFile and ACLSaveToFile), without the file
 * itself: one {@code user <name> <rules...>} line per user, words split on single spaces.
 */
public final class AclFile {
    private AclFile() {
    }

    /** The users of a file's text, or the errors that keep it from loading (in Redis's words). */
    public record Parsed(List<AclUser> users, String errors) {
    }

    public static Parsed parse(String filename, byte[] text, AclRules.Context ctx) {
        StringBuilder errors = new StringBuilder();
        Map<String, AclUser> users = new LinkedHashMap<>();
        String[] lines = new String(text, StandardCharsets.ISO_8859_1).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = strip(lines[i], " \t\r\n");
            if (line.isEmpty()) {
                continue;
            }
            String[] argv = line.split(" ", -1);
            if (!argv[0].equals("user") || argv.length < 2) {
                errors.append(filename).append(':').append(lineNo)
                    .append(" should start with user keyword followed by the username. ");
                continue;
            }
            String name = argv[1];
            if (AclRules.hasSpaces(name.getBytes(StandardCharsets.ISO_8859_1))) {
                errors.append('\'').append(filename).append(':').append(lineNo).append(": username '").append(name)
                    .append("' contains invalid characters. ");
                continue;
            }
            if (users.containsKey(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(lineNo).append(". ");
                continue;
            }
            UserRules rules = AclRules.newUser(ctx);
            users.put(name, new AclUser(name, rules));
            List<byte[]> ops = new ArrayList<>();
            for (String a : Arrays.asList(argv).subList(2, argv.length)) {
                ops.add(a.getBytes(StandardCharsets.ISO_8859_1));
            }
            List<byte[]> merged;
            try {
                merged = AclRules.mergeSelectors(ops);
            } catch (AclRules.UnmatchedParenthesis e) {
                errors.append(filename).append(':').append(lineNo).append(": Unmatched parenthesis in selector definition.");
                continue;
            }
            boolean syntaxError = false;
            for (byte[] op : merged) {
                String rule = strip(AclRules.latin1(op), "\t\r\n");
                try {
                    AclRules.apply(rules, rule.getBytes(StandardCharsets.ISO_8859_1), ctx);
                } catch (AclRuleError e) {
                    if (e.kind() == AclRuleError.Kind.UNKNOWN_NAME) {
                        errors.append(filename).append(':').append(lineNo).append(": Error in applying operation '")
                            .append(rule).append("': ").append(e.getMessage()).append(". ");
                    } else if (!syntaxError) {
                        errors.append(filename).append(':').append(lineNo).append(": ").append(e.getMessage()).append(". ");
                        syntaxError = true;
                    }
                }
            }
            rules.seal();
        }
        if (!errors.isEmpty()) {
            errors.append("WARNING: ACL errors detected, no change to the previously active ACL rules was performed");
            return new Parsed(List.of(), errors.toString());
        }
        return new Parsed(new ArrayList<>(users.values()), null);
    }

    /** The file's text for the users given (ACL SAVE). */
    public static byte[] format(List<AclUser> users, AclCommands commands) {
        StringBuilder sb = new StringBuilder();
        for (AclUser u : users) {
            sb.append("user ").append(u.name()).append(' ')
                .append(AclRules.latin1(AclDescription.user(u.rules(), commands))).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Redis's sdstrim: drops the characters of {@code set} from both ends. */
    private static String strip(String s, String set) {
        int b = 0;
        int e = s.length();
        while (b < e && set.indexOf(s.charAt(b)) >= 0) {
            b++;
        }
        while (e > b && set.indexOf(s.charAt(e - 1)) >= 0) {
            e--;
        }
        return s.substring(b, e);
    }
}
