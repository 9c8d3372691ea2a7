package io.ferrite.server.metrics;

import io.ferrite.engine.command.Command;
import io.ferrite.store.Bytes;

/** How MONITOR and the slow log show a command's arguments. */
public final class CommandArgs {
    private static final byte[] REDACTED = Bytes.of("(redacted)");

    private CommandArgs() {
    }

    /**
     * The arguments with secrets replaced by "(redacted)", as Redis's redactClientCommandArgument
     * does in AUTH (every argument), HELLO (the AUTH option's user name and password) and MIGRATE
     * (the passwords and user name of AUTH and AUTH2, as far as its option parser reads), and
     * ACL SETUSER (the user name and every rule), and CONFIG SET (the values of the sensitive directives).
     */
    static byte[][] redacted(Command cmd, byte[][] args) {
        String name = cmd.fullName();
        if (name.equals("auth")) {
            return redactedFrom(args, 1);
        }
        if (name.equals("hello")) {
            byte[][] out = null;
            for (int j = 2; j < args.length; j++) {
                int more = args.length - j - 1;
                if (Bytes.is(args[j], "auth") && more >= 2) {
                    out = out == null ? args.clone() : out;
                    out[j + 1] = REDACTED;
                    out[j + 2] = REDACTED;
                    j += 2;
                } else if (Bytes.is(args[j], "setname") && more >= 1) {
                    j++;
                } else {
                    break;
                }
            }
            return out == null ? args : out;
        }
        if (name.equals("acl|setuser")) {
            // the user name and every rule: a rule may hold a password
            return redactedFrom(args, 2);
        }
        if (name.equals("config|set")) {
            return configSetRedacted(args);
        }
        if (name.equals("migrate")) {
            return migrateRedacted(args);
        }
        return args;
    }

    /** CONFIG SET: the values of Redis's SENSITIVE_CONFIG directives (masteruser, masterauth, requirepass). */
    private static byte[][] configSetRedacted(byte[][] args) {
        byte[][] out = null;
        for (int j = 2; j + 1 < args.length; j += 2) {
            if (Bytes.is(args[j], "masteruser") || Bytes.is(args[j], "masterauth") || Bytes.is(args[j], "requirepass")) {
                out = out == null ? args.clone() : out;
                out[j + 1] = REDACTED;
            }
        }
        return out == null ? args : out;
    }

    private static byte[][] redactedFrom(byte[][] args, int first) {
        byte[][] out = args.clone();
        for (int i = first; i < out.length; i++) {
            out[i] = REDACTED;
        }
        return out;
    }

    /** migrateCommand's option loop: AUTH's password and AUTH2's user and password go; KEYS or an unknown option ends it. */
    private static byte[][] migrateRedacted(byte[][] args) {
        byte[][] out = null;
        for (int j = 6; j < args.length; j++) {
            int more = args.length - 1 - j;
            if (Bytes.is(args[j], "copy") || Bytes.is(args[j], "replace")) {
                continue;
            }
            if (Bytes.is(args[j], "auth") && more >= 1) {
                out = out == null ? args.clone() : out;
                out[++j] = REDACTED;
            } else if (Bytes.is(args[j], "auth2") && more >= 2) {
                out = out == null ? args.clone() : out;
                out[++j] = REDACTED;
                out[++j] = REDACTED;
            } else {
                break;
            }
        }
        return out == null ? args : out;
    }

    /** Redis's sdscatrepr: a double-quoted string with \\ \" \n \r \t \a \b escaped and other non-printables as \xHH. */
    public static void repr(StringBuilder sb, byte[] a) {
        sb.append('"');
        for (byte x : a) {
            int b = x & 0xff;
            switch (b) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (b >= 0x20 && b < 0x7f) {
                        sb.append((char) b);
                    } else {
                        sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
                    }
                }
            }
        }
        sb.append('"');
    }
}
