package io.ferrite.persistence.aof;

/**
 * A manifest Redis would refuse to start with: the reason in Redis's words, and the line it was
 * found at (aofLoadManifestFromFile's "FATAL AOF MANIFEST FILE ERROR" report).
 */
public final class AofManifestException extends Exception {
    private final int lineNumber;
    private final String line;

    public AofManifestException(String reason, int lineNumber, String line) {
        super(reason);
        this.lineNumber = lineNumber;
        this.line = line;
    }

    /** The lines Redis logs before exiting. */
    public java.util.List<String> report() {
        java.util.List<String> l = new java.util.ArrayList<>();
        l.add("\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
        if (line != null) {
            l.add("Reading the manifest file, at line " + lineNumber + "\n");
            l.add(">>> '" + line + "'\n");
        }
        l.add(getMessage() + "\n");
        return l;
    }
}
