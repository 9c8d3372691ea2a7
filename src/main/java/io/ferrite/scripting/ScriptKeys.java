package io.ferrite.scripting;

import io.ferrite.engine.command.CommandFlag;
import io.ferrite.engine.command.CommandKeys;
import io.ferrite.store.Bytes;

import java.util.Locale;

/**
 * The keys and flags of EVAL, EVALSHA and FCALL calls. Their keys are numkeys arguments from the
 * fourth on, but a script may reach any key, so the engine holds every shard and runs it on the
 * script thread. Their flags are the script's (Redis's evalGetCommandFlags and
 * scriptFlagsToCmdFlags): a script declaring no-writes is not a write for CLIENT PAUSE WRITE, OOM or
 * a read-only replica, while one without a shebang keeps EVAL's own flags.
 */
final class ScriptKeys implements CommandKeys {
    /** EVAL, EVALSHA, FCALL; LIBRARY: FUNCTION LOAD, DELETE, FLUSH, RESTORE, which run library code and name no keys. */
    enum Kind { EVAL, EVALSHA, FCALL, LIBRARY }

    private final Scripting scripting;
    private final Kind kind;

    ScriptKeys(Scripting scripting, Kind kind) {
        this.scripting = scripting;
        this.kind = kind;
    }

    @Override
    public void positions(byte[][] args, Sink sink) {
        if (kind == Kind.LIBRARY) {
            return;
        }
        Long n = args.length > 2 ? Bytes.parseLongStrict(args[2]) : null;
        if (n == null || n < 0 || n > args.length - 3) {
            return;
        }
        for (int i = 0; i < n; i++) {
            sink.key(3 + i, 0);
        }
    }

    @Override
    public boolean undeclared(byte[][] args) {
        return true;
    }

    @Override
    public boolean runsLong(byte[][] args) {
        return true;
    }

    @Override
    public long flags(byte[][] args, long declared) {
        if (args.length < 2 || kind == Kind.LIBRARY) {
            return declared;
        }
        ScriptFlags flags = scriptFlags(args[1]);
        if (flags == null || flags.compat()) {
            return declared;
        }
        long f = declared & ~(CommandFlag.STALE.bit() | CommandFlag.DENYOOM.bit() | CommandFlag.WRITE.bit()
            | CommandFlag.MAY_REPLICATE.bit());
        if (!flags.has(ScriptFlags.Flag.ALLOW_OOM) && !flags.has(ScriptFlags.Flag.NO_WRITES)) {
            f |= CommandFlag.DENYOOM.bit();
        }
        if (!flags.has(ScriptFlags.Flag.NO_WRITES)) {
            f |= CommandFlag.WRITE.bit();
        }
        if (flags.has(ScriptFlags.Flag.ALLOW_STALE)) {
            f |= CommandFlag.STALE.bit();
        }
        return f;
    }

    /** The flags of the script or function named, or null when it is not known (its command's flags apply). */
    private ScriptFlags scriptFlags(byte[] name) {
        switch (kind) {
            case LIBRARY -> {
                return null;
            }
            case FCALL -> {
                Functions.Function fn = scripting.functions().function(Scripting.text(name));
                return fn == null ? null : new ScriptFlags(false, fn.flags(), 0);
            }
            case EVALSHA -> {
                Script s = name.length == 40 ? scripting.cached(Scripting.text(name).toLowerCase(Locale.ROOT)) : null;
                return s == null ? null : s.flags();
            }
            default -> {
                Script s = scripting.cached(Sha1.hex(name));
                if (s != null) {
                    return s.flags();
                }
                try {
                    return ScriptFlags.of(name);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
    }
}
