package io.ferrite.architecture;

import io.ferrite.engine.acl.AclUser;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.ferrite.common.ShardConfined;
import io.ferrite.engine.CallRunner;
import io.ferrite.engine.Client;
import io.ferrite.engine.Session;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package layering, from the bottom: the building blocks (store: data structures; common,
 * reply, stats) <- engine (shards, execution, pub/sub, tracking, what a command is) and, beside it,
 * persistence (the RDB format, over store and common only) <- command (the command families) <-
 * protocol and server (network, configuration, server commands, metrics).
 * A package may use only the layers below it, and no two top-level packages depend on each other.
 */
class LayeringTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ferrite");
    }

    @Test
    void layersUseOnlyTheLayersBelowThem() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Blocks").definedBy("io.ferrite.store..", "io.ferrite.common..", "io.ferrite.reply..", "io.ferrite.stats..")
            .layer("Engine").definedBy("io.ferrite.engine..")
            .layer("Persistence").definedBy("io.ferrite.persistence..")
            .layer("Commands").definedBy("io.ferrite.command..")
            .layer("Scripting").definedBy("io.ferrite.scripting..")
            .layer("Protocol").definedBy("io.ferrite.protocol..")
            .layer("Server").definedBy("io.ferrite.server..")
            .whereLayer("Server").mayNotBeAccessedByAnyLayer()
            .whereLayer("Protocol").mayOnlyBeAccessedByLayers("Server")
            .whereLayer("Commands").mayOnlyBeAccessedByLayers("Protocol", "Server")
            .whereLayer("Scripting").mayOnlyBeAccessedByLayers("Server")
            .whereLayer("Engine").mayOnlyBeAccessedByLayers("Commands", "Scripting", "Protocol", "Server")
            .whereLayer("Persistence").mayOnlyBeAccessedByLayers("Commands", "Scripting", "Server")
            .check(classes);
    }

    /**
     * The protocols hand their requests to the engine through its public entry only (a session, its
     * client, calls of a command table, {@link CallRunner}), never to shards or keyspaces directly:
     * so every request is timed, counted and run as the engine runs commands. A memcached login
     * carries the ACL user it logged in as ({@link AclUser}), as a client does.
     */
    @Test
    void protocolsReachTheEngineOnlyThroughItsEntry() {
        noClasses().that().resideInAPackage("io.ferrite.protocol..")
            .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.ferrite.engine..")
                .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(
                    Session.class, Client.class, CallRunner.class, Call.class, Command.class, CommandTable.class,
                    AclUser.class))))
            .check(classes);
    }

    /** The data structures stand alone; their one word of Ferrite is the thread-ownership annotation. */
    @Test
    void theDataStructuresDependOnNothingElseOfFerrite() {
        noClasses().that().resideInAPackage("io.ferrite.store..")
            .should().dependOnClassesThat(resideInAnyPackage("io.ferrite.engine..", "io.ferrite.command..",
                "io.ferrite.protocol..", "io.ferrite.server..", "io.ferrite.common..", "io.ferrite.reply..", "io.ferrite.stats..")
                .and(not(type(ShardConfined.class))))
            .check(classes);
    }

    /** A shard's data is changed through its methods, which keep memory accounting and encodings in step. */
    @Test
    void shardConfinedDataHasNoPublicMutableFields() {
        fields().that().areDeclaredInClassesThat().resideInAPackage("io.ferrite.store..")
            .and().areDeclaredInClassesThat().areAnnotatedWith(ShardConfined.class)
            .and().arePublic()
            .should().beFinal()
            .check(classes);
    }

    /**
     * The network side reaches a shard's data only through the engine, on the shard's thread. The
     * server's own command handlers (DEBUG, OBJECT ...) run on the shard through a Call like any
     * family, and server.snapshot serialises and loads a shard's entries as a part of SAVE / DEBUG
     * RELOAD on that shard's thread; memcached's handlers live in command.memcached.
     */
    @Test
    void shardConfinedDataIsNotReachedFromTheNetworkSide() {
        noClasses().that().resideInAnyPackage("io.ferrite.protocol..", "io.ferrite.server..")
            .and().resideOutsideOfPackages("io.ferrite.server.commands..", "io.ferrite.server.snapshot..")
            .should().dependOnClassesThat(resideInAPackage("io.ferrite.store..").and(annotatedWith(ShardConfined.class)))
            .check(classes);
    }

    /** Persistence sits beside the engine: it reads and writes the data structures, and knows nothing of commands or the network. */
    @Test
    void persistenceUsesOnlyTheBuildingBlocks() {
        noClasses().that().resideInAPackage("io.ferrite.persistence..")
            .should().dependOnClassesThat().resideInAnyPackage("io.ferrite.engine..", "io.ferrite.command..",
                "io.ferrite.protocol..", "io.ferrite.server..", "io.ferrite.reply..", "io.ferrite.stats..")
            .check(classes);
    }

    @Test
    void topLevelPackagesAreFreeOfCycles() {
        slices().matching("io.ferrite.(*)..").should().beFreeOfCycles().check(classes);
    }

    /** An inline fully-qualified name hides a dependency from the file's imports, where readers and tools look. */
    @Test
    void ferriteClassesAreImportedNotNamedInline() throws IOException {
        Pattern inline = Pattern.compile("(?<![\\w.])io\\.ferrite\\.(?:[a-z_][a-z0-9_]*\\.)*[A-Z]\\w*");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String[] lines = withoutCommentsAndStrings(Files.readString(p)).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    String line = lines[i].strip();
                    if (line.startsWith("import ") || line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = inline.matcher(line);
                    if (m.find()) {
                        found.add(p + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        assertThat(found).isEmpty();
    }

    /** The source with comments and string literals blanked (line breaks kept, so line numbers hold). */
    static String withoutCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                for (int k = i; k < end; k++) {
                    if (s.charAt(k) == '\n') {
                        out.append('\n');
                    }
                }
                i = end;
            } else if (c == '"' || c == '\'') {
                out.append(c);
                i++;
                while (i < s.length() && s.charAt(i) != c) {
                    i += s.charAt(i) == '\\' ? 2 : 1;
                }
                out.append(c);
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
