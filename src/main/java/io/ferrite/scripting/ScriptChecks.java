package io.ferrite.scripting;

import io.ferrite.engine.command.Call;

/** Redis 7.0's scriptPrepareForRun: what a script's shebang flags refuse before it starts, in Redis's words. */
final class ScriptChecks {
    private ScriptChecks() {
    }

    /** The error refusing the run, or null. */
    static String beforeRun(Call call, ScriptFlags flags, boolean ro) {
        boolean obey = call.client.master();
        boolean stale = call.server.staleDataRefused();
        if (flags.compat()) {
            return stale && !obey ? "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'." : null;
        }
        if (stale && !flags.has(ScriptFlags.Flag.ALLOW_STALE)) {
            return "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' "
                + "and 'allow-stale' flag is not set on the script.";
        }
        if (!flags.has(ScriptFlags.Flag.NO_WRITES)) {
            if (call.server.readOnlyReplica() && !obey) {
                return "READONLY Can not run script with write flag on readonly replica";
            }
            String disk = call.server.writesDeniedBecause();
            if (disk != null && !obey) {
                return disk.startsWith("MISCONF") ? disk + " Writable scripts are blocked. Use 'no-writes' flag for read only scripts." : disk;
            }
            if (ro) {
                return "ERR Can not execute a script with write flag using *_ro command.";
            }
            String replicas = call.server.replicasDenyWrites();
            if (replicas != null) {
                return replicas;
            }
        }
        if (call.server.engine().overMaxMemory() && !obey
            && !flags.has(ScriptFlags.Flag.ALLOW_OOM) && !flags.has(ScriptFlags.Flag.NO_WRITES)) {
            return "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";
        }
        return null;
    }
}
