package io.ferrite.engine;

import io.ferrite.engine.command.Command;
import io.ferrite.store.Bytes;

/**
 * MOVE and COPY ... DB name a second database: a cross-shard run must gather the keys from it too.
 */
final class OtherDatabase {
    private OtherDatabase() {
    }

    static int of(Command cmd, byte[][] args) {
        String n = cmd.fullName();
        if (n.equals("move") && args.length == 3) {
            return parse(args[2]);
        }
        if (n.equals("copy")) {
            // as copyCommand parses: the last DB option wins
            int db = -1;
            for (int i = 3; i < args.length; i++) {
                if (Bytes.is(args[i], "replace")) {
                    continue;
                }
                if (Bytes.is(args[i], "db") && i + 1 < args.length) {
                    db = parse(args[++i]);
                    continue;
                }
                break;
            }
            return db;
        }
        return -1;
    }

    private static int parse(byte[] b) {
        Long v = Bytes.parseLongStrict(b);
        return v == null || v < 0 || v > 1 << 20 ? -1 : v.intValue();
    }
}
