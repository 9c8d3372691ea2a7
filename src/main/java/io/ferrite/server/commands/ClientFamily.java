package io.ferrite.server.commands;

import io.ferrite.command.family.FamilyUtil;
import io.ferrite.engine.Client;
import io.ferrite.engine.acl.AclUser;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.engine.tracking.TrackingCommands;
import io.ferrite.server.ClientLine;
import io.ferrite.server.RespConnection;
import io.ferrite.server.Server;
import io.ferrite.store.Bytes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** CLIENT ID, SETNAME, GETNAME, LIST, INFO, KILL, REPLY, NO-EVICT, GETREDIR, HELP (Redis 7.0 networking.c). */
public final class ClientFamily {
    static final String BAD_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";

    private static final String[] HELP = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help.",
    };

    /** Client types as getClientTypeByName knows them; every Ferrite connection is "normal". */
    private enum Type { NORMAL, REPLICA, PUBSUB, MASTER }

    private ClientFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("client|id", c -> c.reply().integer(c.client.id));
        r.add("client|setname", c -> {
            if (setName(c, c.arg(2))) {
                c.reply().ok();
            }
        });
        r.add("client|getname", c -> {
            String n = c.client.name();
            if (n.isEmpty()) {
                c.reply().nil();
            } else {
                c.reply().bulk(n);
            }
        });
        r.addAwaiting("client|list", ClientFamily::listAfterReads);
        r.add("client|info", c -> c.reply().verbatim(info(c, connectionOf(Server.of(c), c.client)) + "\n"));
        r.add("client|kill", ClientFamily::kill);
        r.add("client|reply", ClientFamily::replyMode);
        r.add("client|no-evict", c -> {
            if (c.argIs(2, "on")) {
                c.client.noEvict(true);
                c.reply().ok();
            } else if (c.argIs(2, "off")) {
                c.client.noEvict(false);
                c.reply().ok();
            } else {
                c.reply().error(Errors.SYNTAX);
            }
        });
        r.add("client|getredir", TrackingCommands::getRedir);
        r.addSharded("client|tracking", TrackingCommands.TRACKING);
        r.add("client|caching", TrackingCommands::caching);
        r.add("client|trackinginfo", TrackingCommands::trackingInfo);
        r.add("client|help", c -> FamilyUtil.help(c, HELP));
    }

    /** Redis's clientSetNameOrReply: an empty name clears it; otherwise only '!'..'~'. */
    static boolean setName(Call c, byte[] name) {
        for (byte b : name) {
            if (b < '!' || b > '~') {
                c.reply().error(BAD_NAME);
                return false;
            }
        }
        c.client.name(Bytes.str(name));
        return true;
    }

    private static Type typeByName(String n) {
        return switch (n.toLowerCase(Locale.ROOT)) {
            case "normal" -> Type.NORMAL;
            case "slave", "replica" -> Type.REPLICA;
            case "pubsub" -> Type.PUBSUB;
            case "master" -> Type.MASTER;
            default -> null;
        };
    }

    /** Redis's getClientType: a replica (not MONITOR) is of the replica class, a subscribed client of the pubsub class. */
    private static Type classOf(Client cl) {
        if (cl.replica() && !cl.monitor()) {
            return Type.REPLICA;
        }
        return cl.subscriptions.active() ? Type.PUBSUB : Type.NORMAL;
    }

    /** Every live connection, in connection (id) order as Redis's client list keeps them. */
    static List<RespConnection> connections(Server server) {
        List<RespConnection> all = new ArrayList<>();
        for (RespConnection rc : server.clients()) {
            if (rc.client() != null && !rc.client().killed()) {
                all.add(rc);
            }
        }
        all.sort(Comparator.comparingLong(rc -> rc.client().id));
        return all;
    }

    static RespConnection connectionOf(Server server, Client client) {
        return server.client(client.id);
    }

    /**
     * CLIENT LIST once every loop has taken in what had arrived when it was asked (see
     * {@link ReadBarrier}); inside MULTI or a script, at once.
     */
    static void listAfterReads(Call c) {
        ReadBarrier.thenRun(c, ClientFamily::list);
    }

    static void list(Call c) {
        Type type = null;
        List<RespConnection> chosen = null;
        if (c.argc() == 4 && c.argIs(2, "type")) {
            type = typeByName(c.argString(3));
            if (type == null) {
                c.reply().error("ERR Unknown client type '" + c.argString(3) + "'");
                return;
            }
        } else if (c.argc() > 3 && c.argIs(2, "id")) {
            chosen = new ArrayList<>();
            for (int j = 3; j < c.argc(); j++) {
                Long id = Bytes.parseLongStrict(c.arg(j));
                if (id == null) {
                    c.reply().error("ERR Invalid client ID");
                    return;
                }
                RespConnection rc = Server.of(c).client(id);
                if (rc != null && !rc.client().killed()) {
                    chosen.add(rc);
                }
            }
        } else if (c.argc() != 2) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        if (chosen == null) {
            Type wanted = type;
            chosen = connections(Server.of(c)).stream().filter(rc -> wanted == null || classOf(rc.client()) == wanted).toList();
        }
        StringBuilder sb = new StringBuilder();
        for (RespConnection rc : chosen) {
            sb.append(info(c, rc)).append('\n');
        }
        c.reply().verbatim(sb.toString());
    }

    /** One CLIENT LIST line, fields in Redis 7.0's order (catClientInfoString). */
    static String info(Call c, RespConnection rc) {
        return info(c.client, c.args, rc);
    }

    private static String info(Client caller, byte[][] args, RespConnection rc) {
        return rc == null ? ClientLine.of(caller, args, caller, null, null)
            : ClientLine.of(caller, args, rc.client(), rc.queryBuffer(), rc.channel());
    }

    static void kill(Call c) {
        String addr = null;
        String laddr = null;
        AclUser user = null;
        Type type = null;
        long id = 0;
        boolean skipme = true;
        if (c.argc() == 3) {
            addr = c.argString(2);
            skipme = false;
        } else if (c.argc() > 3) {
            for (int i = 2; i < c.argc(); i += 2) {
                boolean more = c.argc() > i + 1;
                if (c.argIs(i, "id") && more) {
                    Long v = Bytes.parseLongStrict(c.arg(i + 1));
                    if (v == null || v < 1) {
                        c.reply().error("ERR client-id should be greater than 0");
                        return;
                    }
                    id = v;
                } else if (c.argIs(i, "type") && more) {
                    type = typeByName(c.argString(i + 1));
                    if (type == null) {
                        c.reply().error("ERR Unknown client type '" + c.argString(i + 1) + "'");
                        return;
                    }
                } else if (c.argIs(i, "addr") && more) {
                    addr = c.argString(i + 1);
                } else if (c.argIs(i, "laddr") && more) {
                    laddr = c.argString(i + 1);
                } else if (c.argIs(i, "user") && more) {
                    user = Server.of(c).acl().user(c.arg(i + 1));
                    if (user == null) {
                        c.reply().error("ERR No such user '" + c.argString(i + 1) + "'");
                        return;
                    }
                } else if (c.argIs(i, "skipme") && more) {
                    if (c.argIs(i + 1, "yes")) {
                        skipme = true;
                    } else if (c.argIs(i + 1, "no")) {
                        skipme = false;
                    } else {
                        c.reply().error(Errors.SYNTAX);
                        return;
                    }
                } else {
                    c.reply().error(Errors.SYNTAX);
                    return;
                }
            }
        } else {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        int killed = 0;
        boolean closeSelf = false;
        for (RespConnection rc : connections(Server.of(c))) {
            Client cl = rc.client();
            if (addr != null && !cl.addr.equals(addr)
                || laddr != null && !cl.laddr.equals(laddr)
                || type != null && type != classOf(cl)
                || id != 0 && cl.id != id
                || user != null && cl.user() != user
                || cl == c.client && skipme) {
                continue;
            }
            if (cl == c.client) {
                closeSelf = true;
            } else {
                cl.killed(true);
                rc.close();
            }
            killed++;
        }
        // [repl-replica] the master client is the replica's link, not a connection of the listeners
        // (by TYPE master, or by its address: the master's ip:port, as Redis shows the master client's addr)
        var replica = Server.of(c).replica();
        boolean masterAddr = addr != null && replica.isReplica()
            && addr.equals(replica.masterHost() + ":" + replica.masterPort());
        if ((type == null || type == Type.MASTER) && (type != null || masterAddr) && (addr == null || masterAddr)
                && laddr == null && id == 0 && user == null && replica.killMasterClient()) {
            killed++;
        }
        if (c.argc() == 3) {
            if (killed == 0) {
                c.reply().error("ERR No such client");
            } else {
                c.reply().ok();
            }
        } else {
            c.reply().integer(killed);
        }
        if (closeSelf) {
            c.client.closeAfterReply(true);
        }
    }

    static void replyMode(Call c) {
        Client cl = c.client;
        if (c.argIs(2, "on")) {
            cl.replyMode(Client.ReplyMode.ON);
            c.reply().ok();
        } else if (c.argIs(2, "off")) {
            cl.replyMode(Client.ReplyMode.OFF);
        } else if (c.argIs(2, "skip")) {
            if (cl.replyMode() != Client.ReplyMode.OFF) {
                cl.replyMode(Client.ReplyMode.SKIP_NEXT);
            }
        } else {
            c.reply().error(Errors.SYNTAX);
        }
    }
}
