package dev.tandem.testkit.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when the PostgreSQL server asked for cannot be provided or used: the external server does not answer, no
 * binaries for the embedded server can be found, Testcontainers has no Docker engine, or the server refuses to create
 * or drop a test database. The message says what was tried and which setting to change. Another source is never used
 * silently instead.
 */
public class PostgresUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final @Nullable String sqlState;

    /**
     * Creates an exception.
     *
     * @param message what failed, what was tried, and which setting to change
     */
    public PostgresUnavailableException(String message) {
        this(message, null);
    }

    /**
     * Creates an exception.
     *
     * @param message what failed, what was tried, and which setting to change
     * @param cause the underlying failure, or {@code null}; its SQLState is kept if it is an {@link SQLException}
     */
    public PostgresUnavailableException(String message, @Nullable Throwable cause) {
        super(message, cause);
        this.sqlState = cause instanceof SQLException e ? e.getSQLState() : null;
    }

    /** {@return the SQLState of the underlying {@link SQLException}, or {@code null} if there is none} */
    public @Nullable String sqlState() {
        return sqlState;
    }
}
