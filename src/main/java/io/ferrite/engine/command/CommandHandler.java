package io.ferrite.engine.command;

/** Runs one command on the thread that owns the keys it touches. */
@FunctionalInterface
public interface CommandHandler {
    void execute(Call call);
}
