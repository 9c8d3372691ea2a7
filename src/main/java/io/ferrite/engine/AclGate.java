package io.ferrite.engine;

import io.ferrite.engine.acl.AclCommands;
import io.ferrite.engine.acl.AclLog;
import io.ferrite.engine.acl.AclUser;
import io.ferrite.engine.acl.Denial;
import io.ferrite.engine.acl.UserRules;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.Host;
import io.ferrite.store.Bytes;

/**
 * The ACL check every path runs before a command (Redis's ACLCheckAllPerm, then addACLLogEntry
 * when refused): the dispatcher for a request, EXEC for each queued command, a script for each
 * redis.call. A user allowed everything costs one flag read.
 */
public final class AclGate {
    private AclGate() {
    }

    /**
     * Null when {@code client}'s user may run the call, else the refusal, already in the ACL log
     * under {@code context}; {@code shown} is the client whose CLIENT LIST line the log keeps (a
     * script's caller).
     */
    public static Denial refused(Host server, Client client, Client shown, Command cmd, byte[][] args,
                                 AclLog.Context context) {
        AclUser user = client.user;
        if (user == null) {
            return null;
        }
        UserRules rules = user.rules();
        if (rules.allowsEverything()) {
            return null;
        }
        Denial d = server.engine().acl().check(rules, cmd, args);
        if (d != null) {
            byte[] object = d.reason() == Denial.Reason.COMMAND ? Bytes.of(cmd.fullName()) : args[d.position()];
            log(server, shown, d.logName(), context, object, user.nameBytes());
        }
        return d;
    }

    /**
     * Whether the call's user may read any key (Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess
     * with CMD_KEY_ACCESS): SORT's BY and GET patterns reach keys no argument names.
     */
    public static boolean readsEveryKey(Call call) {
        AclUser user = call.client.user;
        if (user == null || user.rules().allowsEverything()) {
            return true;
        }
        return call.server.engine().acl().allowsOnAnyKey(user.rules(), call.command, call.args, AclCommands.READ);
    }

    /** Adds an ACL log entry for {@code shown} (a refused command, or a failed AUTH with reason "auth"). */
    public static void log(Host server, Client shown, String reason, AclLog.Context context, byte[] object, byte[] username) {
        server.engine().acl().log().add(new AclLog.Entry(1, reason, context, object, username, System.currentTimeMillis(),
            server.clientInfo(shown.id)), server.config().getLong("acllog-max-len"));
    }
}
