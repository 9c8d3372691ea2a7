package io.ferrite.engine.acl;

/**
 * A named user. Its rules are replaced whole by ACL SETUSER (copy, change, publish), so a client
 * authenticated as it sees the new rules at its next command, as in Redis where clients point at
 * the user struct that ACL SETUSER changes in place.
 */
public final class AclUser {
    private final String name;
    private volatile UserRules rules;

    AclUser(String name, UserRules rules) {
        this.name = name;
        this.rules = rules;
    }

    /** The name, one char per byte (ISO-8859-1). */
    public String name() {
        return name;
    }

    public byte[] nameBytes() {
        return name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    public UserRules rules() {
        return rules;
    }

    void rules(UserRules r) {
        rules = r;
    }
}
