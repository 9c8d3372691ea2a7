package io.ferrite.command.family;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.Notify;
import io.ferrite.reply.Reply;
import io.ferrite.server.Server;
import io.ferrite.store.BytesKey;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;
import io.ferrite.testing.TestServers;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ferrite.testing.Replies.NIL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keyspace events and wake-ups the stream commands report, checked by running the handlers on a
 * keyspace that records them (t_stream.c's notifyKeyspaceEvent and signalKeyAsReady calls).
 */
class StreamNotificationsTest {
    /** A plain map keyspace that records notify and signalReady calls. */
    static final class RecordingKeyspace implements Keyspace {
        final Map<BytesKey, Entry> data = new HashMap<>();
        final List<String> events = new ArrayList<>();
        final List<String> ready = new ArrayList<>();
        int modifications;

        @Override
        public int index() {
            return 0;
        }

        @Override
        public long now() {
            return 1_000_000;
        }

        @Override
        public Entry read(byte[] key) {
            return data.get(new BytesKey(0, key));
        }

        @Override
        public Entry peek(byte[] key) {
            return read(key);
        }

        @Override
        public Entry write(byte[] key) {
            return read(key);
        }

        @Override
        public Entry add(byte[] key, ValueType type, Object value, Encoding encoding) {
            Entry e = Entry.detached(key);
            e.set(type, value, encoding);
            data.put(new BytesKey(0, key), e);
            return e;
        }

        @Override
        public void replace(Entry e, ValueType type, Object value, Encoding encoding) {
            e.set(type, value, encoding);
        }

        @Override
        public Entry setString(byte[] key, byte[] value, Encoding encoding, boolean keepTtl) {
            return add(key, ValueType.STRING, value, encoding);
        }

        @Override
        public boolean delete(byte[] key) {
            return data.remove(new BytesKey(0, key)) != null;
        }

        @Override
        public void lazyFreed(byte[] key, long objects) {
        }

        @Override
        public void expire(Entry e, long at) {
        }

        @Override
        public void modified(Entry e, long memoryDelta) {
            modifications++;
        }

        @Override
        public void resized(Entry e, long memoryDelta) {
        }

        @Override
        public int size() {
            return data.size();
        }

        @Override
        public Keyspace other(int db) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void notify(Notify type, String event, byte[] key) {
            assertThat(type).isEqualTo(Notify.STREAM);
            events.add(event + " " + new String(key, StandardCharsets.UTF_8));
        }

        @Override
        public void signalReady(byte[] key) {
            ready.add(new String(key, StandardCharsets.UTF_8));
        }
    }

    private final Server server = TestServers.shared(1);
    private final RecordingKeyspace ks = new RecordingKeyspace();

    private String run(String... words) {
        byte[][] args = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            args[i] = words[i].getBytes(StandardCharsets.UTF_8);
        }
        Command cmd = server.engine().commands().lookup(words[0].toLowerCase());
        if (cmd.hasSubcommands()) {
            cmd = cmd.subcommands().get(words[1].toLowerCase());
        }
        Call call = new Call(cmd, args, null, server);
        var out = Unpooled.buffer();
        call.reply(new Reply(out, 2, null));
        call.ks(ks);
        cmd.handler().execute(call);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void entryCommandsReportTheirEvents() {
        run("XADD", "s", "1-1", "a", "1");
        run("XADD", "s", "MAXLEN", "1", "2-1", "a", "1");
        run("XADD", "s", "MAXLEN", "5", "3-1", "a", "1");
        assertThat(ks.events).containsExactly("xadd s", "xadd s", "xtrim s", "xadd s");
        assertThat(ks.ready).containsExactly("s", "s", "s");
        ks.events.clear();
        run("XDEL", "s", "9-9");
        run("XDEL", "s", "2-1");
        run("XTRIM", "s", "MAXLEN", "5");
        run("XTRIM", "s", "MAXLEN", "0");
        run("XSETID", "s", "9-9");
        assertThat(ks.events).containsExactly("xdel s", "xtrim s", "xsetid s");
        assertThat(run("XADD", "t", "NOMKSTREAM", "1-1", "a", "1")).isEqualTo(NIL);
        assertThat(ks.ready).containsExactly("s", "s", "s");
    }

    @Test
    void groupCommandsReportTheirEvents() {
        run("XADD", "s", "1-1", "a", "1");
        ks.events.clear();
        ks.ready.clear();
        ks.modifications = 0;
        run("XGROUP", "CREATE", "s", "g", "0");
        run("XGROUP", "CREATE", "s", "g", "0");
        run("XGROUP", "SETID", "s", "g", "0");
        run("XGROUP", "CREATECONSUMER", "s", "g", "alice");
        run("XGROUP", "CREATECONSUMER", "s", "g", "alice");
        run("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">");
        run("XCLAIM", "s", "g", "carol", "0", "1-1");
        run("XCLAIM", "s", "g", "dave", "0", "7-7");
        run("XAUTOCLAIM", "s", "g", "erin", "0", "0");
        run("XGROUP", "DELCONSUMER", "s", "g", "alice");
        run("XGROUP", "DELCONSUMER", "s", "g", "nobody");
        run("XGROUP", "DESTROY", "s", "g");
        run("XGROUP", "DESTROY", "s", "g");
        assertThat(ks.events).containsExactly("xgroup-create s", "xgroup-setid s", "xgroup-createconsumer s",
            "xgroup-createconsumer s", "xgroup-createconsumer s", "xgroup-createconsumer s",
            "xgroup-delconsumer s", "xgroup-destroy s");
        // only the group's destruction wakes readers (to tell blocked XREADGROUPs it is gone)
        assertThat(ks.ready).containsExactly("s");
        assertThat(ks.modifications).isZero();
    }
}
