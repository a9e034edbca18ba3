package dev.tandem.testkit.database.internal;

import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/** Names of test databases: {@code <prefix>_<random>}, valid lower-case identifiers of at most 63 bytes. */
public final class DatabaseNames {
    /** Longest prefix allowed, so that prefix, underscore and suffix fit PostgreSQL's 63-byte limit. */
    public static final int MAX_PREFIX_LENGTH = 50;

    static final int SUFFIX_LENGTH = 12;

    private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private DatabaseNames() {}

    /**
     * {@return a new database name}
     *
     * @param prefix lower-case letters, digits and underscores, not starting with a digit, 1 to 50 characters
     * @param random source of the suffix
     * @throws IllegalArgumentException if the prefix is not allowed
     */
    public static String newName(String prefix, RandomGenerator random) {
        checkPrefix(prefix);
        StringBuilder name = new StringBuilder(prefix.length() + 1 + SUFFIX_LENGTH)
                .append(prefix)
                .append('_');
        for (int i = 0; i < SUFFIX_LENGTH; i++) {
            name.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return name.toString();
    }

    /**
     * Checks a prefix.
     *
     * @param prefix the prefix
     * @throws IllegalArgumentException if it is not 1 to 50 lower-case letters, digits and underscores, not starting
     *     with a digit
     */
    public static void checkPrefix(String prefix) {
        if (prefix.isEmpty()
                || prefix.length() > MAX_PREFIX_LENGTH
                || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("Database name prefix must be 1 to " + MAX_PREFIX_LENGTH
                    + " lower-case letters, digits and underscores, not starting with a digit, but was '" + prefix
                    + "'");
        }
    }
}
