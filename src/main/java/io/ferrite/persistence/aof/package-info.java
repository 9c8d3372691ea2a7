/**
 * Redis 7.0's multi-part append-only file, as files: the manifest ({@link io.ferrite.persistence.aof.AofManifest}),
 * the directory that holds it and its files ({@link io.ferrite.persistence.aof.AofDirectory}), commands
 * written as feedAppendOnlyFile writes them ({@link io.ferrite.persistence.aof.AofBuffer}), read as
 * loadSingleAppendOnlyFile reads them ({@link io.ferrite.persistence.aof.AofCommandReader}), and the
 * load of a manifest's files in order ({@link io.ferrite.persistence.aof.AofLoader}). Nothing here
 * knows the engine: {@code io.ferrite.server.aof} feeds it the effects feed and runs the commands.
 */
package io.ferrite.persistence.aof;
