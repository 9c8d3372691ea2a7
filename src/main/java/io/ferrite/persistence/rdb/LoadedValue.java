package io.ferrite.persistence.rdb;

import io.ferrite.store.Encoding;
import io.ferrite.store.ValueType;

/** A value read from an RDB payload, ready to be stored under a key. */
public record LoadedValue(ValueType type, Object value, Encoding encoding) {
}
