package dev.tandem.testkit.database;

import static java.util.Objects.requireNonNull;

import dev.tandem.testkit.database.internal.DatabaseNames;
import dev.tandem.testkit.database.internal.ServerHandle;
import dev.tandem.testkit.database.internal.Sql;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running PostgreSQL server for tests: embedded, a Testcontainers container, or an existing server. Thread-safe.
 * Get one from {@link PostgresServers}; give each test (class) its own database with {@link #createDatabase(String)}.
 *
 * <p>Closing a server closes the test databases still open on it, then stops the server if the test kit started it
 * (an external server keeps running; its leftover test databases are dropped). Closing a {@linkplain
 * PostgresServers#shared(TestPostgresConfig) shared} server does nothing: a JVM shutdown hook stops it.
 */
public final class PostgresServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

    private final ServerHandle handle;
    private final boolean shared;
    private final Set<TestDatabase> openDatabases = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopped = new AtomicBoolean();

    PostgresServer(ServerHandle handle, boolean shared) {
        this.handle = requireNonNull(handle, "handle");
        this.shared = shared;
    }

    /** {@return where this server comes from: never {@link PostgresSource#AUTO}} */
    public PostgresSource source() {
        return handle.source();
    }

    /**
     * {@return a one-line description for logs and messages, never with a password} For example {@code embedded
     * PostgreSQL 17.6 (zonky binaries 17.6.0)} or {@code external server jdbc:postgresql://db:5432/postgres}.
     */
    public String description() {
        return handle.description();
    }

    /** {@return the server's major version, from {@code server_version_num}, e.g. 17} */
    public int majorVersion() {
        return handle.info().majorVersion();
    }

    /** {@return the server's {@code server_version}, e.g. {@code 17.6}} */
    public String serverVersion() {
        return handle.info().serverVersion();
    }

    /**
     * {@return the JDBC URL of the server's maintenance database, without credentials} Tests should normally use a
     * {@link TestDatabase} instead.
     */
    public String jdbcUrl() {
        return handle.adminJdbcUrl();
    }

    /** {@return whether this is a shared server, which {@link #close()} leaves running} */
    public boolean isShared() {
        return shared;
    }

    /**
     * Creates a fresh, empty database named {@code <prefix>_<random>}.
     *
     * @param prefix 1 to 50 lower-case letters, digits and underscores, not starting with a digit, e.g. {@code
     *     orders_it}
     * @return the database; close it to drop it
     * @throws IllegalArgumentException if the prefix is not allowed
     * @throws IllegalStateException if this server was closed
     * @throws PostgresUnavailableException if the server refuses, for example because the user lacks the CREATEDB
     *     privilege (the message says what to grant)
     */
    public TestDatabase createDatabase(String prefix) {
        requireNonNull(prefix, "prefix");
        String name = DatabaseNames.newName(prefix, ThreadLocalRandom.current());
        checkRunning();
        Sql.createDatabase(handle, name);
        TestDatabase database = new TestDatabase(
                this, name, handle.jdbcUrlFor(name), handle.info().user(), handle.password());
        openDatabases.add(database);
        log.debug("Created database {} on {}", name, handle.description());
        return database;
    }

    /**
     * Closes the databases still open on this server and stops it, unless it is {@linkplain #isShared() shared}, in
     * which case this does nothing. Idempotent.
     *
     * @throws PostgresUnavailableException if a leftover database could not be dropped (the server is stopped anyway)
     */
    @Override
    public void close() {
        if (!shared) {
            stop();
        }
    }

    /** Stops the server, shared or not. Idempotent. */
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        PostgresUnavailableException failure = null;
        for (TestDatabase database : List.copyOf(openDatabases)) {
            try {
                if (handle.source() == PostgresSource.EXTERNAL) {
                    database.close();
                } else {
                    database.closePools();
                }
            } catch (PostgresUnavailableException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        openDatabases.clear();
        handle.stop();
        log.info("Stopped {}", handle.description());
        if (failure != null) {
            throw failure;
        }
    }

    /** Drops a database created here; called by {@link TestDatabase#close()}. */
    void drop(TestDatabase database) {
        openDatabases.remove(database);
        int terminated = Sql.terminateAndDrop(handle, database.name());
        log.debug(
                "Dropped database {} on {} ({} sessions terminated)",
                database.name(),
                handle.description(),
                terminated);
    }

    private void checkRunning() {
        if (stopped.get()) {
            throw new IllegalStateException("PostgreSQL server " + handle.description() + " was closed");
        }
    }

    /** {@return the description} */
    @Override
    public String toString() {
        return "PostgresServer[" + handle.description() + "]";
    }
}
