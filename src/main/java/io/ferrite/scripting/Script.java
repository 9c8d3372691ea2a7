package io.ferrite.scripting;

/** A script in the cache: its body (kept for SCRIPT EXISTS and for EVALSHA), its flags and its compiled function. */
record Script(String sha, byte[] body, ScriptFlags flags, int ref) {
}
