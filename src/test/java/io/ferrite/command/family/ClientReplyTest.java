package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.bulks;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

/** CLIENT REPLY ON / OFF / SKIP as Redis 7.0 applies them, pub/sub pushes included. */
class ClientReplyTest extends FerriteTest {
    private static final String PONG_MARK = bulk("mark");

    /** Sends without reading: a command whose reply is expected to be dropped. */
    private static void silent(RawClient c, String... cmd) {
        c.send(RawClient.encode(cmd));
    }

    @Test
    void offSilencesEveryReplyUntilOn() {
        RawClient c = raw();
        silent(c, "CLIENT", "REPLY", "OFF");
        silent(c, "SET", "a", "1");
        silent(c, "GET", "a");
        silent(c, "NOPE");
        silent(c, "CLIENT", "REPLY", "SKIP");
        assertThat(c.call("CLIENT", "REPLY", "ON")).isEqualTo(OK);
        assertThat(c.call("GET", "a")).isEqualTo(bulk("1"));
    }

    @Test
    void skipSilencesOnlyTheNextCommand() {
        RawClient c = raw();
        silent(c, "CLIENT", "REPLY", "SKIP");
        silent(c, "PING", "first");
        assertThat(c.call("PING", "mark")).isEqualTo(PONG_MARK);
        // SKIP twice in a row: the second SKIP is itself skipped and arms the skip again
        silent(c, "CLIENT", "REPLY", "SKIP");
        silent(c, "CLIENT", "REPLY", "SKIP");
        silent(c, "PING", "skipped");
        assertThat(c.call("PING", "mark")).isEqualTo(PONG_MARK);
    }

    @Test
    void onRightAfterSkipIsAnswered() {
        RawClient c = raw();
        silent(c, "CLIENT", "REPLY", "SKIP");
        // Redis's unit/introspection "CLIENT REPLY ON: unset SKIP flag"
        assertThat(c.call("CLIENT", "REPLY", "ON")).isEqualTo(OK);
        assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void skipOfACommandAnsweredByAnotherShard() {
        RawClient c = raw();
        silent(c, "CLIENT", "REPLY", "SKIP");
        silent(c, "MSET", "a", "1", "b", "2", "c", "3", "d", "4");
        assertThat(c.call("MGET", "a", "d")).isEqualTo(bulks("1", "4"));
    }

    @Test
    void resetUnderSkipIsSkippedAndTurnsRepliesOn() {
        RawClient c = raw();
        silent(c, "CLIENT", "REPLY", "OFF");
        assertThat(c.call("RESET")).isEqualTo("+RESET\r\n");
        silent(c, "CLIENT", "REPLY", "SKIP");
        silent(c, "RESET");
        assertThat(c.call("PING", "mark")).isEqualTo(PONG_MARK);
    }

    @Test
    void subscriptionConfirmationsAndMessagesArriveWithRepliesOffInResp2() {
        RawClient sub = raw();
        RawClient pub = raw();
        silent(sub, "CLIENT", "REPLY", "OFF");
        sub.send(RawClient.encode("SUBSCRIBE", "ch"));
        assertThat(sub.readReply()).isEqualTo("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
        sub.send(RawClient.encode("PSUBSCRIBE", "c*"));
        assertThat(sub.readReply()).isEqualTo("*3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:2\r\n");
        silent(sub, "PING");
        assertThat(pub.call("PUBLISH", "ch", "hi")).isEqualTo(integer(2));
        assertThat(sub.readReply()).isEqualTo(bulks("message", "ch", "hi"));
        assertThat(sub.readReply()).isEqualTo(bulks("pmessage", "c*", "ch", "hi"));
        sub.send(RawClient.encode("UNSUBSCRIBE", "ch"));
        assertThat(sub.readReply()).isEqualTo("*3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:1\r\n");
        sub.send(RawClient.encode("PUNSUBSCRIBE", "c*"));
        assertThat(sub.readReply()).isEqualTo("*3\r\n$12\r\npunsubscribe\r\n$2\r\nc*\r\n:0\r\n");
    }

    @Test
    void pushesArriveWithRepliesOffInResp3() {
        // Redis's unit/pubsub "PubSub messages with CLIENT REPLY OFF"
        RawClient sub = raw();
        RawClient pub = raw();
        assertThat(sub.call("HELLO", "3")).startsWith("%7\r\n");
        silent(sub, "CLIENT", "REPLY", "OFF");
        sub.send(RawClient.encode("SUBSCRIBE", "channel"));
        assertThat(sub.readReply()).isEqualTo(">3\r\n$9\r\nsubscribe\r\n$7\r\nchannel\r\n:1\r\n");
        sub.send(RawClient.encode("PSUBSCRIBE", "ch*"));
        assertThat(sub.readReply()).isEqualTo(">3\r\n$10\r\npsubscribe\r\n$3\r\nch*\r\n:2\r\n");
        silent(sub, "SET", "k", "v");
        assertThat(pub.call("PUBLISH", "channel", "hello")).isEqualTo(integer(2));
        assertThat(sub.readReply()).isEqualTo(">3\r\n$7\r\nmessage\r\n$7\r\nchannel\r\n$5\r\nhello\r\n");
        assertThat(sub.readReply()).isEqualTo(">4\r\n$8\r\npmessage\r\n$3\r\nch*\r\n$7\r\nchannel\r\n$5\r\nhello\r\n");
        sub.send(RawClient.encode("UNSUBSCRIBE", "channel"));
        assertThat(sub.readReply()).isEqualTo(">3\r\n$11\r\nunsubscribe\r\n$7\r\nchannel\r\n:1\r\n");
        sub.send(RawClient.encode("PUNSUBSCRIBE", "ch*"));
        assertThat(sub.readReply()).isEqualTo(">3\r\n$12\r\npunsubscribe\r\n$3\r\nch*\r\n:0\r\n");
    }

    @Test
    void anArityErrorOfSubscribeIsStillSilenced() {
        RawClient c = raw();
        silent(c, "CLIENT", "REPLY", "SKIP");
        silent(c, "SUBSCRIBE");
        assertThat(c.call("PING", "mark")).isEqualTo(PONG_MARK);
    }
}
