package dev.tandem.testkit.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresServersIT {
    private static final TestPostgresConfig EMBEDDED_DEFAULT = TestPostgresConfig.defaults()
            .withSource(PostgresSource.EMBEDDED)
            .withMajorVersion(TestPostgresConfig.DEFAULT_MAJOR_VERSION);

    @Test
    void shared_concurrentCallsWithEqualConfigs_oneServer() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch ready = new CountDownLatch(2);
            CompletableFuture<PostgresServer> first = CompletableFuture.supplyAsync(
                    () -> {
                        ready.countDown();
                        awaitQuietly(ready);
                        return PostgresServers.shared(EMBEDDED_DEFAULT);
                    },
                    executor);
            CompletableFuture<PostgresServer> second = CompletableFuture.supplyAsync(
                    () -> {
                        ready.countDown();
                        awaitQuietly(ready);
                        return PostgresServers.shared(
                                TestPostgresConfig.defaults()); // AUTO, no URL: embedded, default version
                    },
                    executor);

            assertThat(first.get(5, TimeUnit.MINUTES)).isSameAs(second.get(5, TimeUnit.MINUTES));
            assertThat(first.get().isShared()).isTrue();
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void shared_close_isNoOpAndServerStaysUsable() throws SQLException {
        PostgresServer server = PostgresServers.shared(EMBEDDED_DEFAULT);

        server.close();

        try (TestDatabase database = server.createDatabase("after_close")) {
            assertThat(Sessions.databaseExists(server, database.name())).isTrue();
        }
        assertThat(PostgresServers.shared(EMBEDDED_DEFAULT)).isSameAs(server);
    }

    @Test
    void shared_fromEnvironment_runsTheVersionTheBuildAskedFor() {
        TestPostgresConfig config = TestPostgresConfig.fromEnvironment();

        PostgresServer server = PostgresServers.shared(config);

        assertThat(server.majorVersion()).isEqualTo(config.majorVersion());
        assertThat(server.source()).isEqualTo(config.effectiveSource());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
