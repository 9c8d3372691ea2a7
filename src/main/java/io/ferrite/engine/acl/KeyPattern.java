package io.ferrite.engine.acl;

import java.util.Arrays;

/** A key pattern of a selector and the permissions it grants ({@link AclCommands#READ}, {@link AclCommands#WRITE}). */
record KeyPattern(byte[] pattern, int perms) {
    KeyPattern withPerms(int more) {
        return new KeyPattern(pattern, perms | more);
    }

    boolean samePattern(byte[] other) {
        return Arrays.equals(pattern, other);
    }

    /** As ACL LIST prints it: {@code ~p}, {@code %R~p} or {@code %W~p}. */
    String prefix() {
        return perms == AclCommands.READ_WRITE ? "~" : perms == AclCommands.READ ? "%R~" : "%W~";
    }
}
