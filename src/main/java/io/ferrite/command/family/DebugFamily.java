package io.ferrite.command.family;

import io.ferrite.command.Call;
import io.ferrite.command.CommandRegistry;

/**
 * DEBUG SLEEP, SET-ACTIVE-EXPIRE, OBJECT and HELP. DEBUG's spec names no keys, so it runs on the
 * client's own thread, except DEBUG OBJECT, which the dispatcher sends to the key's shard.
 */
public final class DebugFamily {
    private static final String[] HELP = {
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "AOF-FLUSH-SLEEP <microsec>",
        "    Server will sleep before flushing the AOF, this is used for testing.",
        "ASSERT",
        "    Crash by assertion failed.",
        "CHANGE-REPL-ID",
        "    Change the replication IDs of the instance.",
        "    Dangerous: should be used only for testing the replication subsystem.",
        "CONFIG-REWRITE-FORCE-ALL",
        "    Like CONFIG REWRITE but writes all configuration options, including",
        "    keywords not listed in original configuration file or default values.",
        "CRASH-AND-RECOVER [<milliseconds>]",
        "    Hard crash and restart after a <milliseconds> delay (default 0).",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "ERROR <string>",
        "    Return a Redis protocol error with <string> as message. Useful for clients",
        "    unit tests to simulate Redis errors.",
        "LEAK <string>",
        "    Create a memory leak of the input string.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "HTSTATS <dbid>",
        "    Return hash table statistics of the specified Redis database.",
        "HTSTATS-KEY <key>",
        "    Like HTSTATS but for the hash table stored at <key>'s value.",
        "LOADAOF",
        "    Flush the AOF buffers on disk and reload the AOF in memory.",
        "REPLICATE <string>",
        "    Replicates the provided string to replicas, allowing data divergence.",
        "MALLCTL <key> [<val>]",
        "    Get or set a malloc tuning integer.",
        "MALLCTL-STR <key> [<val>]",
        "    Get or set a malloc tuning string.",
        "OBJECT <key>",
        "    Show low level info about `key` and associated value.",
        "DROP-CLUSTER-PACKET-FILTER <packet-type>",
        "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
        "OOM",
        "    Crash the server simulating an out-of-memory error.",
        "PANIC",
        "    Crash the server simulating a panic.",
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
        "RESTART [<milliseconds>]",
        "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
        "SDSLEN <key>",
        "    Show low level SDS string info representing `key` and value.",
        "SEGFAULT",
        "    Crash the server with sigsegv.",
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
        "STRUCTSIZE",
        "    Return the size of different Redis core C structures.",
        "LISTPACK <key>",
        "    Show low level info about the listpack encoding of <key>.",
        "QUICKLIST <key> [<0|1>]",
        "    Show low level info about the quicklist encoding of <key>.",
        "    The optional argument (0 by default) sets the level of detail",
        "CLIENT-EVICTION",
        "    Show low level client eviction pools info (maxmemory-clients).",
        "PAUSE-CRON <0|1>",
        "    Stop periodic cron job processing.",
        "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
        "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
        "    In case NEVER is provided the last observed peak will never be reset",
        "    In case RESET is provided the peak reset time will be restored to the default value",
        "REPLYBUFFER RESIZING <0|1>",
        "    Enable or disable the reply buffer resize cron job",
        "CLUSTERLINK KILL <to|from|all> <node-id>",
        "    Kills the link based on the direction to/from (both) with the provided node.",
        "HELP",
        "    Prints this help.",
    };

    private DebugFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("debug", DebugFamily::debug);
    }

    static void debug(Call c) {
        if (c.argIs(1, "help") && c.argc() == 2) {
            FamilyUtil.help(c, HELP);
        } else if (c.argIs(1, "sleep") && c.argc() == 3) {
            // strtod: a bad number sleeps 0; sleeping blocks this thread, as Redis blocks its only one
            long micros = (long) (strtod(c.argString(2)) * 1_000_000);
            if (micros > 0) {
                try {
                    Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            c.reply.ok();
        } else if (c.argIs(1, "object") && c.argc() == 3) {
            object(c);
        } else if (c.argIs(1, "set-active-expire") && c.argc() == 3) {
            c.server.activeExpiry(atoi(c.argString(2)) != 0);
            c.reply.ok();
        } else {
            c.reply.error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1)
                + "'. Try DEBUG HELP.");
        }
    }

    /** DEBUG OBJECT: the key's object header as Redis prints it; the dispatcher runs it on the key's shard. */
    static void object(Call c) {
        io.ferrite.store.Entry e = c.ks.peek(c.arg(2));
        if (e == null) {
            c.reply.error("ERR no such key");
            return;
        }
        long refcount = e.encoding == io.ferrite.store.Encoding.INT && isSharedInteger(e.bytes()) ? Integer.MAX_VALUE : 1;
        c.reply.simple("Value at:0x" + Long.toHexString(System.identityHashCode(e.value)) + " refcount:" + refcount
            + " encoding:" + e.encoding.redisName() + " serializedlength:" + serializedLength(e)
            + " lru:" + e.lru + " lru_seconds_idle:" + io.ferrite.engine.LruClock.idleMillis(e.lru, c.now()) / 1000);
    }

    private static boolean isSharedInteger(byte[] v) {
        Long n = io.ferrite.store.Bytes.parseLongStrict(v);
        return n != null && n >= 0 && n < 10000;
    }

    /**
     * The length of the value's RDB encoding for strings (integer encodings and length prefixes as
     * rdbSaveObject writes them, without LZF compression); for collections, the sum of their
     * elements' sizes is not tracked, so the estimated memory is shown instead.
     */
    static long serializedLength(io.ferrite.store.Entry e) {
        if (!(e.value instanceof byte[] b)) {
            return e.value instanceof io.ferrite.store.MemoryEstimate.Sized s ? s.memory() : 0;
        }
        Long n = b.length <= 11 ? io.ferrite.store.Bytes.parseLongStrict(b) : null;
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

    /** C's atoi: leading digits with an optional sign, 0 when there are none. */
    static long atoi(String s) {
        String t = s.stripLeading();
        int i = 0;
        boolean neg = false;
        if (i < t.length() && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
            neg = t.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i)) && v < Integer.MAX_VALUE) {
            v = v * 10 + (t.charAt(i++) - '0');
        }
        return neg ? -v : v;
    }
}
