package dev.tandem.testkit.database.internal;

import dev.tandem.testkit.database.PostgresSource;
import dev.tandem.testkit.database.PostgresUnavailableException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An embedded PostgreSQL started by zonky from binaries for the requested major version. */
final class EmbeddedServer implements ServerHandle {
    /** Settings for throw-away test servers: speed over durability, and visible lock waits. */
    static final Map<String, String> SERVER_SETTINGS = settings();

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final ResolvedBinaries binaries;
    private final Path dataDirectory;
    private final ServerInfo info;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private EmbeddedServer(EmbeddedPostgres postgres, ResolvedBinaries binaries, Path dataDirectory, ServerInfo info) {
        this.postgres = postgres;
        this.binaries = binaries;
        this.dataDirectory = dataDirectory;
        this.info = info;
    }

    /**
     * Starts a server.
     *
     * @param zonkyShutdownHook whether zonky stops the server at JVM exit; off for shared servers, whose own hook
     *     stops them (two hooks racing to stop and delete the same server only produce noise)
     */
    static ServerHandle start(int majorVersion, BinarySettings settings, boolean zonkyShutdownHook) {
        ResolvedBinaries binaries = new EmbeddedBinaries(settings).resolve(majorVersion, Platform.current());
        Path dataDirectory;
        try {
            dataDirectory = Files.createTempDirectory("tandem-postgres-" + majorVersion + "-");
        } catch (IOException e) {
            throw new PostgresUnavailableException(Messages.embeddedStartFailed(binaries, e), e);
        }
        EmbeddedPostgres postgres;
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(new JarBinaryResolver(binaries.jar()))
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(true)
                    .setRegisterShutdownHook(zonkyShutdownHook)
                    .setPGStartupWait(Duration.ofSeconds(60));
            SERVER_SETTINGS.forEach(builder::setServerConfig);
            postgres = builder.start();
        } catch (IOException | RuntimeException e) {
            deleteRecursively(dataDirectory);
            throw new PostgresUnavailableException(Messages.embeddedStartFailed(binaries, e), e);
        }
        ServerInfo info;
        try {
            info = Sql.inspect(adminUrl(postgres.getPort()), USER, null);
        } catch (SQLException e) {
            close(postgres, dataDirectory);
            throw new PostgresUnavailableException(Messages.embeddedStartFailed(binaries, e), e);
        }
        if (info.majorVersion() != majorVersion) {
            close(postgres, dataDirectory);
            throw new PostgresUnavailableException(Messages.embeddedStartFailed(
                    binaries,
                    new IllegalStateException(
                            "the server reports version " + info.serverVersion() + ", not " + majorVersion + ".x")));
        }
        return new EmbeddedServer(postgres, binaries, dataDirectory, info);
    }

    @Override
    public PostgresSource source() {
        return PostgresSource.EMBEDDED;
    }

    @Override
    public ServerInfo info() {
        return info;
    }

    @Override
    public String description() {
        return "embedded PostgreSQL " + info.serverVersion() + " (zonky binaries " + binaries.version() + ")";
    }

    @Override
    public String adminJdbcUrl() {
        return adminUrl(postgres.getPort());
    }

    @Override
    public @Nullable String user() {
        return USER;
    }

    @Override
    public @Nullable String password() {
        return null;
    }

    @Override
    public String jdbcUrlFor(String database) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database;
    }

    @Override
    public void stop() {
        if (stopped.compareAndSet(false, true)) {
            close(postgres, dataDirectory);
        }
    }

    private static String adminUrl(int port) {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    private static void close(EmbeddedPostgres postgres, Path dataDirectory) {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("Could not stop embedded PostgreSQL with data directory {}", dataDirectory, e);
        }
        deleteRecursively(dataDirectory);
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not delete the data directory {}", directory, e);
        }
    }

    private static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("max_connections", "300");
        settings.put("fsync", "off");
        settings.put("synchronous_commit", "off");
        settings.put("full_page_writes", "off");
        settings.put("log_lock_waits", "on");
        settings.put("deadlock_timeout", "200ms");
        return Collections.unmodifiableMap(settings);
    }
}
