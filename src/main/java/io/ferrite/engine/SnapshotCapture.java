package io.ferrite.engine;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.Db;
import io.ferrite.store.Entry;

/**
 * A shard's part of a fork-less snapshot in progress, as the keyspace sees it: before an entry of
 * the cut changes or goes away, {@link #preserve} saves it as it was. An entry is of the cut while
 * its snapshot mark differs from {@link #mark} (the cut flipped every database's mark, so new
 * entries carry it); preserving it sets the mark, so it is saved once whatever happens to it
 * later, and the snapshot's own walk skips it.
 */
@ShardConfined
public abstract class SnapshotCapture {
    private final int mark;

    protected SnapshotCapture(int mark) {
        this.mark = mark;
    }

    public final int mark() {
        return mark;
    }

    /** Whether {@code e} still holds its value of the cut and has not been saved yet. */
    public final boolean unsaved(Entry e) {
        return e.snapshotMark() != mark;
    }

    /** Saves {@code e}, which {@code db} holds and which is about to change, as of the cut; sets its mark. */
    protected abstract void preserve(Db db, Entry e);

    /** FLUSHALL: the save is given up (Redis kills its child); the walk still ends on its own. */
    protected abstract void abort();
}
