package io.ferrite.store;

/**
 * A value other than a string (list, hash, set, sorted set, stream): it knows its encoding-aware
 * memory footprint and how to make an independent deep copy for COPY.
 */
public interface CollectionValue extends MemoryEstimate.Sized {
    CollectionValue copy();
}
