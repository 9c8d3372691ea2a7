package io.ferrite.engine.command;

/** Command flags as Redis's command specs name them (command_flags). */
public enum CommandFlag {
    WRITE, READONLY, DENYOOM, ADMIN, PUBSUB, NOSCRIPT, BLOCKING, LOADING, STALE, SKIP_MONITOR,
    SKIP_SLOWLOG, ASKING, FAST, NO_AUTH, MAY_REPLICATE, SENTINEL, ONLY_SENTINEL, NO_MANDATORY_KEYS,
    PROTECTED, NO_ASYNC_LOADING, NO_MULTI, MOVABLE_KEYS, ALLOW_BUSY, TOUCHES_ARBITRARY_KEYS;

    public long bit() {
        return 1L << ordinal();
    }

    /** The lower-case name COMMAND INFO prints. */
    public String replyName() {
        return switch (this) {
            case NO_AUTH -> "no_auth";
            case MAY_REPLICATE -> "may_replicate";
            case SKIP_MONITOR -> "skip_monitor";
            case SKIP_SLOWLOG -> "skip_slowlog";
            case NO_MANDATORY_KEYS -> "no_mandatory_keys";
            case NO_ASYNC_LOADING -> "no_async_loading";
            case NO_MULTI -> "no_multi";
            case MOVABLE_KEYS -> "movablekeys";
            case ALLOW_BUSY -> "allow_busy";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
