/**
 * The append-only file applied to the running server: the writer thread reading the effects feed,
 * fsync policies and the durability wait of appendfsync always, BGREWRITEAOF at a consistent cut
 * ({@link io.ferrite.server.aof.BaseAtCut}), start-up loading through the dispatcher as Redis's AOF
 * client, CONFIG SET appendonly, and INFO's aof_* fields. The file formats are
 * {@code io.ferrite.persistence.aof}.
 */
package io.ferrite.server.aof;
