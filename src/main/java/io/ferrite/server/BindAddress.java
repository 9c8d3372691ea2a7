package io.ferrite.server;

import java.util.ArrayList;
import java.util.List;

/**
 * One address of a `bind` value as Redis reads it: a leading '-' makes it optional (failing to
 * bind it is not fatal), and "*" and "::*" stand for every IPv4 and every IPv6 address.
 */
public record BindAddress(String host, boolean optional) {
    /** The addresses of a `bind` value, in the order given; none for an empty value (bind ""). */
    public static List<BindAddress> parse(String bind) {
        List<BindAddress> out = new ArrayList<>();
        if (bind.isBlank()) {
            return out;
        }
        for (String addr : bind.trim().split("\\s+")) {
            boolean optional = addr.startsWith("-");
            String host = optional ? addr.substring(1) : addr;
            host = switch (host) {
                case "*" -> "0.0.0.0";
                case "::*" -> "::";
                default -> host;
            };
            out.add(new BindAddress(host, optional));
        }
        return out;
    }
}
