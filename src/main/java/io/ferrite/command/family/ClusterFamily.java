package io.ferrite.command.family;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;

/**
 * CLUSTER and the cluster connection commands (READONLY, READWRITE, ASKING) as Redis 7.0 answers
 * them with cluster-enabled no, which is the only mode Ferrite runs in: every subcommand exists
 * (COMMAND lists them, arity is checked) and answers that cluster support is disabled.
 */
public final class ClusterFamily {
    static final String DISABLED = "ERR This instance has cluster support disabled";

    private ClusterFamily() {
    }

    public static void register(CommandRegistry r) {
        for (String name : r.specNames()) {
            if (name.startsWith("cluster ")) {
                r.add("cluster|" + name.substring("cluster ".length()), ClusterFamily::disabled);
            }
        }
        r.add("readonly", ClusterFamily::disabled);
        r.add("readwrite", ClusterFamily::disabled);
        r.add("asking", ClusterFamily::disabled);
    }

    private static void disabled(Call c) {
        c.reply().error(DISABLED);
    }
}
