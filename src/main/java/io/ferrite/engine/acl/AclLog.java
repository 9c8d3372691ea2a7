package io.ferrite.engine.acl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;

/**
 * ACL LOG (Redis's ACLLog): the latest refusals, newest first. A refusal like one of the last ten
 * (same reason, context, object and user, within 60 s) bumps that entry's count and moves it to
 * the front instead of adding one. Written from whichever thread refused the command: guarded by
 * its own monitor, which only refusals and ACL LOG take.
 */
public final class AclLog {
    private static final long GROUPING_MILLIS = 60_000;
    private static final int GROUPING_SCAN = 10;

    /** Where the refused command ran (Redis's ACL_LOG_CTX_*). */
    public enum Context {
        TOPLEVEL, MULTI, LUA;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One entry, as ACL LOG shows it. */
    public record Entry(long count, String reason, Context context, byte[] object, byte[] username, long millis,
                        String clientInfo) {
        boolean sameAs(Entry o) {
            return reason.equals(o.reason) && context == o.context && Math.abs(millis - o.millis) <= GROUPING_MILLIS
                && Arrays.equals(object, o.object) && Arrays.equals(username, o.username);
        }
    }

    private final LinkedList<Entry> entries = new LinkedList<>();

    /** Records a refusal; {@code maxLen} is acllog-max-len. */
    public synchronized void add(Entry e, long maxLen) {
        int scanned = 0;
        for (var it = entries.listIterator(); it.hasNext() && scanned < GROUPING_SCAN; scanned++) {
            Entry old = it.next();
            if (old.sameAs(e)) {
                it.remove();
                entries.addFirst(new Entry(old.count + 1, old.reason, old.context, old.object, old.username, e.millis,
                    e.clientInfo));
                return;
            }
        }
        entries.addFirst(e);
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    /** The newest {@code count} entries. */
    public synchronized List<Entry> latest(long count) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (out.size() >= count) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    public synchronized void reset() {
        entries.clear();
    }
}
