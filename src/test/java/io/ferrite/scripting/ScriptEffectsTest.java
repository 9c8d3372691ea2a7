package io.ferrite.scripting;

import io.ferrite.engine.feed.FeedEntry;
import io.ferrite.engine.feed.FeedSubscription;
import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A script propagates its effects, not itself (Redis 7.0): the writes it ran, in its database,
 * wrapped in MULTI/EXEC when there are several; a read-only script, or one whose writes all
 * failed, propagates nothing.
 */
class ScriptEffectsTest extends FerriteTest {
    private static List<String> drain(FeedSubscription s) {
        List<String> out = new ArrayList<>();
        s.drain(e -> out.add(text(e)));
        return out;
    }

    private static String text(FeedEntry e) {
        if (e.kind() != FeedEntry.Kind.COMMAND) {
            return e.kind().name();
        }
        StringBuilder sb = new StringBuilder().append(e.db());
        for (byte[] a : e.argv()) {
            sb.append(' ').append(new String(a, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    @Test
    void aScriptPropagatesTheWritesItRan() {
        Server own = ownServer(Map.of());
        RawClient c = raw(own.respPort());
        try (FeedSubscription s = own.engine().feed().subscribe()) {
            c.call("EVAL", "redis.call('set', KEYS[1], 'x') redis.call('incr', 'counter:' .. ARGV[1]) "
                + "redis.call('expire', KEYS[1], 100) return redis.call('get', KEYS[1])", "1", "k", "7");
            c.call("EVAL", "return redis.call('get', 'k')", "0");
            c.call("EVAL", "return redis.call('set', 'solo', '1')", "0");
            c.call("EVAL", "redis.pcall('incr', 'k') return 1", "0");
            c.call("EVAL", "redis.call('select', 3) redis.call('set', 'in3', 'v') redis.call('del', 'in3')", "0");
            List<String> feed = drain(s);
            assertThat(feed).hasSize(10);
            assertThat(feed.subList(0, 3)).containsExactly("MULTI", "0 set k x", "0 incr counter:7");
            assertThat(feed.get(3)).startsWith("0 PEXPIREAT k ");
            assertThat(feed.subList(4, 10)).containsExactly("EXEC", "0 set solo 1", "MULTI", "3 set in3 v", "3 del in3", "EXEC")
                .doesNotContain("0 incr k");
        }
    }

    private static String targets(FeedEntry e) {
        return (e.goesTo(FeedEntry.AOF) ? "a" : "") + (e.goesTo(FeedEntry.REPLICAS) ? "r" : "");
    }

    @Test
    void setReplSendsTheFollowingCallsWhereItSays() {
        Server own = ownServer(Map.of());
        RawClient c = raw(own.respPort());
        try (FeedSubscription s = own.engine().feed().subscribe()) {
            c.call("EVAL", "redis.call('set', 'all', '1') redis.set_repl(redis.REPL_NONE) redis.call('set', 'none', '1') "
                + "redis.set_repl(redis.REPL_AOF) redis.call('set', 'aof', '1') "
                + "redis.set_repl(redis.REPL_REPLICA) redis.call('set', 'replica', '1') "
                + "redis.set_repl(redis.REPL_ALL) redis.call('set', 'again', '1')", "0");
            c.call("EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'hidden', '1') "
                + "redis.set_repl(redis.REPL_ALL) redis.call('set', 'shown', '1')", "0");
            List<String> feed = new ArrayList<>();
            s.drain(e -> feed.add(text(e) + "/" + targets(e)));
            // Redis 7.0: a command with no target is not propagated at all, so the second script's one write goes alone
            assertThat(feed).containsExactly("MULTI/ar", "0 set all 1/ar", "0 set aof 1/a", "0 set replica 1/r",
                "0 set again 1/ar", "EXEC/ar", "0 set shown 1/ar");
        }
        assertThat(c.call("MGET", "none", "hidden")).isEqualTo("*2\r\n$1\r\n1\r\n$1\r\n1\r\n");
    }
}
