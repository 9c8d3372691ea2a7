package io.ferrite.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferrite.command.family.Families;
import io.ferrite.engine.acl.Acl;
import io.ferrite.engine.acl.AclDescription;
import io.ferrite.engine.acl.AclRules;
import io.ferrite.engine.acl.UserRules;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.protocol.resp.InlineArgs;
import io.ferrite.server.commands.ServerCommands;
import io.ferrite.testing.DecoderFuzzing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz target for the ACL rule parser (Jazzer; see scripts/fuzz), over the server's whole command
 * table: the input is an ACL SETUSER's rules, split at spaces (a selector's parentheses joined as
 * ACL SETUSER joins them). Applying them either succeeds or is refused ({@link AclRules.Refused},
 * or an unmatched parenthesis) and never fails otherwise; and rules that apply describe the user
 * so that applying the description to a new user describes it the same (what ACL SAVE and ACL
 * LOAD rely on), except where Redis's own syntax cannot (see {@link #roundTrips}). Plain {@code mvn test} runs the corpus under
 * {@code src/test/resources/io/ferrite/server/AclRulesFuzzTestInputs/} and a bounded mutated run.
 */
class AclRulesFuzzTest {
    private static final Acl ACL = acl();

    private static Acl acl() {
        CommandRegistry registry = new CommandRegistry();
        Families.registerAll(registry);
        ServerCommands.registerAll(registry);
        return new Acl(registry.build(), InlineArgs::split);
    }

    @FuzzTest
    void aclRules(byte[] data) {
        check(data);
    }

    @Test
    @Timeout(120)
    void mutatedSeeds() {
        DecoderFuzzing.mutateSeeds(DecoderFuzzing.seeds(getClass(), "aclRules"), 5_000, 6379, AclRulesFuzzTest::check);
    }

    static void check(byte[] data) {
        UserRules rules;
        try {
            rules = AclRules.applied(null, split(data), ACL.context());
        } catch (AclRules.Refused | AclRules.UnmatchedParenthesis expected) {
            return;
        }
        if (!roundTrips(split(data))) {
            return;
        }
        byte[] description = AclDescription.user(rules, ACL.commands());
        UserRules again;
        try {
            // as ACL LOAD reads a saved line: words split at single spaces
            again = AclRules.applied(null, split(description), ACL.context());
        } catch (AclRules.Refused | AclRules.UnmatchedParenthesis e) {
            throw new AssertionError("the description " + DecoderFuzzing.visible(description) + " of "
                + DecoderFuzzing.visible(data) + " does not apply: " + e.getMessage(), e);
        }
        byte[] described = AclDescription.user(again, ACL.commands());
        if (!Arrays.equals(description, described)) {
            throw new AssertionError("rules " + DecoderFuzzing.visible(data) + " describe as " + DecoderFuzzing.visible(description)
                + ", which applied describes as " + DecoderFuzzing.visible(described));
        }
    }

    /**
     * Whether the rules' description can apply back at all: a word inside a selector that ends in
     * ')' (a key pattern {@code ~k)}) ends the selector early when the description is read again,
     * in Redis as here (ACLMergeSelectorArguments joins words up to the first that ends in ')').
     */
    private static boolean roundTrips(List<byte[]> ops) {
        List<byte[]> merged;
        try {
            merged = AclRules.mergeSelectors(ops);
        } catch (AclRules.UnmatchedParenthesis e) {
            return false;
        }
        for (byte[] op : merged) {
            if (readWriteAll(op)) {
                return false;
            }
            if (op.length >= 2 && op[0] == '(') {
                // a selector's words as the parser reads them (Redis's sdssplitargs: any white space,
                // quotes and escapes, which the description prints as they came out, so they are read
                // a second time on the way back, in Redis as here)
                byte[] inner = Arrays.copyOfRange(op, 1, op.length - 1);
                for (byte b : inner) {
                    if (b == '"' || b == '\'' || b == '\\') {
                        return false;
                    }
                }
                List<byte[]> words = ACL.context().splitter().apply(inner);
                if (words == null) {
                    return false;
                }
                for (byte[] word : words) {
                    if (readWriteAll(word)) {
                        return false;
                    }
                    if (word.length > 0 && word[word.length - 1] == ')') {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * A key pattern {@code %RW~*} (permissions in any order and case): Redis takes it as a pattern,
     * not as allkeys, so patterns may follow it, but describes it as {@code ~*}, which read back is
     * allkeys and refuses the patterns after it ({@code %RW~* %W~t:*} describes as
     * {@code ~* %W~t:*}, which does not apply; checked against Redis 7.0.15).
     */
    private static boolean readWriteAll(byte[] op) {
        if (op.length < 2 || op[0] != '%' || op[op.length - 1] != '*' || op[op.length - 2] != '~') {
            return false;
        }
        boolean read = false;
        boolean write = false;
        for (int i = 1; i < op.length - 2; i++) {
            int c = Character.toUpperCase(op[i]);
            if (c == 'R') {
                read = true;
            } else if (c == 'W') {
                write = true;
            } else {
                return false;
            }
        }
        return read && write;
    }

    private static List<byte[]> split(byte[] data) {
        List<byte[]> ops = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == ' ') {
                if (i > start) {
                    ops.add(Arrays.copyOfRange(data, start, i));
                }
                start = i + 1;
            }
        }
        return ops;
    }
}
