package io.ferrite.engine.acl;

/**
 * Why ACL rules refuse a call (Redis's ACL_DENIED_*), and for a key or channel the position of the
 * argument refused; ordered as Redis picks the one to report when several selectors refuse.
 */
public record Denial(Reason reason, int position) {
    /** In Redis's order of precedence: a later reason wins over an earlier one. */
    public enum Reason { COMMAND, KEY, AUTH, CHANNEL }

    static final Denial COMMAND = new Denial(Reason.COMMAND, 0);

    static Denial key(int position) {
        return new Denial(Reason.KEY, position);
    }

    static Denial channel(int position) {
        return new Denial(Reason.CHANNEL, position);
    }

    /** The -NOPERM error a refused command gets (Redis 7.0's processCommand). */
    public String error(String commandName) {
        return switch (reason) {
            case COMMAND -> "NOPERM this user has no permissions to run the '" + commandName + "' command";
            case KEY -> "NOPERM this user has no permissions to access one of the keys used as arguments";
            case CHANNEL -> "NOPERM this user has no permissions to access one of the channels used as arguments";
            case AUTH -> "NOPERM no permission";
        };
    }

    /** What a script's redis.call gets (Redis's getAclErrorMessage, after "The user executing the script "). */
    public String scriptError() {
        return "ERR The user executing the script " + switch (reason) {
            case COMMAND -> "can't run this command or subcommand";
            case KEY -> "can't access at least one of the keys mentioned in the command arguments";
            case CHANNEL -> "can't publish to the channel mentioned in the command";
            case AUTH -> "lacking the permissions for the command";
        };
    }

    /** What EXEC answers for a queued command the rules now refuse (Redis's execCommand). */
    public String execError() {
        return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
            + "This command is no longer allowed for the following reason: " + switch (reason) {
                case COMMAND -> "no permission to execute the command or subcommand";
                case KEY -> "no permission to touch the specified keys";
                case CHANNEL -> "no permission to access one of the channels used as arguments";
                case AUTH -> "no permission";
            };
    }

    /** ACL LOG's reason field. */
    public String logName() {
        return switch (reason) {
            case COMMAND -> "command";
            case KEY -> "key";
            case CHANNEL -> "channel";
            case AUTH -> "auth";
        };
    }
}
