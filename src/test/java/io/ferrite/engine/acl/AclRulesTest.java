package io.ferrite.engine.acl;

import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.CommandTable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rule language as pure functions: parsing, all-or-nothing application, checks and descriptions. */
class AclRulesTest {
    private static final CommandTable TABLE = table();
    private static final Acl ACL = new Acl(TABLE, AclRulesTest::split);

    private static CommandTable table() {
        CommandRegistry r = new CommandRegistry();
        for (String name : List.of("get", "set", "lpush", "mset", "copy", "select", "publish", "subscribe", "psubscribe",
                "flushall", "keys", "config|get", "config|set", "client|id", "client|kill", "ping")) {
            r.add(name, c -> { });
        }
        return r.build();
    }

    private static List<byte[]> split(byte[] s) {
        List<byte[]> out = new ArrayList<>();
        for (String w : new String(s, StandardCharsets.ISO_8859_1).trim().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    private static UserRules rules(String... ops) throws AclRules.Refused {
        List<byte[]> l = new ArrayList<>();
        for (String o : ops) {
            l.add(o.getBytes(StandardCharsets.ISO_8859_1));
        }
        return AclRules.applied(null, l, ACL.context());
    }

    private static Denial check(UserRules r, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        Command cmd = TABLE.lookup(argv[0]);
        if (cmd.hasSubcommands()) {
            cmd = cmd.subcommands().get(args[1]);
        }
        return ACL.check(r, cmd, argv);
    }

    private static String describe(UserRules r) {
        return new String(AclDescription.user(r, ACL.commands()), StandardCharsets.ISO_8859_1);
    }

    private static AclRuleError.Kind refusal(String... ops) {
        try {
            rules(ops);
        } catch (AclRules.Refused e) {
            return e.kind();
        }
        throw new AssertionError("rules applied: " + String.join(" ", ops));
    }

    @Test
    void aNewUserIsOffAndMayRunNothing() throws Exception {
        UserRules r = rules();
        assertThat(r.enabled()).isFalse();
        assertThat(r.allowsEverything()).isFalse();
        assertThat(describe(r)).isEqualTo("off resetchannels -@all");
        assertThat(check(r, "get", "k").reason()).isEqualTo(Denial.Reason.COMMAND);
    }

    @Test
    void commandsKeysAndChannelsAreCheckedInRedisOrder() throws Exception {
        UserRules r = rules("on", ">pw", "~app:*", "+get", "+mset", "&news.*", "+publish");
        assertThat(check(r, "get", "app:1")).isNull();
        assertThat(check(r, "get", "other")).isEqualTo(new Denial(Denial.Reason.KEY, 1));
        // the last key refused is reported
        assertThat(check(r, "mset", "app:1", "v", "x", "v")).isEqualTo(new Denial(Denial.Reason.KEY, 3));
        assertThat(check(r, "set", "app:1", "v").reason()).isEqualTo(Denial.Reason.COMMAND);
        assertThat(check(r, "publish", "news.1", "m")).isNull();
        assertThat(check(r, "publish", "sport", "m")).isEqualTo(new Denial(Denial.Reason.CHANNEL, 1));
        assertThat(check(r, "ping")).as("commands flagged no_auth need no permission").isNotNull();
    }

    @Test
    void readAndWritePatternsFollowTheKeySpecs() throws Exception {
        UserRules r = rules("+@all", "%R~ro:*", "%W~wo:*");
        assertThat(check(r, "get", "ro:1")).isNull();
        assertThat(check(r, "get", "wo:1")).isNotNull();
        assertThat(check(r, "set", "wo:1", "v")).isNull();
        // SET ... GET reads the key as well (VARIABLE_FLAGS: Redis's setGetKeys)
        assertThat(check(r, "set", "wo:1", "v", "GET")).isNotNull();
        assertThat(check(r, "copy", "ro:1", "wo:1")).isNull();
        assertThat(check(r, "copy", "wo:1", "ro:1")).isNotNull();
        assertThat(describe(rules("%RW~a", "%R~b", "%W~c"))).startsWith("off ~a %R~b %W~c resetchannels");
    }

    @Test
    void subcommandsAndFirstArguments() throws Exception {
        UserRules r = rules("+config|get", "+select|0");
        assertThat(check(r, "config", "get", "x")).isNull();
        assertThat(check(r, "config", "set", "x", "y").reason()).isEqualTo(Denial.Reason.COMMAND);
        assertThat(check(r, "select", "0")).isNull();
        assertThat(check(r, "select", "1")).isNotNull();
        assertThat(describe(r)).startsWith("off resetchannels -@all +").contains(" +config|get").contains(" +select|0");
        // allowing the container takes in every subcommand
        assertThat(check(rules("+config"), "config", "set", "x", "y")).isNull();
        assertThat(refusal("+config|get|x")).isEqualTo(AclRuleError.Kind.SUBCOMMAND_FIRST_ARG);
    }

    @Test
    void eachRefusalHasRedisReason() {
        assertThat(refusal("+nosuch")).isEqualTo(AclRuleError.Kind.UNKNOWN_NAME);
        assertThat(refusal("-@nosuch")).isEqualTo(AclRuleError.Kind.UNKNOWN_NAME);
        assertThat(refusal("bogus")).isEqualTo(AclRuleError.Kind.SYNTAX);
        assertThat(refusal("+get|")).isEqualTo(AclRuleError.Kind.SYNTAX);
        assertThat(refusal("%X~k")).isEqualTo(AclRuleError.Kind.SYNTAX);
        assertThat(refusal("allkeys", "~k")).isEqualTo(AclRuleError.Kind.KEY_AFTER_ALL);
        assertThat(refusal("allchannels", "&c")).isEqualTo(AclRuleError.Kind.CHANNEL_AFTER_ALL);
        assertThat(refusal("<never")).isEqualTo(AclRuleError.Kind.NO_SUCH_PASSWORD);
        assertThat(refusal("#abc")).isEqualTo(AclRuleError.Kind.BAD_HASH);
        assertThat(refusal("#" + "A".repeat(64))).isEqualTo(AclRuleError.Kind.BAD_HASH);
    }

    @Test
    void rulesApplyAllOrNothing() throws Exception {
        UserRules base = rules("on", "+get");
        String before = describe(base);
        List<byte[]> ops = List.of("+set".getBytes(), "+nosuch".getBytes());
        assertThatThrownBy(() -> AclRules.applied(base, ops, ACL.context()))
            .isInstanceOf(AclRules.Refused.class).hasMessage("Unknown command or category name in ACL");
        assertThat(describe(base)).isEqualTo(before);
    }

    @Test
    void passwordsAreKeptAsSha256() throws Exception {
        UserRules r = rules(">secret", ">secret", ">other", "<other");
        assertThat(AclDescription.passwords(r))
            .containsExactly("2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");
        assertThat(rules(">x", "nopass").passwords).isEmpty();
        assertThat(rules("nopass", ">x").nopass()).isFalse();
    }

    @Test
    void selectorsAllowWhatAnyOfThemAllows() throws Exception {
        List<byte[]> merged = AclRules.mergeSelectors(List.of("(+set".getBytes(), "~b*)".getBytes(), "+get".getBytes()));
        assertThat(merged).hasSize(2);
        assertThat(new String(merged.get(0))).isEqualTo("(+set ~b*)");
        assertThatThrownBy(() -> AclRules.mergeSelectors(List.of("(+set".getBytes(), "~b*".getBytes())))
            .isInstanceOf(AclRules.UnmatchedParenthesis.class);
        UserRules r = rules("+get", "~a*", "(+set ~b*)");
        assertThat(check(r, "get", "a1")).isNull();
        assertThat(check(r, "set", "b1", "v")).isNull();
        assertThat(check(r, "set", "a1", "v")).as("the more specific refusal wins: a key over a command")
            .isEqualTo(new Denial(Denial.Reason.KEY, 1));
        assertThat(describe(r)).isEqualTo("off ~a* resetchannels -@all +get (~b* resetchannels -@all +set)");
        assertThat(describe(rules("+get", "(+set)", "clearselectors"))).isEqualTo("off resetchannels -@all +get");
    }

    @Test
    void descriptionsApplyBackToTheSameRules() throws Exception {
        for (String[] ops : List.of(new String[] {"+@all", "-@dangerous", "-keys"}, new String[] {"-@all", "+@write", "-lpush"},
                new String[] {"allcommands", "-config|set", "~x", "&y"}, new String[] {"on", "#" + "a".repeat(64), "+@read"})) {
            String first = describe(rules(ops));
            String again = describe(rules(first.split(" ")));
            assertThat(again).as(String.join(" ", ops)).isEqualTo(first);
        }
    }

    @Test
    void resetReturnsToANewUser() throws Exception {
        assertThat(describe(rules("on", ">p", "+@all", "~*", "&*", "(+get)", "reset")))
            .isEqualTo("off sanitize-payload resetchannels -@all");
    }

    @Test
    void theAclFileLoadsOrReportsEveryError() {
        byte[] good = "user alice on >pw ~* +@all\n\nuser default on nopass +get\n".getBytes();
        AclFile.Parsed parsed = AclFile.parse("users.acl", good, ACL.context());
        assertThat(parsed.errors()).isNull();
        assertThat(parsed.users()).extracting(AclUser::name).containsExactly("alice", "default");
        byte[] bad = "user alice +nosuch\nfoo bar\nuser alice on\n".getBytes();
        assertThat(AclFile.parse("users.acl", bad, ACL.context()).errors()).isEqualTo(
            "users.acl:1: Error in applying operation '+nosuch': Unknown command or category name in ACL. "
                + "users.acl:2 should start with user keyword followed by the username. "
                + "WARNING: Duplicate user 'alice' found on line 3. "
                + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed");
        String saved = new String(AclFile.format(parsed.users(), ACL.commands()));
        assertThat(saved).startsWith("user alice on #").contains("\nuser default on nopass ");
    }
}
