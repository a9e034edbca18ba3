package dev.tandem.testkit.database;

import static java.util.Objects.requireNonNull;

import dev.tandem.testkit.database.internal.JdbcUrls;
import dev.tandem.testkit.database.internal.SourceSelection;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Which PostgreSQL server tests use. Immutable and thread-safe; {@code equals} compares every component, so equal
 * configurations share one {@linkplain PostgresServers#shared(TestPostgresConfig) shared server}.
 *
 * <p>{@link #toString()} masks the password, also inside the JDBC URL.
 *
 * @param source where the server comes from; {@link PostgresSource#AUTO} picks {@link PostgresSource#EXTERNAL} if a
 *     JDBC URL is set, else {@link PostgresSource#EMBEDDED}
 * @param majorVersion PostgreSQL major version for embedded and Testcontainers servers, at least 10 (default 17); an
 *     external server is used with whatever version it runs
 * @param jdbcUrl JDBC URL of an existing server ({@code jdbc:postgresql:...}), or {@code null}
 * @param user user for the existing server, or {@code null} to take it from the URL (or the driver's default)
 * @param password password for the existing server, or {@code null} to take it from the URL (or none)
 */
public record TestPostgresConfig(
        PostgresSource source,
        int majorVersion,
        @Nullable String jdbcUrl,
        @Nullable String user,
        @Nullable String password) {

    /** The PostgreSQL major version used when none is configured. */
    public static final int DEFAULT_MAJOR_VERSION = 18;

    /** System property naming the JDBC URL of an existing server. */
    public static final String JDBC_URL_PROPERTY = "tandem.test.jdbc.url";
    /** Environment variable naming the JDBC URL of an existing server. */
    public static final String JDBC_URL_ENV = "TANDEM_TEST_JDBC_URL";
    /** System property naming the user for the existing server. */
    public static final String JDBC_USER_PROPERTY = "tandem.test.jdbc.user";
    /** Environment variable naming the user for the existing server. */
    public static final String JDBC_USER_ENV = "TANDEM_TEST_JDBC_USER";
    /** System property naming the password for the existing server. */
    public static final String JDBC_PASSWORD_PROPERTY = "tandem.test.jdbc.password";
    /** Environment variable naming the password for the existing server. */
    public static final String JDBC_PASSWORD_ENV = "TANDEM_TEST_JDBC_PASSWORD";
    /** System property naming the PostgreSQL major version, such as {@code 14} or {@code 17}. */
    public static final String VERSION_PROPERTY = "tandem.postgres.version";
    /** Environment variable naming the PostgreSQL major version, such as {@code 14} or {@code 17}. */
    public static final String VERSION_ENV = "TANDEM_POSTGRES_VERSION";
    /** System property naming the source: {@code auto}, {@code external}, {@code testcontainers} or {@code embedded}. */
    public static final String SOURCE_PROPERTY = "tandem.postgres.source";
    /** Environment variable naming the source: {@code auto}, {@code external}, {@code testcontainers} or {@code embedded}. */
    public static final String SOURCE_ENV = "TANDEM_POSTGRES_SOURCE";

    /**
     * Checks the components.
     *
     * @throws NullPointerException if {@code source} is null
     * @throws IllegalArgumentException if {@code majorVersion} is below 10 or {@code jdbcUrl} is not a PostgreSQL JDBC
     *     URL
     */
    public TestPostgresConfig {
        requireNonNull(source, "source");
        if (majorVersion < 10) {
            throw new IllegalArgumentException(
                    "majorVersion must be a PostgreSQL major version of 10 or later, such as 14 or 17, but was "
                            + majorVersion);
        }
        if (jdbcUrl != null && !JdbcUrls.isPostgres(jdbcUrl)) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:, such as"
                    + " jdbc:postgresql://localhost:5432/postgres, but was '" + JdbcUrls.mask(jdbcUrl) + "'");
        }
    }

    /** {@return the defaults: {@link PostgresSource#AUTO}, major version 17, no external server} */
    public static TestPostgresConfig defaults() {
        return new TestPostgresConfig(PostgresSource.AUTO, DEFAULT_MAJOR_VERSION, null, null, null);
    }

    /**
     * Reads the configuration from system properties and environment variables; for each setting a non-blank system
     * property wins over the environment variable:
     *
     * <ul>
     *   <li>{@code tandem.test.jdbc.url} / {@code TANDEM_TEST_JDBC_URL}: JDBC URL of an existing server
     *   <li>{@code tandem.test.jdbc.user} / {@code TANDEM_TEST_JDBC_USER}: its user
     *   <li>{@code tandem.test.jdbc.password} / {@code TANDEM_TEST_JDBC_PASSWORD}: its password
     *   <li>{@code tandem.postgres.version} / {@code TANDEM_POSTGRES_VERSION}: a major version such as {@code 14}
     *   <li>{@code tandem.postgres.source} / {@code TANDEM_POSTGRES_SOURCE}: {@code auto} (default), {@code
     *       external}, {@code testcontainers} or {@code embedded}
     * </ul>
     *
     * @return the configuration; unset settings keep their {@linkplain #defaults() defaults}
     * @throws IllegalArgumentException if a setting has a value that cannot be used; the message names the setting
     */
    public static TestPostgresConfig fromEnvironment() {
        return fromSettings(System.getProperties(), System.getenv());
    }

    /** {@link #fromEnvironment()} with the system properties and environment given, for tests. */
    static TestPostgresConfig fromSettings(Properties systemProperties, Map<String, String> environment) {
        Settings settings = new Settings(systemProperties, environment);
        Setting source = settings.get(SOURCE_PROPERTY, SOURCE_ENV);
        Setting version = settings.get(VERSION_PROPERTY, VERSION_ENV);
        return new TestPostgresConfig(
                source == null ? PostgresSource.AUTO : parseSource(source),
                version == null ? DEFAULT_MAJOR_VERSION : parseMajorVersion(version),
                valueOf(settings.get(JDBC_URL_PROPERTY, JDBC_URL_ENV)),
                valueOf(settings.get(JDBC_USER_PROPERTY, JDBC_USER_ENV)),
                valueOf(settings.get(JDBC_PASSWORD_PROPERTY, JDBC_PASSWORD_ENV)));
    }

    /**
     * {@return a copy with another source} The receiver is unchanged.
     *
     * @param source where the server comes from
     */
    public TestPostgresConfig withSource(PostgresSource source) {
        return new TestPostgresConfig(source, majorVersion, jdbcUrl, user, password);
    }

    /**
     * {@return a copy with another major version} The receiver is unchanged.
     *
     * @param majorVersion PostgreSQL major version, at least 10
     * @throws IllegalArgumentException if {@code majorVersion} is below 10
     */
    public TestPostgresConfig withMajorVersion(int majorVersion) {
        return new TestPostgresConfig(source, majorVersion, jdbcUrl, user, password);
    }

    /**
     * {@return a copy with another external JDBC URL} The receiver is unchanged.
     *
     * @param jdbcUrl JDBC URL of an existing server, or {@code null} for none
     * @throws IllegalArgumentException if {@code jdbcUrl} does not start with {@code jdbc:postgresql:}
     */
    public TestPostgresConfig withJdbcUrl(@Nullable String jdbcUrl) {
        return new TestPostgresConfig(source, majorVersion, jdbcUrl, user, password);
    }

    /**
     * {@return a copy with other credentials for the external server} The receiver is unchanged.
     *
     * @param user user, or {@code null} to take it from the URL
     * @param password password, or {@code null} to take it from the URL
     */
    public TestPostgresConfig withCredentials(@Nullable String user, @Nullable String password) {
        return new TestPostgresConfig(source, majorVersion, jdbcUrl, user, password);
    }

    /**
     * {@return the source that will actually be used} {@link PostgresSource#AUTO} becomes {@link
     * PostgresSource#EXTERNAL} if a JDBC URL is set, else {@link PostgresSource#EMBEDDED}; other sources stay as they
     * are.
     */
    public PostgresSource effectiveSource() {
        return SourceSelection.effectiveSource(source, jdbcUrl != null);
    }

    /** {@return a description with the password masked, also inside the JDBC URL} */
    @Override
    public String toString() {
        return "TestPostgresConfig[source=" + source + ", majorVersion=" + majorVersion + ", jdbcUrl="
                + (jdbcUrl == null ? null : JdbcUrls.mask(jdbcUrl)) + ", user=" + user + ", password="
                + (password == null ? null : JdbcUrls.MASK) + "]";
    }

    private static PostgresSource parseSource(Setting setting) {
        String value = setting.value().trim().toLowerCase(Locale.ROOT);
        for (PostgresSource source : PostgresSource.values()) {
            if (source.settingValue().equals(value)) {
                return source;
            }
        }
        throw new IllegalArgumentException(setting.origin()
                + " must be one of auto, external, testcontainers, embedded, but was '" + setting.value() + "'");
    }

    private static int parseMajorVersion(Setting setting) {
        String value = setting.value().trim();
        if (value.matches("[0-9]{1,4}")) {
            int major = Integer.parseInt(value);
            if (major >= 10) {
                return major;
            }
        }
        throw new IllegalArgumentException(setting.origin()
                + " must be a PostgreSQL major version of 10 or later, such as 14 or 17, but was '" + setting.value()
                + "'");
    }

    private static @Nullable String valueOf(@Nullable Setting setting) {
        return setting == null ? null : setting.value();
    }

    /** A configured value and where it came from, for messages. */
    private record Setting(String value, String origin) {}

    private record Settings(Properties systemProperties, Map<String, String> environment) {
        @Nullable
        Setting get(String property, String variable) {
            String fromProperty = systemProperties.getProperty(property);
            if (fromProperty != null && !fromProperty.isBlank()) {
                return new Setting(fromProperty, "System property " + property);
            }
            String fromEnvironment = environment.get(variable);
            if (fromEnvironment != null && !fromEnvironment.isBlank()) {
                return new Setting(fromEnvironment, "Environment variable " + variable);
            }
            return null;
        }
    }
}
