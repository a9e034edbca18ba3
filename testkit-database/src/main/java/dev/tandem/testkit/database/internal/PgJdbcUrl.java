package dev.tandem.testkit.database.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL JDBC URL split into what comes before the database name, the database name, and the raw query
 * parameters, so that the database can be swapped and credentials moved out of the URL.
 *
 * @param head {@code jdbc:postgresql://hosts/} or {@code jdbc:postgresql:}
 * @param database the database name, possibly empty
 * @param parameters raw {@code key=value} query parameters in their original order
 */
public record PgJdbcUrl(String head, String database, List<String> parameters) {
    private static final Pattern AMPERSAND = Pattern.compile("&");

    /** Copies the parameters. */
    public PgJdbcUrl {
        requireNonNull(head, "head");
        requireNonNull(database, "database");
        parameters = List.copyOf(parameters);
    }

    /**
     * {@return the parsed URL}
     *
     * @param url a URL starting with {@code jdbc:postgresql:}
     * @throws IllegalArgumentException if it does not
     */
    public static PgJdbcUrl parse(String url) {
        if (!JdbcUrls.isPostgres(url)) {
            throw new IllegalArgumentException(
                    "Not a PostgreSQL JDBC URL (must start with jdbc:postgresql:): " + JdbcUrls.mask(url));
        }
        int query = url.indexOf('?');
        String withoutQuery = query < 0 ? url : url.substring(0, query);
        List<String> parameters = new ArrayList<>();
        if (query >= 0) {
            for (String parameter : AMPERSAND.split(url.substring(query + 1), -1)) {
                if (!parameter.isEmpty()) {
                    parameters.add(parameter);
                }
            }
        }
        String rest = withoutQuery.substring(JdbcUrls.PREFIX.length());
        if (!rest.startsWith("//")) {
            return new PgJdbcUrl(JdbcUrls.PREFIX, rest, parameters);
        }
        int slash = rest.indexOf('/', 2);
        if (slash < 0) {
            return new PgJdbcUrl(withoutQuery + "/", "", parameters);
        }
        return new PgJdbcUrl(JdbcUrls.PREFIX + rest.substring(0, slash + 1), rest.substring(slash + 1), parameters);
    }

    /**
     * {@return the decoded value of a query parameter, or {@code null} if it is absent}
     *
     * @param name the parameter name, compared exactly (as pgjdbc does)
     */
    public @Nullable String parameter(String name) {
        String prefix = name + "=";
        for (String parameter : parameters) {
            if (parameter.startsWith(prefix)) {
                return URLDecoder.decode(parameter.substring(prefix.length()), UTF_8);
            }
        }
        return null;
    }

    /**
     * {@return a copy without the named query parameters}
     *
     * @param names parameter names to drop
     */
    public PgJdbcUrl withoutParameters(Set<String> names) {
        List<String> kept = new ArrayList<>();
        for (String parameter : parameters) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            if (!names.contains(name)) {
                kept.add(parameter);
            }
        }
        return new PgJdbcUrl(head, database, kept);
    }

    /**
     * {@return a copy that names another database}
     *
     * @param database the database name; must need no URL encoding (test database names are lower-case identifiers)
     */
    public PgJdbcUrl withDatabase(String database) {
        return new PgJdbcUrl(head, database, parameters);
    }

    /** {@return the URL as text; may contain secrets, so never log it without {@link JdbcUrls#mask}} */
    @Override
    public String toString() {
        return parameters.isEmpty() ? head + database : head + database + "?" + String.join("&", parameters);
    }
}
