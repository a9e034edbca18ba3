package dev.tandem.testkit.database;

import static java.util.Objects.requireNonNull;

import dev.tandem.testkit.database.internal.ServerHandle;
import dev.tandem.testkit.database.internal.ServerLauncher;
import dev.tandem.testkit.database.internal.SourceSelection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts PostgreSQL servers for tests. Thread-safe.
 *
 * <p>{@link #shared(TestPostgresConfig)} gives one server per distinct configuration per JVM, started on first use
 * and stopped by a JVM shutdown hook; {@link #start(TestPostgresConfig)} gives a private server that the caller
 * closes.
 *
 * <p>A server comes from exactly the source the configuration selects; if that source cannot provide one, a {@link
 * PostgresUnavailableException} says why, and no other source is tried.
 */
public final class PostgresServers {
    private static final Logger log = LoggerFactory.getLogger(PostgresServers.class);

    private static final ConcurrentMap<Key, Slot> SHARED = new ConcurrentHashMap<>();
    private static final AtomicBoolean SHUTDOWN_HOOK = new AtomicBoolean();

    private PostgresServers() {}

    /**
     * Returns the JVM-wide server for a configuration, starting it on first use. Concurrent callers with equal
     * configurations (after {@link TestPostgresConfig#effectiveSource() AUTO is resolved}) get the same server; a
     * failed start is not remembered, so the next call tries again.
     *
     * @param config which server
     * @return the shared server; its {@link PostgresServer#close()} does nothing
     * @throws PostgresUnavailableException if the configured source cannot provide a server
     */
    public static PostgresServer shared(TestPostgresConfig config) {
        requireNonNull(config, "config");
        Key key = Key.of(config);
        return SHARED.computeIfAbsent(key, k -> new Slot()).get(config);
    }

    /**
     * Starts a private server; the caller closes it.
     *
     * @param config which server
     * @return the running server
     * @throws PostgresUnavailableException if the configured source cannot provide a server
     */
    public static PostgresServer start(TestPostgresConfig config) {
        requireNonNull(config, "config");
        return launch(config, false);
    }

    private static PostgresServer launch(TestPostgresConfig config, boolean shared) {
        long started = System.nanoTime();
        ServerHandle handle = ServerLauncher.launch(config, shared);
        log.info(
                "Started {}{} in {} ms",
                shared ? "shared " : "",
                handle.description(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return new PostgresServer(handle, shared);
    }

    private static void stopShared() {
        for (Slot slot : List.copyOf(SHARED.values())) {
            PostgresServer server = slot.server;
            if (server == null) {
                continue;
            }
            try {
                server.stop();
            } catch (RuntimeException e) {
                // A shutdown hook cannot throw; this is the last word on it.
                log.error("Could not stop {} cleanly", server.description(), e);
            }
        }
    }

    /** The identity of a shared server: what is irrelevant to the selected source is left out. */
    private record Key(
            PostgresSource source,
            int majorVersion,
            @Nullable String jdbcUrl,
            @Nullable String user,
            @Nullable String password) {
        static Key of(TestPostgresConfig config) {
            PostgresSource source = SourceSelection.select(config.source(), config.jdbcUrl() != null);
            if (source == PostgresSource.EXTERNAL) {
                return new Key(source, 0, config.jdbcUrl(), config.user(), config.password());
            }
            return new Key(source, config.majorVersion(), null, null, null);
        }

        @Override
        public String toString() {
            return "Key[" + source + ", " + majorVersion + "]";
        }
    }

    /** Holds one shared server; starting it under the slot's lock lets other configurations start in parallel. */
    private static final class Slot {
        private volatile @Nullable PostgresServer server;

        synchronized PostgresServer get(TestPostgresConfig config) {
            PostgresServer existing = server;
            if (existing != null) {
                return existing;
            }
            if (SHUTDOWN_HOOK.compareAndSet(false, true)) {
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(PostgresServers::stopShared, "tandem-postgres-shutdown"));
            }
            PostgresServer started = launch(config, true);
            server = started;
            return started;
        }
    }
}
