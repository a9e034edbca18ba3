package dev.tandem.testkit.database.internal;

import java.util.regex.Pattern;

/** Helpers for PostgreSQL JDBC URLs: recognise them and mask their secrets for messages and logs. */
public final class JdbcUrls {
    /** What a masked secret is replaced with. */
    public static final String MASK = "***";

    static final String PREFIX = "jdbc:postgresql:";

    // Any parameter whose name ends in "password" (password, sslpassword, ...), up to the next separator.
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;][^?&;=]*password=)[^&;#]*");
    // "//user:secret@host" is not pgjdbc syntax, but people write it; never echo the secret.
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?]*:)[^/@?]*@");

    private JdbcUrls() {}

    /**
     * {@return whether the URL is for the PostgreSQL JDBC driver}
     *
     * @param url any JDBC URL
     */
    public static boolean isPostgres(String url) {
        return url.startsWith(PREFIX);
    }

    /**
     * {@return the URL with every password replaced by {@value #MASK}}
     *
     * @param url a JDBC URL, possibly malformed
     */
    public static String mask(String url) {
        String masked = PASSWORD_PARAMETER.matcher(url).replaceAll("$1" + MASK);
        return USER_INFO.matcher(masked).replaceAll("$1" + MASK + "@");
    }
}
