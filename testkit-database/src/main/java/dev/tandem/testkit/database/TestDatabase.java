package dev.tandem.testkit.database;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A fresh database on a {@link PostgresServer}, created for one test or test class. Thread-safe.
 *
 * <p>{@link #close()} closes every connection pool handed out, terminates the remaining sessions of the database
 * ({@code pg_terminate_backend}) and drops it.
 */
public final class TestDatabase implements AutoCloseable {
    /** Pool size of {@link #dataSource()}. */
    public static final int DEFAULT_POOL_SIZE = 10;

    private final PostgresServer server;
    private final String name;
    private final String jdbcUrl;
    private final String user;
    private final @Nullable String password;

    private final Object lock = new Object();
    private final List<HikariDataSource> pools = new ArrayList<>();
    private @Nullable HikariDataSource dataSource;
    private int poolCount;
    private boolean closed;

    TestDatabase(PostgresServer server, String name, String jdbcUrl, String user, @Nullable String password) {
        this.server = requireNonNull(server, "server");
        this.name = requireNonNull(name, "name");
        this.jdbcUrl = requireNonNull(jdbcUrl, "jdbcUrl");
        this.user = requireNonNull(user, "user");
        this.password = password;
    }

    /** {@return the database name, {@code <prefix>_<random>}; a lower-case identifier of at most 63 bytes} */
    public String name() {
        return name;
    }

    /** {@return the JDBC URL of this database, without credentials} */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** {@return the user to connect as} */
    public String user() {
        return user;
    }

    /** {@return the password to connect with, or {@code null} if the server needs none} */
    public @Nullable String password() {
        return password;
    }

    /**
     * {@return the database's shared connection pool (HikariCP, at most 10 connections), created on first use} Do
     * not close it; {@link #close()} does.
     *
     * @throws IllegalStateException if this database was closed
     */
    public DataSource dataSource() {
        synchronized (lock) {
            checkOpen();
            HikariDataSource existing = dataSource;
            if (existing != null) {
                return existing;
            }
            HikariDataSource created = createPool(DEFAULT_POOL_SIZE, "tandem-test", config -> {});
            dataSource = created;
            return created;
        }
    }

    /**
     * Creates an extra connection pool, for example one per application version in an expand/contract test. The
     * caller may close it early; {@link #close()} closes it otherwise.
     *
     * @param maxPoolSize most connections the pool opens, at least 1
     * @param applicationName {@code application_name} of its sessions, as seen in {@code pg_stat_activity}
     * @return the new pool
     * @throws IllegalArgumentException if {@code maxPoolSize} is below 1
     * @throws IllegalStateException if this database was closed
     */
    public HikariDataSource newDataSource(int maxPoolSize, String applicationName) {
        return newDataSource(maxPoolSize, applicationName, config -> {});
    }

    /**
     * Creates an extra connection pool whose settings {@code configure} may change before it opens: another user (an
     * application role), driver properties ({@link HikariConfig#addDataSourceProperty}), a {@link
     * HikariConfig#setConnectionInitSql connection init statement}. The caller may close it early; {@link #close()}
     * closes it otherwise.
     *
     * @param maxPoolSize most connections the pool opens, at least 1
     * @param applicationName {@code application_name} of its sessions, as seen in {@code pg_stat_activity}
     * @param configure changes the pool's configuration; called once, before the pool opens
     * @return the new pool
     * @throws IllegalArgumentException if {@code maxPoolSize} is below 1
     * @throws IllegalStateException if this database was closed
     */
    public HikariDataSource newDataSource(int maxPoolSize, String applicationName, Consumer<HikariConfig> configure) {
        requireNonNull(applicationName, "applicationName");
        requireNonNull(configure, "configure");
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1 but was " + maxPoolSize);
        }
        synchronized (lock) {
            checkOpen();
            return createPool(maxPoolSize, applicationName, configure);
        }
    }

    /**
     * Closes every pool handed out, terminates the remaining sessions of this database and drops it. Idempotent.
     *
     * @throws PostgresUnavailableException if the database could not be dropped; the message says how to drop it by
     *     hand
     */
    @Override
    public void close() {
        if (closePools()) {
            server.drop(this);
        }
    }

    /** Closes the pools without dropping the database; {@return whether this call closed the database} */
    @CanIgnoreReturnValue
    boolean closePools() {
        List<HikariDataSource> toClose;
        synchronized (lock) {
            if (closed) {
                return false;
            }
            closed = true;
            toClose = List.copyOf(pools);
            pools.clear();
            dataSource = null;
        }
        for (HikariDataSource pool : toClose) {
            // Hikari aborts connections still in use; their sessions are terminated when the database is dropped.
            pool.close();
        }
        return true;
    }

    private HikariDataSource createPool(int maxPoolSize, String applicationName, Consumer<HikariConfig> configure) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxPoolSize);
        // Test databases come and go by the hundred; keep no idle connections around.
        config.setMinimumIdle(0);
        config.setPoolName("tandem-" + name + "-" + ++poolCount);
        config.addDataSourceProperty("ApplicationName", applicationName);
        configure.accept(config);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Test database " + name + " was closed");
        }
    }

    /** {@return the database name and server, without secrets} */
    @Override
    public String toString() {
        return "TestDatabase[" + name + " on " + server.description() + "]";
    }
}
