package dev.tandem.testkit.database.internal;

import dev.tandem.testkit.database.PostgresSource;
import org.jspecify.annotations.Nullable;

/** A running server of some source, as the public {@code PostgresServer} sees it. Implementations are thread-safe. */
public interface ServerHandle {
    /** {@return the source that started this server: external, Testcontainers or embedded} */
    PostgresSource source();

    /** {@return what the server reported about itself when it was started} */
    ServerInfo info();

    /** {@return a one-line description without secrets} */
    String description();

    /** {@return the JDBC URL of the maintenance database, without credentials} */
    String adminJdbcUrl();

    /** {@return the user to connect as, or {@code null} for the driver's default} */
    @Nullable
    String user();

    /** {@return the password, or {@code null} if none is configured} */
    @Nullable
    String password();

    /**
     * {@return the JDBC URL of a database on this server, without credentials}
     *
     * @param database the database name
     */
    String jdbcUrlFor(String database);

    /** Stops the server if this handle started it; an external server is left running. Idempotent. */
    void stop();
}
