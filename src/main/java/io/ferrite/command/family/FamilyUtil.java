package io.ferrite.command.family;

import io.ferrite.command.Call;

/** Small reply helpers shared by the server-side families. */
final class FamilyUtil {
    private FamilyUtil() {
    }

    /** Redis's addReplyHelp: the lines as status replies in one array. */
    static void help(Call c, String[] lines) {
        c.reply.array(lines.length);
        for (String l : lines) {
            c.reply.simple(l);
        }
    }
}
