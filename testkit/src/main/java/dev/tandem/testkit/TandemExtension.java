package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.testkit.database.PostgresServer;
import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.PostgresSource;
import dev.tandem.testkit.database.PostgresUnavailableException;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link TandemTest}: one fresh database per test class on a real PostgreSQL, parameters
 * for the database, a migrator, a lock recorder and the compatibility harness, and a check for leaked connections and
 * advisory locks after each test. See {@link TandemTest} for the parameters and where the server comes from.
 *
 * <p>Register it with the annotation, or in code with {@code @RegisterExtension} on a static field (use one or the
 * other, not both):
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TandemExtension TANDEM = TandemExtension.create().withPostgresVersion(14);
 * }</pre>
 *
 * <p>The database is created in {@code beforeAll} (or when a per-class test instance first needs it) and dropped when
 * the test class's extension store closes. {@code @Nested} classes share their enclosing class's database.
 *
 * <p>Instances are immutable and thread-safe; per-class state lives in the JUnit extension store.
 */
public final class TandemExtension implements BeforeAllCallback, AfterEachCallback, ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(TandemExtension.class);
    private static final String SERVER = "server";
    private static final String DATABASE = "database";
    private static final String RECORDER = "recorder";
    private static final Set<Class<?>> PARAMETER_TYPES = Set.of(
            DataSource.class,
            TestDatabase.class,
            PostgresServer.class,
            PostgresMigrator.class,
            LockRecorder.class,
            CompatibilityHarness.class);

    private final @Nullable TestPostgresConfig config;
    private final int postgres;
    private final PostgresSource source;
    private final PostgresOptions options;
    private final boolean readAnnotation;

    /** Creates the extension as {@link TandemTest} registers it: configured by the annotation and the environment. */
    public TandemExtension() {
        this(null, 0, PostgresSource.AUTO, PostgresOptions.defaults(), true);
    }

    private TandemExtension(
            @Nullable TestPostgresConfig config,
            int postgres,
            PostgresSource source,
            PostgresOptions options,
            boolean readAnnotation) {
        this.config = config;
        this.postgres = postgres;
        this.source = source;
        this.options = options;
        this.readAnnotation = readAnnotation;
    }

    /**
     * {@return an extension for {@code @RegisterExtension}, configured by the environment (see {@link
     * TestPostgresConfig#fromEnvironment()}) and by its withers}
     */
    public static TandemExtension create() {
        return new TandemExtension(null, 0, PostgresSource.AUTO, PostgresOptions.defaults(), false);
    }

    /**
     * {@return a copy that starts this PostgreSQL major version for an embedded or container server; the receiver is
     * unchanged}
     *
     * @param majorVersion such as 14 or 17, at least 10
     * @throws IllegalArgumentException if {@code majorVersion} is below 10
     */
    public TandemExtension withPostgresVersion(int majorVersion) {
        if (majorVersion < 10) {
            throw new IllegalArgumentException(
                    "majorVersion must be a PostgreSQL major version of 10 or later, but was " + majorVersion);
        }
        return new TandemExtension(config, majorVersion, source, options, readAnnotation);
    }

    /**
     * {@return a copy that takes the server from {@code source}; the receiver is unchanged} {@link PostgresSource#AUTO}
     * leaves the choice to {@code tandem.postgres.source}.
     *
     * @param source the source
     */
    public TandemExtension withSource(PostgresSource source) {
        return new TandemExtension(config, postgres, requireNonNull(source, "source"), options, readAnnotation);
    }

    /**
     * {@return a copy that uses {@code config} instead of reading the environment; the receiver is unchanged}
     *
     * @param config the server configuration
     */
    public TandemExtension withConfig(TestPostgresConfig config) {
        return new TandemExtension(requireNonNull(config, "config"), postgres, source, options, readAnnotation);
    }

    /**
     * {@return a copy whose injected migrators and harnesses use {@code options}; the receiver is unchanged}
     *
     * @param options the migrator options
     */
    public TandemExtension withOptions(PostgresOptions options) {
        return new TandemExtension(config, postgres, source, requireNonNull(options, "options"), readAnnotation);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            return; // the test failed already; a leak report would only hide why
        }
        TestDatabase database = classContext(context).getStore(NAMESPACE).get(DATABASE, TestDatabase.class);
        if (database == null) {
            return;
        }
        int connections = activeConnections(database.dataSource());
        List<String> advisory = advisoryLocks(database.dataSource());
        String message = leakMessage(context.getDisplayName(), connections, advisory);
        if (message != null) {
            throw new AssertionError(message);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return PARAMETER_TYPES.contains(parameterContext.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        Class<?> type = parameterContext.getParameter().getType();
        TestDatabase database = database(context);
        if (type == DataSource.class) {
            return database.dataSource();
        } else if (type == TestDatabase.class) {
            return database;
        } else if (type == PostgresServer.class) {
            return server(context);
        } else if (type == LockRecorder.class) {
            return recorder(context, database);
        } else if (type == PostgresMigrator.class) {
            return PostgresMigrator.create(
                    database.dataSource(), recorder(context, database).attachTo(options));
        } else if (type == CompatibilityHarness.class) {
            return CompatibilityHarness.on(server(context)).withOptions(options);
        }
        throw new ParameterResolutionException("TandemExtension cannot resolve " + type.getName());
    }

    private static LockRecorder recorder(ExtensionContext context, TestDatabase database) {
        return context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(RECORDER, k -> LockRecorder.create(database.dataSource()), LockRecorder.class);
    }

    private PostgresServer server(ExtensionContext context) {
        database(context);
        return requireNonNull(classContext(context).getStore(NAMESPACE).get(SERVER, PostgresServer.class), SERVER);
    }

    /** The class's database, created on first use; nested classes find their enclosing class's in a parent store. */
    @CanIgnoreReturnValue
    private TestDatabase database(ExtensionContext context) {
        ExtensionContext owner = classContext(context);
        ExtensionContext.Store store = owner.getStore(NAMESPACE);
        TestDatabase existing = store.get(DATABASE, TestDatabase.class);
        if (existing != null) {
            return existing;
        }
        Class<?> testClass = owner.getRequiredTestClass();
        TestPostgresConfig resolved;
        try {
            resolved = resolve(testClass);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@TandemTest " + testClass.getName() + ": " + e.getMessage(), e);
        }
        PostgresServer server;
        TestDatabase database;
        try {
            server = PostgresServers.shared(resolved);
            database = server.createDatabase(databasePrefix(testClass));
        } catch (PostgresUnavailableException e) {
            throw new ExtensionConfigurationException(unavailableMessage(testClass, resolved, e.getMessage()), e);
        }
        store.put(SERVER, server);
        // Closed (dropped) by JUnit when the class's store closes: AutoCloseable values are, since JUnit 5.13.
        store.put(DATABASE, database);
        return database;
    }

    private TestPostgresConfig resolve(Class<?> testClass) {
        TestPostgresConfig base = config != null ? config : TestPostgresConfig.fromEnvironment();
        if (readAnnotation) {
            Optional<TandemTest> annotation = findAnnotation(testClass);
            if (annotation.isPresent()) {
                base = resolve(
                        base, annotation.get().postgres(), annotation.get().source());
            }
        }
        return resolve(base, postgres, source);
    }

    /**
     * {@return the configuration with the class's (or the extension's) settings applied over the environment's}
     *
     * @param environment the configuration from the environment
     * @param postgres a major version, or 0 to keep the environment's
     * @param source a source, or AUTO to keep the environment's
     */
    static TestPostgresConfig resolve(TestPostgresConfig environment, int postgres, PostgresSource source) {
        TestPostgresConfig out = environment;
        if (postgres != 0) {
            out = out.withMajorVersion(postgres);
        }
        if (source != PostgresSource.AUTO) {
            out = out.withSource(source);
        }
        return out;
    }

    private static Optional<TandemTest> findAnnotation(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            Optional<TandemTest> found = AnnotationSupport.findAnnotation(c, TandemTest.class);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() || current.getTestClass().isEmpty()) {
            Optional<ExtensionContext> parent = current.getParent();
            if (parent.isEmpty()) {
                return context;
            }
            current = parent.get();
        }
        return current;
    }

    /**
     * {@return the database name prefix for a test class: its simple name in snake case, such as {@code
     * customers_compatibility_it}}
     *
     * @param testClass the test class
     */
    static String databasePrefix(Class<?> testClass) {
        String name = testClass.getSimpleName();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)
                    && i > 0
                    && (Character.isLowerCase(name.charAt(i - 1))
                            || (i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1))))) {
                out.append('_');
            }
            out.append(c < 128 && Character.isLetterOrDigit(c) ? c : '_');
        }
        String prefix =
                out.toString().toLowerCase(Locale.ROOT).replaceAll("_+", "_").replaceAll("^_|_$", "");
        if (prefix.isEmpty() || !Character.isLetter(prefix.charAt(0))) {
            prefix = "t_" + prefix;
        }
        return prefix.length() > 40 ? prefix.substring(0, 40).replaceAll("_$", "") : prefix;
    }

    /**
     * {@return the failure message for a server that cannot be had}
     *
     * @param testClass the test class
     * @param config what was asked for
     * @param cause the test kit's message: what failed and which setting to change
     */
    static String unavailableMessage(Class<?> testClass, TestPostgresConfig config, @Nullable String cause) {
        String tried = switch (config.effectiveSource()) {
            case EXTERNAL -> "the existing server at TANDEM_TEST_JDBC_URL";
            case TESTCONTAINERS -> "a Testcontainers PostgreSQL " + config.majorVersion() + " container";
            case EMBEDDED, AUTO -> "embedded PostgreSQL " + config.majorVersion();
        };
        return "@TandemTest " + testClass.getName() + ": no PostgreSQL for the test class; tried " + tried + " ("
                + config + "). " + cause;
    }

    /**
     * {@return the failure message for what a test left behind, or {@code null} if it left nothing}
     *
     * @param test the test's display name
     * @param connections connections of the class's pool still in use
     * @param advisoryLocks advisory locks still held, one description each
     */
    static @Nullable String leakMessage(String test, int connections, List<String> advisoryLocks) {
        List<String> leaks = new ArrayList<>();
        if (connections > 0) {
            leaks.add(connections + " connection" + (connections == 1 ? "" : "s") + " of the test database's pool"
                    + " still in use: close every Connection from the DataSource (try-with-resources)");
        }
        if (!advisoryLocks.isEmpty()) {
            leaks.add("advisory locks still held (" + String.join(", ", advisoryLocks) + "): release them with"
                    + " pg_advisory_unlock, or end the session that holds them");
        }
        return leaks.isEmpty() ? null : "Test " + test + " left " + String.join("; and ", leaks) + ".";
    }

    private static int activeConnections(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource hikari) {
            HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
            return pool == null ? 0 : pool.getActiveConnections();
        }
        return 0;
    }

    private static List<String> advisoryLocks(DataSource dataSource) {
        String sql = "SELECT format('key %s/%s held by pid %s (%s)', l.classid, l.objid, l.pid, a.application_name)"
                + " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database() ORDER BY 1";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Could not check for leaked advisory locks: SQLState " + e.getSQLState() + ": " + e.getMessage(),
                    e);
        }
    }
}
