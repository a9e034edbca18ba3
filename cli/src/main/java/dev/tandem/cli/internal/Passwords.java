package dev.tandem.cli.internal;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds the database password. Never a command-line value: those show in {@code ps} and in shell history. Stateless.
 */
public final class Passwords {
    private Passwords() {}

    /** Environment variables tried, in order, when neither option is given. */
    static final String[] DEFAULT_VARIABLES = {"TANDEM_PASSWORD", "PGPASSWORD"};

    /**
     * Where a password came from, for the debug log; never the password itself.
     *
     * @param password the password, or {@code null} to connect without one
     * @param source {@code environment variable X}, {@code file Y}, or {@code none}
     */
    public record Resolved(@Nullable String password, String source) {
        @Override
        public String toString() {
            return "password from " + source; // never the password
        }
    }

    /**
     * {@return the password: from the file, from the named environment variable, or else from {@code TANDEM_PASSWORD}
     * then {@code PGPASSWORD}; none if neither option is given and neither variable is set}
     *
     * @param variable the {@code --password-env} value, or {@code null}
     * @param file the {@code --password-file} value, or {@code null}
     * @param env the environment
     * @throws UsageException if both options are given, the named variable is unset or empty, or the file cannot be
     *     read or is empty
     */
    public static Resolved resolve(@Nullable String variable, @Nullable Path file, Map<String, String> env) {
        if (variable != null && file != null) {
            throw new UsageException("Give the password with --password-env or with --password-file, not both");
        }
        if (file != null) {
            return new Resolved(read(file), "file " + file);
        }
        if (variable != null) {
            String value = env.get(variable);
            if (value == null || value.isEmpty()) {
                throw new UsageException("The environment variable " + variable + " named by --password-env is "
                        + (value == null ? "not set" : "empty")
                        + "; set it to the database password, or name another with --password-env");
            }
            return new Resolved(value, "environment variable " + variable);
        }
        for (String name : DEFAULT_VARIABLES) {
            String value = env.get(name);
            if (value != null && !value.isEmpty()) {
                return new Resolved(value, "environment variable " + name);
            }
        }
        // trust or peer authentication, or ~/.pgpass, which pgjdbc reads itself
        return new Resolved(null, "none");
    }

    private static String read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("The password file " + file + " (--password-file) does not exist", e);
        } catch (CharacterCodingException e) {
            throw new UsageException("The password file " + file + " (--password-file) is not UTF-8 text", e);
        } catch (IOException e) {
            throw new UsageException(
                    "Cannot read the password file " + file + " (--password-file): "
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    e);
        }
        // files written with echo or an editor end with a line break that is no part of the password
        String password = text.endsWith("\r\n")
                ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (password.isEmpty()) {
            throw new UsageException("The password file " + file + " (--password-file) is empty");
        }
        return password;
    }
}
