package io.ferrite.testing;

import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Values of every type in every encoding DUMP writes (keys are named after the encoding each gets
 * under the default settings), for the DUMP / RESTORE tests within Ferrite and against Redis.
 */
public final class DumpDataset {
    private DumpDataset() {
    }

    /** Builds the data set: keys named after the encoding each should have. */
    public static List<String[]> dataset() {
        List<String[]> cmds = new ArrayList<>();
        cmds.add(new String[] {"SET", "str:int", "12345"});
        cmds.add(new String[] {"SET", "str:embstr", "hello"});
        cmds.add(new String[] {"SET", "str:raw", "x".repeat(100)});
        cmds.add(new String[] {"SET", "str:bigint", "-9223372036854775808"});
        cmds.add(new String[] {"RPUSH", "list:small", "a", "1", "-2"});
        List<String> big = new ArrayList<>(List.of("RPUSH", "list:big"));
        for (int i = 0; i < 1000; i++) {
            big.add(i % 3 == 0 ? Integer.toString(i * 1000) : "element-" + i);
        }
        cmds.add(big.toArray(String[]::new));
        cmds.add(new String[] {"RPUSH", "list:huge", "a", "y".repeat(10_000), "b"});
        cmds.add(new String[] {"SADD", "set:intset", "1", "2", "-5", "100000", "5000000000"});
        cmds.add(new String[] {"SADD", "set:hashtable", "a", "b", "1"});
        cmds.add(new String[] {"HSET", "hash:listpack", "f1", "v1", "f2", "2", "3", ""});
        List<String> bigH = new ArrayList<>(List.of("HSET", "hash:hashtable"));
        for (int i = 0; i < 300; i++) {
            bigH.add("field" + i);
            bigH.add(i % 2 == 0 ? Integer.toString(i) : "value" + i);
        }
        cmds.add(bigH.toArray(String[]::new));
        cmds.add(new String[] {"ZADD", "zset:listpack", "1.5", "a", "-0.25", "b", "3", "c", "1e100", "d", "inf", "e",
            "-inf", "f", "0.1", "g", "5", "42"});
        List<String> bigZ = new ArrayList<>(List.of("ZADD", "zset:skiplist"));
        for (int i = 0; i < 300; i++) {
            bigZ.add(Double.toString(i / 7.0));
            bigZ.add("member" + i);
        }
        cmds.add(bigZ.toArray(String[]::new));
        cmds.add(new String[] {"XADD", "stream:groups", "1-1", "f", "v", "n", "1"});
        cmds.add(new String[] {"XADD", "stream:groups", "1-2", "f", "w"});
        cmds.add(new String[] {"XADD", "stream:groups", "2-0", "other", "x"});
        cmds.add(new String[] {"XADD", "stream:groups", "18446744073709551614-5", "f", "y", "n", "-77"});
        cmds.add(new String[] {"XDEL", "stream:groups", "1-2"});
        cmds.add(new String[] {"XGROUP", "CREATE", "stream:groups", "g1", "0"});
        cmds.add(new String[] {"XGROUP", "CREATE", "stream:groups", "g2", "$"});
        cmds.add(new String[] {"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "stream:groups", ">"});
        cmds.add(new String[] {"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "1", "STREAMS", "stream:groups", ">"});
        cmds.add(new String[] {"XGROUP", "CREATECONSUMER", "stream:groups", "g2", "carol"});
        cmds.add(new String[] {"XADD", "stream:empty", "MAXLEN", "0", "5-1", "f", "v"});
        for (int i = 1; i <= 250; i++) {
            cmds.add(new String[] {"XADD", "stream:nodes", i + "-0", "field", "value" + i});
        }
        return cmds;
    }

    public static final String[] KEYS = {"str:int", "str:embstr", "str:raw", "str:bigint", "list:small", "list:big",
        "list:huge", "set:intset", "set:hashtable", "hash:listpack", "hash:hashtable", "zset:listpack",
        "zset:skiplist", "stream:groups", "stream:empty", "stream:nodes"};

    public static void load(Jedis j) {
        for (String[] c : dataset()) {
            byte[][] rest = new byte[c.length - 1][];
            for (int i = 1; i < c.length; i++) {
                rest[i - 1] = c[i].getBytes(StandardCharsets.UTF_8);
            }
            j.sendCommand(() -> c[0].getBytes(StandardCharsets.UTF_8), rest);
        }
    }

}
