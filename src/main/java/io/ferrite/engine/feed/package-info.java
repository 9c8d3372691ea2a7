/**
 * The effects feed: every change to the keyspace as the commands Redis 7.0 would propagate to its
 * AOF and replicas, in one global order. What the AOF writer and replication read.
 * <p>
 * A reader calls {@code engine.feed().subscribe()} and reads {@link io.ferrite.engine.feed.FeedEntry}s
 * with {@code poll()}, {@code drain(...)} or {@code take(timeout, unit)} from one thread, each entry
 * a database index and an argv, or the MULTI / EXEC bracketing a group to apply atomically; it
 * closes its subscription when done. Writers are the shard threads: the engine opens an
 * {@link io.ferrite.engine.feed.Effects} unit around each command (Redis's call()), a whole EXEC,
 * and each serve of a blocked client; handlers shape what their unit holds through
 * {@code Call.propagateAs}, {@code Call.alsoPropagate} and {@code Call.preventPropagation}.
 * <p>
 * Thread-safety: appends are lock-free from any thread; a unit belongs to one thread at a time;
 * a subscription to its reader. With no subscriber the write path pays one volatile read.
 */
package io.ferrite.engine.feed;



