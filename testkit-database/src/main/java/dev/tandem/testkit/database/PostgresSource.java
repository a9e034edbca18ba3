package dev.tandem.testkit.database;

/**
 * Where the PostgreSQL server for tests comes from. Chosen with {@code tandem.postgres.source} (system property) or
 * {@code TANDEM_POSTGRES_SOURCE} (environment variable); see {@link TestPostgresConfig#fromEnvironment()}.
 */
public enum PostgresSource {
    /**
     * An existing server if a JDBC URL is configured ({@link #EXTERNAL}), else {@link #EMBEDDED}. Testcontainers is
     * never chosen automatically.
     */
    AUTO,
    /** The existing server at the configured JDBC URL; fails if there is none or it does not answer. */
    EXTERNAL,
    /** A PostgreSQL container started by Testcontainers; needs Testcontainers on the classpath and a Docker engine. */
    TESTCONTAINERS,
    /** An embedded PostgreSQL started from binaries resolved for the requested major version; needs no Docker. */
    EMBEDDED;

    /** {@return the value as written in {@code tandem.postgres.source}, e.g. {@code "embedded"}} */
    public String settingValue() {
        return switch (this) {
            case AUTO -> "auto";
            case EXTERNAL -> "external";
            case TESTCONTAINERS -> "testcontainers";
            case EMBEDDED -> "embedded";
        };
    }
}
