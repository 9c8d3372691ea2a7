package io.ferrite.server.commands;

import io.ferrite.common.CNumbers;

import io.ferrite.command.Digest;
import io.ferrite.command.Numbers;
import io.ferrite.command.family.DumpFamily;
import io.ferrite.command.family.FamilyUtil;
import io.ferrite.common.Log;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.LruClock;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.server.Directive;
import io.ferrite.engine.Shard;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.persistence.snapshot.ShardPart;
import io.ferrite.server.snapshot.FileKeys;
import io.ferrite.server.snapshot.ShardReload;
import io.ferrite.server.RdbPersistence;
import io.ferrite.scripting.Scripting;
import io.ferrite.server.snapshot.StartupLoad;
import io.ferrite.server.snapshot.ShardSerializer;
import io.ferrite.server.Server;
import io.ferrite.store.Bytes;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.Glob;
import io.ferrite.store.MemoryEstimate;
import io.ferrite.store.ValueType;
import io.ferrite.store.list.ListValue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Locale;

/**
 * DEBUG: the subcommands Redis's tests rely on that mean something for Ferrite. DEBUG's spec names
 * no keys, so it runs on the client's own thread, except DEBUG OBJECT, which the dispatcher sends
 * to the key's shard, and DIGEST, DIGEST-VALUE and POPULATE, which run on every shard
 * ({@link Everywhere}).
 */
public final class DebugFamily {
    /** Redis 7.0's DEBUG HELP lines for the subcommands Ferrite implements, in Redis's order. */
    private static final String[] HELP = {
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "OBJECT <key>",
        "    Show low level info about `key` and associated value.",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create <count> string keys named key:<num>. If <prefix> is specified then",
        "    it is used instead of the 'key' prefix. These are not propagated to",
        "    replicas. Cluster slots are not respected so keys not belonging to the",
        "    current node can be created in cluster mode.",
        "PROTOCOL <type>",
        "    Reply with a test value of the specified type. <type> can be: string,",
        "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
        "    true, false.",
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
        "    * MERGE: conflicting keys will be loaded from RDB.",
        "    * NOFLUSH: the existing database will not be removed before load, but",
        "      conflicting keys will generate an exception and kill the server.",
        "    * NOSAVE: the database will be loaded from an existing RDB file.",
        "    Examples:",
        "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
        "      the database.",
        "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
        "      existing RDB file.",
        "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
        "      file to the database.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not",
        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
        "    default.",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    Sets the threshold for elements to be inserted as plain vs packed nodes",
        "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
        "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
        "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "STRINGMATCH-TEST",
        "    Run a fuzz tester against the stringmatchlen() function.",
        "PAUSE-CRON <0|1>",
        "    Stop periodic cron job processing.",
        "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
        "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
        "    In case NEVER is provided the last observed peak will never be reset",
        "    In case RESET is provided the peak reset time will be restored to the default value",
        "REPLYBUFFER RESIZING <0|1>",
        "    Enable or disable the reply buffer resize cron job",
        "HELP",
        "    Prints this help.",
    };

    private DebugFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("debug", DebugFamily::debug, new Everywhere());
    }

    static void debug(Call c) {
        if (c.argIs(1, "help") && c.argc() == 2) {
            FamilyUtil.help(c, HELP);
        } else if (c.argIs(1, "object") && c.argc() == 3) {
            object(c);
        } else if (c.argIs(1, "set-active-expire") && c.argc() == 3) {
            Server.of(c).activeExpiry(CNumbers.atoll(c.argString(2)) != 0);
            c.reply().ok();
        } else if (c.argIs(1, "stringmatch-test") && c.argc() == 2) {
            stringMatchFuzz();
            c.reply().simple("Apparently Redis did not crash: test passed");
        } else if (c.argIs(1, "set-disable-deny-scripts") && c.argc() == 3) {
            Server.of(c).scripting().disableDenyScript(CNumbers.atoll(c.argString(2)) != 0);
            c.reply().ok();
        } else if (c.argIs(1, "pause-cron") && c.argc() == 3) {
            Server.of(c).pauseCron(CNumbers.atoll(c.argString(2)) != 0);
            c.reply().ok();
        } else if (c.argIs(1, "replybuffer") && c.argc() == 4) {
            replyBuffer(c);
        } else if (c.argIs(1, "protocol") && c.argc() == 3) {
            protocol(c);
        } else if (c.argIs(1, "set-skip-checksum-validation") && c.argc() == 3) {
            DumpFamily.skipChecksumValidation(CNumbers.atoll(c.argString(2)) != 0);
            c.reply().ok();
        } else if (c.argIs(1, "quicklist-packed-threshold") && c.argc() == 3) {
            quicklistPackedThreshold(c);
        } else if (c.argIs(1, "loadaof") && c.argc() == 2) {
            // answered once the files are loaded, as the server's own client runs their commands
            Server.of(c).aof().debugLoadAof(c.client.session());
        } else if (c.argIs(1, "aof-flush-sleep") && c.argc() == 3) {
            Server.of(c).aof().flushSleepMicros(CNumbers.atoll(c.argString(2)));
            c.reply().ok();
        } else if (c.argIs(1, "replicate") && c.argc() >= 3) {
            // Redis feeds its replicas the command as is, unchecked: a test's way to make them diverge
            if (c.effects() != null) {
                c.effects().addForReplicas(c.ks().index(), java.util.Arrays.copyOfRange(c.args, 2, c.argc()));
            }
            c.reply().ok();
        } else if (c.argIs(1, "log") && c.argc() == 3) {
            Log.warning("DEBUG LOG: " + c.argString(2));
            c.reply().ok();
        } else {
            c.reply().error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1)
                + "'. Try DEBUG HELP.");
        }
    }

    /**
     * DEBUG STRINGMATCH-TEST: the glob matcher on ten million random patterns and strings of up to
     * 31 bytes, as Redis's stringmatchlen_fuzz_test; the test passes if nothing throws (or overflows
     * the stack). It blocks this thread meanwhile, as Redis's runs on its only one.
     */
    static int stringMatchFuzz() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom();
        byte[] str = new byte[32];
        byte[] pat = new byte[32];
        int matches = 0;
        for (int cycle = 0; cycle < 10_000_000; cycle++) {
            int strlen = rnd.nextInt(str.length);
            int patlen = rnd.nextInt(pat.length);
            for (int j = 0; j < strlen; j++) {
                str[j] = (byte) rnd.nextInt(128);
            }
            for (int j = 0; j < patlen; j++) {
                pat[j] = (byte) rnd.nextInt(128);
            }
            matches += Glob.match(pat, 0, patlen, str, 0, strlen, false) ? 1 : 0;
        }
        return matches;
    }

    /**
     * DEBUG REPLYBUFFER: Redis's per-client reply buffer and its resizing cron. Replies here are
     * gathered in buffers sized per read batch and handed to Netty, so there is nothing to resize:
     * the arguments are checked as Redis checks them and the answer is Redis's.
     */
    static void replyBuffer(Call c) {
        if (c.argIs(2, "peak-reset-time")) {
            if (!c.argIs(3, "never") && !c.argIs(3, "reset")) {
                try {
                    Long.parseLong(c.argString(3));
                } catch (NumberFormatException e) {
                    c.reply().error("ERR value is not an integer or out of range");
                    return;
                }
            }
            c.reply().ok();
        } else if (c.argIs(2, "resizing")) {
            c.reply().ok();
        } else {
            c.reply().error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1)
                + "'. Try DEBUG HELP.");
        }
    }

    /** DEBUG QUICKLIST-PACKED-THRESHOLD: the element size from which list elements get a node of their own. */
    static void quicklistPackedThreshold(Call c) {
        long sz;
        try {
            sz = Directive.parseMemory(c.argString(2));
        } catch (NumberFormatException | ArithmeticException e) {
            sz = -1;
        }
        if (sz < 0 || !ListValue.setPackedThreshold(sz)) {
            c.reply().error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
            return;
        }
        c.reply().ok();
    }

    /** DEBUG PROTOCOL: one test value of each RESP3 type, downgraded for RESP2 as Redis's addReply* functions do. */
    static void protocol(Call c) {
        String type = c.argString(2).toLowerCase(Locale.ROOT);
        switch (type) {
            case "string" -> c.reply().bulk("Hello World");
            case "integer" -> c.reply().integer(12345);
            case "double" -> c.reply().dbl(3.141, Numbers.g17(3.141)
                .getBytes(StandardCharsets.US_ASCII));
            case "bignum" -> c.reply().bignum("1234567999999999999999999999999999999");
            case "null" -> c.reply().nil();
            case "array", "set" -> {
                if (type.equals("array")) {
                    c.reply().array(3);
                } else {
                    c.reply().set(3);
                }
                for (int j = 0; j < 3; j++) {
                    c.reply().integer(j);
                }
            }
            case "map" -> {
                c.reply().map(3);
                for (int j = 0; j < 3; j++) {
                    c.reply().integer(j);
                    c.reply().bool(j == 1);
                }
            }
            case "attrib" -> {
                if (c.reply().resp3()) {
                    c.reply().attribute(1);
                    c.reply().bulk("key-popularity");
                    c.reply().array(2);
                    c.reply().bulk("key:123");
                    c.reply().integer(90);
                }
                // an attribute is not a reply: a real one follows it
                c.reply().bulk("Some real reply following the attribute");
            }
            case "push" -> {
                if (!c.reply().resp3()) {
                    c.reply().error("ERR RESP2 is not supported by this command");
                    return;
                }
                c.reply().push(2);
                c.reply().bulk("server-cpu-usage");
                c.reply().integer(42);
                // a push is not the command's reply: a real one follows it
                c.reply().bulk("Some real reply following the push reply");
            }
            case "verbatim" -> c.reply().verbatim("This is a verbatim\nstring");
            case "true" -> c.reply().bool(true);
            case "false" -> c.reply().bool(false);
            default -> c.reply().error("ERR Wrong protocol type name. Please use one of the following: "
                + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }

    /** The whole-keyspace forms of DEBUG, each run with every shard held. */
    static final class Everywhere implements ShardedCommand {
        private final Digests digests = new Digests();
        private final Populate populate = new Populate();
        private final Reload reload = new Reload();
        private final Sleep sleep = new Sleep();

        private ShardedCommand form(byte[][] args) {
            if (sleep.handles(args)) {
                return sleep;
            }
            if (digests.handles(args)) {
                return digests;
            }
            if (reload.handles(args)) {
                return reload;
            }
            return populate.handles(args) ? populate : null;
        }

        @Override
        public boolean handles(byte[][] args) {
            return form(args) != null;
        }

        @Override
        public void before(Call call) {
            form(call.args).before(call);
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            return form(call.args).onShard(call, ks);
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            form(call.args).reply(call, parts);
        }
    }

    /**
     * DEBUG SLEEP seconds: Redis's one thread sleeps, so nothing else runs meanwhile (tests use it
     * to make a server stop answering). Here every shard is held while the client's thread sleeps:
     * commands from other clients wait for it, as they would in Redis; the replication thread
     * sleeps too (no PINGs, newlines or stream to the replicas meanwhile).
     */
    static final class Sleep implements ShardedCommand {
        @Override
        public boolean handles(byte[][] args) {
            return args.length == 3 && Bytes.is(args[1], "sleep");
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            return Boolean.TRUE;
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            // strtod: a bad number sleeps 0
            long micros = (long) (strtod(call.argString(2)) * 1_000_000);
            Server.of(call).replication().stall(micros);
            if (micros > 0) {
                try {
                    Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            call.reply().ok();
        }
    }

    /**
     * DEBUG POPULATE count [prefix] [size]: string keys prefix:0 .. prefix:count-1 holding
     * "value:N" (cut or zero-padded to {@code size} bytes), skipping keys that exist. Each shard
     * creates the keys it owns. Like Redis, the keys are not changes its dirty counter counts.
     */
    static final class Populate implements ShardedCommand {
        private static final String NOT_POSITIVE = "ERR value is out of range, must be positive";

        @Override
        public boolean handles(byte[][] args) {
            return args.length >= 3 && args.length <= 5 && Bytes.is(args[1], "populate");
        }

        /** getPositiveLongFromObjectOrReply on argument {@code i}: the value, or -1 when it is not one. */
        private static long positive(Call c, int i) {
            Long v = Bytes.parseLongStrict(c.arg(i));
            return v == null || v < 0 ? -1 : v;
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            long count = positive(call, 2);
            long size = call.argc() == 5 ? positive(call, 4) : 0;
            if (count < 0 || size < 0) {
                return null;
            }
            ShardKeyspace mine = (ShardKeyspace) ks;
            byte[] prefix = call.argc() >= 4 ? call.arg(3) : "key".getBytes(StandardCharsets.US_ASCII);
            long added = 0;
            for (long j = 0; j < count; j++) {
                byte[] n = Long.toString(j).getBytes(StandardCharsets.US_ASCII);
                byte[] key = new byte[prefix.length + 1 + n.length];
                System.arraycopy(prefix, 0, key, 0, prefix.length);
                key[prefix.length] = ':';
                System.arraycopy(n, 0, key, prefix.length + 1, n.length);
                if (mine.shard().engine.shardOf(key) != mine.shard() || ks.write(key) != null) {
                    continue;
                }
                byte[] text = ("value:" + j).getBytes(StandardCharsets.US_ASCII);
                byte[] value = size == 0 ? text : Arrays.copyOf(text, (int) Math.min(size, Integer.MAX_VALUE - 8));
                ks.add(key, ValueType.STRING, value,
                    value.length <= Encoding.EMBSTR_LIMIT ? Encoding.EMBSTR : Encoding.RAW);
                added++;
            }
            // Redis's DEBUG POPULATE leaves server.dirty alone
            ks.countChanges(-added);
            return null;
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            if (positive(call, 2) < 0 || (call.argc() == 5 && positive(call, 4) < 0)) {
                call.reply().error(NOT_POSITIVE);
            } else {
                call.reply().ok();
            }
        }
    }

    /**
     * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load, with every shard held. Saving,
     * each shard serialises its keys, empties its databases and loads its keys back from what it
     * wrote (the slot map sends every key of a shard's part back to it, so this is loading the file
     * the parts make), and the parts are written as the file. With NOSAVE the existing file is read
     * first, on the client's thread, and each shard adds its own keys of it. Redis kills itself on a
     * key loaded twice without MERGE; here the reload stops and answers an error.
     */
    static final class Reload implements ShardedCommand {
        private static final String LOAD_FAILED = "ERR Error trying to load the RDB dump, check server logs.";

        record Options(boolean save, boolean flush, boolean merge) {
        }

        /** The options, or null when one is not RELOAD's. */
        static Options options(byte[][] args) {
            boolean save = true;
            boolean flush = true;
            boolean merge = false;
            for (int j = 2; j < args.length; j++) {
                if (Bytes.is(args[j], "merge")) {
                    merge = true;
                } else if (Bytes.is(args[j], "noflush")) {
                    flush = false;
                } else if (Bytes.is(args[j], "nosave")) {
                    save = false;
                } else {
                    return null;
                }
            }
            return new Options(save, flush, merge);
        }

        @Override
        public boolean handles(byte[][] args) {
            return args.length >= 2 && Bytes.is(args[1], "reload");
        }

        /**
         * What the shards reloaded, summed across them, for INFO's rdb_last_load_keys_* (as rdbLoad
         * sets them); whether the file's libraries could not be created again (the file is still
         * written, and the keys stay as they are).
         */
        static final class Totals {
            final AtomicLong loaded = new AtomicLong();
            final AtomicLong expired = new AtomicLong();
            boolean librariesRefused;
        }

        /**
         * Runs with every shard held, before the shards' parts. The function libraries come first
         * in the file, so they are created first: with the default FLUSH they go beforehand
         * (emptyData takes them too), without it each already there is an error unless MERGE
         * replaces it, and the load stops there, before any key.
         */
        @Override
        public void before(Call call) {
            Options o = options(call.args);
            if (o == null || call.shared() != null) {
                return;
            }
            Server server = Server.of(call);
            Scripting scripting = server.scripting();
            if (o.save()) {
                Totals t = new Totals();
                List<byte[]> libraries = scripting.libraryCodes();
                if (o.flush()) {
                    scripting.flushLibraries();
                }
                try {
                    for (byte[] code : libraries) {
                        RdbPersistence.createLibrary(scripting, code, o.merge());
                    }
                } catch (RdbLoadException e) {
                    Log.warning(e.getMessage());
                    t.librariesRefused = true;
                }
                call.share(t);
                return;
            }
            if (o.flush()) {
                scripting.flushLibraries();
            }
            try {
                call.share(FileKeys.read(server.engine(), server.rdb().file(), server.rdb().limits(),
                    StartupLoad.lfuPolicy(server.config().get("maxmemory-policy")),
                    code -> RdbPersistence.createLibrary(scripting, code, o.merge())));
            } catch (RdbLoadException e) {
                Log.warning(e.getMessage());
                call.share(LOAD_FAILED);
            }
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            Options o = options(call.args);
            if (o == null) {
                return Boolean.FALSE;
            }
            Shard shard = ((ShardKeyspace) ks).shard();
            Server server = Server.of(call);
            try {
                if (o.save()) {
                    ShardPart part = ShardSerializer.serialise(shard, server.rdb().limits());
                    if (((Totals) call.shared()).librariesRefused) {
                        return new PersistenceFamily.Serialised(part, shard.stats.dirty());
                    }
                    RdbLoader.Result r = ShardReload.reload(shard, part, server.rdb().limits(), o.flush(), o.merge());
                    if (call.shared() instanceof Totals t) {
                        t.loaded.addAndGet(r.keysLoaded());
                        t.expired.addAndGet(r.keysExpired());
                    }
                    return new PersistenceFamily.Serialised(part, shard.stats.dirty());
                }
                if (!(call.shared() instanceof FileKeys keys)) {
                    return LOAD_FAILED;
                }
                ShardReload.load(shard, keys, o.flush(), o.merge());
                return Boolean.TRUE;
            } catch (RdbLoadException e) {
                Log.warning(e.getMessage());
                return LOAD_FAILED;
            }
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            Options o = options(call.args);
            if (o == null) {
                call.reply().error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
                return;
            }
            if (parts.contains(LOAD_FAILED)) {
                call.reply().error(LOAD_FAILED);
                return;
            }
            if (o.save() && !PersistenceFamily.writeParts(call, parts)) {
                // rdbSave failed: Redis answers its bare shared.err
                call.reply().error("ERR");
                return;
            }
            if (call.shared() instanceof Totals t && t.librariesRefused) {
                call.reply().error(LOAD_FAILED);
                return;
            }
            var state = Server.of(call).rdb().state();
            if (call.shared() instanceof Totals t) {
                state.loading(t.loaded.get(), t.expired.get());
            } else if (call.shared() instanceof FileKeys keys) {
                state.loading(keys.result.keysLoaded(), keys.result.keysExpired());
            }
            Log.warning("DB reloaded by DEBUG RELOAD");
            call.reply().ok();
        }
    }

    /**
     * DEBUG DIGEST and DIGEST-VALUE, with every shard held so the signature is of one moment. Like
     * Redis, they see the stored entries as they are, logically expired ones included. Each shard
     * returns, per database, the XOR of the SHA1s of its keys' digests (or, per key asked, the value's digest,
     * zeros where it does not hold the key); XOR-ing the shards' parts gives Redis's figures, and
     * DIGEST then mixes in each non-empty database's index in order, as computeDatasetDigest does.
     */
    static final class Digests implements ShardedCommand {
        @Override
        public boolean handles(byte[][] args) {
            return args.length >= 2 && (Bytes.is(args[1], "digest") && args.length == 2
                || Bytes.is(args[1], "digest-value"));
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            ShardKeyspace mine = (ShardKeyspace) ks;
            Digest d = new Digest();
            if (call.argIs(1, "digest-value")) {
                byte[][] values = new byte[call.argc() - 2][];
                for (int j = 2; j < call.argc(); j++) {
                    values[j - 2] = d.ofValue(mine.findStored(call.arg(j)));
                }
                return values;
            }
            int databases = mine.shard().databases();
            byte[][] perDb = new byte[databases][];
            for (int db = 0; db < databases; db++) {
                ShardKeyspace view = (ShardKeyspace) mine.other(db);
                byte[] x = new byte[Digest.SIZE];
                boolean[] any = {false};
                view.forEachStored(e -> {
                    // Redis XORs in the SHA1 of the key's digest, not the digest itself
                    d.xor(x, d.ofKey(e));
                    any[0] = true;
                });
                perDb[db] = any[0] ? x : null;
            }
            return perDb;
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            int n = ((byte[][]) parts.get(0)).length;
            byte[][] combined = new byte[n][];
            for (Object p : parts) {
                byte[][] part = (byte[][]) p;
                for (int i = 0; i < n; i++) {
                    if (part[i] != null) {
                        if (combined[i] == null) {
                            combined[i] = new byte[Digest.SIZE];
                        }
                        Digest.xorInto(combined[i], part[i]);
                    }
                }
            }
            if (call.argIs(1, "digest-value")) {
                call.reply().array(n);
                for (byte[] v : combined) {
                    call.reply().simple(Digest.hex(v));
                }
                return;
            }
            Digest d = new Digest();
            byte[] dataset = new byte[Digest.SIZE];
            for (int db = 0; db < n; db++) {
                if (combined[db] != null) {
                    d.mixDatabase(dataset, db);
                    Digest.xorInto(dataset, combined[db]);
                }
            }
            call.reply().simple(Digest.hex(dataset));
        }
    }

    /** DEBUG OBJECT: the key's object header as Redis prints it; the dispatcher runs it on the key's shard. */
    static void object(Call c) {
        // Redis looks the key up in the table itself: a logically expired key is still there
        Entry e = c.ks().stored(c.arg(2));
        if (e == null) {
            c.reply().error("ERR no such key");
            return;
        }
        long refcount = e.encoding() == Encoding.INT && isSharedInteger(e.bytes()) ? Integer.MAX_VALUE : 1;
        c.reply().simple("Value at:0x" + Long.toHexString(System.identityHashCode(e.value())) + " refcount:" + refcount
            + " encoding:" + e.encoding().redisName() + " serializedlength:" + serializedLength(e)
            + " lru:" + e.lru() + " lru_seconds_idle:" + LruClock.idleMillis(e.lru(), c.now()) / 1000);
    }

    private static boolean isSharedInteger(byte[] v) {
        Long n = Bytes.parseLongStrict(v);
        return n != null && n >= 0 && n < 10000;
    }

    /**
     * The length of the value's RDB encoding for strings (integer encodings and length prefixes as
     * rdbSaveObject writes them, without LZF compression); for collections, the sum of their
     * elements' sizes is not tracked, so the estimated memory is shown instead.
     */
    static long serializedLength(Entry e) {
        if (!(e.value() instanceof byte[] b)) {
            return e.value() instanceof MemoryEstimate.Sized s ? s.memory() : 0;
        }
        Long n = b.length <= 11 ? Bytes.parseLongStrict(b) : null;
        if (n != null) {
            if (n >= Byte.MIN_VALUE && n <= Byte.MAX_VALUE) {
                return 2;
            }
            if (n >= Short.MIN_VALUE && n <= Short.MAX_VALUE) {
                return 3;
            }
            if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                return 5;
            }
        }
        int prefix = b.length < 64 ? 1 : b.length < 16384 ? 2 : b.length <= 0xFFFFFFFFL ? 5 : 9;
        return prefix + b.length;
    }

    /** C's strtod: the longest leading number, 0 when there is none. */
    static double strtod(String s) {
        String t = s.stripLeading();
        java.util.regex.Matcher m = java.util.regex.Pattern
            .compile("^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?").matcher(t);
        if (!m.find()) {
            return 0;
        }
        try {
            return Double.parseDouble(m.group());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

}
