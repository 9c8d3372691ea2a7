package io.ferrite.engine.acl;

import java.util.ArrayList;
import java.util.List;

/**
 * A user's rules (Redis's user struct without its name): on/off, passwords as SHA-256 hex digests,
 * nopass, the payload-sanitising flag and the selectors, the root one first. Rules are applied to
 * a {@link #copy} and the copy published whole, so a command being checked never sees half a change.
 */
public final class UserRules {
    /** Redis's sanitize-payload / skip-sanitize-payload flags: neither until set, or reset. */
    enum Sanitize { UNSET, SANITIZE, SKIP }

    boolean enabled;
    boolean nopass;
    Sanitize sanitize = Sanitize.UNSET;
    final List<String> passwords;
    final List<Selector> selectors;
    /** Whether the root selector allows every command, key and channel: the check's fast path. */
    private boolean everything;

    /** A new user's rules: off, no password, no permissions ({@code allChannels} per acl-pubsub-default). */
    UserRules(boolean allChannels) {
        passwords = new ArrayList<>();
        selectors = new ArrayList<>();
        selectors.add(new Selector(allChannels));
    }

    private UserRules(UserRules o) {
        enabled = o.enabled;
        nopass = o.nopass;
        sanitize = o.sanitize;
        passwords = new ArrayList<>(o.passwords);
        selectors = new ArrayList<>();
        for (Selector s : o.selectors) {
            selectors.add(s.copy());
        }
    }

    UserRules copy() {
        return new UserRules(this);
    }

    Selector root() {
        return selectors.get(0);
    }

    /** Computes the fast-path flag; called once the rules are final. */
    UserRules seal() {
        everything = root().allowsEverything();
        return this;
    }

    /** True when any command on any key and channel is allowed: the per-command check is skipped. */
    public boolean allowsEverything() {
        return everything;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean nopass() {
        return nopass;
    }

    /** Whether RESTORE payloads of this user skip deep sanitising (skip-sanitize-payload). */
    public boolean skipsSanitizing() {
        return sanitize == Sanitize.SKIP;
    }
}
