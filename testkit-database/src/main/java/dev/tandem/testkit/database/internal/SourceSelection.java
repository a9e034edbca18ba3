package dev.tandem.testkit.database.internal;

import dev.tandem.testkit.database.PostgresSource;
import dev.tandem.testkit.database.PostgresUnavailableException;

/** Decides which source serves a configuration. Pure: no I/O, so it is unit-tested without a database. */
public final class SourceSelection {
    private SourceSelection() {}

    /**
     * {@return the source that will be used} {@link PostgresSource#AUTO} picks {@link PostgresSource#EXTERNAL} when a
     * JDBC URL is configured and {@link PostgresSource#EMBEDDED} otherwise; Testcontainers is used only when asked
     * for. Any other source is kept as asked for, never swapped for another.
     *
     * @param requested the configured source
     * @param jdbcUrlConfigured whether a JDBC URL of an existing server is configured
     */
    public static PostgresSource effectiveSource(PostgresSource requested, boolean jdbcUrlConfigured) {
        if (requested == PostgresSource.AUTO) {
            return jdbcUrlConfigured ? PostgresSource.EXTERNAL : PostgresSource.EMBEDDED;
        }
        return requested;
    }

    /**
     * {@return the source to start, as {@link #effectiveSource}}
     *
     * @param requested the configured source
     * @param jdbcUrlConfigured whether a JDBC URL of an existing server is configured
     * @throws PostgresUnavailableException if {@link PostgresSource#EXTERNAL} is asked for without a JDBC URL
     */
    public static PostgresSource select(PostgresSource requested, boolean jdbcUrlConfigured) {
        PostgresSource source = effectiveSource(requested, jdbcUrlConfigured);
        if (source == PostgresSource.EXTERNAL && !jdbcUrlConfigured) {
            throw new PostgresUnavailableException(Messages.externalWithoutUrl());
        }
        return source;
    }

    /**
     * {@return whether a configured JDBC URL goes unused because another source was asked for explicitly}
     *
     * @param requested the configured source
     * @param jdbcUrlConfigured whether a JDBC URL of an existing server is configured
     */
    public static boolean ignoresJdbcUrl(PostgresSource requested, boolean jdbcUrlConfigured) {
        return jdbcUrlConfigured && effectiveSource(requested, true) != PostgresSource.EXTERNAL;
    }
}
