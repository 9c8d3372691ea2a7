package io.ferrite.server;

import io.ferrite.common.Log;
import io.ferrite.engine.acl.Acl;
import io.ferrite.engine.acl.AclFile;
import io.ferrite.engine.acl.AclRules;
import io.ferrite.engine.acl.AclUser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The users a server starts with and the directives that shape them (Redis's ACLLoadUsersAtStartup):
 * requirepass as the default user's password, acl-pubsub-default, the config file's {@code user}
 * lines, or the ACL file, never both.
 */
public final class AclSetup {
    private AclSetup() {
    }

    public static void atStartup(Acl acl, ServerConfig config) {
        pubsubDefault(acl, config);
        requirePass(acl, config);
        List<ServerConfig.UserLine> lines = config.userLines();
        String aclfile = config.get("aclfile");
        if (!aclfile.isEmpty() && !lines.isEmpty()) {
            throw new StartupFailure("Configuring Redis with users defined in redis.conf and at the same setting an ACL "
                + "file path is invalid. This setup is very likely to lead to configuration errors and security holes, "
                + "please define either an ACL file or declare users directly in your redis.conf, but not both.");
        }
        List<String> seen = new ArrayList<>();
        for (ServerConfig.UserLine line : lines) {
            String name = line.words().get(0);
            List<byte[]> ops = new ArrayList<>();
            line.words().subList(1, line.words().size()).forEach(w -> ops.add(w.getBytes(StandardCharsets.UTF_8)));
            if (seen.contains(name)) {
                throw new ServerConfig.ConfigError(line.where(), line.shown(), "Error in user declaration '" + name
                    + "': Duplicate user found. A user can only be defined once in config files");
            }
            seen.add(name);
            try {
                if (AclRules.hasSpaces(name.getBytes(StandardCharsets.UTF_8))) {
                    throw new StartupFailure("Spaces not allowed in ACL usernames");
                }
                // as ACLLoadConfiguredUsers: the default user is reset first, then takes the line's rules
                List<byte[]> withReset = new ArrayList<>();
                if (name.equals(Acl.DEFAULT)) {
                    withReset.add("reset".getBytes(StandardCharsets.US_ASCII));
                }
                withReset.addAll(ops);
                acl.setUser(new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1), withReset);
            } catch (AclRules.Refused e) {
                throw new ServerConfig.ConfigError(line.where(), line.shown(), "Error in user declaration '"
                    + new String(e.op(), StandardCharsets.UTF_8) + "': " + e.getMessage());
            } catch (AclRules.UnmatchedParenthesis e) {
                throw new ServerConfig.ConfigError(line.where(), line.shown(), "Error in user declaration '"
                    + new String(e.start(), StandardCharsets.UTF_8) + "': Syntax error");
            }
        }
        if (!aclfile.isEmpty()) {
            String errors = load(acl, Path.of(config.get("dir")).resolve(aclfile), aclfile);
            if (errors != null) {
                throw new StartupFailure("Aborting Redis startup because of ACL errors: " + errors);
            }
        }
    }

    /** acl-pubsub-default: the channels users created from now on start with. */
    public static void pubsubDefault(Acl acl, ServerConfig config) {
        acl.allChannelsByDefault(config.get("acl-pubsub-default").equals("allchannels"));
    }

    /** requirepass: the default user's only password, nopass when empty (also on CONFIG SET). */
    public static void requirePass(Acl acl, ServerConfig config) {
        acl.defaultPassword(config.get("requirepass").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Loads the ACL file, replacing every user (ACL LOAD); returns the errors, in Redis's words,
     * when nothing changed. The users replaced are disconnected by the caller.
     */
    public static String load(Acl acl, Path file, String shownName) {
        return loadReplacing(acl, file, shownName, new ArrayList<>());
    }

    /** As {@link #load}, adding the users replaced to {@code replaced}. */
    public static String loadReplacing(Acl acl, Path file, String shownName, List<AclUser> replaced) {
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return "Error loading ACLs, opening file '" + shownName + "': No such file or directory";
        } catch (IOException e) {
            return "Error loading ACLs, opening file '" + shownName + "': " + e.getMessage();
        }
        AclFile.Parsed parsed = AclFile.parse(shownName, text, acl.context());
        if (parsed.errors() != null) {
            return parsed.errors();
        }
        replaced.addAll(acl.replaceAll(parsed.users()));
        return null;
    }

    /** ACL SAVE: the users written to a temporary file, then renamed over the ACL file; false (logged) on failure. */
    public static boolean save(Acl acl, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
            + System.currentTimeMillis());
        try {
            Files.write(tmp, AclFile.format(acl.users(), acl.commands()));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            Log.warning("Writing ACL file for ACL SAVE: " + e.getMessage());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the rename failed already; a leftover temp file is all that remains
            }
            return false;
        }
    }

    /** The users as config-file lines for CONFIG REWRITE; none when an ACL file keeps them. */
    public static List<String> userLines(Acl acl, ServerConfig config) {
        List<String> out = new ArrayList<>();
        if (config.get("aclfile").isEmpty()) {
            for (String line : new String(AclFile.format(acl.users(), acl.commands()), StandardCharsets.ISO_8859_1).split("\n")) {
                out.add(new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** A start-up the ACL configuration does not allow: Redis logs the reason and exits. */
    public static final class StartupFailure extends RuntimeException {
        StartupFailure(String message) {
            super(message);
        }
    }
}
