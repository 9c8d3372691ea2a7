package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.BlockTimeout;
import io.ferrite.command.Lookup;
import io.ferrite.engine.Blocking;
import io.ferrite.engine.Session;
import io.ferrite.engine.command.Blockable;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;

import java.util.Arrays;

/**
 * The blocking list and sorted-set commands (Redis 7.0 t_list.c, t_zset.c, blocked.c) and CLIENT
 * UNBLOCK. Each first tries its non-blocking form: the first of its keys that exists is served,
 * WRONGTYPE if it holds another type. When none exists the client blocks (see {@link Blockable});
 * inside MULTI/EXEC it answers as if timed out. A blocked client is served from the key that became
 * ready, as Redis 7.0 serves it, with the replies and notifications of the non-blocking form.
 */
public final class BlockingFamily {
    private BlockingFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("blpop", c -> pop(c, true));
        r.add("brpop", c -> pop(c, false));
        r.add("blmpop", BlockingFamily::blmpop);
        r.add("brpoplpush", c -> blmove(c, false, true, 3));
        r.add("blmove", BlockingFamily::blmove);
        r.add("bzpopmin", c -> zpop(c, false));
        r.add("bzpopmax", c -> zpop(c, true));
        r.add("bzmpop", BlockingFamily::bzmpop);
        r.add("client|unblock", BlockingFamily::clientUnblock);
    }

    /**
     * Redis's blockingPopGenericCommand and blockingGenericZpopCommand: serves from the first key
     * that exists (WRONGTYPE if it holds another type), or blocks on all of them.
     */
    private static void serveOrBlock(Call c, byte[][] keys, ValueType type, long deadline, Blockable how) {
        for (byte[] key : keys) {
            Entry e = c.ks().write(key);
            if (e == null) {
                continue;
            }
            if (Lookup.wrongType(c, e, type)) {
                return;
            }
            how.serve(c, key);
            return;
        }
        if (!c.mayBlock()) {
            c.reply().nilArray();
            return;
        }
        c.block(keys, deadline, how);
    }

    /** The entry at {@code key} if it holds {@code type}, else null: a waiter on a key of another type keeps waiting. */
    private static Entry holding(Call c, byte[] key, ValueType type) {
        Entry e = c.ks().write(key);
        return e != null && e.type() == type ? e : null;
    }

    // ---------------------------------------------------------------- lists

    static void pop(Call c, boolean head) {
        long deadline = BlockTimeout.deadline(c, c.argc() - 1, true);
        if (deadline < 0) {
            return;
        }
        serveOrBlock(c, Arrays.copyOfRange(c.args, 1, c.argc() - 1), ValueType.LIST, deadline, (call, key) -> {
            Entry e = holding(call, key, ValueType.LIST);
            if (e == null) {
                return false;
            }
            ListFamily.popWithKey(call, e, head);
            Propagated.as(call, head ? Propagated.LPOP : Propagated.RPOP, key);
            return true;
        });
    }

    static void blmpop(Call c) {
        MultiPop<ListFamily.End> a = MultiPop.parse(c, 2, ListFamily::position);
        if (a == null) {
            return;
        }
        long deadline = BlockTimeout.deadline(c, 1, true);
        if (deadline < 0) {
            return;
        }
        boolean head = a.end().head();
        long count = a.count();
        serveOrBlock(c, Arrays.copyOfRange(c.args, 3, 3 + a.numkeys()), ValueType.LIST, deadline, (call, key) -> {
            Entry e = holding(call, key, ValueType.LIST);
            if (e == null) {
                return false;
            }
            ListFamily.popManyWithKey(call, e, head, count);
            return true;
        });
    }

    static void blmove(Call c) {
        ListFamily.End from = ListFamily.position(c, 3);
        if (from == null) {
            return;
        }
        ListFamily.End to = ListFamily.position(c, 4);
        if (to == null) {
            return;
        }
        blmove(c, from.head(), to.head(), 5);
    }

    /** Redis's blmoveGenericCommand: LMOVE when the source exists, else block on the source alone. */
    static void blmove(Call c, boolean fromHead, boolean toHead, int timeoutArg) {
        long deadline = BlockTimeout.deadline(c, timeoutArg, true);
        if (deadline < 0) {
            return;
        }
        byte[] src = c.arg(1);
        byte[] dst = c.arg(2);
        Entry e = c.ks().write(src);
        if (Lookup.wrongType(c, e, ValueType.LIST)) {
            return;
        }
        if (e != null) {
            ListFamily.move(c, src, dst, fromHead, toHead);
            asMove(c, timeoutArg);
        } else if (!c.mayBlock()) {
            c.reply().nil();
        } else {
            c.block(new byte[][] {src}, deadline, new Blockable() {
                @Override
                public boolean serve(Call call, byte[] key) {
                    if (holding(call, key, ValueType.LIST) == null) {
                        return false;
                    }
                    // WRONGTYPE on the destination is the waiter's answer, as Redis 7.0 serves it
                    ListFamily.move(call, key, dst, fromHead, toHead);
                    asMove(call, timeoutArg);
                    return true;
                }

                @Override
                public byte[][] alsoTouches() {
                    return new byte[][] {dst};
                }
            });
        }
    }

    /** BRPOPLPUSH as RPOPLPUSH src dst, BLMOVE as LMOVE src dst wherefrom whereto (the client's words), as Redis propagates them. */
    private static void asMove(Call c, int timeoutArg) {
        if (timeoutArg == 3) {
            Propagated.as(c, Propagated.RPOPLPUSH, c.arg(1), c.arg(2));
        } else {
            Propagated.as(c, Propagated.LMOVE, c.arg(1), c.arg(2), c.arg(3), c.arg(4));
        }
    }

    // ---------------------------------------------------------------- sorted sets

    static void zpop(Call c, boolean max) {
        long deadline = BlockTimeout.deadline(c, c.argc() - 1, true);
        if (deadline < 0) {
            return;
        }
        serveOrBlock(c, Arrays.copyOfRange(c.args, 1, c.argc() - 1), ValueType.ZSET, deadline,
            zpopFrom(max, -1, false));
    }

    static void bzmpop(Call c) {
        MultiPop<ZSetFamily.End> a = MultiPop.parse(c, 2, ZSetFamily::end);
        if (a == null) {
            return;
        }
        long deadline = BlockTimeout.deadline(c, 1, true);
        if (deadline < 0) {
            return;
        }
        serveOrBlock(c, Arrays.copyOfRange(c.args, 3, 3 + a.numkeys()), ValueType.ZSET, deadline,
            zpopFrom(a.end() == ZSetFamily.End.MAX, a.count(), true));
    }

    /** BZPOPMIN/BZPOPMAX reply [key, member, score]; BZMPOP [key, [[member, score] ...]]. */
    private static Blockable zpopFrom(boolean max, long count, boolean nested) {
        return (call, key) -> {
            if (holding(call, key, ValueType.ZSET) == null) {
                return false;
            }
            ZSetFamily.genericPop(call, new byte[][] {key}, max, true, count, nested, nested);
            return true;
        };
    }

    // ---------------------------------------------------------------- CLIENT UNBLOCK

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: the reason is checked before the id, as Redis does. */
    static void clientUnblock(Call c) {
        boolean error = false;
        if (c.argc() == 4) {
            if (c.argIs(3, "error")) {
                error = true;
            } else if (!c.argIs(3, "timeout")) {
                c.reply().error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        } else if (c.argc() != 3) {
            c.reply().error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1)
                + "'. Try CLIENT HELP.");
            return;
        }
        Long id = Args.longOrReply(c, 2);
        if (id == null) {
            return;
        }
        Session target = c.server.session(id);
        c.reply().integer(target != null && Blocking.unblock(target.client(), error) ? 1 : 0);
    }
}
