package io.ferrite.engine.command;

import io.ferrite.engine.Client;

/**
 * Redis's processCommand while a script runs past busy-reply-threshold: commands without the
 * allow-busy flag are refused with -BUSY. The scripting layer, which knows what runs, answers.
 */
@FunctionalInterface
public interface BusyGate {
    /** The error to refuse {@code cmd} with now, or null to let it through. */
    String refuse(Command cmd, Client client);
}
