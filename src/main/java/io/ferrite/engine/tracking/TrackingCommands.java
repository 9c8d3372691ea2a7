package io.ferrite.engine.tracking;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Errors;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.engine.Client;
import io.ferrite.engine.Engine;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.store.Bytes;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT TRACKING, CLIENT CACHING, CLIENT TRACKINGINFO and CLIENT GETREDIR, as Redis 7.0's
 * clientCommand answers them. CLIENT TRACKING changes the client's own state first, then every
 * shard's replica of its BCAST prefixes, and replies once they all have it, so a write sent after
 * the OK is always seen.
 */
public final class TrackingCommands {
    private TrackingCommands() {
    }

    /** CLIENT TRACKING on|off [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]. */
    public static final ShardedCommand TRACKING = new ShardedCommand() {
        @Override
        public void before(Call c) {
            c.client.tracking.plan = plan(c);
        }

        @Override
        public Object onShard(Call c, Keyspace ks) {
            ClientTracking.Plan p = c.client.tracking.plan;
            Shard s = ((ShardKeyspace) ks).shard();
            if (p.error() == null) {
                p.dropPrefixes().forEach(b -> s.tracking.dropPrefix(b, c.client));
                p.addPrefixes().forEach(b -> s.tracking.addPrefix(b, c.client));
            }
            return null;
        }

        @Override
        public void reply(Call c, List<Object> parts) {
            ClientTracking.Plan p = c.client.tracking.plan;
            if (p.error() != null) {
                c.reply().error(p.error());
            } else {
                c.reply().ok();
            }
        }

        @Override
        public boolean atomic() {
            return false;
        }
    };

    private static ClientTracking.Plan error(String e) {
        return new ClientTracking.Plan(e, List.of(), List.of());
    }

    /** Parses, checks (in Redis's order, with its words) and applies the client's side of CLIENT TRACKING. */
    private static ClientTracking.Plan plan(Call c) {
        long redir = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<byte[]> prefixes = new ArrayList<>();
        for (int j = 3; j < c.argc(); j++) {
            boolean more = c.argc() - 1 - j > 0;
            if (c.argIs(j, "redirect") && more) {
                j++;
                if (redir != 0) {
                    return error("ERR A client can only redirect to a single other client");
                }
                Long id = Bytes.parseLongStrict(c.arg(j));
                if (id == null) {
                    return error(Errors.NOT_INTEGER);
                }
                if (c.server.session(id) == null) {
                    return error("ERR The client ID you want redirect to does not exist");
                }
                redir = id;
            } else if (c.argIs(j, "bcast")) {
                bcast = true;
            } else if (c.argIs(j, "optin")) {
                optin = true;
            } else if (c.argIs(j, "optout")) {
                optout = true;
            } else if (c.argIs(j, "noloop")) {
                noloop = true;
            } else if (c.argIs(j, "prefix") && more) {
                prefixes.add(c.arg(++j));
            } else {
                return error(Errors.SYNTAX);
            }
        }
        ClientTracking t = c.client.tracking;
        if (c.argIs(2, "off")) {
            return disable(t);
        }
        if (!c.argIs(2, "on")) {
            return error(Errors.SYNTAX);
        }
        if (!bcast && !prefixes.isEmpty()) {
            return error("ERR PREFIX option requires BCAST mode to be enabled");
        }
        if (t.on && t.bcast != bcast) {
            return error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
                + "and then re-enabling it with a different mode.");
        }
        if (bcast && (optin || optout)) {
            return error("ERR OPTIN and OPTOUT are not compatible with BCAST");
        }
        if (optin && optout) {
            return error("ERR You can't specify both OPTIN mode and OPTOUT mode");
        }
        if (optin && t.optout || optout && t.optin) {
            return error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
                + "and then re-enabling it with a different mode.");
        }
        if (bcast) {
            String collision = prefixCollision(t, prefixes);
            if (collision != null) {
                return error(collision);
            }
        }
        List<byte[]> added = new ArrayList<>();
        if (bcast) {
            if (prefixes.isEmpty()) {
                prefixes.add(Bytes.EMPTY);
            }
            for (byte[] p : prefixes) {
                if (t.prefixes.add(new ClientTracking.Prefix(p))) {
                    added.add(p);
                }
            }
        }
        // Redis's enableTracking: the mode flags are replaced by the ones given, the prefixes added to
        t.on = true;
        t.everOn = true;
        t.brokenRedirect = false;
        t.redirect = redir;
        t.bcast = bcast;
        t.optin = optin;
        t.optout = optout;
        t.noloop = noloop;
        return new ClientTracking.Plan(null, added, List.of());
    }

    /** Redis's disableTracking: every flag cleared, the BCAST prefixes dropped from every shard. */
    private static ClientTracking.Plan disable(ClientTracking t) {
        List<byte[]> dropped = new ArrayList<>();
        t.prefixes.forEach(p -> dropped.add(p.bytes()));
        t.prefixes.clear();
        t.on = false;
        t.bcast = false;
        t.optin = false;
        t.optout = false;
        t.noloop = false;
        t.caching = false;
        t.brokenRedirect = false;
        return new ClientTracking.Plan(null, List.of(), dropped);
    }

    /** Redis's checkPrefixCollisionsOrReply: no prefix may be a prefix of another of the client's. */
    private static String prefixCollision(ClientTracking t, List<byte[]> given) {
        for (int i = 0; i < given.size(); i++) {
            byte[] p = given.get(i);
            for (ClientTracking.Prefix existing : t.prefixes) {
                if (overlap(existing.bytes(), p)) {
                    return "ERR Prefix '" + Bytes.str(p) + "' overlaps with an existing prefix '" + Bytes.str(existing.bytes())
                        + "'. Prefixes for a single client must not overlap.";
                }
            }
            for (int j = i + 1; j < given.size(); j++) {
                if (overlap(p, given.get(j))) {
                    return "ERR Prefix '" + Bytes.str(p) + "' overlaps with another provided prefix '"
                        + Bytes.str(given.get(j)) + "'. Prefixes for a single client must not overlap.";
                }
            }
        }
        return null;
    }

    private static boolean overlap(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    /** On the client's loop at disconnect or RESET: tracking off, its prefixes dropped from every shard. */
    public static void disconnected(Engine engine, Client client) {
        if (!client.tracking.on) {
            return;
        }
        ClientTracking.Plan p = disable(client.tracking);
        if (p.dropPrefixes().isEmpty()) {
            return;
        }
        for (Shard s : engine.shards()) {
            s.run(() -> p.dropPrefixes().forEach(b -> s.tracking.dropPrefix(b, client)));
        }
    }

    /**
     * On the client's loop when its connection closes: tracking off, and every shard that may hold
     * its keys or prefixes told it is gone (Redis drops a gone client's ids lazily; see TrackingTable).
     */
    public static void closed(Engine engine, Client client) {
        ClientTracking t = client.tracking;
        if (!t.everOn) {
            return;
        }
        t.gone = true;
        List<byte[]> prefixes = disable(t).dropPrefixes();
        for (Shard s : engine.shards()) {
            s.run(() -> s.tracking.gone(client, prefixes));
        }
    }

    /** CLIENT CACHING yes|no. */
    public static void caching(Call c) {
        ClientTracking t = c.client.tracking;
        if (!t.on) {
            c.reply().error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
                + "OPTOUT mode enabled");
        } else if (c.argIs(2, "yes")) {
            if (t.optin) {
                t.caching = true;
                c.reply().ok();
            } else {
                c.reply().error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
            }
        } else if (c.argIs(2, "no")) {
            if (t.optout) {
                t.caching = true;
                c.reply().ok();
            } else {
                c.reply().error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
            }
        } else {
            c.reply().error(Errors.SYNTAX);
        }
    }

    /** CLIENT TRACKINGINFO: flags, redirect and prefixes. */
    public static void trackingInfo(Call c) {
        ClientTracking t = c.client.tracking;
        List<String> flags = new ArrayList<>();
        if (!t.on) {
            flags.add("off");
        } else {
            flags.add("on");
            if (t.bcast) {
                flags.add("bcast");
            }
            if (t.optin) {
                flags.add("optin");
                if (t.caching) {
                    flags.add("caching-yes");
                }
            }
            if (t.optout) {
                flags.add("optout");
                if (t.caching) {
                    flags.add("caching-no");
                }
            }
            if (t.noloop) {
                flags.add("noloop");
            }
            if (t.brokenRedirect) {
                flags.add("broken_redirect");
            }
        }
        c.reply().map(3);
        c.reply().bulk("flags");
        c.reply().set(flags.size());
        flags.forEach(c.reply()::bulk);
        c.reply().bulk("redirect");
        c.reply().integer(t.on ? t.redirect : -1);
        c.reply().bulk("prefixes");
        c.reply().array(t.prefixes.size());
        t.prefixes.forEach(p -> c.reply().bulk(p.bytes()));
    }

    /** CLIENT GETREDIR: the redirect target, 0 when tracking without one, -1 when not tracking. */
    public static void getRedir(Call c) {
        ClientTracking t = c.client.tracking;
        c.reply().integer(t.on ? t.redirect : -1);
    }
}
