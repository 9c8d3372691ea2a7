package io.ferrite.engine.command;

/** The configuration as handlers read it: current values by directive name. */
public interface Settings {
    String get(String name);

    int getInt(String name);

    long getLong(String name);

    boolean getBool(String name);

    /** Whether a protected setting ({@code enable-debug-command} ...) allows a client at {@code clientAddr}. */
    boolean allows(String setting, String clientAddr);
}
