package io.ferrite.server.commands;

import io.ferrite.command.family.FamilyUtil;
import io.ferrite.engine.Client;
import io.ferrite.engine.acl.Acl;
import io.ferrite.engine.acl.AclCategory;
import io.ferrite.engine.acl.AclDescription;
import io.ferrite.engine.acl.AclLog;
import io.ferrite.engine.acl.AclRules;
import io.ferrite.engine.acl.AclUser;
import io.ferrite.engine.acl.Denial;
import io.ferrite.engine.acl.UserRules;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.engine.pubsub.Subscriptions;
import io.ferrite.server.AclSetup;
import io.ferrite.server.RespConnection;
import io.ferrite.server.Server;
import io.ferrite.store.Bytes;
import io.ferrite.store.zset.ScoreText;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** ACL and its subcommands, with Redis 7.0's replies and errors (acl.c's aclCommand). */
public final class AclFamily {
    private static final String[] HELP = {
        "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        "HELP",
        "    Prints this help.",
    };
    private static final String NO_ACLFILE = "ERR This Redis instance is not configured to use an ACL file. You may want "
        + "to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
        + "configuration file set) in order to store users in the Redis configuration.";
    private static final int GENPASS_MAX_BITS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AclFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("acl|setuser", AclFamily::setUser);
        r.add("acl|deluser", AclFamily::delUser);
        r.add("acl|getuser", AclFamily::getUser);
        r.add("acl|list", AclFamily::list);
        r.add("acl|users", AclFamily::users);
        r.add("acl|whoami", c -> c.reply().bulk(userOf(c).nameBytes()));
        r.add("acl|cat", AclFamily::cat);
        r.add("acl|genpass", AclFamily::genpass);
        r.add("acl|log", AclFamily::log);
        r.add("acl|dryrun", AclFamily::dryrun);
        r.add("acl|load", AclFamily::load);
        r.add("acl|save", AclFamily::save);
        r.add("acl|help", c -> FamilyUtil.help(c, HELP));
    }

    private static AclUser userOf(Call c) {
        AclUser u = c.client.user();
        return u == null ? Server.of(c).acl().defaultUser() : u;
    }

    private static String name(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static void setUser(Call c) {
        byte[] name = c.arg(2);
        if (AclRules.hasSpaces(name)) {
            c.reply().error("ERR Usernames can't contain spaces or null characters");
            return;
        }
        List<byte[]> ops = Arrays.asList(c.args).subList(3, c.argc());
        Acl.Change change;
        try {
            change = Server.of(c).acl().setUser(name(name), ops);
        } catch (AclRules.UnmatchedParenthesis e) {
            c.reply().error(safe("ERR Unmatched parenthesis in acl selector starting at '" + name(e.start()) + "'."));
            return;
        } catch (AclRules.Refused e) {
            c.reply().error(safe("ERR Error in ACL SETUSER modifier '" + name(e.op()) + "': " + e.getMessage()));
            return;
        }
        if (change.mayRevokeChannels()) {
            dropSubscribersWithout(c, change);
        }
        c.reply().ok();
    }

    /** Redis's addReplyErrorSdsSafe: an error reply cannot hold a line break. */
    private static String safe(String error) {
        return error.replace('\r', ' ').replace('\n', ' ');
    }

    /**
     * Redis's ACLKillPubsubClientsIfNeeded: a subscriber of the changed user that holds a channel or
     * pattern the new rules refuse is disconnected, checked on its own thread (its subscriptions live there).
     */
    private static void dropSubscribersWithout(Call c, Acl.Change change) {
        for (RespConnection rc : ClientFamily.connections(Server.of(c))) {
            Client cl = rc.client();
            if (cl.user() != change.user() || !cl.subscriptions.active()) {
                continue;
            }
            Runnable check = () -> {
                Subscriptions s = cl.subscriptions;
                boolean keeps = s.all(Subscriptions.Kind.PATTERN, p -> change.keeps(p, true))
                    && s.all(Subscriptions.Kind.CHANNEL, ch -> change.keeps(ch, false))
                    && s.all(Subscriptions.Kind.SHARD, ch -> change.keeps(ch, false));
                if (!keeps) {
                    disconnect(c, rc);
                }
            };
            if (cl == c.client) {
                check.run();
            } else {
                rc.execute(check);
            }
        }
    }

    /** Closes a connection; the caller's own closes once its reply is written (Redis's CLOSE_AFTER_COMMAND). */
    private static void disconnect(Call c, RespConnection rc) {
        Client cl = rc.client();
        if (cl == c.client) {
            cl.closeAfterReply(true);
        } else {
            cl.killed(true);
            rc.close();
        }
    }

    /** Redis's ACLFreeUserAndKillClients: the users' connections fall back to default, unauthenticated, and close. */
    private static void disconnectUsers(Call c, List<AclUser> gone) {
        if (gone.isEmpty()) {
            return;
        }
        AclUser fallback = Server.of(c).acl().defaultUser();
        // memcached connections running as one of them close too (those not logged in are never any user's)
        Server.of(c).memcached().closeUsers(gone);
        for (RespConnection rc : ClientFamily.connections(Server.of(c))) {
            Client cl = rc.client();
            if (gone.contains(cl.user())) {
                cl.user(fallback);
                cl.authenticated(false);
                disconnect(c, rc);
            }
        }
    }

    static void delUser(Call c) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < c.argc(); i++) {
            names.add(name(c.arg(i)));
            if (names.get(names.size() - 1).equals(Acl.DEFAULT)) {
                c.reply().error("ERR The 'default' user cannot be removed");
                return;
            }
        }
        List<AclUser> gone = Server.of(c).acl().deleteUsers(names);
        disconnectUsers(c, gone);
        c.reply().integer(gone.size());
    }

    static void getUser(Call c) {
        Acl acl = Server.of(c).acl();
        AclUser u = acl.user(c.arg(2));
        if (u == null) {
            c.reply().nil();
            return;
        }
        UserRules r = u.rules();
        c.reply().map(6);
        c.reply().bulk("flags");
        List<String> flags = AclDescription.flags(r);
        c.reply().set(flags.size());
        flags.forEach(c.reply()::bulk);
        c.reply().bulk("passwords");
        List<String> passwords = AclDescription.passwords(r);
        c.reply().array(passwords.size());
        passwords.forEach(c.reply()::bulk);
        List<byte[][]> selectors = AclDescription.selectors(r, acl.commands());
        selector(c, selectors.get(0));
        c.reply().bulk("selectors");
        c.reply().array(selectors.size() - 1);
        for (byte[][] s : selectors.subList(1, selectors.size())) {
            c.reply().map(3);
            selector(c, s);
        }
    }

    private static void selector(Call c, byte[][] s) {
        c.reply().bulk("commands");
        c.reply().bulk(s[0]);
        c.reply().bulk("keys");
        c.reply().bulk(s[1]);
        c.reply().bulk("channels");
        c.reply().bulk(s[2]);
    }

    static void list(Call c) {
        Acl acl = Server.of(c).acl();
        List<AclUser> users = acl.users();
        c.reply().array(users.size());
        for (AclUser u : users) {
            String rules = name(AclDescription.user(u.rules(), acl.commands()));
            c.reply().bulk(("user " + u.name() + " " + rules).getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    static void users(Call c) {
        List<AclUser> users = Server.of(c).acl().users();
        c.reply().array(users.size());
        for (AclUser u : users) {
            c.reply().bulk(u.nameBytes());
        }
    }

    static void cat(Call c) {
        if (c.argc() == 2) {
            c.reply().array(AclCategory.values().length);
            for (AclCategory cat : AclCategory.values()) {
                c.reply().bulk(cat.label());
            }
            return;
        }
        if (c.argc() != 3) {
            subcommandSyntax(c);
            return;
        }
        AclCategory cat = AclCategory.byName(c.argString(2));
        if (cat == null) {
            String given = c.argString(2);
            c.reply().error("ERR Unknown category '" + (given.length() > 128 ? given.substring(0, 128) : given) + "'");
            return;
        }
        List<Command> commands = Server.of(c).acl().commands().inCategory(cat);
        c.reply().array(commands.size());
        commands.forEach(cmd -> c.reply().bulk(cmd.fullName()));
    }

    /** Redis's addReplySubcommandSyntaxError. */
    private static void subcommandSyntax(Call c) {
        c.reply().error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1) + "'. Try ACL HELP.");
    }

    static void genpass(Call c) {
        if (c.argc() > 3) {
            subcommandSyntax(c);
            return;
        }
        long bits = 256;
        if (c.argc() == 3) {
            Long v = Bytes.parseLongStrict(c.arg(2));
            if (v == null) {
                c.reply().error(Errors.NOT_INTEGER);
                return;
            }
            bits = v;
        }
        if (bits <= 0 || bits > GENPASS_MAX_BITS) {
            c.reply().error("ERR ACL GENPASS argument must be the number of bits for the output password, "
                + "a positive number up to " + GENPASS_MAX_BITS);
            return;
        }
        int chars = (int) ((bits + 3) / 4);
        byte[] random = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(random);
        c.reply().bulk(HexFormat.of().formatHex(random).substring(0, chars));
    }

    static void log(Call c) {
        if (c.argc() > 3) {
            subcommandSyntax(c);
            return;
        }
        AclLog log = Server.of(c).acl().log();
        long count = 10;
        if (c.argc() == 3) {
            if (c.argIs(2, "reset")) {
                log.reset();
                c.reply().ok();
                return;
            }
            Long v = Bytes.parseLongStrict(c.arg(2));
            if (v == null) {
                c.reply().error(Errors.NOT_INTEGER);
                return;
            }
            count = Math.max(0, v);
        }
        List<AclLog.Entry> entries = log.latest(count);
        long now = System.currentTimeMillis();
        c.reply().array(entries.size());
        for (AclLog.Entry e : entries) {
            c.reply().map(7);
            c.reply().bulk("count");
            c.reply().integer(e.count());
            c.reply().bulk("reason");
            c.reply().bulk(e.reason());
            c.reply().bulk("context");
            c.reply().bulk(e.context().label());
            c.reply().bulk("object");
            c.reply().bulk(e.object());
            c.reply().bulk("username");
            c.reply().bulk(e.username());
            c.reply().bulk("age-seconds");
            double age = (now - e.millis()) / 1000.0;
            c.reply().dbl(age, Bytes.of(ScoreText.g17(age)));
            c.reply().bulk("client-info");
            c.reply().bulk(e.clientInfo());
        }
    }

    static void dryrun(Call c) {
        Acl acl = Server.of(c).acl();
        AclUser u = acl.user(c.arg(2));
        if (u == null) {
            c.reply().error("ERR User '" + c.argString(2) + "' not found");
            return;
        }
        byte[][] argv = Arrays.copyOfRange(c.args, 3, c.argc());
        Command cmd = acl.commands().table().lookup(argv[0]);
        if (cmd != null && cmd.hasSubcommands() && argv.length > 1) {
            cmd = cmd.subcommands().get(Bytes.str(Bytes.lower(argv[1])));
        }
        if (cmd == null) {
            c.reply().error("ERR Command '" + c.argString(3) + "' not found");
            return;
        }
        if (!cmd.arityOk(argv.length)) {
            c.reply().error("ERR wrong number of arguments for '" + cmd.fullName() + "' command");
            return;
        }
        Denial d = acl.check(u.rules(), cmd, argv);
        if (d == null) {
            c.reply().ok();
            return;
        }
        c.reply().bulk(switch (d.reason()) {
            case COMMAND -> "This user has no permissions to run the '" + cmd.fullName() + "' command";
            case KEY -> "This user has no permissions to access the '" + name(argv[d.position()]) + "' key";
            default -> "This user has no permissions to access the '" + name(argv[d.position()]) + "' channel";
        });
    }

    private static Path aclFile(Call c) {
        Server server = Server.of(c);
        String file = server.config().get("aclfile");
        return file.isEmpty() ? null : Path.of(server.config().get("dir")).resolve(file);
    }

    static void load(Call c) {
        Path file = aclFile(c);
        if (file == null) {
            c.reply().error(NO_ACLFILE);
            return;
        }
        List<AclUser> replaced = new ArrayList<>();
        String errors = AclSetup.loadReplacing(Server.of(c).acl(), file, Server.of(c).config().get("aclfile"), replaced);
        if (errors != null) {
            c.reply().error(safe("ERR " + errors));
            return;
        }
        disconnectUsers(c, replaced);
        c.reply().ok();
    }

    static void save(Call c) {
        Path file = aclFile(c);
        if (file == null) {
            c.reply().error(NO_ACLFILE);
            return;
        }
        if (AclSetup.save(Server.of(c).acl(), file)) {
            c.reply().ok();
        } else {
            c.reply().error("ERR There was an error trying to save the ACLs. Please check the server logs for more information");
        }
    }
}
