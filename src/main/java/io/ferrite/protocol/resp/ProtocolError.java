package io.ferrite.protocol.resp;

/** A malformed request: the connection gets {@code -ERR Protocol error: <message>} and is closed, as Redis does. */
public record ProtocolError(String message) {
}
